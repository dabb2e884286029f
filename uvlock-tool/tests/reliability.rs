//! Reliability: pyproject.toml + uv.lock are replaced together or not at all on a read-only directory, a full
//! disk (a small tmpfs when this process may mount one, else a write failure injected at the I/O boundary) and
//! a failed rename; hostile inputs (duplicate lock packages, every PEP 503 spelling of the dependency, CRLF line
//! endings, devices, FIFOs, huge files, links) give a result or a clear error, never a panic or a hang. Kills,
//! journals and concurrent runs: `crash_recovery.rs`.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::*;

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
        assert_io_error(&out, "No space left on device", "full disk");
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
        assert_io_error(&out, "No space left on device", step);
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

// ---------------------------------------------------------------------------------------------------------
// Inputs that are not regular files, are huge, or are links; arguments that do not go together.

#[test]
fn from_with_a_local_target_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    fresh("registry", dir.path());
    let before = pair(dir.path());
    for to in ["editable", "directory"] {
        let mut args = switch_args();
        args[2] = to;
        args.extend(["--from", "services/inference/uv.lock"]);
        let out = run(dir.path(), &args, &[]);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "error[E104 usage]: --from is only for --to registry (it names the lock to restore the registry entry from), not --to {to}"
            )),
            "{}",
            stderr(&out)
        );
        assert_eq!(pair(dir.path()), before);
    }
}

#[test]
fn devices_fifos_and_huge_files_are_refused_without_hanging() {
    let limit = Duration::from_secs(60);
    let mkfifo = |p: &Path| {
        Command::new("mkfifo")
            .arg(p)
            .status()
            .is_ok_and(|s| s.success())
    };
    for (file, make, message) in [
        (
            "pyproject.toml",
            "zero",
            "is a character device, not a regular file; refusing to read it",
        ),
        (
            "uv.lock",
            "zero",
            "is a character device, not a regular file; refusing to read it",
        ),
        (
            "pyproject.toml",
            "fifo",
            "is a FIFO, not a regular file; refusing to read it",
        ),
        (
            "uv.lock",
            "fifo",
            "is a FIFO, not a regular file; refusing to read it",
        ),
        (
            "uv.lock",
            "huge",
            "is 67108865 bytes; uvlock-tool reads files of at most 64 MiB",
        ),
        ("uv.lock", "dir", "is a directory, not a regular file"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fresh("registry", root);
        let path = root.join(SVC).join(file);
        std::fs::remove_file(&path).expect("rm");
        match make {
            "zero" => std::os::unix::fs::symlink("/dev/zero", &path).expect("ln"),
            "fifo" if !mkfifo(&path) => continue,
            "fifo" => {}
            "huge" => std::fs::File::create(&path)
                .and_then(|f| f.set_len((64 << 20) + 1))
                .expect("sparse file"),
            _ => std::fs::create_dir(&path).expect("mkdir"),
        }
        for extra in [&[][..], &["--check"]] {
            let out = run_bounded(root, &[&switch_args()[..], extra].concat(), limit);
            assert_io_error(
                &out,
                &format!("error[E101 io]: {SVC}/{file}: {message}"),
                &format!("{file} {make}"),
            );
        }
    }
    // The local package's pyproject and the reference lock go through the same reader.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fresh("registry", root);
    let sdk = root.join("packages/ameide_sdk_python/pyproject.toml");
    std::fs::remove_file(&sdk).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", &sdk).expect("ln");
    let out = run_bounded(root, &switch_args(), limit);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[E104 usage]: packages/ameide_sdk_python/pyproject.toml: cannot read the local package's pyproject.toml (--path): is a character device"), "{}", stderr(&out));
    let fifo = root.join("ref.lock");
    if mkfifo(&fifo) {
        let args = [
            "switch",
            "--to",
            "registry",
            "--package",
            "ameide-sdk-python",
            "--path",
            "packages/ameide_sdk_python",
            "--from",
            "ref.lock",
            SVC,
        ];
        let out = run_bounded(root, &args, limit);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("error[E101 io]: ref.lock: is a FIFO"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_pyproject_that_is_a_link_is_not_replaced_by_a_file() {
    // uv writes through a link (a plain write of the target); uvlock-tool replaces files atomically in their
    // directory, which would turn the link into a file: it refuses instead, and reading through it is fine.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fresh("registry", root);
    let svc = root.join(SVC);
    std::fs::rename(
        svc.join("pyproject.toml"),
        root.join("shared-pyproject.toml"),
    )
    .expect("mv");
    std::os::unix::fs::symlink("../../shared-pyproject.toml", svc.join("pyproject.toml"))
        .expect("ln");
    let check = run(root, &switch_with(&["--check"]), &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let out = run(root, &switch_args(), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("error[E101 io]: {SVC}/pyproject.toml: is a symbolic link; uvlock-tool replaces pyproject.toml and uv.lock atomically")),
        "{}",
        stderr(&out)
    );
    assert!(svc
        .join("pyproject.toml")
        .symlink_metadata()
        .expect("stat")
        .is_symlink());
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}
