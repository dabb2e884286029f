//! Byte parity of the typed-stub outputs (`outputs=py+mypy+grpc+mypy_grpc`, …) with mypy-protobuf 5.1.0 (and
//! 5.0.0 with `mypy_protobuf_version=5.0.0`), through protoc 35.1 and buf 1.75.0, on every repository corpus:
//! `tests/corpus`, `tests/corpus-extra`, `tests/corpus-mypy` (mypy-protobuf's own test protos: casttype /
//! keytype / valuetype, deprecation, editions 2024, keyword names, re-exports), `tests/corpus-real/*`
//! (protobuf's test protos, protovalidate, gogo, grpc-proto, opentelemetry-proto), the well-known types and the
//! example monorepo.
//!
//! * no prefix: == what protoc writes with `--python_out --mypy_out --grpc_python_out --mypy_grpc_out`;
//! * `prefix=`: == mypy-protobuf's output for a copy of the corpus relocated under the prefix (files moved,
//!   imports adjusted), and the prefix oracle for `_pb2.py` / `_pb2_grpc.py`;
//! * mypy-protobuf's parameters (`readable_stubs`, `relax_strict_optional_primitives`,
//!   `use_default_deprecation_warnings`, `generate_concrete_servicer_stubs`, `only_sync`, `only_async`) ==
//!   mypy-protobuf with the same parameter.
//!
//! Each test is ONE protoc or buf run (the plugin invoked once per case); mypy-protobuf's outputs are generated
//! in one protoc run per corpus and cached under `target/e2e-cache/reference-mypy/`.

use e2e_tests::corpus::Corpus;
use e2e_tests::mypy_protobuf::VARIANTS;
use e2e_tests::parity::Driver;
use e2e_tests::provision::{python_tools, repo_root, NpmTools};
use e2e_tests::typed_parity::{check_typed, TypedCase};

const CORE: (&str, &str) = ("ameide_core_proto", "ameide_sdk.proto");

fn repo(_: Option<&NpmTools>) -> Corpus {
    Corpus::repo()
}

fn extra(_: Option<&NpmTools>) -> Corpus {
    Corpus::extra()
}

fn mypy_tests(_: Option<&NpmTools>) -> Corpus {
    Corpus::from_dir("mypy", &repo_root().join("tests/corpus-mypy"))
}

fn example(_: Option<&NpmTools>) -> Corpus {
    Corpus::from_dir(
        "example",
        &repo_root().join("examples/packages/ameide_core_proto/proto"),
    )
}

fn real(name: &'static str) -> impl FnOnce(Option<&NpmTools>) -> Corpus {
    move |_| Corpus::from_dir(name, &repo_root().join("tests/corpus-real").join(name))
}

/// Every mypy-protobuf parameter, one case each (typed stubs only).
fn variant_cases(tag: &str) -> Vec<TypedCase> {
    VARIANTS
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| {
            TypedCase::new(&format!("{tag}-{v}"))
                .outputs("mypy+mypy_grpc")
                .variant(v)
        })
        .collect()
}

/// Plain, prefixed and mypy-protobuf 5.0.0 cases.
fn basic_cases(tag: &str, prefixes: &[(&str, &str)]) -> Vec<TypedCase> {
    let mut cases = vec![
        TypedCase::new(&format!("{tag}-plain")),
        TypedCase::new(&format!("{tag}-5.0.0"))
            .outputs("mypy+mypy_grpc")
            .version("5.0.0"),
    ];
    if let Some(&(root, prefix)) = prefixes.first() {
        cases.push(TypedCase::new(&format!("{tag}-prefix")).prefix(root, prefix));
    }
    if prefixes.len() > 1 {
        let mut case = TypedCase::new(&format!("{tag}-prefixes"));
        for &(root, prefix) in prefixes {
            case = case.prefix(root, prefix);
        }
        cases.push(case);
    }
    cases
}

// --- tests/corpus ----------------------------------------------------------------------------------------------

#[test]
fn corpus_protoc_typed_stubs() {
    let mut cases = basic_cases("corpus", &[CORE, ("thirdparty", "vendor.third")]);
    cases.extend(variant_cases("corpus"));
    cases.push(
        TypedCase::new("corpus-prefix-readable")
            .prefix(CORE.0, CORE.1)
            .outputs("mypy+mypy_grpc")
            .variant("readable_stubs"),
    );
    cases.push(
        TypedCase::new("corpus-prefix-only-grpc")
            .prefix(CORE.0, CORE.1)
            .outputs("grpc+mypy_grpc"),
    );
    check_typed("typed-corpus-protoc", Driver::Protoc, &cases, repo);
}

#[test]
fn corpus_buf_typed_stubs() {
    let cases = basic_cases("corpus", &[CORE, ("thirdparty", "vendor.third")]);
    check_typed("typed-corpus-buf", Driver::Buf, &cases, repo);
}

// --- tests/corpus-extra ----------------------------------------------------------------------------------------

#[test]
fn extra_protoc_typed_stubs() {
    let mut cases = basic_cases("extra", &[CORE, ("extra_vendor/v1", "vendor.pinned")]);
    cases.extend(variant_cases("extra"));
    check_typed("typed-extra-protoc", Driver::Protoc, &cases, extra);
}

#[test]
fn extra_buf_typed_stubs() {
    let cases = basic_cases("extra", &[CORE, ("extra_vendor/v1", "vendor.pinned")]);
    check_typed("typed-extra-buf", Driver::Buf, &cases, extra);
}

// --- tests/corpus-mypy -----------------------------------------------------------------------------------------

#[test]
fn mypy_protobuf_test_protos_protoc() {
    let mut cases = basic_cases("mypy", &[("testproto", "acme.typed")]);
    cases.extend(variant_cases("mypy"));
    check_typed("typed-mypy-protoc", Driver::Protoc, &cases, mypy_tests);
}

#[test]
fn mypy_protobuf_test_protos_buf() {
    let mut cases = basic_cases("mypy", &[("testproto", "acme.typed")]);
    cases.extend(variant_cases("mypy"));
    check_typed("typed-mypy-buf", Driver::Buf, &cases, mypy_tests);
}

// --- tests/corpus-real -----------------------------------------------------------------------------------------

/// `protobuf-tests` lives under `google/protobuf`, which is never prefixed, and buf 1.75.0 does not compile it
/// (it uses the unreleased `edition = "UNSTABLE"`); the other trees get one root each.
const REAL_TREES: &[(&str, Option<(&str, &str)>)] = &[
    ("protobuf-tests", None),
    ("protovalidate", Some(("buf", "acme.pv"))),
    ("gogo", Some(("github.com/gogo", "acme.gogo"))),
    ("grpc-proto", Some(("grpc", "acme.grpc_proto"))),
    ("opentelemetry-proto", Some(("opentelemetry", "acme.otel"))),
];

fn real_cases(tree: &str, prefix: Option<(&str, &str)>) -> Vec<TypedCase> {
    let prefixes: Vec<(&str, &str)> = prefix.into_iter().collect();
    basic_cases(tree, &prefixes)
}

#[test]
fn real_world_trees_protoc() {
    for &(tree, prefix) in REAL_TREES {
        check_typed(
            &format!("typed-{tree}-protoc"),
            Driver::Protoc,
            &real_cases(tree, prefix),
            real(tree),
        );
    }
}

#[test]
fn real_world_trees_buf() {
    for &(tree, prefix) in &REAL_TREES[1..] {
        check_typed(
            &format!("typed-{tree}-buf"),
            Driver::Buf,
            &real_cases(tree, prefix),
            real(tree),
        );
    }
}

// --- well-known types and the example --------------------------------------------------------------------------

#[test]
fn well_known_types_protoc() {
    let Some(py) = python_tools() else { return };
    let cases = [
        TypedCase::new("wkt-plain"),
        TypedCase::new("wkt-5.0.0")
            .outputs("mypy+mypy_grpc")
            .version("5.0.0"),
    ];
    check_typed("typed-wkt-protoc", Driver::Protoc, &cases, |_| {
        Corpus::well_known_types(&py)
    });
}

#[test]
fn example_protoc_and_buf() {
    for (driver, tag) in [(Driver::Protoc, "protoc"), (Driver::Buf, "buf")] {
        check_typed(
            &format!("typed-example-{tag}"),
            driver,
            &basic_cases("example", &[CORE]),
            example,
        );
    }
}
