//! Crash safety and concurrent runs: a write killed with SIGKILL at every stage leaves the old pair,
//! the new pair, or a journal the next run completes; recovery replays the journal only when both files are
//! exactly as the killed write left them (an edit made after the crash is refused and survives); one run at a
//! time per service (a second run waits, then gives up without touching the first run's journal); temporary
//! files of killed runs are named by `--check` and removed by the next switch; the directory is synced where
//! the write promises both-or-neither.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

fn svc_file(root: &Path, name: &str) -> std::path::PathBuf {
    root.join(SVC).join(name)
}

fn temps(root: &Path) -> Vec<String> {
    leftovers(root)
        .into_iter()
        .filter(|n| n != JOURNAL)
        .collect()
}

#[test]
fn killed_before_the_commit_point_leaves_the_originals_and_the_next_run_removes_the_litter() {
    let expected = expected_new();
    let dir = killed_at("temps-written");
    let root = dir.path();
    assert_eq!(pair(root), original(), "originals byte-identical");
    let litter = leftovers(root);
    assert_eq!(litter.len(), 2, "{litter:?}");
    assert!(litter.iter().all(|n| n.starts_with(".uvlock-tool.")));
    // --check names them and leaves them (it never writes).
    let check = run(root, &switch_with(&["--check"]), &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    for name in &litter {
        assert!(
            stderr(&check).contains(&format!(
                "note: {SVC}/{name}: left by an interrupted uvlock-tool; the next `uvlock-tool switch` without --check/--diff removes it"
            )),
            "{}",
            stderr(&check)
        );
    }
    assert_eq!(leftovers(root), litter);
    // The next switch removes them and switches.
    let out = run(root, &switch_args(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "{SVC}: removed temporary files of an interrupted uvlock-tool: {}",
            litter.join(", ")
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(pair(root), expected);
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}

#[test]
fn killed_after_the_commit_point_is_completed_by_the_next_run() {
    let expected = expected_new();
    let original = original();
    for stage in ["journal-written", "renamed-1", "renamed-all"] {
        let dir = killed_at(stage);
        let root = dir.path();
        let on_disk = pair(root);
        match stage {
            "journal-written" => assert_eq!(on_disk, original, "{stage}"),
            "renamed-1" => assert_eq!(on_disk, (expected.0.clone(), original.1.clone())),
            _ => assert_eq!(on_disk, expected, "{stage}"),
        }
        assert!(leftovers(root).contains(&JOURNAL.to_string()));
        // --check and --diff refuse to read a half-replaced pair.
        for mode in ["--check", "--diff"] {
            let check = run(root, &switch_with(&[mode]), &[]);
            assert_eq!(check.status.code(), Some(3), "{stage}: {}", stderr(&check));
            assert!(
                stderr(&check)
                    .contains("an interrupted write of pyproject.toml and uv.lock is pending"),
                "{}",
                stderr(&check)
            );
        }
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

/// The refusal of a journal whose files were changed after the crash: exit 3, both files and the journal as
/// they were, `--check` refuses too.
fn assert_refused(root: &Path, what: &str) {
    let before = pair(root);
    let litter = leftovers(root);
    for args in [switch_args(), switch_with(&["--check"])] {
        let out = run(root, &args, &[]);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert!(stderr(&out).contains(what), "{}", stderr(&out));
        assert_eq!(pair(root), before, "nothing touched");
        assert_eq!(leftovers(root), litter, "journal and temporary files kept");
    }
}

#[test]
fn an_edit_after_a_crash_is_refused_and_survives() {
    let expected = expected_new();
    for (stage, file) in [
        ("journal-written", "pyproject.toml"),
        ("renamed-1", "pyproject.toml"),
        ("journal-written", "uv.lock"),
        ("renamed-1", "uv.lock"),
    ] {
        let dir = killed_at(stage);
        let root = dir.path();
        let path = svc_file(root, file);
        let mut text = std::fs::read(&path).expect("read");
        text.extend_from_slice(b"# an edit made after the crash\n");
        std::fs::write(&path, &text).expect("edit");
        assert_refused(
            root,
            &format!(
                "error[E101 io]: {SVC}/{JOURNAL}: {SVC}/{file} has changed since that switch was interrupted \
                 (it is neither the text before nor the text after it); nothing was changed. It records an \
                 interrupted `uvlock-tool switch`: check pyproject.toml and uv.lock, then delete {SVC}/{JOURNAL}"
            ),
        );
        assert_eq!(
            std::fs::read(&path).expect("read"),
            text,
            "{stage} {file}: the edit survives"
        );
        // Doing what the message says: the next switch runs on the edited files and removes the litter.
        std::fs::remove_file(svc_file(root, JOURNAL)).expect("rm journal");
        let out = run(root, &switch_args(), &[]);
        assert_no_panic(&out);
        assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
        if file == "pyproject.toml" && out.status.code() == Some(0) {
            let py = std::fs::read_to_string(svc_file(root, file)).expect("read");
            assert!(
                py.contains("# an edit made after the crash"),
                "{stage}: {py}"
            );
            assert_eq!(pair(root).1, expected.1, "{stage}");
        }
    }
}

#[test]
fn a_checkout_of_other_files_after_a_crash_is_refused() {
    // `git checkout` of another branch: both files replaced by another pair (here the directory form).
    let other = pair(&fixtures().join("small/directory"));
    for stage in ["journal-written", "renamed-1"] {
        let dir = killed_at(stage);
        let root = dir.path();
        std::fs::write(svc_file(root, "pyproject.toml"), &other.0).expect("write");
        std::fs::write(svc_file(root, "uv.lock"), &other.1).expect("write");
        assert_refused(root, "has changed since that switch was interrupted");
        assert_eq!(pair(root), other, "{stage}");
        // A deleted file is a change too.
        std::fs::write(svc_file(root, "pyproject.toml"), original().0).expect("write");
        std::fs::remove_file(svc_file(root, "uv.lock")).expect("rm");
        let out = run(root, &switch_args(), &[]);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("{SVC}/uv.lock has changed since")),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn files_in_a_state_the_write_cannot_leave_are_refused() {
    // Killed after the first rename: (new pyproject, old lock). Putting the old pyproject back beside the new
    // lock gives a pair the write never makes (it renames pyproject.toml first).
    let expected = expected_new();
    let dir = killed_at("renamed-1");
    let root = dir.path();
    std::fs::write(svc_file(root, "pyproject.toml"), original().0).expect("write");
    std::fs::write(svc_file(root, "uv.lock"), &expected.1).expect("write");
    assert_refused(
        root,
        "the files were replaced in another order than the interrupted switch replaces them",
    );
    // New pyproject, old lock and its temporary file gone: the new lock text is lost, so nothing can be completed.
    let dir = killed_at("renamed-1");
    let root = dir.path();
    for name in temps(root) {
        std::fs::remove_file(svc_file(root, &name)).expect("rm");
    }
    assert_refused(
        root,
        "a temporary file holding a new text is missing or incomplete",
    );
}

#[test]
fn a_write_that_had_replaced_nothing_is_dropped() {
    // Killed after the journal, then its temporary files deleted (by hand, or a rolled-back write killed before
    // it removed the journal): both files hold their old text, so the journal can only be dropped.
    let expected = expected_new();
    let dir = killed_at("journal-written");
    let root = dir.path();
    std::fs::remove_file(svc_file(root, &temps(root)[0])).expect("rm");
    let out = run(root, &switch_args(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "{SVC}: dropped an interrupted write that had replaced nothing"
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(pair(root), expected);
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}

#[test]
fn a_second_switch_waits_for_the_first_then_gives_up_without_touching_its_journal() {
    let expected = expected_new();
    for stage in ["journal-written", "renamed-1"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fresh("registry", root);
        let first = Paused::start(root, &switch_args(), stage);
        let during = pair(root);
        let litter = leftovers(root);
        assert!(litter.contains(&JOURNAL.to_string()));
        for args in [
            switch_args(),
            switch_with(&["--check"]),
            switch_with(&["--diff"]),
        ] {
            let start = Instant::now();
            let second = run(root, &args, &[("UVLOCK_TOOL_LOCK_TIMEOUT", "1")]);
            assert!(start.elapsed() >= Duration::from_secs(1), "it waited");
            assert_eq!(second.status.code(), Some(3), "{}", stderr(&second));
            let err = stderr(&second);
            assert!(
                err.contains(&format!("{SVC}: waiting for another uvlock-tool working on it (up to 1 s)"))
                    && err.contains(&format!(
                        "error[E101 io]: another uvlock-tool is working on {SVC}; gave up after 1 s (set UVLOCK_TOOL_LOCK_TIMEOUT=<seconds> to wait longer)"
                    )),
                "{err}"
            );
            assert!(
                !err.contains("delete"),
                "never tells to delete a live journal: {err}"
            );
            assert_eq!(
                pair(root),
                during,
                "{stage}: the first run's files untouched"
            );
            assert_eq!(
                leftovers(root),
                litter,
                "{stage}: its journal and temporary files kept"
            );
        }
        assert_eq!(first.resume(), Some(0), "{stage}: the first run completes");
        assert_eq!(pair(root), expected, "{stage}");
        assert!(leftovers(root).is_empty(), "{stage}: {:?}", leftovers(root));
    }
}

#[test]
fn a_second_switch_that_waits_long_enough_finds_the_first_one_done() {
    let expected = expected_new();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fresh("registry", root);
    let first = Paused::start(root, &switch_args(), "renamed-1");
    let logs = tempfile::tempdir().expect("tempdir");
    let err_path = logs.path().join("err");
    let mut second = tool(root)
        .args(switch_args())
        .env("UVLOCK_TOOL_LOCK_TIMEOUT", "60")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).expect("err"))
        .spawn()
        .expect("spawn");
    // Once the second run reports that it waits, let the first one finish.
    let start = Instant::now();
    while !std::fs::read_to_string(&err_path)
        .unwrap_or_default()
        .contains("waiting for another uvlock-tool")
    {
        assert!(start.elapsed() < Duration::from_secs(30), "never waited");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(first.resume(), Some(0));
    assert_eq!(wait_at_most(&mut second, Duration::from_secs(60)), Some(0));
    let err = std::fs::read_to_string(&err_path).expect("read");
    assert!(
        err.contains(&format!("{SVC}: unchanged (editable)")),
        "the second run finds the switch done: {err}"
    );
    assert!(!err.contains("completed an interrupted write"), "{err}");
    assert_eq!(pair(root), expected);
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}

#[test]
fn temporary_files_of_dead_runs_are_named_by_check_and_removed_by_the_next_switch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fresh("registry", root);
    // What killed runs leave (and what uvlock-tool 0.1 left), beside files that are not ours (one of them
    // `generate`'s).
    let ours = [
        ".uvlock-tool.0123456789abcdef.ameide-tmp",
        ".uvlock-tool-journal.fedcba9876543210.ameide-tmp",
        ".uvlock-tool.Ab12Cd",
        ".uvlock-tool-journal.x9Y8z7",
    ];
    let not_ours = [
        ".uvlock-tool.notes",
        ".uvlock-tool.toolong1",
        ".a_pb2.py.0123456789abcdef.ameide-tmp",
    ];
    for name in ours.iter().chain(&not_ours) {
        std::fs::write(svc_file(root, name), "x").expect("write");
    }
    let check = run(root, &switch_with(&["--check"]), &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    for name in ours {
        assert!(stderr(&check).contains(&format!(
            "note: {SVC}/{name}: left by an interrupted uvlock-tool"
        )));
    }
    for name in not_ours {
        assert!(!stderr(&check).contains(name), "{}", stderr(&check));
    }
    let out = run(root, &switch_args(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut rest = not_ours.map(String::from).to_vec();
    rest.sort();
    assert_eq!(leftovers(root), rest);
}

#[test]
fn killed_at_random_moments_the_pair_is_old_new_or_completed_and_nothing_is_left() {
    // Not deterministic (the kill lands wherever the process is), hence only checks the invariants. The kill
    // times spread over one uninterrupted run. `UVLOCK_TOOL_KILL_RUNS=400` for a campaign (default 20).
    let runs = kill_runs(20);
    let expected = expected_new();
    let original = original();
    let one_run = median_run();
    let (mut old, mut new, mut journaled, mut littered) = (0, 0, 0, 0);
    for i in 0..runs {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fresh("registry", root);
        let mut child = tool(root)
            .args(switch_args())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(one_run.mul_f64(1.2 * f64::from(i) / f64::from(runs)));
        let _ = child.kill();
        let _ = child.wait();
        let now = pair(root);
        let journal = svc_file(root, JOURNAL).exists();
        match (now == original, now == expected, journal) {
            (_, _, true) => journaled += 1,
            (true, _, _) => old += 1,
            (_, true, _) => new += 1,
            _ => panic!("run {i}: a mixed pair without a journal"),
        }
        if !temps(root).is_empty() {
            littered += 1;
        }
        let out = run(root, &switch_args(), &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(pair(root), expected, "run {i}");
        assert!(leftovers(root).is_empty(), "run {i}: {:?}", leftovers(root));
    }
    eprintln!(
        "{runs} kills over {one_run:?}: {old} old pair, {new} new pair, {journaled} journaled (completed by the next \
         run); {littered} left temporary files, all removed by the next run"
    );
}

/// How long one uninterrupted switch takes here, process start included (the median of 5).
fn median_run() -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let dir = tempfile::tempdir().expect("tempdir");
            fresh("registry", dir.path());
            let start = Instant::now();
            run(dir.path(), &switch_args(), &[]);
            start.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

fn kill_runs(default: u32) -> u32 {
    std::env::var("UVLOCK_TOOL_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The pair a clean switch of the fixture to `to` gives.
fn expected_for(to: &'static str) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    fresh("registry", dir.path());
    let mut args = switch_args();
    args[2] = to;
    let out = run(dir.path(), &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    pair(dir.path())
}

#[test]
fn concurrent_switches_with_one_killed_at_a_random_moment_never_tear_the_pair() {
    // Two runs on one service at once (to editable and to directory); one of them is killed at a random moment,
    // the other finishes. `UVLOCK_TOOL_KILL_RUNS=400` for a campaign (default 10).
    let runs = kill_runs(10);
    let forms = [
        original(),
        expected_for("editable"),
        expected_for("directory"),
    ];
    let one_run = median_run();
    let (mut waited, mut journaled) = (0, 0);
    for i in 0..runs {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fresh("registry", root);
        let spawn = |to: &'static str| {
            let mut args = switch_args();
            args[2] = to;
            tool(root)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let mut children = [spawn("editable"), spawn("directory")];
        let victim = usize::try_from(i % 2).expect("index");
        // Both runs take about two single runs: the kill lands anywhere in that span.
        std::thread::sleep(one_run.mul_f64(2.4 * f64::from(i) / f64::from(runs)));
        let _ = children[victim].kill();
        let _ = children[victim].wait();
        let survivor = children[1 - victim].wait_with_output_ref();
        if survivor.1.contains("waiting for another uvlock-tool") {
            waited += 1;
        }
        // The survivor completes or drops what the killed run left, or (if it ran first) finishes before it.
        assert_eq!(survivor.0, Some(0), "run {i}: {}", survivor.1);
        let now = pair(root);
        if svc_file(root, JOURNAL).exists() {
            journaled += 1; // the survivor ran first; the victim was killed after its commit point
        } else {
            assert!(forms.contains(&now), "run {i}: a pair no switch writes");
        }
        let out = run(root, &switch_args(), &[]);
        assert_eq!(out.status.code(), Some(0), "run {i}: {}", stderr(&out));
        assert_eq!(pair(root), forms[1], "run {i}");
        assert!(leftovers(root).is_empty(), "run {i}: {:?}", leftovers(root));
    }
    eprintln!(
        "{runs} concurrent pairs, one killed: the survivor waited for the other in {waited}; {journaled} left a \
         journal (completed by the next run)"
    );
}

trait WaitOutput {
    fn wait_with_output_ref(&mut self) -> (Option<i32>, String);
}

impl WaitOutput for std::process::Child {
    fn wait_with_output_ref(&mut self) -> (Option<i32>, String) {
        let mut err = String::new();
        if let Some(mut pipe) = self.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut err);
        }
        (wait_at_most(self, Duration::from_secs(60)), err)
    }
}

/// The file-system calls of one switch, as strace reports them (`-y`: file descriptors with their paths).
fn traced_calls(root: &Path) -> Option<Vec<String>> {
    let log = root.join("strace.log");
    let status = Command::new("strace")
        .args(["-f", "-y", "-qq", "-o"])
        .arg(&log)
        .args([
            "-e",
            "trace=fsync,fdatasync,rename,renameat,renameat2,link,linkat,unlink,unlinkat",
        ])
        .arg(env!("CARGO_BIN_EXE_uvlock-tool"))
        .args(switch_args())
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None; // no strace, or no ptrace in this sandbox
    }
    let text = std::fs::read_to_string(&log).ok()?;
    Some(text.lines().map(str::to_string).collect())
}

#[test]
fn files_and_the_directory_are_synced_where_the_write_promises_both_or_neither() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fresh("registry", root);
    let Some(calls) = traced_calls(root) else {
        eprintln!("skipped: strace cannot trace here");
        return;
    };
    let svc = std::fs::canonicalize(root.join(SVC)).expect("canonical");
    let dir_sync = format!("fsync(<{}>)", svc.display());
    let is_dir_sync =
        |l: &str| l.contains("fsync(") && l.ends_with(&format!("<{}>) = 0", svc.display()));
    let pos = |pred: &dyn Fn(&str) -> bool, from: usize, what: &str| -> usize {
        calls[from..]
            .iter()
            .position(|l| pred(l))
            .map(|p| p + from)
            .unwrap_or_else(|| {
                panic!(
                    "no {what} after call {from} ({dir_sync}):\n{}",
                    calls.join("\n")
                )
            })
    };
    // Temporary files (2 new texts, then the journal) synced before the journal exists.
    let temp_syncs: Vec<usize> = calls
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("fsync(") && l.contains("/.uvlock-tool"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(temp_syncs.len(), 3, "{}", calls.join("\n"));
    let journal = pos(
        &|l| l.contains(&format!("\"{JOURNAL}\"")) && (l.contains("link") || l.contains("rename")),
        0,
        "journal in place",
    );
    assert!(temp_syncs.iter().all(|&i| i < journal));
    // The journal is durable before the first target is replaced.
    let committed = pos(&is_dir_sync, journal, "directory sync after the journal");
    let first_rename = pos(
        &|l| l.contains("rename") && l.contains("\"pyproject.toml\""),
        0,
        "rename over pyproject.toml",
    );
    let second_rename = pos(
        &|l| l.contains("rename") && l.contains("\"uv.lock\""),
        0,
        "rename over uv.lock",
    );
    assert!(committed < first_rename && first_rename < second_rename);
    // The renames are durable before the journal is removed, and the removal is synced too.
    let renamed = pos(
        &is_dir_sync,
        second_rename,
        "directory sync after the renames",
    );
    let removed = pos(
        &|l| l.contains("unlink") && l.contains(&format!("\"{JOURNAL}\"")),
        second_rename,
        "journal removal",
    );
    assert!(renamed < removed);
    pos(
        &is_dir_sync,
        removed,
        "directory sync after the journal removal",
    );
}
