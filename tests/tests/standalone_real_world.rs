//! Embedded `generate` (no protoc, no buf) over real-world trees, byte for byte against grpcio-tools' outputs
//! for the same files (`--python_out --pyi_out --grpc_python_out`, one protoc run per tree, cached):
//! * each tree of `tests/corpus-real/` (protobuf's own test protos with editions, protovalidate, gogo, grpc-proto,
//!   opentelemetry-proto), its files given on the command line in a shuffled order (protoc's run lists them
//!   sorted), so that the order of files cannot matter;
//! * googleapis with the npm package root itself as `-I`, so that the package's own `google/protobuf/*.proto`
//!   copies are on the include path and imported instead of the bundled well-known types.

use e2e_tests::corpus::Corpus;
use e2e_tests::provision::{npm_tools, python_tools, scratch_dir};
use e2e_tests::reference::reference_tree;
use e2e_tests::standalone::{assert_generates, command, Compiler, GenerateRun};

fn run_case(name: &str, corpus: &Corpus) {
    let Some(py) = python_tools() else { return };
    let expected = reference_tree(&py, corpus);
    let scratch = scratch_dir(name);
    let _out = scratch.join("out");
    let files = corpus.shuffled_files(name);
    assert_ne!(
        files, corpus.files,
        "{name}: the shuffle left the order as it was"
    );
    let run = GenerateRun {
        compiler: Compiler::Embedded,
        root: &corpus.root,
        opts: &[],
        files: &files,
    };
    let label = format!("{name} ({} files shuffled)", files.len());
    assert_generates(
        &label,
        &scratch,
        command(None, None, &scratch),
        &run,
        &expected,
    );
}

#[test]
fn protobuf_test_protos_with_editions() {
    run_case(
        "real-world-protobuf-tests",
        &Corpus::real_world("protobuf-tests"),
    );
}

#[test]
fn protovalidate() {
    run_case(
        "real-world-protovalidate",
        &Corpus::real_world("protovalidate"),
    );
}

#[test]
fn gogo_custom_options_and_groups() {
    run_case("real-world-gogo", &Corpus::real_world("gogo"));
}

#[test]
fn grpc_proto_streaming_services() {
    run_case("real-world-grpc-proto", &Corpus::real_world("grpc-proto"));
}

#[test]
fn opentelemetry_proto() {
    run_case(
        "real-world-opentelemetry-proto",
        &Corpus::real_world("opentelemetry-proto"),
    );
}

#[test]
fn googleapis_with_package_root_as_include() {
    let Some(npm) = npm_tools() else { return };
    run_case(
        "real-world-googleapis-package-root",
        &Corpus::googleapis_package_root(&npm),
    );
}
