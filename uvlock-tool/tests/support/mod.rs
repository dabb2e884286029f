//! Helpers shared by `cli.rs`, `reliability.rs` and `crash_recovery.rs`: the fixtures copied into a
//! temporary directory, the switch of the `small/registry` service to the editable SDK (changes both files),
//! runs of the test build of the binary (which has the fault hooks), and children paused at a stage of a write.
#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const SVC: &str = "services/inference";
pub const JOURNAL: &str = ".uvlock-tool.journal";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn copy_tree(from: &Path, to: &Path) {
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

/// The arguments of a switch of the `registry` fixture to the editable SDK (changes both files).
pub fn switch_args() -> Vec<&'static str> {
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

/// `switch_args()` followed by `extra`.
pub fn switch_with(extra: &[&'static str]) -> Vec<&'static str> {
    [&switch_args()[..], extra].concat()
}

pub fn tool(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_uvlock-tool"));
    c.current_dir(root)
        .env_remove("UVLOCK_TOOL_TEST_PAUSE_AT")
        .env_remove("UVLOCK_TOOL_TEST_FAIL_AT")
        .env_remove("UVLOCK_TOOL_LOCK_TIMEOUT")
        .stdin(Stdio::null());
    c
}

pub fn run(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    tool(root)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run uvlock-tool")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `(pyproject.toml, uv.lock)` bytes of the service.
pub fn pair(root: &Path) -> (Vec<u8>, Vec<u8>) {
    let svc = root.join(SVC);
    (
        std::fs::read(svc.join("pyproject.toml")).expect("read pyproject"),
        std::fs::read(svc.join("uv.lock")).expect("read lock"),
    )
}

/// Names in the service directory other than the two files and the package sources.
pub fn leftovers(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(SVC))
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !matches!(n.as_str(), "pyproject.toml" | "uv.lock" | "src"))
        .collect();
    names.sort();
    names
}

pub fn fresh(form: &str, root: &Path) {
    copy_tree(&fixtures().join("small").join(form), root);
}

/// The fixture's pair before any switch.
pub fn original() -> (Vec<u8>, Vec<u8>) {
    pair(&fixtures().join("small/registry"))
}

/// The pair a clean run produces (the "both new files complete" state).
pub fn expected_new() -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    fresh("registry", dir.path());
    let out = run(dir.path(), &switch_args(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let new = pair(dir.path());
    assert_ne!(new.0, original().0);
    assert_ne!(new.1, original().1);
    new
}

pub fn assert_no_panic(o: &Output) {
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

/// The run failed cleanly as an I/O error: exit 3, no panic, `text` in its message (`context` names the case).
pub fn assert_io_error(o: &Output, text: &str, context: &str) {
    assert_no_panic(o);
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(3), "{context}: {err}");
    assert!(err.contains(text), "{context}: {err}");
}

/// A child stopped at a stage of its write (`UVLOCK_TOOL_TEST_PAUSE_AT`): it waits until its stdin is closed.
pub struct Paused {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Paused {
    /// Starts `args` in `root` and returns once the child reports that it stopped at `stage`.
    pub fn start(root: &Path, args: &[&str], stage: &str) -> Paused {
        let mut child = tool(root)
            .args(args)
            .env("UVLOCK_TOOL_TEST_PAUSE_AT", stage)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stdin = child.stdin.take();
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        assert_eq!(first, format!("uvlock-tool: paused at {stage}"));
        Paused { child, stdin }
    }

    /// SIGKILL, as a power cut or `kill -9` would stop it.
    pub fn kill(mut self) {
        self.child.kill().expect("kill -9");
        let status = self.child.wait().expect("wait");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
    }

    /// Lets it go on (closes its stdin) and returns its exit status.
    pub fn resume(mut self) -> Option<i32> {
        drop(self.stdin.take());
        wait_at_most(&mut self.child, Duration::from_secs(60))
    }
}

impl Drop for Paused {
    /// A test that fails while a child is paused leaves no process behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a write that pauses at `stage`, kills it with SIGKILL there, and returns the directory.
pub fn killed_at(stage: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fresh("registry", dir.path());
    Paused::start(dir.path(), &switch_args(), stage).kill();
    dir
}

/// The exit status of `child`, which must end within `limit` (else it is killed and the test fails).
pub fn wait_at_most(child: &mut Child, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("uvlock-tool still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs `args` with a time limit (stdout/stderr collected in files, so a hung child cannot block the pipes).
pub fn run_bounded(root: &Path, args: &[&str], limit: Duration) -> Output {
    let logs = tempfile::tempdir().expect("tempdir");
    let (out_path, err_path) = (logs.path().join("out"), logs.path().join("err"));
    let mut child = tool(root)
        .args(args)
        .stdout(std::fs::File::create(&out_path).expect("out"))
        .stderr(std::fs::File::create(&err_path).expect("err"))
        .spawn()
        .expect("spawn");
    let code = wait_at_most(&mut child, limit);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), code);
    Output {
        status,
        stdout: std::fs::read(out_path).expect("read"),
        stderr: std::fs::read(err_path).expect("read"),
    }
}
