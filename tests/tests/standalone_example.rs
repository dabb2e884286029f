//! The bundled example monorepo (`examples/`) and the top-level `buf.yaml` / `buf.gen.yaml`:
//! * `generate` from the top-level config == real `buf generate` (buf 1.75.0, the plugin on PATH) with the same
//!   config, byte for byte, and == the committed SDK stubs (`check` at the repo root exits 0);
//! * under `strategy: directory` with `package_files=leaf`, again == `buf generate` (no duplicate files);
//! * the generated SDK installs (`uv pip install -e` into a fresh venv) and a script imports the prefixed
//!   modules and round-trips messages.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use e2e_tests::compare::{assert_trees_equal, read_tree, report_path};
use e2e_tests::plugin::plugin_binary;
use e2e_tests::provision::{npm_tools, path_with, python_tools, repo_root, scratch_dir};
use e2e_tests::standalone::{command, copy_dir, expect_ok};

const SDK_SRC: &str = "examples/packages/ameide_sdk_python/src";

/// A copy of the example's protos and the top-level config (optionally with another buf.gen.yaml).
fn workspace(name: &str, gen_yaml: Option<&str>) -> PathBuf {
    let ws = scratch_dir(name).join("ws");
    let _ = fs::remove_dir_all(&ws);
    copy_dir(
        &repo_root().join("examples/packages/ameide_core_proto"),
        &ws.join("examples/packages/ameide_core_proto"),
    );
    fs::copy(repo_root().join("buf.yaml"), ws.join("buf.yaml")).expect("copy buf.yaml");
    match gen_yaml {
        Some(text) => fs::write(ws.join("buf.gen.yaml"), text).expect("write buf.gen.yaml"),
        None => {
            fs::copy(repo_root().join("buf.gen.yaml"), ws.join("buf.gen.yaml"))
                .map(|_| ())
                .expect("copy buf.gen.yaml");
        }
    }
    ws
}

fn ours(ws: &Path) {
    let out = command(None, None, ws)
        .current_dir(ws)
        .arg("generate")
        .output()
        .expect("run generate");
    expect_ok("protoc-gen-ameide-py generate", &out);
}

fn real_buf(ws: &Path, buf: &Path) {
    let bin_dir = plugin_binary().parent().expect("bin dir").to_path_buf();
    let out = Command::new(buf)
        .current_dir(ws)
        .arg("generate")
        .env("PATH", path_with(&bin_dir))
        .output()
        .expect("run buf generate");
    expect_ok("buf generate", &out);
}

fn compare_with_buf(name: &str, gen_yaml: Option<&str>) {
    let Some(npm) = npm_tools() else { return };
    let ours_ws = workspace(&format!("{name}-ours"), gen_yaml);
    let buf_ws = workspace(&format!("{name}-buf"), gen_yaml);
    ours(&ours_ws);
    real_buf(&buf_ws, &npm.buf());
    let expected = read_tree(&buf_ws.join(SDK_SRC));
    assert!(
        expected.len() >= 9,
        "buf generated too little: {:?}",
        expected.keys()
    );
    assert_trees_equal(
        &format!("{name}: generate vs buf generate"),
        &expected,
        &read_tree(&ours_ws.join(SDK_SRC)),
        &report_path(&scratch_dir(name), "compare"),
    );
}

#[test]
fn example_generate_equals_buf_generate_and_the_committed_sdk() {
    compare_with_buf("standalone-example-all", None);
    // the committed stubs are exactly what the config generates
    let ws = workspace("standalone-example-committed", None);
    ours(&ws);
    let committed = read_tree(&repo_root().join(SDK_SRC));
    let committed = e2e_tests::compare::filter_tree(&committed, |p| {
        !p.contains("__pycache__") && !p.contains(".egg-info")
    });
    assert_trees_equal(
        "committed SDK stubs vs generate",
        &read_tree(&ws.join(SDK_SRC)),
        &committed,
        &report_path(&scratch_dir("standalone-example-committed"), "compare"),
    );
    let check = command(None, None, &ws)
        .current_dir(repo_root())
        .args(["check", "--quiet"])
        .output()
        .expect("run check");
    assert_eq!(
        check.status.code(),
        Some(0),
        "check at the repo root:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn example_strategy_directory_with_leaf_package_files_equals_buf_generate() {
    compare_with_buf(
        "standalone-example-directory",
        Some(
            "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: examples/packages/ameide_sdk_python/src\n    opt:\n      - prefix=ameide_core_proto:ameide_sdk.proto\n      - package_files=leaf\n    strategy: directory\n",
        ),
    );
}

#[test]
fn example_sdk_installs_and_round_trips_messages() {
    let Some(py) = python_tools() else { return };
    let scratch = scratch_dir("standalone-example-install");
    let ws = workspace("standalone-example-install", None);
    ours(&ws);
    // the SDK project around the freshly generated stubs
    let sdk = ws.join("examples/packages/ameide_sdk_python");
    for f in ["pyproject.toml", "README.md"] {
        fs::copy(
            repo_root()
                .join("examples/packages/ameide_sdk_python")
                .join(f),
            sdk.join(f),
        )
        .expect("copy SDK project file");
    }
    let venv = scratch.join("venv");
    let _ = fs::remove_dir_all(&venv);
    let status = Command::new(py.uv())
        .args(["venv", "--quiet"])
        .arg(&venv)
        .status()
        .expect("uv venv");
    assert!(status.success());
    let out = Command::new(py.uv())
        .args(["pip", "install", "--quiet", "-e"])
        .arg(&sdk)
        .env("VIRTUAL_ENV", &venv)
        .output()
        .expect("uv pip install -e");
    expect_ok("uv pip install -e <sdk>", &out);
    let out = Command::new(venv.join("bin/python"))
        .arg(repo_root().join("examples/services/inference/roundtrip.py"))
        .current_dir(&scratch)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run roundtrip.py");
    expect_ok("roundtrip.py", &out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "round trip ok: ameide_sdk.proto.ameide_core_proto.inference.v1.inference_pb2\n"
    );
}

#[test]
fn example_check_is_clean_with_the_protoc_and_buf_compilers_too() {
    let (Some(py), Some(npm)) = (python_tools(), npm_tools()) else {
        return;
    };
    let ws = workspace(
        "standalone-example-drivers",
        Some(
            "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: examples/packages/ameide_sdk_python/src\n    opt:\n      - prefix=ameide_core_proto:ameide_sdk.proto\n      - package_files=leaf\n    strategy: directory\n",
        ),
    );
    ours(&ws);
    for compiler in ["embedded", "protoc", "buf"] {
        let out = command(Some(&py), Some(&npm), ws.parent().expect("scratch"))
            .current_dir(&ws)
            .args(["check", "--compiler", compiler])
            .output()
            .expect("run check");
        assert_eq!(
            out.status.code(),
            Some(0),
            "check --compiler {compiler}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
