//! The reference for the typed-stub outputs (`outputs=mypy`, `mypy_grpc`): what mypy-protobuf writes with
//! `protoc --mypy_out --mypy_grpc_out`, and, for `prefix=`, what it writes for a copy of the corpus relocated
//! under the prefix ([`relocated`]: files moved, import statements adjusted).
//!
//! mypy-protobuf runs as a plugin of the reference protoc (grpcio-tools 1.85.1), from a venv of its own
//! ([`crate::provision::MYPY_PROTOBUF_PACKAGES`], or another release through [`mypy_protobuf`]). All parameter
//! variants of a corpus are generated in ONE protoc run (one plugin name per variant) and cached under
//! `target/e2e-cache/reference-mypy/`.

use std::fs;
use std::path::Path;

use crate::cache::{cached_dir, KeyHasher};
use crate::compare::{filter_tree, read_tree, Tree};
use crate::corpus::Corpus;
use crate::oracle::{self, Mapping};
use crate::provision::{PythonTools, MYPY_PROTOBUF_PACKAGES};
use crate::reference::reference_tree;
use crate::toolchains::runtime_venv;

/// Bump when the way references are generated changes.
const FORMAT: &str = "reference-mypy-v1";

/// The release the plugin imitates by default.
pub const DEFAULT_VERSION: &str = "5.1.0";

/// mypy-protobuf's parameter sets the suites compare (`""` = none); each is also a typed parameter of ours.
pub const VARIANTS: &[&str] = &[
    "",
    "readable_stubs",
    "relax_strict_optional_primitives",
    "use_default_deprecation_warnings",
    "generate_concrete_servicer_stubs",
    "only_sync",
    "only_async",
];

/// A mypy-protobuf release in its venv.
#[derive(Debug, Clone)]
pub struct MypyProtobuf {
    pub version: String,
    pub venv: PythonTools,
}

/// Provisions (once) mypy-protobuf `version` (`X.Y.Z`) with the reference protobuf runtime.
pub fn mypy_protobuf(version: &str) -> Option<MypyProtobuf> {
    let packages: Vec<String> = MYPY_PROTOBUF_PACKAGES
        .iter()
        .map(|p| match p.strip_prefix("mypy-protobuf==") {
            Some(_) => format!("mypy-protobuf=={version}"),
            None => (*p).to_string(),
        })
        .collect();
    let packages: Vec<&str> = packages.iter().map(String::as_str).collect();
    let venv = runtime_venv(&format!("mypy-protobuf-{version}"), &packages)?;
    Some(MypyProtobuf {
        version: version.to_string(),
        venv,
    })
}

/// mypy-protobuf's output for `corpus`, one tree per entry of `variants` (its parameter string), cached.
pub fn mypy_references(
    tools: &MypyProtobuf,
    py: &PythonTools,
    corpus: &Corpus,
    variants: &[&str],
) -> Vec<Tree> {
    let mut h = KeyHasher::default();
    h.str(FORMAT)
        .str(&tools.version)
        .str(&MYPY_PROTOBUF_PACKAGES.join(" "))
        .str(&crate::provision::PYTHON_PACKAGES.join(" "));
    for v in variants {
        h.str(v);
    }
    corpus.hash_into(&mut h);
    let name = format!(
        "{}-{}-{}",
        corpus.name,
        tools.version,
        if variants == [""] {
            "plain"
        } else {
            "variants"
        }
    );
    let dir = cached_dir("reference-mypy", &name, &h.hex(), |out| {
        generate(tools, py, corpus, variants, out)
    });
    (0..variants.len())
        .map(|i| read_tree(&dir.join(i.to_string())))
        .collect()
}

fn generate(
    tools: &MypyProtobuf,
    py: &PythonTools,
    corpus: &Corpus,
    variants: &[&str],
    out: &Path,
) {
    let argfile = out.with_extension("args");
    crate::reference::write_argfile(corpus, &argfile);
    let mut cmd = py.protoc();
    cmd.current_dir(&corpus.root)
        .arg("-I.")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let bin = tools.venv.bin();
    for (i, variant) in variants.iter().enumerate() {
        let dir = out.join(i.to_string());
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        // `quiet`: mypy-protobuf lists every file it writes on stderr otherwise
        let parameter = if variant.is_empty() {
            "quiet".to_string()
        } else {
            format!("quiet,{variant}")
        };
        for kind in ["mypy", "mypy_grpc"] {
            cmd.arg(format!(
                "--plugin=protoc-gen-{kind}{i}={}",
                bin.join(format!("protoc-gen-{kind}")).display()
            ))
            .arg(format!("--{kind}{i}_out={parameter}:{}", dir.display()));
        }
    }
    let started = std::time::Instant::now();
    let output = cmd
        .arg(format!("@{}", argfile.display()))
        .output()
        .expect("run grpc_tools.protoc with mypy-protobuf");
    let _ = fs::remove_file(&argfile);
    assert!(
        output.status.success(),
        "mypy-protobuf {} over corpus {} failed ({}):\n{}",
        tools.version,
        corpus.name,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "generated mypy-protobuf {} references for corpus {} ({} files, {} variants) in {:.1?}",
        tools.version,
        corpus.name,
        corpus.files.len(),
        variants.len(),
        started.elapsed()
    );
}

// ---- relocation ----------------------------------------------------------------------------------------------

/// The proto path a file has in the relocated tree: below `PY/PREFIX/` if its module lies under a mapped root
/// (the longest wins), never for `google/protobuf/**` (the runtime's modules are never prefixed).
pub fn relocated_path(file: &str, mappings: &[Mapping]) -> String {
    let stem = file.strip_suffix(".proto").unwrap_or(file);
    let module = stem.replace('-', "_").replace('/', ".");
    if module.starts_with("google.protobuf.") {
        return file.to_string();
    }
    mappings
        .iter()
        .filter(|m| module.starts_with(&format!("{}.", m.root_module())))
        .max_by_key(|m| m.root_module().len())
        .map_or_else(
            || file.to_string(),
            |m| format!("{}/{file}", m.prefix.replace('.', "/")),
        )
}

/// A `.proto` source with the path of every `import` statement (lines starting with `import`) relocated.
pub fn relocate_imports(source: &[u8], mappings: &[Mapping]) -> Vec<u8> {
    let mut out = Vec::with_capacity(source.len() + 64);
    for (i, line) in source.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if line.trim_ascii_start().starts_with(b"import") {
            out.extend(relocate_line(line, mappings));
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// Rewrites every quoted path on an import line (a line may hold several statements).
fn relocate_line(line: &[u8], mappings: &[Mapping]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + 32);
    let mut rest = line;
    while let Some(open) = rest.iter().position(|&b| b == b'"' || b == b'\'') {
        let quote = rest[open];
        let Some(len) = rest[open + 1..].iter().position(|&b| b == quote) else {
            break;
        };
        out.extend_from_slice(&rest[..=open]);
        let path = String::from_utf8_lossy(&rest[open + 1..open + 1 + len]);
        out.extend_from_slice(relocated_path(&path, mappings).as_bytes());
        out.push(quote);
        rest = &rest[open + len + 2..];
    }
    out.extend_from_slice(rest);
    out
}

/// A copy of `corpus` as if its files lived under the prefixes (cached under `target/e2e-cache/relocated/`).
pub fn relocated(corpus: &Corpus, mappings: &[Mapping]) -> Corpus {
    let mut h = KeyHasher::default();
    h.str("relocated-v1").str(&oracle::parameter(mappings));
    corpus.hash_into(&mut h);
    let tag: String = oracle::parameter(mappings)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let name = format!("{}-{tag}", corpus.name);
    let dir = cached_dir("relocated", &name, &h.hex(), |out| {
        for file in &corpus.files {
            let source =
                fs::read(corpus.root.join(file)).unwrap_or_else(|e| panic!("read {file}: {e}"));
            let target = out.join(relocated_path(file, mappings));
            fs::create_dir_all(target.parent().expect("file has a parent"))
                .expect("create relocated dir");
            fs::write(&target, relocate_imports(&source, mappings)).expect("write relocated file");
        }
    });
    Corpus::from_dir(&format!("{}-relocated", name), &dir)
}

// ---- expectations --------------------------------------------------------------------------------------------

/// Which files an `outputs=` value selects.
pub fn select(tree: &Tree, outputs: &str) -> Tree {
    let kinds: Vec<&str> = outputs.split('+').collect();
    filter_tree(tree, |p| {
        (kinds.contains(&"py") && p.ends_with("_pb2.py"))
            || (kinds.contains(&"grpc") && p.ends_with("_pb2_grpc.py"))
            || (kinds.contains(&"mypy") && p.ends_with("_pb2.pyi"))
            || (kinds.contains(&"mypy_grpc") && p.ends_with("_pb2_grpc.pyi"))
    })
}

/// The expected tree of `outputs` (of py, grpc, mypy, mypy_grpc) for `corpus` with `mappings`: grpcio-tools'
/// files (through the prefix oracle) and mypy-protobuf's (`mypy`, for the relocated corpus under a prefix).
pub fn expected_tree(
    py: &PythonTools,
    corpus: &Corpus,
    mappings: &[Mapping],
    outputs: &str,
    mypy: &Tree,
) -> Tree {
    let mut tree = select(mypy, outputs);
    let grpcio_kinds: Vec<&str> = (outputs.split('+'))
        .filter(|k| *k == "py" || *k == "grpc")
        .collect();
    if !grpcio_kinds.is_empty() {
        let reference = reference_tree(py, corpus);
        let reference = if mappings.is_empty() {
            reference
        } else {
            oracle::apply(&reference, mappings)
        };
        tree.extend(select(&reference, &grpcio_kinds.join("+")));
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relocation_moves_files_under_roots_and_their_imports() {
        let maps = [
            Mapping::new("ameide_core_proto", "ameide_sdk.proto"),
            Mapping::new("google/cloud", "acme.gcp"),
        ];
        assert_eq!(
            relocated_path("ameide_core_proto/a/v1/x-y.proto", &maps),
            "ameide_sdk/proto/ameide_core_proto/a/v1/x-y.proto"
        );
        assert_eq!(
            relocated_path("google/cloud/a.proto", &maps),
            "acme/gcp/google/cloud/a.proto"
        );
        assert_eq!(
            relocated_path("google/protobuf/any.proto", &maps),
            "google/protobuf/any.proto"
        );
        assert_eq!(
            relocated_path("ameide_core_protox/a.proto", &maps),
            "ameide_core_protox/a.proto"
        );
        let source = b"syntax = \"proto3\";\n// import \"google/cloud/c.proto\";\nimport \"google/cloud/a.proto\"; import public 'ameide_core_proto/b.proto';\n  import \"google/protobuf/any.proto\";\n";
        assert_eq!(
            String::from_utf8(relocate_imports(source, &maps)).expect("utf-8"),
            "syntax = \"proto3\";\n// import \"google/cloud/c.proto\";\nimport \"acme/gcp/google/cloud/a.proto\"; import public 'ameide_sdk/proto/ameide_core_proto/b.proto';\n  import \"google/protobuf/any.proto\";\n"
        );
    }

    #[test]
    fn outputs_select_files() {
        let tree: Tree = ["a_pb2.py", "a_pb2.pyi", "a_pb2_grpc.py", "a_pb2_grpc.pyi"]
            .iter()
            .map(|p| (p.to_string(), Vec::new()))
            .collect();
        assert_eq!(
            select(&tree, "mypy+grpc").keys().collect::<Vec<_>>(),
            ["a_pb2.pyi", "a_pb2_grpc.py"]
        );
    }
}
