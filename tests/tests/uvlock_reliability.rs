//! uvlock-tool reliability against real uv 0.13.9 and on the release binary:
//! * a service directory reached through a symbolic link is switched as uv sees it from inside
//!   (`cd <link> && uv lock`, `uv --directory <link>`: the physical directory), so the bytes equal those of a
//!   switch of the real directory and `uv lock --locked --offline` accepts them;
//! * a local package reached through a link keeps the link's path, as `uv add --editable <link>` writes it;
//! * the release binary has no fault hooks: `UVLOCK_TOOL_TEST_PAUSE_AT` / `_FAIL_AT` change nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use e2e_tests::provision::repo_root;
use e2e_tests::uv::{self, assert_same, read, service_pyproject, World, SDK_PYPROJECT};
use e2e_tests::uvlock_case::switch;

const DEPS: &str = "    \"ameide-sdk-python==2.10.1\",\n    \"fastapi>=0.115\",\n";

fn editable_source(path: &str) -> String {
    format!("\n[tool.uv.sources]\nameide-sdk-python = {{ path = \"{path}\", editable = true }}\n")
}

fn ok(out: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "uvlock-tool failed ({}):\n{err}",
        out.status
    );
    err
}

/// A monorepo with `services/inference` locked by uv in registry form; the SDK at `sdk` (relative to the root).
fn registry_case(world: &World, name: &str, sdk: &str) -> PathBuf {
    let dir = world.case(name);
    uv::write_sdk(&dir.join(sdk), SDK_PYPROJECT);
    let svc = dir.join("services/inference");
    uv::write_service(&svc, &service_pyproject(&world.index_url, DEPS, ""));
    world.lock(&svc);
    dir
}

/// `services/<name>`: a copy of the registry service with `source` appended to its pyproject, locked by uv.
fn uv_expectation(world: &World, dir: &Path, name: &str, source: &str) -> PathBuf {
    let to = dir.join("services").join(name);
    uv::copy_tree(&dir.join("services/inference"), &to);
    let py = to.join("pyproject.toml");
    fs::write(&py, read(&py) + source).expect("append source");
    world.lock(&to);
    to
}

fn assert_pair(what: &str, svc: &Path, want: &Path) {
    for file in ["pyproject.toml", "uv.lock"] {
        assert_same(
            &format!("{what}: {file}"),
            &read(&svc.join(file)),
            &read(&want.join(file)),
        );
    }
}

#[test]
fn a_symlinked_service_directory_is_switched_as_uv_sees_it_from_inside() {
    let Some(world) = World::get() else {
        return;
    };
    let dir = registry_case(world, "symlinked-service", "packages/ameide_sdk_python");
    let registry = dir.join("services/registry");
    uv::copy_tree(&dir.join("services/inference"), &registry);
    let want = uv_expectation(
        world,
        &dir,
        "want-editable",
        &editable_source("../../packages/ameide_sdk_python"),
    );
    // Links at other depths than the service: one level up, and three levels down.
    std::os::unix::fs::symlink("services/inference", dir.join("inference-link")).expect("ln");
    fs::create_dir_all(dir.join("links/a/b")).expect("mkdir");
    std::os::unix::fs::symlink(
        "../../../services/inference",
        dir.join("links/a/b/inference"),
    )
    .expect("ln");

    ok(&switch(
        &dir,
        "editable",
        "packages/ameide_sdk_python",
        &["inference-link"],
    ));
    let svc = dir.join("services/inference");
    assert_pair("through inference-link", &svc, &want);
    // uv run inside the link, or told the directory, accepts the result offline.
    uv::run_ok(world.uv(&dir.join("inference-link")).args([
        "lock",
        "--locked",
        "--offline",
        "--quiet",
    ]));
    uv::run_ok(world.uv(&dir).args([
        "--directory",
        "links/a/b/inference",
        "lock",
        "--locked",
        "--offline",
        "--quiet",
    ]));
    // --check through the other link agrees; back to the registry through it gives uv's registry pair.
    ok(&switch(
        &dir,
        "editable",
        "packages/ameide_sdk_python",
        &["--check", "links/a/b/inference"],
    ));
    fs::copy(registry.join("uv.lock"), dir.join("ref.lock")).expect("cp");
    ok(&switch(
        &dir,
        "registry",
        "packages/ameide_sdk_python",
        &["--from", "ref.lock", "links/a/b/inference"],
    ));
    assert_pair("back through links/a/b/inference", &svc, &registry);
}

/// The path `uv add --editable <path>` run in `svc` writes to [tool.uv.sources] (no lock, no sync).
fn uv_add_path(world: &World, svc: &Path, path: &str) -> String {
    uv::run_ok(
        world
            .uv(svc)
            .args(["add", "--frozen", "--quiet", "--editable", path]),
    );
    let text = read(&svc.join("pyproject.toml"));
    let start = text
        .find("ameide-sdk-python = { path = \"")
        .unwrap_or_else(|| panic!("no path source written by uv add:\n{text}"))
        + "ameide-sdk-python = { path = \"".len();
    text[start..][..text[start..].find('"').expect("closing quote")].to_string()
}

#[test]
fn a_symlinked_local_package_keeps_the_link_path_as_uv_add_writes_it() {
    let Some(world) = World::get() else {
        return;
    };
    // The SDK lives at another depth; packages/sdk-link points at it.
    let dir = registry_case(world, "symlinked-sdk", "vendor/real/sdk/ameide_sdk_python");
    fs::create_dir_all(dir.join("packages")).expect("mkdir");
    std::os::unix::fs::symlink(
        "../vendor/real/sdk/ameide_sdk_python",
        dir.join("packages/sdk-link"),
    )
    .expect("ln");
    let scratch = dir.join("services/uv-add");
    uv::copy_tree(&dir.join("services/inference"), &scratch);
    let path = uv_add_path(world, &scratch, "../../packages/sdk-link");
    assert_eq!(path, "../../packages/sdk-link", "uv keeps the link");
    let want = uv_expectation(world, &dir, "want-editable", &editable_source(&path));

    ok(&switch(
        &dir,
        "editable",
        "packages/sdk-link",
        &["services/inference"],
    ));
    let svc = dir.join("services/inference");
    assert_pair("SDK through packages/sdk-link", &svc, &want);
    uv::run_ok(
        world
            .uv(&svc)
            .args(["lock", "--locked", "--offline", "--quiet"]),
    );
}

#[test]
fn the_release_binary_has_no_fault_hooks() {
    let bin = uv::uvlock_tool();
    let bytes = fs::read(&bin).expect("read the release binary");
    for name in ["UVLOCK_TOOL_TEST_PAUSE_AT", "UVLOCK_TOOL_TEST_FAIL_AT"] {
        assert!(
            !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
            "{} mentions {name}",
            bin.display()
        );
    }
    let fixture = repo_root().join("uvlock-tool/tests/fixtures/small/registry");
    let dir = e2e_tests::provision::scratch_dir("uvlock-release-hooks");
    uv::copy_tree(&fixture, &dir);
    let before = read(&dir.join("services/inference/uv.lock"));
    // With hooks, the first would wait for stdin (kept open here) and the second would fail the write.
    let mut child = Command::new(&bin)
        .current_dir(&dir)
        .args([
            "switch",
            "--to",
            "editable",
            "--package",
            "ameide-sdk-python",
            "--path",
            "packages/ameide_sdk_python",
            "services/inference",
        ])
        .env("UVLOCK_TOOL_TEST_PAUSE_AT", "temps-written")
        .env("UVLOCK_TOOL_TEST_FAIL_AT", "write-temp")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the release binary paused on UVLOCK_TOOL_TEST_PAUSE_AT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().expect("output");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(status.success(), "{status}: {err}");
    assert!(
        err.contains("services/inference: switched to editable"),
        "{err}"
    );
    assert_ne!(read(&dir.join("services/inference/uv.lock")), before);
}
