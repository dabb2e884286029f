//! Embedded `generate` (no protoc, no buf) over ALL googleapis protos of npm `google-proto-files` (the corpus of
//! `plugin_googleapis.rs`), byte for byte against the cached grpcio-tools reference, without and with a prefix.

use e2e_tests::corpus::Corpus;
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::provision::{npm_tools, python_tools, scratch_dir};
use e2e_tests::reference::reference_tree;
use e2e_tests::standalone::{assert_generates, command, Compiler, GenerateRun};

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
    let opts: Vec<String> = mappings.iter().map(Mapping::parameter).collect();
    let run = GenerateRun {
        compiler: Compiler::Embedded,
        root: &corpus.root,
        opts: &opts,
        files: &[], // every .proto under the include directory
    };
    assert_generates(
        name,
        &scratch,
        command(None, None, &scratch),
        &run,
        &expected,
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
