//! Offline parity: no protoc, no buf, no Python. The raw CodeGeneratorRequests captured from protoc 35.1 and
//! buf 1.75.0 (`tests/requests/*.bin`) go to the plugin binary's stdin; the files of its CodeGeneratorResponse must
//! equal the checked-in golden reference (`tests/golden/`), or the rewrite oracle applied to it.
//!
//! The captured requests carry the dump plugin's parameter (`path=<name>.bin`), which the plugin rightly rejects as
//! unknown: the tests drop CodeGeneratorRequest field 2 (`parameter`) at wire level, or replace it with the
//! parameters under test. Nothing else in the request bytes is touched.

use e2e_tests::cache::locked_scratch;
use e2e_tests::compare::{assert_trees_equal, filter_tree, read_tree, Tree};
use e2e_tests::corpus::golden_dir;
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::plugin::{parameter_of, request_path, run_on_stdin, varint_field, with_parameter};
use e2e_tests::reference::{generated_only, select_outputs};
use prost::Message;
use prost_types::compiler::CodeGeneratorResponse;

/// FEATURE_PROTO3_OPTIONAL | FEATURE_SUPPORTS_EDITIONS.
const SUPPORTED_FEATURES: u64 = 3;
const EDITION_PROTO2: u64 = 998;
const EDITION_2024: u64 = 1001;

/// Runs the plugin on a captured request with `param` (None: no parameter) and returns the generated files.
fn generate(request: &str, param: Option<&str>) -> Tree {
    let raw =
        std::fs::read(request_path(request)).unwrap_or_else(|e| panic!("read {request}: {e}"));
    assert!(
        parameter_of(&raw).is_some_and(|p| p.starts_with("path=")),
        "{request}: expected the capture parameter"
    );
    let out = run_on_stdin(&with_parameter(&raw, param));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "plugin failed on {request} ({}): {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let resp = CodeGeneratorResponse::decode(out.stdout.as_slice()).unwrap_or_else(|e| {
        panic!("plugin stdout for {request} is not a CodeGeneratorResponse: {e}")
    });
    assert_eq!(
        resp.error, None,
        "plugin reported an error for {request} (param {param:?})"
    );
    assert_eq!(
        resp.supported_features,
        Some(SUPPORTED_FEATURES),
        "supported_features"
    );
    // prost-types' plugin.proto predates the edition fields: read them at wire level
    assert_eq!(
        varint_field(&out.stdout, 3),
        Some(EDITION_PROTO2),
        "minimum_edition"
    );
    assert_eq!(
        varint_field(&out.stdout, 4),
        Some(EDITION_2024),
        "maximum_edition"
    );
    let mut tree = Tree::new();
    for f in resp.file {
        assert_eq!(
            f.insertion_point, None,
            "no insertion points expected ({:?})",
            f.name
        );
        let name = f
            .name
            .unwrap_or_else(|| panic!("response file without a name ({request})"));
        let content = f.content.unwrap_or_default().into_bytes();
        assert!(
            tree.insert(name.clone(), content).is_none(),
            "{name} emitted twice"
        );
    }
    tree
}

fn golden(name: &str) -> Tree {
    generated_only(&read_tree(&golden_dir(name)))
}

fn core() -> Vec<Mapping> {
    vec![Mapping::new("ameide_core_proto", "ameide_sdk.proto")]
}

fn check(test: &str, request: &str, param: Option<&str>, expected: &Tree) {
    let actual = generate(request, param);
    let label = format!("{request} on stdin (param {param:?})");
    assert_trees_equal(
        &label,
        expected,
        &actual,
        &locked_scratch(test).0.join("report.txt"),
    );
}

#[test]
fn protoc_request_all_equals_golden_reference() {
    check(
        "offline-protoc-all",
        "protoc-35.1_all.bin",
        None,
        &golden("reference"),
    );
}

#[test]
fn buf_request_all_equals_golden_reference() {
    check(
        "offline-buf-all",
        "buf-1.75.0_all.bin",
        None,
        &golden("reference"),
    );
}

#[test]
fn protoc_request_platform_only_equals_its_three_files() {
    let expected = filter_tree(&golden("reference"), |p| {
        p.starts_with("ameide_core_proto/platform/v1/platform_pb2")
    });
    assert_eq!(expected.len(), 3);
    check(
        "offline-protoc-platform-only",
        "protoc-35.1_platform_only.bin",
        None,
        &expected,
    );
}

#[test]
fn protoc_request_all_with_prefix_equals_golden_reference_prefixed() {
    let param = oracle::parameter(&core());
    check(
        "offline-protoc-all-prefix",
        "protoc-35.1_all.bin",
        Some(&param),
        &golden("reference-prefixed"),
    );
}

#[test]
fn buf_request_all_with_prefix_equals_golden_reference_prefixed() {
    let param = oracle::parameter(&core());
    check(
        "offline-buf-all-prefix",
        "buf-1.75.0_all.bin",
        Some(&param),
        &golden("reference-prefixed"),
    );
}

#[test]
fn protoc_request_all_outputs_py_only() {
    let expected = select_outputs(&golden("reference"), "py");
    check(
        "offline-protoc-all-outputs-py",
        "protoc-35.1_all.bin",
        Some("outputs=py"),
        &expected,
    );
}

#[test]
fn protoc_request_all_with_grpc_version_parameter() {
    // grpc_version defaults to 1.85.1; stating the default explicitly changes nothing
    check(
        "offline-protoc-all-grpc-version",
        "protoc-35.1_all.bin",
        Some("grpc_version=1.85.1"),
        &golden("reference"),
    );
}

#[test]
fn protoc_request_extra_equals_golden_extra_reference() {
    check(
        "offline-protoc-extra",
        "protoc-35.1_extra.bin",
        None,
        &golden("extra-reference"),
    );
}

#[test]
fn buf_request_extra_equals_golden_extra_reference() {
    check(
        "offline-buf-extra",
        "buf-1.75.0_extra.bin",
        None,
        &golden("extra-reference"),
    );
}

#[test]
fn protoc_request_extra_with_two_prefixes_equals_oracle() {
    let mut mappings = core();
    mappings.push(Mapping::new("extra_vendor/v1", "vendor.pinned"));
    let expected = oracle::apply(&golden("extra-reference"), &mappings);
    check(
        "offline-protoc-extra-two-prefixes",
        "protoc-35.1_extra.bin",
        Some(&oracle::parameter(&mappings)),
        &expected,
    );
}

#[test]
fn buf_request_extra_with_prefix_equals_oracle() {
    let expected = oracle::apply(&golden("extra-reference"), &core());
    check(
        "offline-buf-extra-prefix",
        "buf-1.75.0_extra.bin",
        Some(&oracle::parameter(&core())),
        &expected,
    );
}
