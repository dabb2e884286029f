//! `generate`'s output tree under hostile conditions: planted links are never written through, concurrent runs
//! do not fail or mix, killed runs leave nothing that the next run does not remove, and `check` names their
//! leftovers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_protoc-gen-ameide-py");

/// A proto tree of `dirs` × `per_dir` small files, each with a few messages and a service.
fn proto_tree(root: &Path, dirs: usize, per_dir: usize, marker: &str) {
    for d in 0..dirs {
        let dir = root.join(format!("acme/d{d}/v1"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        for f in 0..per_dir {
            let mut text = format!(
                "syntax = \"proto3\";\npackage acme.d{d}.v1;\nmessage Mark{f}_{marker} {{}}\nmessage Req{f} {{ string id = 1; }}\n"
            );
            for m in 0..20 {
                text.push_str(&format!(
                    "message M{f}x{m} {{ int32 a = 1; repeated string b = 2; map<string, int64> c = 3; }}\n"
                ));
            }
            text.push_str(&format!(
                "service S{f} {{ rpc Get(Req{f}) returns (Req{f}); }}\n"
            ));
            std::fs::write(dir.join(format!("f{f}.proto")), text).expect("write proto");
        }
    }
}

fn command(sub: &str, protos: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg(sub).arg("-I").arg(protos).arg("--out").arg(out);
    cmd.args(extra);
    cmd
}

fn run(sub: &str, protos: &Path, out: &Path, extra: &[&str]) -> Output {
    command(sub, protos, out, extra).output().expect("run")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every entry below `dir` (links not followed): relative name → content (`None` for directories and links).
fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for entry in std::fs::read_dir(dir).expect("list").flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(base)
                .expect("below")
                .to_string_lossy()
                .into_owned();
            let kind = entry.file_type().expect("type");
            if kind.is_dir() {
                walk(base, &path, out);
            } else if kind.is_symlink() {
                out.insert(rel, None);
            } else {
                out.insert(rel, Some(std::fs::read(&path).expect("read")));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn scratch() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let protos = tmp.path().join("protos");
    let out = tmp.path().join("out");
    (tmp, protos, out)
}

#[test]
fn links_planted_in_the_output_tree_are_never_written_through() {
    let (tmp, protos, out) = scratch();
    proto_tree(&protos, 1, 2, "one");
    assert!(run("generate", &protos, &out, &[]).status.success());
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "precious").expect("victim");
    let stubs = out.join("acme/d0/v1");
    // a link in place of a stub, and links at the temporary names earlier versions used (`.<name>.<pid>.tmp`)
    std::fs::remove_file(stubs.join("f0_pb2.py")).expect("rm");
    std::os::unix::fs::symlink(&victim, stubs.join("f0_pb2.py")).expect("link");
    let next_pids = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .unwrap_or(1);
    for pid in next_pids..next_pids + 200 {
        for name in ["f0_pb2.py", "f1_pb2.py", "f1_pb2.pyi"] {
            let _ = std::os::unix::fs::symlink(&victim, stubs.join(format!(".{name}.{pid}.tmp")));
        }
    }
    proto_tree(&protos, 1, 2, "two");
    let generated = run("generate", &protos, &out, &[]);
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious"
    );
    let stub = std::fs::symlink_metadata(stubs.join("f0_pb2.py")).expect("stub");
    assert!(stub.is_file(), "the link is replaced by the stub");
    assert!(std::fs::read_to_string(stubs.join("f1_pb2.py"))
        .expect("f1")
        .contains("two"));
}

#[test]
fn a_linked_directory_below_the_output_directory_is_refused() {
    let (tmp, protos, out) = scratch();
    proto_tree(&protos, 1, 1, "one");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("elsewhere");
    std::fs::create_dir_all(&out).expect("out");
    std::os::unix::fs::symlink(&elsewhere, out.join("acme")).expect("link");
    let generated = run("generate", &protos, &out, &[]);
    assert_eq!(generated.status.code(), Some(2));
    let err = text(&generated.stderr);
    assert!(
        err.contains(
            "out/acme is a symbolic link or not a directory; refusing to write through it"
        ),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).expect("list").count(), 0);
    // the user's own output path may be a link: it is followed
    let real = tmp.path().join("real-out");
    std::fs::create_dir_all(&real).expect("real");
    let linked_out = tmp.path().join("linked-out");
    std::os::unix::fs::symlink(&real, &linked_out).expect("link out");
    assert!(run("generate", &protos, &linked_out, &[]).status.success());
    assert!(real.join("acme/d0/v1/f0_pb2.py").is_file());
}

#[test]
fn concurrent_runs_into_a_fresh_directory_both_succeed() {
    let (tmp, protos, _) = scratch();
    proto_tree(&protos, 4, 5, "one");
    let expected_dir = tmp.path().join("expected");
    assert!(run("generate", &protos, &expected_dir, &[])
        .status
        .success());
    let expected = tree(&expected_dir);
    for round in 0..12 {
        let out = tmp.path().join(format!("fresh-{round}"));
        let children: Vec<_> = (0..2)
            .map(|_| {
                command("generate", &protos, &out, &[])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().expect("wait");
            assert!(
                output.status.success(),
                "round {round}: {}",
                text(&output.stderr)
            );
        }
        assert_eq!(tree(&out), expected, "round {round}");
    }
}

#[test]
fn concurrent_runs_with_different_inputs_never_mix() {
    let (tmp, protos, out) = scratch();
    proto_tree(&protos, 3, 4, "same");
    let prefixed = ["--opt", "prefix=acme:acme_sdk"];
    let expected_plain = tree(&{
        let dir = tmp.path().join("plain");
        assert!(run("generate", &protos, &dir, &[]).status.success());
        dir
    });
    let expected_prefixed = tree(&{
        let dir = tmp.path().join("prefixed");
        assert!(run("generate", &protos, &dir, &prefixed).status.success());
        dir
    });
    // the same names, different contents: each run writes all of its files, or none, before the other starts
    let (plain, prefixed_only): (Vec<_>, Vec<_>) = (
        expected_plain.keys().cloned().collect(),
        expected_prefixed.keys().cloned().collect(),
    );
    for round in 0..10 {
        let _ = std::fs::remove_dir_all(&out);
        let a = command("generate", &protos, &out, &[])
            .stderr(Stdio::piped())
            .spawn()
            .expect("a");
        let b = command("generate", &protos, &out, &prefixed)
            .stderr(Stdio::piped())
            .spawn()
            .expect("b");
        for child in [a, b] {
            let output = child.wait_with_output().expect("wait");
            assert!(output.status.success(), "{}", text(&output.stderr));
        }
        let after = tree(&out);
        let names: Vec<_> = after.keys().cloned().collect();
        assert!(
            names
                .iter()
                .all(|n| plain.contains(n) || prefixed_only.contains(n)),
            "round {round}: unexpected files"
        );
        // prefixing changes every name, so the two runs' files are disjoint: each set is complete
        let plain_present = after
            .keys()
            .filter(|n| expected_plain.contains_key(*n))
            .count();
        let prefixed_present = after
            .keys()
            .filter(|n| expected_prefixed.contains_key(*n))
            .count();
        assert_eq!(plain_present, expected_plain.len(), "round {round}");
        assert_eq!(prefixed_present, expected_prefixed.len(), "round {round}");
        for (name, content) in &after {
            let want = expected_plain
                .get(name)
                .or_else(|| expected_prefixed.get(name));
            assert_eq!(Some(content), want, "round {round}: {name}");
        }
    }
}

#[test]
fn leftovers_are_reported_by_check_and_removed_by_generate() {
    let (_tmp, protos, out) = scratch();
    proto_tree(&protos, 1, 2, "one");
    assert!(run("generate", &protos, &out, &[]).status.success());
    let stubs = out.join("acme/d0/v1");
    std::fs::write(stubs.join(".f0_pb2.py.0123456789abcdef.ameide-tmp"), "half").expect("file");
    std::fs::create_dir_all(out.join(".acme.fedcba9876543210.ameide-tmp/x")).expect("dir");
    // names that only look alike are someone else's and stay
    std::fs::write(stubs.join(".f0_pb2.py.1234.tmp"), "theirs").expect("theirs");
    let checked = run("check", &protos, &out, &[]);
    assert_eq!(checked.status.code(), Some(1));
    let report = text(&checked.stdout);
    assert!(
        report.contains("leftover: ") && report.contains(".f0_pb2.py.0123456789abcdef.ameide-tmp"),
        "{report}"
    );
    assert!(
        report.contains(".acme.fedcba9876543210.ameide-tmp"),
        "{report}"
    );
    assert!(report.contains("check failed: 2 leftover"), "{report}");
    assert!(run("generate", &protos, &out, &[]).status.success());
    let checked = run("check", &protos, &out, &[]);
    assert!(checked.status.success(), "{}", text(&checked.stdout));
    assert!(stubs.join(".f0_pb2.py.1234.tmp").exists());
}

#[test]
fn killed_runs_leave_old_or_new_files_and_nothing_after_the_next_run() {
    let (tmp, protos, out) = scratch();
    proto_tree(&protos, 8, 10, "old");
    assert!(run("generate", &protos, &out, &[]).status.success());
    let old = tree(&out);
    proto_tree(&protos, 8, 10, "new");
    let new_dir = tmp.path().join("new");
    assert!(run("generate", &protos, &new_dir, &[]).status.success());
    let new = tree(&new_dir);
    let mut killed_mid_run = 0;
    for round in 0..24u64 {
        let mut child = command("generate", &protos, &out, &[])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(round % 15 * 3));
        let _ = child.kill();
        let status = child.wait().expect("wait");
        killed_mid_run += usize::from(!status.success());
        for (name, content) in tree(&out) {
            if name.contains(".ameide-tmp") {
                continue;
            }
            assert!(
                old.get(&name) == Some(&content) || new.get(&name) == Some(&content),
                "round {round}: {name} is neither the old nor the new file"
            );
        }
        // back to the old tree for the next round
        let _ = std::fs::remove_dir_all(&out);
        copy_tree(&old, &out);
    }
    assert!(killed_mid_run > 0, "no run was killed before it finished");
    // a killed run's leftovers: the next run removes them
    let mut child = command("generate", &protos, &out, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(20));
    let _ = child.kill();
    let _ = child.wait();
    assert!(run("generate", &protos, &out, &[]).status.success());
    assert_eq!(tree(&out), new);
}

fn copy_tree(files: &BTreeMap<String, Option<Vec<u8>>>, dir: &Path) {
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        if let Some(content) = content {
            std::fs::write(path, content).expect("write");
        }
    }
}
