//! `protoc-gen-ameide-py generate` (standalone, in-process generator) over the repo corpora, byte for byte
//! against the grpcio-tools reference (and the prefix oracle applied to it), with each compiler driver:
//! * embedded (the proto-compiler crate), `--compiler protoc` (grpcio-tools' protoc 35.1 through a captured
//!   request) and `--compiler buf` (buf 1.75.0): every file, editions included.

use e2e_tests::corpus::Corpus;
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::provision::{npm_tools, python_tools, scratch_dir};
use e2e_tests::reference::reference_tree;
use e2e_tests::standalone::{assert_generates, command, Compiler, GenerateRun};

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
    let expected = if mappings.is_empty() {
        reference
    } else {
        oracle::apply(&reference, &mappings)
    };
    let files = corpus.files.clone();
    let scratch = scratch_dir(name);
    let opts: Vec<String> = mappings.iter().map(Mapping::parameter).collect();
    let run = GenerateRun {
        compiler,
        root: &corpus.root,
        opts: &opts,
        files: &files,
    };
    let cmd = command(Some(&py), npm.as_ref(), &scratch);
    assert_generates(name, &scratch, cmd, &run, &expected);
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
