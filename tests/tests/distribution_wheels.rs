//! The binary wheels (maturin, `bindings = "bin"`): built from this checkout, installed into a fresh venv with
//! pip (offline, `--find-links`), and used the way Python teams use them:
//! * protoc (grpcio-tools) and buf find the installed `protoc-gen-ameide-py` on PATH and generate the example's
//!   committed SDK stubs byte for byte;
//! * `uv tool install uvlock-tool` and `uvx uvlock-tool ...` (the provisioned uv, offline, local wheels) run
//!   `switch --check` on a fixture: 0 when current, 1 with the diff when stale;
//! * both `--version`s carry the Cargo.toml version.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use e2e_tests::cache::{cache_dir, locked_scratch};
use e2e_tests::compare::read_tree;
use e2e_tests::distribution::{
    dist_tools, expect_success, venv_with_wheels, wheels, workspace_version,
};
use e2e_tests::provision::{npm_tools, python_tools, repo_root};
use e2e_tests::standalone::copy_dir;

const SDK_SRC: &str = "examples/packages/ameide_sdk_python/src";

/// PATH holding only `dirs` and the system directories (never `target/release`, never a cargo bin).
fn clean_path(dirs: &[&Path]) -> std::ffi::OsString {
    let mut paths: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    paths.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(PathBuf::from));
    std::env::join_paths(paths).expect("valid PATH")
}

/// Every generated file equals the committed SDK stub of the same path; at least one .py, .pyi and _grpc.py.
fn assert_matches_committed(label: &str, out: &Path) {
    let generated = read_tree(out);
    let committed = read_tree(&repo_root().join(SDK_SRC));
    for ext in [".py", ".pyi", "_grpc.py"] {
        assert!(
            generated
                .keys()
                .any(|k| k.ends_with(ext) && !k.ends_with("__init__.py")),
            "{label}: no generated *{ext} under {}",
            out.display()
        );
    }
    for (path, bytes) in &generated {
        let expected = committed.get(path).unwrap_or_else(|| {
            panic!("{label}: generated {path} is not committed under {SDK_SRC}")
        });
        assert!(
            expected == bytes,
            "{label}: {path} differs from the committed stub"
        );
    }
}

/// The plugin parameters of the repository's buf.gen.yaml (its `opt:` list items), joined with `,`.
fn gen_yaml_opts() -> String {
    let text = fs::read_to_string(repo_root().join("buf.gen.yaml")).expect("read buf.gen.yaml");
    let opts: Vec<&str> = text
        .lines()
        .skip_while(|l| l.trim() != "opt:")
        .skip(1)
        .map_while(|l| l.trim().strip_prefix("- "))
        .collect();
    assert!(!opts.is_empty(), "no opt: list in buf.gen.yaml");
    opts.join(",")
}

fn protos() -> Vec<String> {
    let root = repo_root().join("examples/packages/ameide_core_proto/proto");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read proto dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "proto") {
                files.push(
                    p.strip_prefix(&root)
                        .expect("under root")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    files.sort();
    files
}

#[test]
fn pip_installed_plugin_runs_under_protoc_and_buf() {
    let Some(dist) = dist_tools() else { return };
    let Some(py) = python_tools() else { return };
    let started = std::time::Instant::now();
    let wheels = wheels(&dist);
    let (scratch, _guard) = locked_scratch("distribution-pip");
    let bin = venv_with_wheels(&scratch.join("venv"), &wheels);
    eprintln!("wheels built and installed in {:.1?}", started.elapsed());

    // both executables are console entry points of the venv, versioned from Cargo.toml
    for tool in ["protoc-gen-ameide-py", "uvlock-tool"] {
        let out = Command::new(bin.join(tool))
            .arg("--version")
            .output()
            .expect("run --version");
        expect_success(&format!("{tool} --version"), &out);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with(&format!("{tool} {}", workspace_version())),
            "{tool} --version: {text}"
        );
    }

    // protoc (grpcio-tools) finds the plugin on PATH by its name: --ameide-py_out
    let out_dir = scratch.join("protoc-out");
    fs::create_dir_all(&out_dir).expect("create out");
    let out = Command::new(py.python())
        .current_dir(repo_root().join("examples/packages/ameide_core_proto/proto"))
        .args(["-m", "grpc_tools.protoc", "-I."])
        .arg(format!("--ameide-py_out={}", out_dir.display()))
        .arg(format!("--ameide-py_opt={}", gen_yaml_opts()))
        .args(protos())
        .env("PATH", clean_path(&[&bin]))
        .output()
        .expect("run grpc_tools.protoc");
    expect_success("grpc_tools.protoc --ameide-py_out", &out);
    assert_matches_committed("protoc + installed plugin", &out_dir);

    // buf generate with the repository's buf.gen.yaml (`local: protoc-gen-ameide-py`)
    let Some(npm) = npm_tools() else { return };
    let ws = scratch.join("buf-ws");
    copy_dir(
        &repo_root().join("examples/packages/ameide_core_proto"),
        &ws.join("examples/packages/ameide_core_proto"),
    );
    for f in ["buf.yaml", "buf.gen.yaml"] {
        fs::copy(repo_root().join(f), ws.join(f)).expect("copy buf config");
    }
    let out = Command::new(npm.buf())
        .current_dir(&ws)
        .arg("generate")
        .env("PATH", clean_path(&[&bin]))
        .env("BUF_CACHE_DIR", cache_dir("buf-cache-distribution"))
        .output()
        .expect("run buf generate");
    expect_success("buf generate with the installed plugin", &out);
    assert_matches_committed("buf + installed plugin", &ws.join(SDK_SRC));

    // the standalone CLI of the installed wheel: `check` on the repository is clean
    let out = Command::new(bin.join("protoc-gen-ameide-py"))
        .current_dir(&ws)
        .arg("check")
        .env("PATH", clean_path(&[&bin]))
        .output()
        .expect("run check");
    expect_success("installed protoc-gen-ameide-py check", &out);
    eprintln!("pip wheels: total {:.1?}", started.elapsed());
}

/// A fixture copy: `small/editable` (current for `--to editable`) or `small/registry` (stale for it).
fn fixture(scratch: &Path, name: &str) -> PathBuf {
    let dst = scratch.join(name);
    copy_dir(
        &repo_root()
            .join("uvlock-tool/tests/fixtures/small")
            .join(name),
        &dst,
    );
    dst
}

const SWITCH_CHECK: &[&str] = &[
    "switch",
    "--to",
    "editable",
    "--package",
    "ameide-sdk-python",
    "--path",
    "packages/ameide_sdk_python",
    "--check",
    "services/inference",
];

fn assert_check(label: &str, out: &Output, stale: bool) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stale {
        assert_eq!(out.status.code(), Some(1), "{label}: {stdout}{stderr}");
        assert!(
            stdout.contains("+++ b/services/inference/uv.lock") && stdout.contains("\n+"),
            "{label}: no diff on stdout: {stdout}"
        );
    } else {
        assert_eq!(out.status.code(), Some(0), "{label}: {stdout}{stderr}");
        assert!(stderr.contains("up to date"), "{label}: {stderr}");
    }
}

#[test]
fn uv_tool_install_and_uvx_run_uvlock_tool() {
    let Some(dist) = dist_tools() else { return };
    let Some(py) = python_tools() else { return };
    let started = std::time::Instant::now();
    let wheels = wheels(&dist);
    let (scratch, _guard) = locked_scratch("distribution-uv");
    let uv_env = |cmd: &mut Command| {
        cmd.env("UV_CACHE_DIR", scratch.join("uv-cache"))
            .env("UV_TOOL_DIR", scratch.join("uv-tools"))
            .env("UV_TOOL_BIN_DIR", scratch.join("uv-bin"))
            .env("UV_PYTHON_DOWNLOADS", "never")
            .env("UV_NO_CONFIG", "1")
            .env("PATH", clean_path(&[]));
    };

    // uv tool install uvlock-tool (and the plugin), offline from the wheel directory
    for tool in ["uvlock-tool", "protoc-gen-ameide-py"] {
        let mut cmd = Command::new(py.uv());
        cmd.args(["tool", "install", "--offline", "--no-index", "--find-links"])
            .arg(&wheels.dir)
            .arg(tool);
        uv_env(&mut cmd);
        let out = cmd.output().expect("run uv tool install");
        expect_success(&format!("uv tool install {tool}"), &out);
        let out = Command::new(scratch.join("uv-bin").join(tool))
            .arg("--version")
            .output()
            .expect("run the uv-installed tool");
        expect_success(&format!("uv-installed {tool} --version"), &out);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(&workspace_version()),
            "{tool} --version: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let installed = scratch.join("uv-bin/uvlock-tool");
    for (name, stale) in [("editable", false), ("registry", true)] {
        let dir = fixture(&scratch.join("installed"), name);
        let out = Command::new(&installed)
            .current_dir(&dir)
            .args(SWITCH_CHECK)
            .output()
            .expect("run uvlock-tool");
        assert_check(&format!("uv tool uvlock-tool on {name}"), &out, stale);
    }

    // uvx uvlock-tool ... (ephemeral environment)
    for (name, stale) in [("editable", false), ("registry", true)] {
        let dir = fixture(&scratch.join("uvx"), name);
        let mut cmd = Command::new(py.venv.join("bin/uvx"));
        cmd.current_dir(&dir)
            .args(["--offline", "--no-index", "--find-links"])
            .arg(&wheels.dir)
            .arg("uvlock-tool")
            .args(SWITCH_CHECK);
        uv_env(&mut cmd);
        let out = cmd.output().expect("run uvx");
        assert_check(&format!("uvx uvlock-tool on {name}"), &out, stale);
    }
    eprintln!("uv tool/uvx: total {:.1?}", started.elapsed());
}
