//! Byte parity of the typed-stub outputs (`outputs=mypy+mypy_grpc`) with mypy-protobuf 5.1.0 over all googleapis
//! protos of npm `google-proto-files` that mypy-protobuf can generate (8014 files; see
//! `e2e_tests::corpus::GOOGLEAPIS_MYPY_REFUSED` for the three it cannot), through protoc 35.1 and buf 1.75.0,
//! without and with `prefix=google/cloud:acme_sdk.gcp` (expected: mypy-protobuf over the corpus relocated under
//! `acme_sdk/gcp/`). mypy-protobuf runs once per tree (about 1.5 min each), cached under `target/e2e-cache/`.
//!
//! The three files mypy-protobuf cannot generate make it fail the whole protoc run; the plugin refuses them too,
//! naming the file and the option.

use e2e_tests::corpus::{Corpus, GOOGLEAPIS_MYPY_REFUSED};
use e2e_tests::mypy_protobuf::{mypy_protobuf, DEFAULT_VERSION};
use e2e_tests::parity::Driver;
use e2e_tests::plugin::{plugin_binary, protoc_command};
use e2e_tests::provision::{npm_tools, python_tools, scratch_dir};
use e2e_tests::typed_parity::{check_typed_googleapis, TypedCase};

const CLOUD: (&str, &str) = ("google/cloud", "acme_sdk.gcp");

fn cases(tag: &str) -> Vec<TypedCase> {
    vec![
        TypedCase::new(&format!("{tag}-plain")).outputs("mypy+mypy_grpc"),
        TypedCase::new(&format!("{tag}-prefix"))
            .outputs("mypy+mypy_grpc")
            .prefix(CLOUD.0, CLOUD.1),
    ]
}

#[test]
fn googleapis_protoc_typed_stubs() {
    check_typed_googleapis("typed-googleapis-protoc", Driver::Protoc, &cases("protoc"));
}

#[test]
fn googleapis_buf_typed_stubs() {
    check_typed_googleapis("typed-googleapis-buf", Driver::Buf, &cases("buf"));
}

#[test]
fn files_mypy_protobuf_cannot_generate_are_refused() {
    let (Some(py), Some(npm)) = (python_tools(), npm_tools()) else {
        return;
    };
    let Some(mypy) = mypy_protobuf(DEFAULT_VERSION) else {
        return;
    };
    let mut corpus = Corpus::googleapis(&npm);
    corpus.files = GOOGLEAPIS_MYPY_REFUSED
        .iter()
        .map(|f| f.to_string())
        .collect();
    let scratch = scratch_dir("typed-googleapis-refused");
    for file in GOOGLEAPIS_MYPY_REFUSED {
        let reference = py
            .protoc()
            .current_dir(&corpus.root)
            .arg("-I.")
            .arg(format!(
                "--plugin=protoc-gen-mypy={}",
                mypy.venv.bin().join("protoc-gen-mypy").display()
            ))
            .arg(format!("--mypy_out=quiet:{}", scratch.display()))
            .arg(file)
            .output()
            .expect("run protoc with mypy-protobuf");
        let stderr = String::from_utf8_lossy(&reference.stderr);
        assert!(
            !reference.status.success() && stderr.contains("path/to/file.TypeInFile"),
            "mypy-protobuf generated {file}, which the typed corpus leaves out:\n{stderr}"
        );
    }
    let ours = protoc_command(
        &py,
        &corpus,
        &scratch.join("ours"),
        Some("outputs=mypy+mypy_grpc"),
        &scratch,
    )
    .output()
    .expect("run protoc with the plugin");
    let stderr = String::from_utf8_lossy(&ours.stderr);
    assert!(
        !ours.status.success()
            && stderr.contains(GOOGLEAPIS_MYPY_REFUSED[0])
            && stderr.contains("casttype/keytype/valuetype `name`"),
        "{} did not refuse {}:\n{stderr}",
        plugin_binary().display(),
        GOOGLEAPIS_MYPY_REFUSED[0]
    );
}
