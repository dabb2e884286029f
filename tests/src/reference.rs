//! Reference outputs: what grpcio-tools 1.85.1 (protoc 35.1's python and pyi generators plus the grpc python
//! plugin) generates for a corpus, in ONE protoc run over all its files:
//! `python -m grpc_tools.protoc -I. --python_out=OUT --pyi_out=OUT --grpc_python_out=OUT @files`.
//!
//! Cached under `target/e2e-cache/reference/<corpus>-<key>/`, keyed by a hash of the corpus (file names and
//! contents), the pinned tool versions and this command; file-locked, so concurrent tests (also in other
//! processes) generate it once.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cache::{cached_dir, KeyHasher};
use crate::compare::{read_tree, Tree};
use crate::corpus::Corpus;
use crate::provision::{PythonTools, PYTHON_PACKAGES};

/// Bump when the way references are generated changes.
const FORMAT: &str =
    "reference-v1 grpc_tools.protoc -I. --python_out --pyi_out --grpc_python_out @argfile";

/// The protoc arguments that generate the reference outputs of all corpus files into `out`, via an argument file
/// written to `argfile` (the googleapis file list is far longer than the argument-length limit).
pub fn write_argfile(corpus: &Corpus, argfile: &Path) {
    fs::write(argfile, corpus.argfile_contents())
        .unwrap_or_else(|e| panic!("write {}: {e}", argfile.display()));
}

/// The directory holding the reference outputs of `corpus` (generated on first use).
pub fn reference_dir(py: &PythonTools, corpus: &Corpus) -> PathBuf {
    let mut h = KeyHasher::default();
    h.str(FORMAT).str(&PYTHON_PACKAGES.join(" "));
    corpus.hash_into(&mut h);
    cached_dir("reference", &corpus.name, &h.hex(), |out| {
        generate(py, corpus, out)
    })
}

/// The reference outputs of `corpus` as a tree.
pub fn reference_tree(py: &PythonTools, corpus: &Corpus) -> Tree {
    read_tree(&reference_dir(py, corpus))
}

fn generate(py: &PythonTools, corpus: &Corpus, out: &Path) {
    let argfile = out.with_extension("args");
    write_argfile(corpus, &argfile);
    let started = std::time::Instant::now();
    let output = py
        .protoc()
        .current_dir(&corpus.root)
        .arg("-I.")
        .arg(format!("--python_out={}", out.display()))
        .arg(format!("--pyi_out={}", out.display()))
        .arg(format!("--grpc_python_out={}", out.display()))
        .arg(format!("@{}", argfile.display()))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run grpc_tools.protoc");
    let _ = fs::remove_file(&argfile);
    assert!(
        output.status.success(),
        "reference generation for corpus {} failed ({}):\n{}",
        corpus.name,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "generated reference outputs for corpus {} ({} files) in {:.1?}",
        corpus.name,
        corpus.files.len(),
        started.elapsed()
    );
}

/// The files of a tree that the three generators produce (drops e.g. `PROTOC_VERSION.txt` of the golden trees).
pub fn generated_only(tree: &Tree) -> Tree {
    crate::compare::filter_tree(tree, |p| {
        p.ends_with("_pb2.py") || p.ends_with("_pb2.pyi") || p.ends_with("_pb2_grpc.py")
    })
}

/// The files of a tree selected by an `outputs=` value (`py`, `pyi`, `grpc`, `+`-joined).
pub fn select_outputs(tree: &Tree, outputs: &str) -> Tree {
    let kinds: Vec<&str> = outputs.split('+').collect();
    crate::compare::filter_tree(tree, |p| {
        (kinds.contains(&"grpc") && p.ends_with("_pb2_grpc.py"))
            || (kinds.contains(&"py") && p.ends_with("_pb2.py"))
            || (kinds.contains(&"pyi") && p.ends_with("_pb2.pyi"))
    })
}
