//! `protoc-gen-ameide-py generate` (standalone, in-process generator) over the repo corpora, byte for byte
//! against the grpcio-tools reference (and the prefix oracle applied to it), with each compiler driver:
//! * embedded (protox): every non-editions file (editions files are rejected with a clear error, tested below);
//! * `--compiler protoc` (grpcio-tools' protoc 35.1 through a captured request) and `--compiler buf` (buf 1.75.0):
//!   every file, editions included.

use e2e_tests::compare::{assert_trees_equal, read_tree, report_path};
use e2e_tests::corpus::Corpus;
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::provision::{npm_tools, python_tools, scratch_dir};
use e2e_tests::reference::reference_tree;
use e2e_tests::standalone::{
    command, generate_explicit, non_editions_files, without_outputs_of, Compiler,
};

const CORE: (&str, &str) = ("ameide_core_proto", "ameide_sdk.proto");

fn run_case(name: &str, corpus: Corpus, compiler: Compiler, prefix: Option<(&str, &str)>) {
    let Some(py) = python_tools() else { return };
    let npm = match compiler {
        Compiler::Buf => match npm_tools() {
            Some(n) => Some(n),
            None => return,
        },
        _ => None,
    };
    let reference = reference_tree(&py, &corpus);
    let mappings: Vec<Mapping> = prefix
        .map(|(root, py_prefix)| Mapping::new(root, py_prefix))
        .into_iter()
        .collect();
    let mut expected = if mappings.is_empty() {
        reference
    } else {
        oracle::apply(&reference, &mappings)
    };
    let (files, editions) = non_editions_files(&corpus);
    let files = if compiler == Compiler::Embedded {
        expected = without_outputs_of(&expected, &editions);
        files
    } else {
        corpus.files.clone()
    };
    let scratch = scratch_dir(name);
    let out = scratch.join("out");
    let opts: Vec<String> = mappings.iter().map(Mapping::parameter).collect();
    generate_explicit(
        command(Some(&py), npm.as_ref(), &scratch),
        compiler,
        &corpus.root,
        &out,
        &opts,
        &files,
    );
    assert_trees_equal(
        &format!("{name} [generate --compiler {compiler:?}, param {opts:?}]"),
        &expected,
        &read_tree(&out),
        &report_path(&scratch, "compare"),
    );
}

#[test]
fn embedded_generate_repo_corpus_equals_reference() {
    run_case(
        "standalone-corpus-embedded",
        Corpus::repo(),
        Compiler::Embedded,
        None,
    );
}

#[test]
fn embedded_generate_repo_corpus_prefix_equals_oracle() {
    run_case(
        "standalone-corpus-embedded-prefix",
        Corpus::repo(),
        Compiler::Embedded,
        Some(CORE),
    );
}

#[test]
fn embedded_generate_extra_corpus_equals_reference() {
    run_case(
        "standalone-extra-embedded",
        Corpus::extra(),
        Compiler::Embedded,
        None,
    );
}

#[test]
fn embedded_generate_extra_corpus_prefix_equals_oracle() {
    run_case(
        "standalone-extra-embedded-prefix",
        Corpus::extra(),
        Compiler::Embedded,
        Some(CORE),
    );
}

#[test]
fn protoc_driver_generate_repo_corpus_equals_reference() {
    run_case(
        "standalone-corpus-protoc",
        Corpus::repo(),
        Compiler::Protoc,
        None,
    );
}

#[test]
fn protoc_driver_generate_extra_corpus_prefix_equals_oracle() {
    run_case(
        "standalone-extra-protoc-prefix",
        Corpus::extra(),
        Compiler::Protoc,
        Some(CORE),
    );
}

#[test]
fn buf_driver_generate_repo_corpus_equals_reference() {
    run_case("standalone-corpus-buf", Corpus::repo(), Compiler::Buf, None);
}

#[test]
fn embedded_rejects_editions_naming_the_file_and_the_alternatives() {
    let corpus = Corpus::repo();
    let scratch = scratch_dir("standalone-editions-error");
    let output = command(None, None, &scratch)
        .arg("generate")
        .arg("-I")
        .arg(&corpus.root)
        .arg("--out")
        .arg(scratch.join("out"))
        .arg("ameide_core_proto/editions/v1/editions.proto")
        .output()
        .expect("run generate");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(
        stderr.trim_end(),
        "ameide_core_proto/editions/v1/editions.proto: editions files (`edition = ...`) are not supported by the \
         embedded compiler (protox); use `--compiler protoc` or `--compiler buf`, which run those tools to build \
         the request"
    );
    assert!(!scratch.join("out").exists(), "nothing may be written");
}
