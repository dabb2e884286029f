//! The binary's error paths: exit status, the exact message, and files left untouched. (The e2e suite under
//! tests/tests/uvlock_*.rs repeats the main cases against real uv.)

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use support::{copy_tree, fixtures};

/// A writable copy of `small/<form>` (packages/ + services/inference).
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new(form: &str) -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_tree(&fixtures().join("small").join(form), dir.path());
        Repo { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read")
    }
    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).expect("write");
    }
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let t = self.read(rel);
        assert!(t.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &t.replacen(from, to, 1));
    }
    fn snapshot(&self) -> (String, String) {
        (
            self.read("services/inference/pyproject.toml"),
            self.read("services/inference/uv.lock"),
        )
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_uvlock-tool"))
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .expect("run")
    }
    fn switch(&self, to: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            "switch",
            "--to",
            to,
            "--package",
            "ameide-sdk-python",
            "--path",
            "packages/ameide_sdk_python",
        ];
        args.extend_from_slice(extra);
        if !extra.iter().any(|a| a.starts_with("services")) {
            args.push("services/inference");
        }
        self.run(&args)
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs the switch and checks exit status, message and that nothing was written.
fn assert_fails(repo: &Repo, to: &str, extra: &[&str], code: i32, message: &str) {
    let before = repo.snapshot();
    let out = repo.switch(to, extra);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(message), "expected `{message}` in:\n{err}");
    if code == 2 {
        let hint = if message.contains("E011 no-reference") {
            "hint: pass --from <a uv.lock that holds the registry entry>"
        } else if message.contains("E014 absolute-path") {
            "hint: give the local package as a path relative to the service"
        } else {
            "hint: run `uv lock` (needs network)"
        };
        assert!(err.contains(hint), "{err}");
    }
    assert_eq!(repo.snapshot(), before, "files must be untouched");
    let temp = std::fs::read_dir(repo.path("services/inference"))
        .expect("ls")
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with(".uvlock-tool"));
    assert!(!temp, "no temp files left");
}

/// A copy of `small/<form>` with one edit of `file` (`from` replaced by `to`): the switch to editable exits 2
/// with `message` and leaves the files untouched.
fn assert_edit_refused(form: &str, file: &str, (from, to): (&str, &str), message: &str) {
    let repo = Repo::new(form);
    repo.edit(file, from, to);
    assert_fails(&repo, "editable", &[], 2, message);
}

#[test]
fn version_names_the_uv_format() {
    let out = Command::new(env!("CARGO_BIN_EXE_uvlock-tool"))
        .arg("--version")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "uvlock-tool {} (writes uv.lock as uv 0.13.9: version = 1, revision = 5)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn switch_check_diff_and_idempotence() {
    let repo = Repo::new("registry");
    let before = repo.snapshot();
    let out = repo.switch("editable", &["--check"]);
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        diff.starts_with(
            "--- a/services/inference/pyproject.toml\n+++ b/services/inference/pyproject.toml\n@@"
        ),
        "{diff}"
    );
    assert!(
        diff.contains("--- a/services/inference/uv.lock\n+++ b/services/inference/uv.lock\n"),
        "{diff}"
    );
    assert!(stderr(&out).contains("error: services/inference: uv.lock/pyproject.toml are out of date for mode editable; run `uvlock-tool switch --to editable"), "{}", stderr(&out));
    assert_eq!(repo.snapshot(), before);
    let out = repo.switch("editable", &["--diff"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), diff);
    assert_eq!(repo.snapshot(), before);

    let out = repo.switch("editable", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let want = fixtures().join("small/editable/services/inference");
    assert_eq!(
        repo.read("services/inference/uv.lock"),
        std::fs::read_to_string(want.join("uv.lock")).expect("read")
    );
    assert_eq!(
        repo.read("services/inference/pyproject.toml"),
        std::fs::read_to_string(want.join("pyproject.toml")).expect("read")
    );
    let after = repo.snapshot();
    let out = repo.switch("editable", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("services/inference: unchanged (editable)"));
    assert_eq!(repo.snapshot(), after);
    let out = repo.switch("editable", &["--check"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn globs_and_several_services_are_each_reported() {
    let repo = Repo::new("registry");
    copy_tree(
        &repo.path("services/inference"),
        &repo.path("services/other"),
    );
    let out = repo.switch("editable", &["--check", "services/*"]);
    assert_eq!(out.status.code(), Some(1));
    for s in ["services/inference", "services/other"] {
        assert!(
            stderr(&out).contains(&format!(
                "error: {s}: uv.lock/pyproject.toml are out of date"
            )),
            "{}",
            stderr(&out)
        );
    }
    let out = repo.switch("editable", &["services/*"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("services/inference: switched to editable"));
    assert!(stderr(&out).contains("services/other: switched to editable"));
    // One bad service does not stop the others; the worst status wins.
    repo.write(
        "services/other/uv.lock",
        "version = 1\nrevision = 9\nrequires-python = \">=3.11\"\n",
    );
    let out = repo.switch("directory", &["services/inference", "services/other"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("services/inference: switched to directory"));
    assert!(stderr(&out).contains("error[E012 lock-format]: services/other/uv.lock has revision 9"));
}

#[test]
fn input_errors_exit_3() {
    let repo = Repo::new("registry");
    assert_fails(
        &repo,
        "editable",
        &["services/missing"],
        3,
        "error[E104 usage]: services/missing: not a directory",
    );
    assert_fails(
        &repo,
        "editable",
        &["nothing/*"],
        3,
        "error[E104 usage]: `nothing/*` matches no directory",
    );
    let out = repo.run(&[
        "switch",
        "--to",
        "editable",
        "--package",
        "ameide-sdk-python",
        "--path",
        "nowhere",
        "services/inference",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("error[E104 usage]: nowhere/pyproject.toml: cannot read the local package's pyproject.toml (--path)"));
    let out = repo.run(&[
        "switch",
        "--to",
        "sideways",
        "--package",
        "x",
        "--path",
        "p",
        "s",
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "clap usage errors exit 3, not 2"
    );
    let out = repo.run(&[
        "switch",
        "--to",
        "editable",
        "--package",
        "ameide-sdk-python",
        "--path",
        "packages/ameide_sdk_python",
        "--check",
        "--diff",
        "services/inference",
    ]);
    assert_eq!(out.status.code(), Some(3));

    let out = repo.run(&[
        "switch",
        "--to",
        "editable",
        "--package",
        "fastapi-nope",
        "--path",
        "packages/ameide_sdk_python",
        "services/inference",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("error[E103 schema]: services/inference/pyproject.toml does not depend on `fastapi-nope`"), "{}", stderr(&out));

    std::fs::remove_file(repo.path("services/inference/uv.lock")).expect("rm");
    let out = repo.switch("editable", &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("error[E101 io]: ") && stderr(&out).contains("uv.lock: cannot read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn broken_toml_reports_file_line_col() {
    let repo = Repo::new("registry");
    repo.edit(
        "services/inference/pyproject.toml",
        "version = \"0.1.0\"",
        "version = \"0.1.0",
    );
    assert_fails(
        &repo,
        "editable",
        &[],
        3,
        "error[E102 toml]: services/inference/pyproject.toml:3:17: invalid basic string",
    );
    let repo = Repo::new("registry");
    repo.edit(
        "packages/ameide_sdk_python/pyproject.toml",
        "[project]",
        "[project",
    );
    assert_fails(
        &repo,
        "editable",
        &[],
        3,
        "error[E102 toml]: packages/ameide_sdk_python/pyproject.toml:1:",
    );
    let repo = Repo::new("registry");
    repo.edit(
        "services/inference/uv.lock",
        "revision = 5",
        "revision = = 5",
    );
    assert_fails(
        &repo,
        "editable",
        &[],
        3,
        "error[E102 toml]: services/inference/uv.lock:2:",
    );
}

#[test]
fn lock_format_and_absolute_paths_are_refused() {
    assert_edit_refused(
        "registry",
        "services/inference/uv.lock",
        ("revision = 5", "revision = 6"),
        "error[E012 lock-format]: services/inference/uv.lock has revision 6; this uvlock-tool writes revision 5 (uv 0.13.9)",
    );
    assert_edit_refused(
        "registry",
        "services/inference/uv.lock",
        ("version = 1", "version = 2"),
        "error[E012 lock-format]: services/inference/uv.lock uses lock schema version 2",
    );
    assert_edit_refused(
        "registry",
        "services/inference/uv.lock",
        (
            "requires-python = \">=3.11\"",
            "requires-python = \">=3.11\"\nconflicts = [[{ package = \"x\" }]]",
        ),
        "error[E012 lock-format]: services/inference/uv.lock declares conflicting extras or groups",
    );
    let repo = Repo::new("editable");
    let abs = repo
        .path("packages/ameide_sdk_python")
        .display()
        .to_string();
    repo.edit(
        "services/inference/pyproject.toml",
        "\"../../packages/ameide_sdk_python\"",
        &format!("\"{abs}\""),
    );
    assert_fails(&repo, "editable", &[], 2, &format!("error[E014 absolute-path]: services/inference/pyproject.toml: [tool.uv.sources] `ameide-sdk-python` has the absolute path `{abs}`"));
}

#[test]
fn unsupported_forms_are_refused() {
    assert_edit_refused(
        "editable",
        "services/inference/pyproject.toml",
        ("{ path = \"../../packages/ameide_sdk_python\", editable = true }", "{ git = \"https://example.com/sdk.git\" }"),
        "error[E013 unsupported-form]: services/inference/pyproject.toml: [tool.uv.sources] `ameide-sdk-python` is a git, url, workspace or other source",
    );
    assert_edit_refused(
        "editable",
        "services/inference/pyproject.toml",
        ("{ path = \"../../packages/ameide_sdk_python\", editable = true }", "[{ path = \"../../packages/ameide_sdk_python\", marker = \"sys_platform == 'linux'\" }]"),
        "[tool.uv.sources] `ameide-sdk-python` is a list or not a table",
    );
    assert_edit_refused(
        "registry",
        "services/inference/pyproject.toml",
        ("\"ameide-sdk-python==2.10.1\"", "\"ameide-sdk-python @ https://example.com/sdk.whl\""),
        "error[E013 unsupported-form]: services/inference/pyproject.toml: `ameide-sdk-python` is a direct reference",
    );
    // pyproject and lock disagree: a second requirement the lock does not know.
    assert_edit_refused(
        "registry",
        "services/inference/pyproject.toml",
        ("dev = [\"pytest>=8\"]", "dev = [\"pytest>=8\", \"ameide-sdk-python>=2\"]"),
        "lists `ameide-sdk-python` 2 time(s) but services/inference/uv.lock's project metadata 1 time(s); the lock is out of date",
    );
}

#[test]
fn resolver_cases_are_refused() {
    // E003: a dependency locked only for some environments.
    let repo = Repo::new("registry");
    repo.edit("services/inference/uv.lock", "name = \"anyio\"\nversion = \"4.16.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n", "name = \"anyio\"\nversion = \"4.16.0\"\nsource = { registry = \"https://pypi.org/simple\" }\nresolution-markers = [\n    \"sys_platform == 'linux'\",\n]\n");
    repo.edit(
        "packages/ameide_sdk_python/pyproject.toml",
        "\"httpx>=0.27\",",
        "\"httpx>=0.27\",\n    \"anyio>=4\",",
    );
    assert_fails(
        &repo,
        "editable",
        &[],
        2,
        "error[E003 multi-version]: `anyio` is locked per fork (resolution-markers)",
    );
    // E007: another locked package depends on the SDK and its version changes.
    let repo = Repo::new("editable");
    repo.edit("services/inference/uv.lock", "name = \"fastapi\"\nversion = \"0.165.0\"\nsource = { registry = \"https://pypi.org/simple\" }\ndependencies = [\n", "name = \"fastapi\"\nversion = \"0.165.0\"\nsource = { registry = \"https://pypi.org/simple\" }\ndependencies = [\n    { name = \"ameide-sdk-python\" },\n");
    repo.edit(
        "packages/ameide_sdk_python/pyproject.toml",
        "version = \"2.10.1\"",
        "version = \"0.0.0\"",
    );
    assert_fails(&repo, "editable", &[], 2, "error[E007 transitive-version]: `fastapi` depends on ameide-sdk-python; local version 0.0.0 differs from locked 2.10.1");
    // E011: reverse without a reference lock.
    let repo = Repo::new("editable");
    assert_fails(&repo, "registry", &[], 2, "error[E011 no-reference]: reverting to the registry needs the registry entry for ameide-sdk-python==2.10.1; pass --from <lock>");
    // E002 on reverse: the reference lock's version does not satisfy the service's pin.
    let repo = Repo::new("editable");
    let reference =
        std::fs::read_to_string(fixtures().join("small/registry/services/inference/uv.lock"))
            .expect("read");
    repo.write("ref.lock", &reference);
    repo.edit(
        "services/inference/pyproject.toml",
        "\"ameide-sdk-python==2.10.1\"",
        "\"ameide-sdk-python==2.11\"",
    );
    assert_fails(&repo, "registry", &["--from", "ref.lock"], 2, "error[E002 version-conflict]: services/inference/pyproject.toml requires `ameide-sdk-python==2.11` ([project] dependencies), but ref.lock locks ameide-sdk-python 2.10.1");
}

#[test]
fn forked_lock_allows_only_a_pure_swap() {
    // pep508/groups is forked (resolution-markers); dropping a dependency changes the SDK's edges: E008.
    let dir = tempfile::tempdir().expect("tempdir");
    let svc = dir.path().join("services/inference");
    let sdk = dir.path().join("packages/ameide_sdk_python");
    std::fs::create_dir_all(&svc).expect("mkdir");
    std::fs::create_dir_all(&sdk).expect("mkdir");
    let f = fixtures();
    std::fs::copy(
        f.join("pep508/groups/registry.pyproject.toml"),
        svc.join("pyproject.toml"),
    )
    .expect("copy");
    std::fs::copy(
        f.join("pep508/groups/registry.uv.lock"),
        svc.join("uv.lock"),
    )
    .expect("copy");
    let sdk_py =
        std::fs::read_to_string(f.join("small/editable/packages/ameide_sdk_python/pyproject.toml"))
            .expect("read");
    std::fs::write(
        sdk.join("pyproject.toml"),
        sdk_py.replace("    \"httpx>=0.27\",\n", ""),
    )
    .expect("write");
    let repo = Repo { dir };
    assert_fails(&repo, "editable", &[], 2, "error[E008 fork-change]: services/inference/uv.lock is forked (resolution-markers) and ameide-sdk-python's dependency set changes");
    // The pure swap is fine and equals uv's lock.
    std::fs::write(sdk.join("pyproject.toml"), sdk_py).expect("write");
    let out = repo.switch("editable", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        repo.read("services/inference/uv.lock"),
        std::fs::read_to_string(f.join("pep508/groups/editable.uv.lock")).expect("read")
    );
}
