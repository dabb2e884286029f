//! The repository's `.pre-commit-hooks.yaml`, run by real pre-commit (PyPI, pinned) in temporary git
//! repositories, with the executables installed from the binary wheels (no Rust toolchain on PATH):
//! * a project holding the example protos, their committed stubs, the top-level buf config and a uv service
//!   (uvlock-tool fixture `small/editable`): a clean commit passes both hooks;
//! * a stale stub (a .proto changed, stubs not regenerated) blocks the commit, the diff in the output;
//! * a service module importing the bare proto package blocks the commit (`imports` hook), the import named;
//!   after `imports --fix` the commit passes;
//! * a stale lock (the service's pyproject.toml/uv.lock in registry form) blocks the commit, the diff shown;
//! * the same hooks as `repo: local` with `language: python` and the wheels as `additional_dependencies`
//!   (pre-commit installs them into its own environment): clean passes, a stale lock blocks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use e2e_tests::cache::locked_scratch;
use e2e_tests::distribution::{
    dist_tools, expect_success, venv_with_wheels, wheels, workspace_version, DistTools,
};
use e2e_tests::provision::repo_root;
use e2e_tests::standalone::copy_dir;

const SDK_SRC: &str = "examples/packages/ameide_sdk_python/src";
const UVLOCK_ARGS: &str = "[--to, editable, --package, ameide-sdk-python, --path, packages/ameide_sdk_python, services/inference]";

fn clean_path(dirs: &[&Path]) -> std::ffi::OsString {
    let mut paths: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    paths.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(PathBuf::from));
    std::env::join_paths(paths).expect("valid PATH")
}

struct Env {
    path: std::ffi::OsString,
    home: PathBuf,
    extra: Vec<(&'static str, std::ffi::OsString)>,
}

fn git(dir: &Path, env: &Env, args: &[&str]) -> Output {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args(args)
        .env("PATH", &env.path)
        .env("HOME", &env.home)
        .env("PRE_COMMIT_HOME", env.home.join("pre-commit"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env_remove("NO_COLOR")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    for (k, v) in &env.extra {
        cmd.env(k, v);
    }
    cmd.output().expect("run git")
}

fn git_ok(dir: &Path, env: &Env, args: &[&str]) -> String {
    let out = git(dir, env, args);
    expect_success(&format!("git {}", args.join(" ")), &out);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn init_repo(dir: &Path, env: &Env) {
    fs::create_dir_all(dir).expect("create repo");
    git_ok(dir, env, &["init", "--quiet", "--initial-branch=main"]);
}

/// The hook repository: this checkout's `.pre-commit-hooks.yaml`, committed; returns its revision.
fn hook_repo(dir: &Path, env: &Env) -> String {
    init_repo(dir, env);
    fs::copy(
        repo_root().join(".pre-commit-hooks.yaml"),
        dir.join(".pre-commit-hooks.yaml"),
    )
    .expect("copy .pre-commit-hooks.yaml");
    git_ok(dir, env, &["add", "."]);
    git_ok(dir, env, &["commit", "--quiet", "-m", "hooks"]);
    git_ok(dir, env, &["rev-parse", "HEAD"])
}

/// The project: example protos + committed stubs + buf config, and a uv service current for `--to editable`.
fn project(dir: &Path, env: &Env, config: &str, pre_commit: &Path) {
    init_repo(dir, env);
    for sub in ["examples/packages/ameide_core_proto", SDK_SRC] {
        copy_dir(&repo_root().join(sub), &dir.join(sub));
    }
    for f in ["buf.yaml", "buf.gen.yaml"] {
        fs::copy(repo_root().join(f), dir.join(f)).expect("copy buf config");
    }
    copy_dir(
        &repo_root().join("uvlock-tool/tests/fixtures/small/editable"),
        dir,
    );
    fs::write(dir.join(".pre-commit-config.yaml"), config).expect("write config");
    let out = Command::new(pre_commit)
        .current_dir(dir)
        .arg("install")
        .env("PATH", &env.path)
        .env("HOME", &env.home)
        .env("PRE_COMMIT_HOME", env.home.join("pre-commit"))
        .output()
        .expect("run pre-commit install");
    expect_success("pre-commit install", &out);
    git_ok(dir, env, &["add", "."]);
}

fn commit(dir: &Path, env: &Env, message: &str) -> (bool, String) {
    let out = git(dir, env, &["commit", "-m", message]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn commits(dir: &Path, env: &Env) -> usize {
    let out = git(dir, env, &["rev-list", "--count", "HEAD"]);
    if !out.status.success() {
        return 0;
    }
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("count")
}

/// Adds a field to the first message of common.proto (the stubs are not regenerated).
fn make_stub_stale(dir: &Path) {
    let proto = dir
        .join("examples/packages/ameide_core_proto/proto/ameide_core_proto/common/v1/common.proto");
    let text = fs::read_to_string(&proto).expect("read common.proto");
    let at = text.find("message ").expect("a message");
    let open = at + text[at..].find('{').expect("message body");
    let changed = format!(
        "{}\n  string precommit_added_field = 9999;{}",
        &text[..=open],
        &text[open + 1..]
    );
    fs::write(&proto, changed).expect("write common.proto");
}

/// The service's pyproject.toml/uv.lock in registry form: stale for `--to editable`.
fn make_lock_stale(dir: &Path) {
    let from = repo_root().join("uvlock-tool/tests/fixtures/small/registry/services/inference");
    for f in ["pyproject.toml", "uv.lock"] {
        fs::copy(from.join(f), dir.join("services/inference").join(f)).expect("copy stale file");
    }
}

fn setup(name: &str) -> Option<(DistTools, PathBuf, std::fs::File, PathBuf)> {
    let dist = dist_tools()?;
    let wheels = wheels(&dist);
    let (scratch, guard) = locked_scratch(name);
    let bin = venv_with_wheels(&scratch.join("venv"), &wheels);
    Some((dist, scratch, guard, bin))
}

#[test]
fn pre_commit_hooks_from_the_repository_block_stale_stubs_and_locks() {
    let started = std::time::Instant::now();
    let Some((dist, scratch, _guard, bin)) = setup("distribution-pre-commit") else {
        return;
    };
    // the wheel-installed executables first; pre-commit's own venv for `pre-commit` (git runs the hook script)
    let env = Env {
        path: clean_path(&[&bin, &dist.venv.join("bin")]),
        home: scratch.join("home"),
        extra: Vec::new(),
    };
    fs::create_dir_all(&env.home).expect("create home");
    let rev = hook_repo(&scratch.join("hooks"), &env);
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: protoc-gen-ameide-py-check\n      - id: protoc-gen-ameide-py-imports\n      - id: uvlock-tool-check\n        args: {UVLOCK_ARGS}\n",
        scratch.join("hooks").display()
    );
    let dir = scratch.join("project");
    project(&dir, &env, &config, &dist.pre_commit());

    let (ok, text) = commit(&dir, &env, "clean");
    assert!(ok, "a clean commit must pass the hooks:\n{text}");
    assert!(text.contains("Passed"), "{text}");
    assert_eq!(commits(&dir, &env), 1);

    make_stub_stale(&dir);
    git_ok(&dir, &env, &["add", "."]);
    let (ok, text) = commit(&dir, &env, "stale stub");
    assert!(!ok, "a stale stub must block the commit:\n{text}");
    assert!(
        text.contains("common_pb2.py")
            && text.contains("(generated)\n@@")
            && text.contains("check failed"),
        "the hook output must show the stub diff:\n{text}"
    );
    assert_eq!(commits(&dir, &env), 1);
    // regenerating with the installed tool makes the commit pass again
    let out = Command::new(bin.join("protoc-gen-ameide-py"))
        .current_dir(&dir)
        .arg("generate")
        .output()
        .expect("run generate");
    expect_success("protoc-gen-ameide-py generate", &out);
    git_ok(&dir, &env, &["add", "."]);
    let (ok, text) = commit(&dir, &env, "regenerated");
    assert!(ok, "the regenerated commit must pass:\n{text}");

    let module = dir.join("services/inference/bare_imports.py");
    fs::write(
        &module,
        "from ameide_core_proto.common.v1 import common_pb2\n\nCONTEXT = common_pb2.RequestContext\n",
    )
    .expect("write a module with a bare import");
    git_ok(&dir, &env, &["add", "."]);
    let (ok, text) = commit(&dir, &env, "bare import");
    assert!(!ok, "a bare import must block the commit:\n{text}");
    assert!(
        text.contains("services/inference/bare_imports.py:1:6: import of 'ameide_core_proto.common.v1' without the SDK prefix; use 'ameide_sdk.proto.ameide_core_proto.common.v1'"),
        "the hook output must name the import:\n{text}"
    );
    let out = Command::new(bin.join("protoc-gen-ameide-py"))
        .current_dir(&dir)
        .args(["imports", "--fix", "services/inference/bare_imports.py"])
        .output()
        .expect("run imports --fix");
    expect_success("protoc-gen-ameide-py imports --fix", &out);
    git_ok(&dir, &env, &["add", "."]);
    let (ok, text) = commit(&dir, &env, "prefixed import");
    assert!(ok, "the fixed commit must pass:\n{text}");

    make_lock_stale(&dir);
    git_ok(&dir, &env, &["add", "."]);
    let (ok, text) = commit(&dir, &env, "stale lock");
    assert!(!ok, "a stale lock must block the commit:\n{text}");
    assert!(
        text.contains("+++ b/services/inference/uv.lock") && text.contains("out of date"),
        "the hook output must show the lock diff:\n{text}"
    );
    assert_eq!(commits(&dir, &env), 3);
    eprintln!("pre-commit (repository hooks): {:.1?}", started.elapsed());
}

#[test]
fn pre_commit_local_python_hooks_install_the_wheels() {
    let started = std::time::Instant::now();
    let Some((dist, scratch, _guard, _bin)) = setup("distribution-pre-commit-local") else {
        return;
    };
    let wheels = wheels(&dist);
    let version = workspace_version();
    // no wheel-installed executables on PATH: pre-commit installs them into its hook environment
    let env = Env {
        path: clean_path(&[&dist.venv.join("bin")]),
        home: scratch.join("home"),
        extra: vec![("PIP_FIND_LINKS", wheels.dir.clone().into_os_string())],
    };
    fs::create_dir_all(&env.home).expect("create home");
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: protoc-gen-ameide-py-check\n        name: protoc-gen-ameide-py check\n        entry: protoc-gen-ameide-py check\n        language: python\n        additional_dependencies: [protoc-gen-ameide-py=={version}]\n        pass_filenames: false\n      - id: uvlock-tool-check\n        name: uvlock-tool switch --check\n        entry: uvlock-tool switch --check\n        language: python\n        additional_dependencies: [uvlock-tool=={version}]\n        pass_filenames: false\n        args: {UVLOCK_ARGS}\n"
    );
    let dir = scratch.join("project");
    project(&dir, &env, &config, &dist.pre_commit());
    let (ok, text) = commit(&dir, &env, "clean");
    assert!(ok, "a clean commit must pass the hooks:\n{text}");
    make_lock_stale(&dir);
    git_ok(&dir, &env, &["add", "."]);
    let (ok, text) = commit(&dir, &env, "stale lock");
    assert!(!ok, "a stale lock must block the commit:\n{text}");
    assert!(
        text.contains("+++ b/services/inference/uv.lock"),
        "the hook output must show the lock diff:\n{text}"
    );
    eprintln!("pre-commit (local python hooks): {:.1?}", started.elapsed());
}
