//! Byte parity of the plugin over ALL googleapis protos of npm `google-proto-files` (8017 files under `google/`,
//! `grafeas/` and `gapic/`; `google/protobuf/**` is left out because protoc and buf bring their own well-known
//! types, see `e2e_tests::corpus::GOOGLEAPIS_EXCLUDED_DIRS`; no other file needs excluding).
//!
//! Four comparisons, in ONE protoc run and ONE buf run (each run invokes the plugin twice, once per parameter set,
//! so the 8017 files are parsed once per driver; the file list goes to protoc as an `@argfile`):
//! * no parameters == the grpcio-tools reference (one protoc run, ~1 min, cached under `target/e2e-cache/`);
//! * `prefix=google/cloud:acme_sdk.gcp` (module root `google.cloud` contains a dot) == the oracle applied to it.

use e2e_tests::parity::{check_googleapis_together, Case, Driver};

const CLOUD: (&str, &str) = ("google/cloud", "acme_sdk.gcp");

fn cases(driver: Driver, tag: &str) -> Vec<Case> {
    vec![
        Case::new(&format!("{tag}-plain"), driver),
        Case::new(&format!("{tag}-prefix"), driver).prefix(CLOUD.0, CLOUD.1),
    ]
}

#[test]
fn googleapis_protoc_no_params_and_prefix() {
    check_googleapis_together("googleapis-protoc", &cases(Driver::Protoc, "protoc"));
}

#[test]
fn googleapis_buf_no_params_and_prefix() {
    check_googleapis_together("googleapis-buf", &cases(Driver::Buf, "buf"));
}
