//! The prefixed output imports and works in a real Python interpreter (the reference venv: protobuf 7.36.2,
//! grpcio 1.85.3), under the default (upb) backend and under `PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python`.
//!
//! `tests/python/runtime_check.py` imports every module of the tree from the prefixed output root
//! (`ameide_sdk/proto/ameide_core_proto/...`), checks `__module__` of every message class, round-trips and pickles
//! messages, reads custom options / defaults / extensions / editions semantics, and fails if any unprefixed
//! `ameide_core_proto.*` module got imported. The oracle trees are run too, as a check of the script itself.

use std::path::Path;
use std::process::Command;

use e2e_tests::cache::locked_scratch;
use e2e_tests::compare::{read_tree, write_tree};
use e2e_tests::corpus::{golden_dir, Corpus};
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::plugin::run_with_protoc;
use e2e_tests::provision::{python_tools, repo_root, PythonTools};
use e2e_tests::reference::generated_only;

fn mappings(corpus: &str) -> Vec<Mapping> {
    let mut m = vec![Mapping::new("ameide_core_proto", "ameide_sdk.proto")];
    if corpus == "extra" {
        m.push(Mapping::new("extra_vendor/v1", "vendor.pinned"));
    }
    m
}

/// Runs the script on `tree` under both backends; panics with its output on failure.
fn runtime_check(py: &PythonTools, tree: &Path, corpus: &str, mappings: &[Mapping]) {
    let mut failures = Vec::new();
    for backend in ["upb", "python"] {
        let mut cmd = Command::new(py.python());
        cmd.arg(repo_root().join("tests/python/runtime_check.py"))
            .arg(tree)
            .arg(corpus)
            .args(["--backend", backend])
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("PYTHONPATH");
        for m in mappings {
            cmd.arg("--map")
                .arg(format!("{}={}", m.root_module(), m.prefix));
        }
        if backend == "python" {
            cmd.env("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION", "python");
        } else {
            cmd.env_remove("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION");
        }
        let out = cmd.output().expect("run runtime_check.py");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            eprintln!(
                "--- runtime_check.py {corpus} [{backend}] on {}:\n{text}",
                tree.display()
            );
        } else {
            failures.push(format!("--- backend {backend} ({}):\n{text}", out.status));
        }
    }
    assert!(
        failures.is_empty(),
        "runtime check of {} failed:\n{}",
        tree.display(),
        failures.join("\n")
    );
}

/// The oracle tree (what the plugin must produce) passes: checks the script and the oracle, not the plugin.
fn oracle_tree_passes(corpus: &str, golden: &str) {
    let Some(py) = python_tools() else { return };
    let (scratch, _guard) = locked_scratch(&format!("runtime-oracle-{corpus}"));
    let reference = generated_only(&read_tree(&golden_dir(golden)));
    write_tree(
        &scratch.join("tree"),
        &oracle::apply(&reference, &mappings(corpus)),
    );
    runtime_check(&py, &scratch.join("tree"), corpus, &mappings(corpus));
}

/// The plugin's prefixed output (driven by protoc) passes.
fn plugin_tree_passes(corpus: Corpus) {
    let Some(py) = python_tools() else { return };
    let (scratch, _guard) = locked_scratch(&format!("runtime-plugin-{}", corpus.name));
    let out = scratch.join("out");
    let maps = mappings(&corpus.name);
    run_with_protoc(
        &py,
        &corpus,
        &out,
        Some(&oracle::parameter(&maps)),
        &scratch,
    );
    runtime_check(&py, &out, &corpus.name, &maps);
}

#[test]
fn oracle_tree_of_corpus_passes_runtime_check() {
    oracle_tree_passes("corpus", "reference");
}

#[test]
fn oracle_tree_of_extra_corpus_passes_runtime_check() {
    oracle_tree_passes("extra", "extra-reference");
}

#[test]
fn plugin_prefixed_corpus_imports_and_round_trips() {
    plugin_tree_passes(Corpus::repo());
}

#[test]
fn plugin_prefixed_extra_corpus_imports_and_round_trips() {
    plugin_tree_passes(Corpus::extra());
}
