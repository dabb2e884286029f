//! Error behaviour of the plugin:
//! * bad parameters → CodeGeneratorResponse.error, so protoc (and buf) fail and print our message, which names
//!   the offending parameter; nothing is generated;
//! * malformed request bytes on stdin → non-zero exit, exactly one line on stderr, never a panic.

use std::path::Path;

use e2e_tests::cache::locked_scratch;
use e2e_tests::corpus::Corpus;
use e2e_tests::plugin::{
    buf_command, protoc_command, request_path, run_on_stdin, top_level_records,
};
use e2e_tests::provision::{npm_tools, path_with, python_tools};

/// A one-file corpus (any file works: parameters are checked before generating).
fn small_corpus() -> Corpus {
    let mut corpus = Corpus::repo();
    corpus.name = "corpus-small".into();
    corpus.files = vec!["thirdparty/acme/v1/types.proto".into()];
    corpus
}

fn files_below(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    files_below(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

/// protoc must fail, and its stderr must contain every one of `needles`.
fn protoc_rejects(test: &str, param: &str, needles: &[&str]) {
    let Some(py) = python_tools() else { return };
    let (scratch, _guard) = locked_scratch(test);
    let out = scratch.join("out");
    let output = protoc_command(&py, &small_corpus(), &out, Some(param), &scratch)
        .output()
        .expect("run protoc");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "protoc accepted parameter {param:?}; stderr:\n{stderr}"
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "protoc stderr for parameter {param:?} does not name {needle:?}:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains("panicked"),
        "the plugin panicked on parameter {param:?}:\n{stderr}"
    );
    assert_eq!(
        files_below(&out),
        0,
        "files were generated despite the error"
    );
}

#[test]
fn unknown_parameter_key_is_an_error() {
    protoc_rejects("errors-unknown-key", "bogus_key=1", &["bogus_key"]);
}

#[test]
fn unknown_key_next_to_valid_ones_is_an_error() {
    protoc_rejects(
        "errors-unknown-key-mixed",
        "prefix=ameide_core_proto:ameide_sdk.proto,root=x",
        &["root"],
    );
}

#[test]
fn prefix_without_colon_is_an_error() {
    protoc_rejects(
        "errors-prefix-no-colon",
        "prefix=ameide_core_proto",
        &["prefix", "ameide_core_proto"],
    );
}

#[test]
fn two_mappings_for_the_same_root_are_an_error() {
    protoc_rejects(
        "errors-duplicate-root",
        "prefix=ameide_core_proto:ameide_sdk.proto,prefix=ameide_core_proto:other.pkg",
        &["prefix", "ameide_core_proto"],
    );
}

#[test]
fn unknown_output_kind_is_an_error() {
    protoc_rejects(
        "errors-unknown-output",
        "outputs=py+bogus_kind",
        &["bogus_kind"],
    );
}

#[test]
fn malformed_grpc_version_is_an_error() {
    protoc_rejects(
        "errors-grpc-version",
        "grpc_version=not.a.version",
        &["grpc_version"],
    );
}

#[test]
fn buf_reports_the_plugin_error() {
    let (Some(py), Some(npm)) = (python_tools(), npm_tools()) else {
        return;
    };
    let (scratch, _guard) = locked_scratch("errors-buf-unknown-key");
    let out = scratch.join("out");
    let output = buf_command(
        &npm,
        &small_corpus(),
        &scratch.join("bufws"),
        &out,
        Some("bogus_key=1"),
    )
    .env("PATH", path_with(&py.bin()))
    .output()
    .expect("run buf");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "buf accepted an unknown parameter; stderr:\n{stderr}"
    );
    assert!(
        stderr.contains("bogus_key"),
        "buf stderr does not name the parameter:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(files_below(&out), 0);
}

/// Malformed request bytes: non-zero exit, one line on stderr, no panic.
fn rejects_malformed(what: &str, stdin: &[u8]) {
    let out = run_on_stdin(stdin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "{what}: plugin exited successfully on malformed input"
    );
    assert!(
        !stderr.contains("panicked"),
        "{what}: plugin panicked:\n{stderr}"
    );
    let message = stderr.trim_end_matches('\n');
    assert!(!message.trim().is_empty(), "{what}: nothing on stderr");
    assert!(
        !message.contains('\n'),
        "{what}: expected exactly one line on stderr, got:\n{stderr}"
    );
}

#[test]
fn malformed_requests_fail_with_one_line() {
    rejects_malformed("truncated length-delimited field", b"\x0a\x10only-five");
    rejects_malformed("invalid wire type", b"\x0f\x01");
    rejects_malformed(
        "overlong varint",
        &[
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ],
    );
    rejects_malformed(
        "text instead of protobuf",
        b"this is not a CodeGeneratorRequest\n",
    );
    rejects_malformed("garbage bytes", &[0xff; 64]);
    let real = std::fs::read(request_path("protoc-35.1_all.bin")).expect("read captured request");
    let cut = &real[..real.len() / 2];
    assert!(
        top_level_records(cut).is_none(),
        "the cut must fall inside a record"
    );
    rejects_malformed("real request cut in the middle", cut);
}
