//! Byte parity of the plugin over the repo corpora (`tests/corpus`, `tests/corpus-extra`), each compiled in ONE
//! protoc / buf run per case:
//! * no parameters == the grpcio-tools reference (generated at test time, cached under `target/`);
//! * `prefix=` mapping(s) == the rewrite oracle applied to the reference;
//! * `outputs=` subsets == the matching files of the reference (or oracle) and nothing else;
//!
//! under protoc 35.1 (grpcio-tools 1.85.1) and under buf 1.75.0 (`local:` plugin, `strategy: all`).
//!
//! A failure lists the differing / missing / extra files and shows the first differing line; the full report and
//! the plugin's output stay in `target/e2e-scratch/<test name>/`.

use e2e_tests::corpus::Corpus;
use e2e_tests::parity::{check, Case, Driver};

const CORE: (&str, &str) = ("ameide_core_proto", "ameide_sdk.proto");

fn repo(_: Option<&e2e_tests::provision::NpmTools>) -> Corpus {
    Corpus::repo()
}

fn extra(_: Option<&e2e_tests::provision::NpmTools>) -> Corpus {
    Corpus::extra()
}

// --- tests/corpus ----------------------------------------------------------------------------------------------

#[test]
fn corpus_protoc_no_params_equals_reference() {
    check(&Case::new("corpus-protoc-plain", Driver::Protoc), repo);
}

#[test]
fn corpus_protoc_prefix_equals_oracle() {
    check(
        &Case::new("corpus-protoc-prefix", Driver::Protoc).prefix(CORE.0, CORE.1),
        repo,
    );
}

#[test]
fn corpus_buf_no_params_equals_reference() {
    check(&Case::new("corpus-buf-plain", Driver::Buf), repo);
}

#[test]
fn corpus_buf_prefix_equals_oracle() {
    check(
        &Case::new("corpus-buf-prefix", Driver::Buf).prefix(CORE.0, CORE.1),
        repo,
    );
}

#[test]
fn corpus_protoc_two_prefixes_equal_oracle() {
    let case = Case::new("corpus-protoc-two-prefixes", Driver::Protoc)
        .prefix(CORE.0, CORE.1)
        .prefix("thirdparty", "vendor.third");
    check(&case, repo);
}

#[test]
fn corpus_buf_two_prefixes_equal_oracle() {
    let case = Case::new("corpus-buf-two-prefixes", Driver::Buf)
        .prefix(CORE.0, CORE.1)
        .prefix("thirdparty", "vendor.third");
    check(&case, repo);
}

#[test]
fn corpus_protoc_outputs_py_emits_only_pb2_py() {
    check(
        &Case::new("corpus-protoc-outputs-py", Driver::Protoc).outputs("py"),
        repo,
    );
}

#[test]
fn corpus_protoc_outputs_pyi_grpc_with_prefix() {
    let case = Case::new("corpus-protoc-outputs-pyi-grpc", Driver::Protoc)
        .prefix(CORE.0, CORE.1)
        .outputs("pyi+grpc");
    check(&case, repo);
}

#[test]
fn corpus_buf_outputs_grpc_with_prefix() {
    let case = Case::new("corpus-buf-outputs-grpc", Driver::Buf)
        .prefix(CORE.0, CORE.1)
        .outputs("grpc");
    check(&case, repo);
}

// --- tests/corpus-extra ----------------------------------------------------------------------------------------

/// The second root of the extra corpus; its module root (`extra_vendor.v1`) contains a dot.
const VENDOR: (&str, &str) = ("extra_vendor/v1", "vendor.pinned");

#[test]
fn extra_protoc_no_params_equals_reference() {
    check(&Case::new("extra-protoc-plain", Driver::Protoc), extra);
}

#[test]
fn extra_protoc_prefix_equals_oracle() {
    check(
        &Case::new("extra-protoc-prefix", Driver::Protoc).prefix(CORE.0, CORE.1),
        extra,
    );
}

#[test]
fn extra_buf_no_params_equals_reference() {
    check(&Case::new("extra-buf-plain", Driver::Buf), extra);
}

#[test]
fn extra_buf_prefix_equals_oracle() {
    check(
        &Case::new("extra-buf-prefix", Driver::Buf).prefix(CORE.0, CORE.1),
        extra,
    );
}

#[test]
fn extra_protoc_two_prefixes_equal_oracle() {
    let case = Case::new("extra-protoc-two-prefixes", Driver::Protoc)
        .prefix(CORE.0, CORE.1)
        .prefix(VENDOR.0, VENDOR.1);
    check(&case, extra);
}

#[test]
fn extra_buf_two_prefixes_equal_oracle() {
    let case = Case::new("extra-buf-two-prefixes", Driver::Buf)
        .prefix(CORE.0, CORE.1)
        .prefix(VENDOR.0, VENDOR.1);
    check(&case, extra);
}

#[test]
fn extra_protoc_outputs_py_emits_only_pb2_py() {
    check(
        &Case::new("extra-protoc-outputs-py", Driver::Protoc).outputs("py"),
        extra,
    );
}
