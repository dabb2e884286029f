//! Parity cases for the typed-stub outputs: the plugin with `outputs=…mypy…` over a corpus, through protoc or
//! buf, against mypy-protobuf's output ([`crate::mypy_protobuf`]) and, for `py` / `grpc`, grpcio-tools'.

use std::collections::BTreeMap;

use crate::compare::Tree;
use crate::corpus::Corpus;
use crate::mypy_protobuf::{
    expected_tree, mypy_protobuf, mypy_references, relocated, DEFAULT_VERSION, VARIANTS,
};
use crate::oracle::{self, Mapping};
use crate::parity::{run_and_compare, tools, Driver, Run};
use crate::provision::{npm_tools, NpmTools};

/// One typed-stub case.
#[derive(Debug, Clone)]
pub struct TypedCase {
    pub name: String,
    pub mappings: Vec<Mapping>,
    /// `outputs=`: what protoc writes with `--python_out --mypy_out --grpc_python_out --mypy_grpc_out` by default.
    pub outputs: String,
    /// mypy-protobuf's parameters, one of [`VARIANTS`].
    pub variant: &'static str,
    /// The mypy-protobuf release (`mypy_protobuf_version=` unless the default).
    pub version: &'static str,
}

impl TypedCase {
    pub fn new(name: &str) -> Self {
        TypedCase {
            name: name.to_string(),
            mappings: Vec::new(),
            outputs: "py+mypy+grpc+mypy_grpc".to_string(),
            variant: "",
            version: DEFAULT_VERSION,
        }
    }

    pub fn prefix(mut self, root: &str, py_prefix: &str) -> Self {
        self.mappings.push(Mapping::new(root, py_prefix));
        self
    }

    pub fn outputs(mut self, outputs: &str) -> Self {
        self.outputs = outputs.to_string();
        self
    }

    pub fn variant(mut self, variant: &'static str) -> Self {
        assert!(VARIANTS.contains(&variant), "unknown variant {variant}");
        self.variant = variant;
        self
    }

    pub fn version(mut self, version: &'static str) -> Self {
        self.version = version;
        self
    }

    /// The plugin parameter.
    pub fn parameter(&self) -> String {
        let mut parts = vec![format!("outputs={}", self.outputs)];
        parts.extend(self.mappings.iter().map(Mapping::parameter));
        if !self.variant.is_empty() {
            parts.push(self.variant.to_string());
        }
        if self.version != DEFAULT_VERSION {
            parts.push(format!("mypy_protobuf_version={}", self.version));
        }
        parts.join(",")
    }
}

/// All `cases` over `corpus` in ONE protoc / buf run, each compared with mypy-protobuf's output for the corpus
/// (relocated under the prefixes of a case) with the case's parameters, plus grpcio-tools' `_pb2.py` /
/// `_pb2_grpc.py` where selected.
pub fn check_typed(
    name: &str,
    driver: Driver,
    cases: &[TypedCase],
    corpus: impl FnOnce(Option<&NpmTools>) -> Corpus,
) {
    let Some((py, npm)) = tools(driver) else {
        return;
    };
    let corpus = corpus(npm.as_ref());
    // the references of each (prefix mappings, release): all variants in one mypy-protobuf run
    let mut references: BTreeMap<(String, &str), Vec<Tree>> = BTreeMap::new();
    let mut runs = Vec::new();
    for case in cases {
        let key = (oracle::parameter(&case.mappings), case.version);
        if !references.contains_key(&key) {
            let Some(tools) = mypy_protobuf(case.version) else {
                return;
            };
            let source = if case.mappings.is_empty() {
                corpus.clone()
            } else {
                relocated(&corpus, &case.mappings)
            };
            let same_source =
                |c: &&TypedCase| oracle::parameter(&c.mappings) == key.0 && c.version == key.1;
            let variants: &[&str] = if cases
                .iter()
                .filter(same_source)
                .all(|c| c.variant.is_empty())
            {
                &[""]
            } else {
                VARIANTS
            };
            let trees = mypy_references(&tools, &py, &source, variants);
            let trees = VARIANTS
                .iter()
                .map(|v| {
                    variants
                        .iter()
                        .position(|x| x == v)
                        .map_or_else(Tree::new, |i| trees[i].clone())
                })
                .collect();
            references.insert(key.clone(), trees);
        }
        let variant = VARIANTS
            .iter()
            .position(|v| *v == case.variant)
            .expect("known variant");
        let mypy = &references[&key][variant];
        assert!(
            !mypy.is_empty(),
            "mypy-protobuf generated nothing for {}",
            case.name
        );
        runs.push(Run {
            name: case.name.clone(),
            param: Some(case.parameter()),
            expected: expected_tree(&py, &corpus, &case.mappings, &case.outputs, mypy),
            against: if case.mappings.is_empty() {
                "mypy-protobuf (+ grpcio-tools)"
            } else {
                "mypy-protobuf on the relocated corpus (+ oracle(grpcio-tools))"
            },
        });
    }
    run_and_compare(name, driver, &py, npm.as_ref(), &corpus, &runs);
}

/// [`check_typed`] for the googleapis corpus without the files mypy-protobuf cannot generate
/// ([`crate::corpus::Corpus::googleapis_for_mypy`]).
pub fn check_typed_googleapis(name: &str, driver: Driver, cases: &[TypedCase]) {
    let Some(npm) = npm_tools() else {
        return;
    };
    check_typed(name, driver, cases, |_| Corpus::googleapis_for_mypy(&npm));
}
