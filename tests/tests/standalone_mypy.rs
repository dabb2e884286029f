//! The typed-stub outputs in standalone mode (`generate` / `check`), byte for byte against mypy-protobuf 5.1.0
//! (relocated under the prefix where one is given) and grpcio-tools:
//! * embedded compiler: the repo corpora and mypy-protobuf's test protos, editions files included, and all of
//!   googleapis that mypy-protobuf generates;
//! * `--compiler protoc` and `--compiler buf`: the same corpora through those drivers;
//! * the real-world trees (`tests/corpus-real/`, editions files included) with the embedded compiler, with a
//!   prefix where they have a root of their own;
//! * the example monorepo from a `buf.gen.yaml` with the typed outputs: `generate` == real `buf generate` ==
//!   mypy-protobuf; `check` passes, then names a hand-edited `_pb2.pyi` (stale) and an unknown `_pb2_grpc.pyi`
//!   (stray), writing nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use e2e_tests::compare::{assert_trees_equal, filter_tree, read_tree, report_path, Tree};
use e2e_tests::corpus::Corpus;
use e2e_tests::mypy_protobuf::{
    expected_tree, mypy_protobuf, mypy_references, relocated, DEFAULT_VERSION,
};
use e2e_tests::oracle::Mapping;
use e2e_tests::plugin::plugin_binary;
use e2e_tests::provision::{npm_tools, path_with, python_tools, repo_root, scratch_dir};
use e2e_tests::standalone::{
    assert_generates, command, copy_dir, expect_ok, snapshot, Compiler, GenerateRun,
};

const CORE: (&str, &str) = ("ameide_core_proto", "ameide_sdk.proto");
const OUTPUTS: &str = "py+mypy+grpc+mypy_grpc";

/// What `outputs=py+mypy+grpc+mypy_grpc` with `mappings` must write for `corpus`; `None` (skip) without tools.
fn expected(corpus: &Corpus, mappings: &[Mapping]) -> Option<Tree> {
    let py = python_tools()?;
    let mypy = mypy_protobuf(DEFAULT_VERSION)?;
    let source = if mappings.is_empty() {
        corpus.clone()
    } else {
        relocated(corpus, mappings)
    };
    let stubs = mypy_references(&mypy, &py, &source, &[""]).remove(0);
    assert!(!stubs.is_empty(), "mypy-protobuf generated nothing");
    Some(expected_tree(&py, corpus, mappings, OUTPUTS, &stubs))
}

fn run_case(name: &str, corpus: Corpus, compiler: Compiler, prefix: Option<(&str, &str)>) {
    let Some(py) = python_tools() else { return };
    let npm = match compiler {
        Compiler::Buf => match npm_tools() {
            Some(n) => Some(n),
            None => return,
        },
        _ => None,
    };
    let mappings: Vec<Mapping> = prefix
        .map(|(root, py_prefix)| Mapping::new(root, py_prefix))
        .into_iter()
        .collect();
    let Some(expected) = expected(&corpus, &mappings) else {
        return;
    };
    let files = corpus.files.clone();
    let scratch = scratch_dir(name);
    let mut opts = vec![format!("outputs={OUTPUTS}")];
    opts.extend(mappings.iter().map(Mapping::parameter));
    let run = GenerateRun {
        compiler,
        root: &corpus.root,
        opts: &opts,
        files: &files,
    };
    let cmd = command(Some(&py), npm.as_ref(), &scratch);
    assert_generates(name, &scratch, cmd, &run, &expected);
}

fn mypy_tests() -> Corpus {
    Corpus::from_dir("mypy", &repo_root().join("tests/corpus-mypy"))
}

#[test]
fn embedded_repo_corpus() {
    run_case(
        "typed-standalone-corpus",
        Corpus::repo(),
        Compiler::Embedded,
        None,
    );
}

#[test]
fn embedded_repo_corpus_prefix() {
    run_case(
        "typed-standalone-corpus-prefix",
        Corpus::repo(),
        Compiler::Embedded,
        Some(CORE),
    );
}

#[test]
fn embedded_extra_corpus_prefix() {
    run_case(
        "typed-standalone-extra-prefix",
        Corpus::extra(),
        Compiler::Embedded,
        Some(CORE),
    );
}

#[test]
fn embedded_mypy_protobuf_test_protos() {
    run_case(
        "typed-standalone-mypy",
        mypy_tests(),
        Compiler::Embedded,
        Some(("testproto", "acme.typed")),
    );
}

#[test]
fn protoc_driver_with_editions() {
    run_case(
        "typed-standalone-corpus-protoc",
        Corpus::repo(),
        Compiler::Protoc,
        Some(CORE),
    );
    run_case(
        "typed-standalone-mypy-protoc",
        mypy_tests(),
        Compiler::Protoc,
        None,
    );
}

#[test]
fn buf_driver_with_editions() {
    run_case(
        "typed-standalone-extra-buf",
        Corpus::extra(),
        Compiler::Buf,
        Some(CORE),
    );
}

#[test]
fn real_world_trees() {
    let real =
        |name: &str| Corpus::from_dir(name, &repo_root().join("tests/corpus-real").join(name));
    run_case(
        "typed-standalone-protobuf-tests",
        real("protobuf-tests"),
        Compiler::Embedded,
        None,
    );
    run_case(
        "typed-standalone-protovalidate",
        real("protovalidate"),
        Compiler::Embedded,
        Some(("buf", "acme.pv")),
    );
    for (tree, prefix) in [
        ("gogo", ("github.com/gogo", "acme.gogo")),
        ("grpc-proto", ("grpc", "acme.grpc_proto")),
        ("opentelemetry-proto", ("opentelemetry", "acme.otel")),
    ] {
        run_case(
            &format!("typed-standalone-{tree}"),
            real(tree),
            Compiler::Embedded,
            Some(prefix),
        );
    }
}

fn googleapis_case(name: &str, prefix: Option<(&str, &str)>) {
    let Some(npm) = npm_tools() else { return };
    let corpus = Corpus::googleapis_for_mypy(&npm);
    let mappings: Vec<Mapping> = prefix
        .map(|(root, py_prefix)| Mapping::new(root, py_prefix))
        .into_iter()
        .collect();
    let Some(py) = python_tools() else { return };
    let Some(mypy) = mypy_protobuf(DEFAULT_VERSION) else {
        return;
    };
    let source = if mappings.is_empty() {
        corpus.clone()
    } else {
        relocated(&corpus, &mappings)
    };
    let expected = mypy_references(&mypy, &py, &source, &[""]).remove(0);
    let scratch = scratch_dir(name);
    let mut opts = vec!["outputs=mypy+mypy_grpc".to_string()];
    opts.extend(mappings.iter().map(Mapping::parameter));
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
fn embedded_googleapis() {
    googleapis_case("typed-standalone-googleapis", None);
}

#[test]
fn embedded_googleapis_prefix() {
    googleapis_case(
        "typed-standalone-googleapis-prefix",
        Some(("google/cloud", "acme_sdk.gcp")),
    );
}

// --- the example monorepo ----------------------------------------------------------------------------------------

const EXAMPLE_GEN: &str = "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: gen\n    opt:\n      - prefix=ameide_core_proto:ameide_sdk.proto\n      - outputs=py+mypy+grpc+mypy_grpc\n    strategy: all\n";

/// A buf workspace of the example protos with the typed outputs in `buf.gen.yaml`.
fn example_workspace(name: &str) -> PathBuf {
    let ws = scratch_dir(name).join("ws");
    copy_dir(
        &repo_root().join("examples/packages/ameide_core_proto/proto"),
        &ws.join("proto"),
    );
    fs::write(
        ws.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: proto\n",
    )
    .expect("write buf.yaml");
    fs::write(ws.join("buf.gen.yaml"), EXAMPLE_GEN).expect("write buf.gen.yaml");
    ws
}

fn run_in(ws: &Path, args: &[&str]) -> std::process::Output {
    command(None, None, ws)
        .current_dir(ws)
        .args(args)
        .output()
        .expect("run the binary")
}

#[test]
fn example_generate_equals_buf_generate_and_mypy_protobuf() {
    let Some(npm) = npm_tools() else { return };
    let corpus = Corpus::from_dir(
        "example",
        &repo_root().join("examples/packages/ameide_core_proto/proto"),
    );
    let Some(expected) = expected(&corpus, &[Mapping::new(CORE.0, CORE.1)]) else {
        return;
    };
    let ours = example_workspace("typed-standalone-example-ours");
    expect_ok("generate", &run_in(&ours, &["generate"]));
    let with_buf = example_workspace("typed-standalone-example-buf");
    let bin_dir = plugin_binary().parent().expect("bin dir").to_path_buf();
    let out = Command::new(npm.buf())
        .current_dir(&with_buf)
        .arg("generate")
        .env("PATH", path_with(&bin_dir))
        .output()
        .expect("run buf generate");
    expect_ok("buf generate", &out);
    let report = report_path(&scratch_dir("typed-standalone-example"), "compare");
    assert_trees_equal(
        "example: generate vs mypy-protobuf + grpcio-tools",
        &expected,
        &read_tree(&ours.join("gen")),
        &report,
    );
    assert_trees_equal(
        "example: buf generate vs generate",
        &read_tree(&ours.join("gen")),
        &read_tree(&with_buf.join("gen")),
        &report,
    );
}

#[test]
fn example_check_names_stale_and_stray_typed_stubs() {
    let ws = example_workspace("typed-standalone-check");
    expect_ok("generate", &run_in(&ws, &["generate"]));
    let generated = read_tree(&ws.join("gen"));
    let typed = filter_tree(&generated, |p| p.ends_with(".pyi"));
    assert_eq!(typed.len(), 6, "{:?}", generated.keys());
    let clean = run_in(&ws, &["check"]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );

    let stub = ws.join("gen/ameide_sdk/proto/ameide_core_proto/inference/v1/inference_pb2.pyi");
    let text = fs::read_to_string(&stub).expect("read the stub");
    fs::write(&stub, text.replace("_builtins.str", "str")).expect("edit the stub");
    let stray = ws.join("gen/ameide_sdk/proto/ameide_core_proto/inference/v1/old_pb2_grpc.pyi");
    fs::write(&stray, "").expect("write a stray stub");
    let before = snapshot(&ws);
    let found = run_in(&ws, &["check"]);
    assert_eq!(before, snapshot(&ws), "check must not write");
    let stdout = String::from_utf8_lossy(&found.stdout);
    assert_eq!(found.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("stale: ") && stdout.contains("inference_pb2.pyi"),
        "{stdout}"
    );
    assert!(
        stdout.contains("stray: ") && stdout.contains("old_pb2_grpc.pyi"),
        "{stdout}"
    );
}
