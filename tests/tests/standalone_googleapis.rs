//! Embedded `generate` (no protoc, no buf) over ALL googleapis protos of npm `google-proto-files` (the corpus of
//! `plugin_googleapis.rs`), byte for byte against the cached grpcio-tools reference, without and with a prefix.

use e2e_tests::compare::{assert_trees_equal, read_tree, report_path};
use e2e_tests::corpus::Corpus;
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::provision::{npm_tools, python_tools, scratch_dir};
use e2e_tests::reference::reference_tree;
use e2e_tests::standalone::{command, generate_explicit, Compiler};

fn run_case(name: &str, prefix: Option<(&str, &str)>) {
    let (Some(py), Some(npm)) = (python_tools(), npm_tools()) else {
        return;
    };
    let corpus = Corpus::googleapis(&npm);
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
    let scratch = scratch_dir(name);
    let out = scratch.join("out");
    let opts: Vec<String> = mappings.iter().map(Mapping::parameter).collect();
    // no files: every .proto under the include directory
    generate_explicit(
        command(None, None, &scratch),
        Compiler::Embedded,
        &corpus.root,
        &out,
        &opts,
        &[],
    );
    assert_trees_equal(
        &format!("{name} [embedded generate, param {opts:?}]"),
        &expected,
        &read_tree(&out),
        &report_path(&scratch, "compare"),
    );
}

#[test]
fn googleapis_embedded_generate_equals_reference() {
    run_case("standalone-googleapis-plain", None);
}

#[test]
fn googleapis_embedded_generate_prefix_equals_oracle() {
    run_case(
        "standalone-googleapis-prefix",
        Some(("google/cloud", "acme_sdk.gcp")),
    );
}
