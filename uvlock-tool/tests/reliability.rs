//! Reliability: pyproject.toml + uv.lock are replaced together or not at all — on a read-only
//! directory, a full disk (a small tmpfs when this process may mount one, else a write failure injected at the
//! I/O boundary), a failed rename, and a process killed with SIGKILL at every step of the write — and hostile
//! inputs (duplicate lock packages, every PEP 503 spelling of the dependency, CRLF line endings) give a result
//! or a clear error, never a panic.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("ls").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

const SVC: &str = "services/inference";

/// The arguments of a switch of the `registry` fixture to the editable SDK (changes both files).
fn switch_args() -> Vec<&'static str> {
    vec![
        "switch",
        "--to",
        "editable",
        "--package",
        "ameide-sdk-python",
        "--path",
        "packages/ameide_sdk_python",
        SVC,
    ]
}

fn tool(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_uvlock-tool"));
    c.current_dir(root)
        .env_remove("UVLOCK_TOOL_TEST_PAUSE_AT")
        .env_remove("UVLOCK_TOOL_TEST_FAIL_AT");
    c
}

fn run(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    tool(root)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run uvlock-tool")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `(pyproject.toml, uv.lock)` bytes of the service.
fn pair(root: &Path) -> (Vec<u8>, Vec<u8>) {
    let svc = root.join(SVC);
    (
        std::fs::read(svc.join("pyproject.toml")).expect("read pyproject"),
        std::fs::read(svc.join("uv.lock")).expect("read lock"),
    )
}

/// Names in the service directory other than the two files and the package sources.
fn leftovers(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(SVC))
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !matches!(n.as_str(), "pyproject.toml" | "uv.lock" | "src"))
        .collect();
    names.sort();
    names
}

fn fresh(form: &str, root: &Path) {
    copy_tree(&fixtures().join("small").join(form), root);
}

/// The pair a clean run produces (the "both new files complete" state).
fn expected_new() -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    fresh("registry", dir.path());
    let out = run(dir.path(), &switch_args(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let new = pair(dir.path());
    assert_ne!(
        new.0,
        std::fs::read(
            fixtures()
                .join("small/registry")
                .join(SVC)
                .join("pyproject.toml")
        )
        .expect("read")
    );
    new
}

fn assert_no_panic(o: &Output) {
    let err = stderr(o);
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "panic: {err}"
    );
    assert!(
        matches!(o.status.code(), Some(0..=3)),
        "exit {:?}: {err}",
        o.status
    );
}

// ---------------------------------------------------------------------------------------------------------
// tmpfs mounts (root on Linux); tests fall back to injected failures where mounting is not possible.

struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size_kb: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size_kb}k,mode=0755"),
                "tmpfs",
            ])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs { dir })
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn remount_read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

// ---------------------------------------------------------------------------------------------------------

#[test]
fn read_only_directory_leaves_both_files_untouched() {
    // Root ignores permission bits, so as root the directory is a read-only tmpfs; otherwise chmod 0555.
    let mount = Tmpfs::mount(4096);
    let owned;
    let root: &Path = match &mount {
        Some(m) => m.path(),
        None => {
            owned = tempfile::tempdir().expect("tempdir");
            owned.path()
        }
    };
    fresh("registry", root);
    let before = pair(root);
    match &mount {
        Some(m) => assert!(m.remount_read_only(), "remount read-only"),
        None if is_root() => {
            eprintln!("skipped: running as root without the right to mount a read-only tmpfs");
            return;
        }
        None => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root.join(SVC), std::fs::Permissions::from_mode(0o555))
                .expect("chmod");
        }
    }
    let out = run(root, &switch_args(), &[]);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error[E101 io]: ")
            && err.contains("cannot write a temporary file next to"),
        "{err}"
    );
    assert_eq!(pair(root), before, "both files byte-identical");
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}

#[test]
fn full_disk_leaves_both_files_untouched() {
    let expected = expected_new();
    // On a 256 KiB tmpfs filled up to a few bytes, the first temporary file cannot be written.
    if let Some(fs) = Tmpfs::mount(256) {
        let root = fs.path();
        fresh("registry", root);
        let before = pair(root);
        let filler = root.join("filler");
        let mut f = std::fs::File::create(&filler).expect("create filler");
        let chunk = vec![0u8; 4096];
        while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
        drop(f);
        let out = run(root, &switch_args(), &[]);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("No space left on device"),
            "{}",
            stderr(&out)
        );
        assert_eq!(pair(root), before, "both files byte-identical");
        assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
        // With room again, the same command gives the complete new pair.
        std::fs::remove_file(&filler).expect("rm filler");
        let out = run(root, &switch_args(), &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(pair(root), expected);
    } else {
        eprintln!("no tmpfs (not root?): the full disk is simulated at the I/O boundary only");
    }
    // Simulated at the I/O boundary (always): the temporary file, then the journal, fail as on ENOSPC.
    for step in ["write-temp", "write-journal"] {
        let dir = tempfile::tempdir().expect("tempdir");
        fresh("registry", dir.path());
        let before = pair(dir.path());
        let out = run(
            dir.path(),
            &switch_args(),
            &[("UVLOCK_TOOL_TEST_FAIL_AT", step)],
        );
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(3), "{step}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("No space left on device"),
            "{step}: {}",
            stderr(&out)
        );
        assert_eq!(
            pair(dir.path()),
            before,
            "{step}: both files byte-identical"
        );
        assert!(
            leftovers(dir.path()).is_empty(),
            "{step}: {:?}",
            leftovers(dir.path())
        );
    }
}

#[test]
fn a_failed_second_rename_puts_the_first_file_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    fresh("registry", dir.path());
    let before = pair(dir.path());
    let out = run(
        dir.path(),
        &switch_args(),
        &[("UVLOCK_TOOL_TEST_FAIL_AT", "rename-2")],
    );
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error[E101 io]: ")
            && stderr(&out).contains("services/inference/uv.lock: cannot replace: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(pair(dir.path()), before, "pyproject.toml restored");
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

/// Starts a write that pauses at `stage`, kills it with SIGKILL there, and returns the directory.
fn killed_at(stage: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fresh("registry", dir.path());
    let mut child = tool(dir.path())
        .args(switch_args())
        .env("UVLOCK_TOOL_TEST_PAUSE_AT", stage)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    assert_eq!(first, format!("uvlock-tool: paused at {stage}"));
    child.kill().expect("kill -9"); // SIGKILL on Unix
    let status = child.wait().expect("wait");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9)
    );
    dir
}

#[test]
fn killed_before_the_commit_point_leaves_the_originals() {
    let expected = expected_new();
    let dir = killed_at("temps-written");
    let root = dir.path();
    let original = pair(&fixtures().join("small/registry"));
    assert_eq!(pair(root), original, "originals byte-identical");
    // Only hidden temporary files are left; the next run ignores them and switches normally.
    assert!(leftovers(root)
        .iter()
        .all(|n| n.starts_with(".uvlock-tool.")));
    let check = run(root, &[&switch_args()[..], &["--check"]].concat(), &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let out = run(root, &switch_args(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(pair(root), expected);
}

#[test]
fn killed_after_the_commit_point_is_completed_by_the_next_run() {
    let expected = expected_new();
    let original = pair(&fixtures().join("small/registry"));
    for stage in ["journal-written", "renamed-1", "renamed-all"] {
        let dir = killed_at(stage);
        let root = dir.path();
        let on_disk = pair(root);
        match stage {
            "journal-written" => assert_eq!(on_disk, original, "{stage}"),
            "renamed-1" => assert_eq!(on_disk, (expected.0.clone(), original.1.clone())),
            _ => assert_eq!(on_disk, expected, "{stage}"),
        }
        assert!(leftovers(root).contains(&".uvlock-tool.journal".to_string()));
        // --check and --diff refuse to read a half-replaced pair.
        let check = run(root, &[&switch_args()[..], &["--check"]].concat(), &[]);
        assert_eq!(check.status.code(), Some(3), "{stage}: {}", stderr(&check));
        assert!(
            stderr(&check)
                .contains("an interrupted write of pyproject.toml and uv.lock is pending"),
            "{}",
            stderr(&check)
        );
        // Any write run completes the committed replacement first: both new files, complete.
        let out = run(root, &switch_args(), &[]);
        assert_eq!(out.status.code(), Some(0), "{stage}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(
                "services/inference: completed an interrupted write of pyproject.toml and uv.lock"
            ),
            "{}",
            stderr(&out)
        );
        assert_eq!(pair(root), expected, "{stage}");
        assert!(leftovers(root).is_empty(), "{stage}: {:?}", leftovers(root));
    }
}

#[test]
fn killed_at_random_moments_the_pair_is_old_new_or_completed() {
    // Not deterministic (the kill lands wherever the process is), hence only checks the invariant.
    let expected = expected_new();
    let original = pair(&fixtures().join("small/registry"));
    for i in 0..20u64 {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fresh("registry", root);
        let mut child = tool(root)
            .args(switch_args())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_micros(200 * i));
        let _ = child.kill();
        let _ = child.wait();
        let now = pair(root);
        let journal = root.join(SVC).join(".uvlock-tool.journal").exists();
        assert!(
            now == original || now == expected || journal,
            "run {i}: a mixed pair without a journal"
        );
        let out = run(root, &switch_args(), &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(pair(root), expected, "run {i}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Hostile inputs: a result or a clear error, never a panic.

fn service_with(pyproject: Option<&str>, lock: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fresh("registry", dir.path());
    let svc = dir.path().join(SVC);
    if let Some(p) = pyproject {
        std::fs::write(svc.join("pyproject.toml"), p).expect("write");
    }
    if let Some(l) = lock {
        std::fs::write(svc.join("uv.lock"), l).expect("write");
    }
    dir
}

fn registry_text(file: &str) -> String {
    std::fs::read_to_string(fixtures().join("small/registry").join(SVC).join(file)).expect("read")
}

#[test]
fn a_lock_with_duplicate_packages_is_a_clear_error() {
    let lock = registry_text("uv.lock");
    let start = lock.find("[[package]]\nname = \"anyio\"").expect("anyio");
    let end = start + lock[start + 1..].find("\n[[package]]").expect("next") + 1;
    let block = &lock[start..end];
    let duplicated = format!("{}{block}{}", &lock[..end], &lock[end..]);
    let dir = service_with(None, Some(&duplicated));
    let before = pair(dir.path());
    let out = run(dir.path(), &switch_args(), &[]);
    assert_no_panic(&out);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).starts_with("error[E"), "{}", stderr(&out));
    assert_eq!(pair(dir.path()), before);
}

#[test]
fn every_pep503_spelling_of_the_dependency_is_one_dependency() {
    let pyproject = registry_text("pyproject.toml");
    assert!(pyproject.contains("\"ameide-sdk-python==2.10.1\""));
    for spelling in [
        "ameide_sdk_python",
        "Ameide-SDK-Python",
        "ameide.sdk.python",
        "AMEIDE__SDK--PYTHON",
        "ameide-_.sdk-python",
    ] {
        let text = pyproject.replace(
            "\"ameide-sdk-python==2.10.1\"",
            &format!("\"{spelling}==2.10.1\""),
        );
        let dir = service_with(Some(&text), None);
        for package in ["ameide-sdk-python", spelling] {
            let mut args = switch_args();
            args[4] = package;
            let out = run(dir.path(), &args, &[]);
            assert_no_panic(&out);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{spelling}/{package}: {}",
                stderr(&out)
            );
            // back to the registry form for the next round
            let back = run(
                dir.path(),
                &[
                    "switch",
                    "--to",
                    "registry",
                    "--package",
                    package,
                    "--path",
                    "packages/ameide_sdk_python",
                    "--from",
                    &fixtures()
                        .join("small/registry")
                        .join(SVC)
                        .join("uv.lock")
                        .to_string_lossy(),
                    SVC,
                ],
                &[],
            );
            assert_no_panic(&back);
        }
    }
    // The dependency spelled in every variant at once: one result or one clear error.
    let all = pyproject.replace(
        "\"ameide-sdk-python==2.10.1\",",
        "\"ameide-sdk-python==2.10.1\", \"ameide_sdk_python==2.10.1\", \"Ameide.SDK.Python>=2\",",
    );
    let dir = service_with(Some(&all), None);
    let out = run(dir.path(), &switch_args(), &[]);
    assert_no_panic(&out);
    if out.status.code() != Some(0) {
        assert!(stderr(&out).starts_with("error[E"), "{}", stderr(&out));
    }
}

#[test]
fn crlf_pyproject_switches_like_uv_which_writes_lf() {
    // uv (0.13.9, astral-sh/uv#8559) writes pyproject.toml with LF whatever the input used; so does this tool,
    // and a CRLF input gives exactly the bytes the LF input gives.
    let crlf = registry_text("pyproject.toml").replace('\n', "\r\n");
    let dir = service_with(Some(&crlf), None);
    let out = run(dir.path(), &switch_args(), &[]);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(pair(dir.path()), expected_new());
}

#[test]
fn non_utf8_and_truncated_inputs_are_clear_errors() {
    let lock = registry_text("uv.lock");
    for (name, py, lk) in [
        (
            "non-utf8 pyproject",
            Some(b"[project]\nname = \"\xff\"\n".to_vec()),
            None,
        ),
        (
            "truncated lock",
            None,
            Some(lock.as_bytes()[..lock.len() / 2].to_vec()),
        ),
        ("empty lock", None, Some(Vec::new())),
        (
            "deeply nested lock",
            None,
            Some(format!("x = {}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
        ),
        (
            "deeply nested pyproject",
            Some(
                format!(
                    "[project]\nx = {}{}",
                    "{a = ".repeat(50_000),
                    "}".repeat(50_000)
                )
                .into_bytes(),
            ),
            None,
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        fresh("registry", dir.path());
        let svc = dir.path().join(SVC);
        if let Some(p) = &py {
            std::fs::write(svc.join("pyproject.toml"), p).expect("write");
        }
        if let Some(l) = &lk {
            std::fs::write(svc.join("uv.lock"), l).expect("write");
        }
        let before = pair(dir.path());
        let out = run(dir.path(), &switch_args(), &[]);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(3), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with("error[E10"),
            "{name}: {}",
            stderr(&out)
        );
        assert_eq!(pair(dir.path()), before, "{name}");
    }
}

#[test]
fn property_service_order_on_the_command_line_does_not_change_the_bytes() {
    // Four services (registry, directory, editable, explicit-index forms) under one root, switched in every
    // rotation of their order: each rotation writes the same bytes.
    let forms = [
        "registry",
        "directory",
        "editable",
        "registry-explicit-index",
    ];
    let setup = |root: &Path| {
        fresh("registry", root);
        for form in forms {
            copy_tree(
                &fixtures().join("small").join(form).join(SVC),
                &root.join("services").join(form),
            );
        }
    };
    let mut reference: Option<Vec<(Vec<u8>, Vec<u8>)>> = None;
    for rotation in 0..forms.len() {
        let dir = tempfile::tempdir().expect("tempdir");
        setup(dir.path());
        let services: Vec<String> = (0..forms.len())
            .map(|i| format!("services/{}", forms[(i + rotation) % forms.len()]))
            .collect();
        let mut args = switch_args();
        args.pop();
        args.extend(services.iter().map(String::as_str));
        let out = run(dir.path(), &args, &[]);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let result: Vec<(Vec<u8>, Vec<u8>)> = forms
            .iter()
            .map(|form| {
                let svc = dir.path().join("services").join(form);
                (
                    std::fs::read(svc.join("pyproject.toml")).expect("read"),
                    std::fs::read(svc.join("uv.lock")).expect("read"),
                )
            })
            .collect();
        match &reference {
            None => reference = Some(result),
            Some(r) => assert!(&result == r, "rotation {rotation}: {services:?}"),
        }
    }
}
