//! The parity checks shared by the test files: run the plugin over a corpus (through protoc or buf, with some
//! parameters) and compare its output tree byte for byte with the reference (or the oracle applied to it).

use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use crate::cache::locked_scratch;
use crate::compare::{assert_trees_equal, read_tree, report_path, Tree};
use crate::corpus::Corpus;
use crate::oracle::{self, Mapping};
use crate::plugin;
use crate::provision::{npm_tools, python_tools, NpmTools, PythonTools};
use crate::reference::{reference_tree, select_outputs};

/// What runs the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// `python -m grpc_tools.protoc` (protoc 35.1) with `--plugin`.
    Protoc,
    /// `buf generate` (buf 1.75.0) with a `local:` plugin, `strategy: all`.
    Buf,
}

/// One parity case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Unique name (scratch directory `target/e2e-scratch/<name>`).
    pub name: String,
    pub driver: Driver,
    /// `prefix=` mappings (empty: no prefix parameter).
    pub mappings: Vec<Mapping>,
    /// `outputs=` value (None: parameter absent = all three).
    pub outputs: Option<String>,
}

impl Case {
    pub fn new(name: &str, driver: Driver) -> Self {
        Case {
            name: name.to_string(),
            driver,
            mappings: Vec::new(),
            outputs: None,
        }
    }

    pub fn prefix(mut self, root: &str, py_prefix: &str) -> Self {
        self.mappings.push(Mapping::new(root, py_prefix));
        self
    }

    pub fn outputs(mut self, outputs: &str) -> Self {
        self.outputs = Some(outputs.to_string());
        self
    }

    /// The plugin parameter string (None if empty).
    pub fn parameter(&self) -> Option<String> {
        let mut parts: Vec<String> = self.mappings.iter().map(Mapping::parameter).collect();
        if let Some(o) = &self.outputs {
            parts.push(format!("outputs={o}"));
        }
        (!parts.is_empty()).then(|| parts.join(","))
    }

    /// The expected tree: the oracle applied to the reference, restricted to the selected outputs.
    pub fn expected(&self, reference: Tree) -> Tree {
        let tree = if self.mappings.is_empty() {
            reference
        } else {
            oracle::apply(&reference, &self.mappings)
        };
        match &self.outputs {
            Some(o) => select_outputs(&tree, o),
            None => tree,
        }
    }
}

/// The reference tools a case needs; `None` (skip) if unavailable outside CI.
pub fn tools(driver: Driver) -> Option<(PythonTools, Option<NpmTools>)> {
    let py = python_tools()?;
    match driver {
        Driver::Protoc => Some((py, None)),
        Driver::Buf => Some((py, Some(npm_tools()?))),
    }
}

/// Runs the plugin for `case` over `corpus` and returns the output directory (and the lock on its scratch
/// directory, see [`locked_scratch`]).
pub fn run_case(
    case: &Case,
    corpus: &Corpus,
    py: &PythonTools,
    npm: Option<&NpmTools>,
) -> (PathBuf, File) {
    let (scratch, guard) = locked_scratch(&case.name);
    let out = scratch.join("out");
    std::fs::create_dir_all(&out).expect("create output dir");
    let param = case.parameter();
    match case.driver {
        Driver::Protoc => plugin::run_with_protoc(py, corpus, &out, param.as_deref(), &scratch),
        Driver::Buf => plugin::run_with_buf(
            npm.expect("buf case needs npm tools"),
            py,
            corpus,
            &scratch,
            &out,
            param.as_deref(),
        ),
    }
    (out, guard)
}

/// The whole check: tools (or skip), reference (cached), plugin run, oracle, byte comparison.
pub fn check(case: &Case, corpus: impl FnOnce(Option<&NpmTools>) -> Corpus) {
    let Some((py, npm)) = tools(case.driver) else {
        return;
    };
    let t = Instant::now();
    let corpus = corpus(npm.as_ref());
    let reference = reference_tree(&py, &corpus);
    let t_reference = t.elapsed();
    let expected = case.expected(reference);
    let t_oracle = t.elapsed();
    let (out, _guard) = run_case(case, &corpus, &py, npm.as_ref());
    let t_run = t.elapsed();
    let actual = read_tree(&out);
    let label = format!(
        "{} [{:?}, corpus {}, param {:?}] vs {}",
        case.name,
        case.driver,
        corpus.name,
        case.parameter(),
        if case.mappings.is_empty() {
            "reference"
        } else {
            "oracle(reference)"
        }
    );
    assert_trees_equal(
        &label,
        &expected,
        &actual,
        &report_path(out.parent().expect("scratch"), "compare"),
    );
    eprintln!(
        "{}: reference {:.1?}, expected tree {:.1?}, plugin run {:.1?}, read + compare {:.1?}",
        case.name,
        t_reference,
        t_oracle - t_reference,
        t_run - t_oracle,
        t.elapsed() - t_run
    );
}

/// Several cases of the same driver in ONE protoc / buf run (the corpus is parsed once, the plugin invoked once
/// per case), each compared with its expectation. All comparisons run; the panic message holds every failing
/// report. `name` names the scratch directory; case `c` writes to `<scratch>/<c.name>/`.
pub fn check_together(
    name: &str,
    cases: &[Case],
    corpus: impl FnOnce(Option<&NpmTools>) -> Corpus,
) {
    let driver = cases.first().expect("at least one case").driver;
    assert!(
        cases.iter().all(|c| c.driver == driver),
        "one driver per run"
    );
    let Some((py, npm)) = tools(driver) else {
        return;
    };
    let t = Instant::now();
    let corpus = corpus(npm.as_ref());
    let reference = reference_tree(&py, &corpus);
    eprintln!("{name}: reference {:.1?}", t.elapsed());
    let runs: Vec<Run> = cases
        .iter()
        .map(|case| Run {
            name: case.name.clone(),
            param: case.parameter(),
            expected: case.expected(reference.clone()),
            against: if case.mappings.is_empty() {
                "reference"
            } else {
                "oracle(reference)"
            },
        })
        .collect();
    run_and_compare(name, driver, &py, npm.as_ref(), &corpus, &runs);
}

/// One plugin invocation of [`run_and_compare`] and what it must write.
#[derive(Debug, Clone)]
pub struct Run {
    /// Unique inside the run; its output goes to `<scratch>/<name>/`.
    pub name: String,
    pub param: Option<String>,
    pub expected: Tree,
    /// What `expected` is, for the report (`reference`, `oracle(reference)`, …).
    pub against: &'static str,
}

/// Runs the plugin once per entry of `runs` in ONE protoc / buf run over `corpus` and compares every output
/// tree with its expectation; panics with all failing reports. Identical outputs are deleted afterwards.
pub fn run_and_compare(
    name: &str,
    driver: Driver,
    py: &PythonTools,
    npm: Option<&NpmTools>,
    corpus: &Corpus,
    runs: &[Run],
) {
    let t = Instant::now();
    let (scratch, _guard) = locked_scratch(name);
    let plugin_runs: Vec<plugin::PluginRun> = runs
        .iter()
        .map(|r| plugin::PluginRun {
            out: scratch.join(&r.name),
            param: r.param.clone(),
        })
        .collect();
    match driver {
        Driver::Protoc => plugin::run_many_with_protoc(py, corpus, &plugin_runs, &scratch),
        Driver::Buf => plugin::run_many_with_buf(
            npm.expect("buf case needs npm tools"),
            py,
            corpus,
            &scratch,
            &plugin_runs,
        ),
    }
    let t_run = t.elapsed();
    let mut failures = Vec::new();
    for (run, plugin_run) in runs.iter().zip(&plugin_runs) {
        let actual = read_tree(&plugin_run.out);
        let label = format!(
            "{} [{driver:?}, corpus {}, param {:?}] vs {}",
            run.name, corpus.name, run.param, run.against
        );
        let report = report_path(&scratch, &run.name);
        if let Err(e) =
            std::panic::catch_unwind(|| assert_trees_equal(&label, &run.expected, &actual, &report))
        {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "comparison panicked".to_string());
            failures.push(msg);
        }
    }
    eprintln!(
        "{name}: {} plugin runs {t_run:.1?}, read + compare {:.1?}",
        runs.len(),
        t.elapsed() - t_run
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // all identical: drop the (possibly huge) outputs; on failure they stay for inspection
    for run in &plugin_runs {
        let _ = std::fs::remove_dir_all(&run.out);
    }
}

/// [`check_together`] for the googleapis corpus (needs the npm tools also for protoc cases).
pub fn check_googleapis_together(name: &str, cases: &[Case]) {
    let Some(npm) = npm_tools() else {
        return;
    };
    check_together(name, cases, |_| Corpus::googleapis(&npm));
}

/// [`check`] for the googleapis corpus (needs the npm tools also for protoc cases).
pub fn check_googleapis(case: &Case) {
    let Some(npm) = npm_tools() else { return };
    check(case, |_| Corpus::googleapis(&npm));
}
