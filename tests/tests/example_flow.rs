//! The example monorepo's whole flow, in a scratch copy of `examples/` with the top-level `buf.yaml` /
//! `buf.gen.yaml` (the committed SDK stubs deleted first, so they really come from the generator):
//! 1. `protoc-gen-ameide-py generate` writes `ameide_sdk/proto/ameide_core_proto/**` into the SDK;
//! 2. `uvlock-tool switch --to editable --package ameide-sdk-python --path examples/packages/ameide_sdk_python
//!    examples/services/inference` moves the service from the index-pinned SDK to the workspace SDK; real uv 0.13.9
//!    accepts the switched lock (`uv lock --locked --offline`);
//! 3. the service and the SDK are installed editable into a fresh venv and `roundtrip.py` imports the prefixed
//!    modules (`ameide_sdk.proto.ameide_core_proto...`) from the workspace SDK; mypy reads their `.pyi` types
//!    (the `py.typed` that `package_files=all` writes at the prefix root `ameide_sdk/proto/` is found);
//! 4. `switch ... --check` exits 0; after the SDK drops a dependency it exits 1 with a diff and writes nothing.
//!
//! Offline: no package index is needed. uvlock-tool reads the SDK's `pyproject.toml` and the committed lock, and
//! `uv lock --locked --offline` validates the editable lock from those alone (the lock's registry entry for the SDK,
//! `http://127.0.0.1:8765/simple`, is gone after the switch). The venv does not come from `uv sync` (that would
//! download protobuf/grpcio wheels and setuptools for the build): it sees the reference venv's packages through a
//! `.pth` file (protobuf 7.36.2 and grpcio 1.85.3, asserted equal to the lock's pins; setuptools for the editable
//! build) and the two projects are installed with `uv pip install --offline --no-deps --no-build-isolation -e`.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use e2e_tests::cache::locked_scratch;
use e2e_tests::example::{copy_clean, install_editable, python, venv_over_reference};
use e2e_tests::provision::{python_tools, repo_root};
use e2e_tests::standalone::{command, expect_ok};
use e2e_tests::uv::{self, read, run_tool};

const SDK: &str = "examples/packages/ameide_sdk_python";
const SERVICE: &str = "examples/services/inference";
const SWITCH: &[&str] = &[
    "switch",
    "--to",
    "editable",
    "--package",
    "ameide-sdk-python",
    "--path",
    "examples/packages/ameide_sdk_python",
    "examples/services/inference",
];

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The version the lock pins for `name`.
fn locked_version(lock: &str, name: &str) -> String {
    let header = format!("[[package]]\nname = \"{name}\"\nversion = \"");
    let start = lock
        .find(&header)
        .unwrap_or_else(|| panic!("{name} is not in the lock"))
        + header.len();
    lock[start..]
        .split('"')
        .next()
        .expect("version")
        .to_string()
}

#[test]
fn example_generate_switch_to_editable_sdk_and_run_the_service() {
    let Some(tools) = python_tools() else { return };
    let (scratch, _guard) = locked_scratch("example-flow");
    let ws = scratch.join("ws");
    copy_clean(&repo_root().join("examples"), &ws.join("examples"));
    for f in ["buf.yaml", "buf.gen.yaml"] {
        fs::copy(repo_root().join(f), ws.join(f)).expect("copy the top-level buf config");
    }
    let sdk = ws.join(SDK);
    let service = ws.join(SERVICE);
    fs::remove_dir_all(sdk.join("src/ameide_sdk")).expect("remove the committed stubs");

    // 1. generate
    let out = command(None, None, &scratch)
        .current_dir(&ws)
        .arg("generate")
        .output()
        .expect("run generate");
    expect_ok("protoc-gen-ameide-py generate", &out);
    for f in [
        "__init__.py",
        "proto/__init__.py",
        "proto/py.typed",
        "proto/ameide_core_proto/inference/v1/inference_pb2.py",
        "proto/ameide_core_proto/inference/v1/inference_pb2.pyi",
        "proto/ameide_core_proto/inference/v1/inference_pb2_grpc.py",
    ] {
        assert!(
            sdk.join("src/ameide_sdk").join(f).is_file(),
            "generate did not write src/ameide_sdk/{f}"
        );
    }
    assert!(!sdk.join("src/ameide_sdk/ameide_core_proto").exists());

    // 2. switch the service to the workspace SDK (editable)
    let registry_lock = read(&service.join("uv.lock"));
    assert!(registry_lock.contains("source = { registry = \"http://127.0.0.1:8765/simple\" }"));
    let out = run_tool(&ws, SWITCH);
    assert_eq!(out.status.code(), Some(0), "switch:\n{}", text(&out));
    let pyproject = read(&service.join("pyproject.toml"));
    assert!(
        pyproject.contains(
            "ameide-sdk-python = { path = \"../../packages/ameide_sdk_python\", editable = true }"
        ),
        "pyproject after switch:\n{pyproject}"
    );
    assert!(pyproject.contains("\"ameide-sdk-python==0.1.0\""));
    let lock = read(&service.join("uv.lock"));
    assert!(
        lock.contains("name = \"ameide-sdk-python\"\nversion = \"0.1.0\"\nsource = { editable = \"../../packages/ameide_sdk_python\" }"),
        "uv.lock after switch:\n{lock}"
    );
    assert!(!lock.contains("127.0.0.1:8765/simple/ameide-sdk-python/"));
    uv::run_ok(uv::uv(&tools, &service).args(["lock", "--locked", "--offline", "--quiet"]));

    // 3. install the service + SDK editable and run the round trip through the workspace SDK
    let venv = venv_over_reference(&tools, &scratch);
    let vpy = venv.join("bin/python");
    for dist in ["protobuf", "grpcio"] {
        let have = python(
            &vpy,
            &scratch,
            &format!("import importlib.metadata as m; print(m.version({dist:?}))"),
        );
        assert_eq!(
            have,
            locked_version(&lock, dist),
            "the reference venv's {dist} differs from the example lock's pin"
        );
    }
    install_editable(&tools, &scratch, &vpy, &[&sdk, &service]);
    let out = Command::new(&vpy)
        .arg(service.join("roundtrip.py"))
        .current_dir(&scratch)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run roundtrip.py");
    expect_ok("roundtrip.py", &out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "round trip ok: ameide_sdk.proto.ameide_core_proto.inference.v1.inference_pb2\n"
    );
    let where_from = python(
        &vpy,
        &scratch,
        "import inference_service, ameide_sdk.proto.ameide_core_proto.inference.v1.inference_pb2 as m; print(m.__file__)",
    );
    assert!(
        Path::new(&where_from).starts_with(sdk.join("src/ameide_sdk/proto")),
        "the stubs came from {where_from}, not the workspace SDK"
    );
    // mypy finds the stubs' types through the editable install (py.typed at ameide_sdk/proto/)
    let probe = scratch.join("typed_probe.py");
    fs::write(
        &probe,
        "from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2\n\nmodel: int = inference_pb2.PredictRequest(model=\"m\").model\n",
    )
    .expect("write probe");
    let out = Command::new(tools.bin().join("mypy"))
        .current_dir(&scratch)
        .arg("--python-executable")
        .arg(&vpy)
        .args([
            "--follow-imports=silent",
            "--no-error-summary",
            "--cache-dir",
        ])
        .arg(scratch.join("mypy-cache"))
        .arg(&probe)
        .output()
        .expect("run mypy");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "mypy:\n{}", text(&out));
    assert!(
        stdout.contains("Incompatible types in assignment (expression has type \"str\", variable has type \"int\")"),
        "mypy did not type the prefixed stub:\n{}",
        text(&out)
    );
    assert!(
        !stdout.contains("import-untyped") && !stdout.contains("import-not-found"),
        "{}",
        text(&out)
    );

    // 4. --check: clean, then stale after the SDK's dependencies change
    let mut check = SWITCH.to_vec();
    check.push("--check");
    let out = run_tool(&ws, &check);
    assert_eq!(
        out.status.code(),
        Some(0),
        "switch --check:\n{}",
        text(&out)
    );
    let sdk_pyproject = read(&sdk.join("pyproject.toml"));
    let edited = sdk_pyproject.replace("    \"grpcio>=1.85.1\",\n", "");
    assert_ne!(
        edited, sdk_pyproject,
        "the SDK pyproject no longer lists grpcio>=1.85.1"
    );
    fs::write(sdk.join("pyproject.toml"), &edited).expect("edit the SDK pyproject");
    let before = (
        read(&service.join("pyproject.toml")),
        read(&service.join("uv.lock")),
    );
    let out = run_tool(&ws, &check);
    assert_eq!(
        out.status.code(),
        Some(1),
        "switch --check after the edit:\n{}",
        text(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("+++ b/examples/services/inference/uv.lock")
            && stdout.contains("-    { name = \"grpcio\" },")
            && stdout.contains(
                "+requires-dist = [{ name = \"protobuf\", specifier = \">=7.35.1,<8\" }]"
            ),
        "no lock diff:\n{}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("out of date"),
        "{}",
        text(&out)
    );
    let after = (
        read(&service.join("pyproject.toml")),
        read(&service.join("uv.lock")),
    );
    assert!(before == after, "--check wrote to the service");
}
