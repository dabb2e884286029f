//! `protoc-gen-ameide-py imports` as a command line: which files it reads (`.gitignore`, `--exclude`, the
//! generated stubs of the output directories, files named explicitly), how `--fix` writes (permissions kept,
//! through a named symlink), and the loud mistakes (exit 2 with a message naming the problem).

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Output;

use e2e_tests::cache::locked_scratch;
use e2e_tests::standalone::command;

const BARE: &str = "from ameide_core_proto.x.v1 import y_pb2\n";
const OPT: [&str; 2] = ["--opt", "prefix=ameide_core_proto:ameide_sdk.proto"];

fn imports(dir: &Path, args: &[&str]) -> Output {
    command(None, None, dir)
        .current_dir(dir)
        .arg("imports")
        .args(args)
        .output()
        .expect("run imports")
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// The files named in `imports` lines of the output.
fn files(out: &Output) -> Vec<String> {
    let mut files: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(": import of '"))
        .map(|l| l.split(':').next().unwrap_or_default().to_string())
        .collect();
    files.dedup();
    files
}

#[test]
fn walks_what_ripgrep_would_and_skips_generated_stubs() {
    let (scratch, _guard) = locked_scratch("imports-cli-walk");
    let dir = scratch.join("repo");
    for f in [
        "svc/a.py",
        "svc/b.pyi",
        "svc/notes.txt",
        "svc/ignored/c.py",
        "svc/.hidden/d.py",
        "vendor/e.py",
        "gen/pkg/x_pb2.py",
        "gen/pkg/x_pb2_grpc.py",
        "gen/pkg/x_pb2.pyi",
        "gen/pkg/client.py",
        "other/y_pb2.py",
    ] {
        write(&dir.join(f), BARE);
    }
    write(&dir.join("svc/.gitignore"), "ignored/\n");
    let mut args = OPT.to_vec();
    args.extend(["--out", "gen", "--exclude", "vendor", "."]);
    let out = imports(&dir, &args);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        files(&out),
        [
            "gen/pkg/client.py",
            "other/y_pb2.py",
            "svc/a.py",
            "svc/b.pyi"
        ],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // a file named on the command line is checked even when ignored; an excluded one is not
    let mut args = OPT.to_vec();
    args.extend([
        "--exclude",
        "vendor",
        "svc/ignored/c.py",
        "svc/notes.txt",
        "vendor/e.py",
    ]);
    let out = imports(&dir, &args);
    assert_eq!(files(&out), ["svc/ignored/c.py", "svc/notes.txt"]);
}

#[test]
fn fix_keeps_permissions_and_writes_through_a_named_symlink() {
    let (scratch, _guard) = locked_scratch("imports-cli-fix");
    let dir = scratch.join("repo");
    let script = dir.join("bin/tool.py");
    write(&script, &format!("#!/usr/bin/env python3\n{BARE}"));
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
    let target = dir.join("real/module.py");
    write(&target, BARE);
    symlink(&target, dir.join("link.py")).expect("symlink");
    let mut args = OPT.to_vec();
    args.extend(["--fix", "bin", "link.py"]);
    let out = imports(&dir, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let fixed = "from ameide_sdk.proto.ameide_core_proto.x.v1 import y_pb2\n";
    assert_eq!(
        fs::read_to_string(&script).expect("read"),
        format!("#!/usr/bin/env python3\n{fixed}")
    );
    assert_eq!(
        fs::metadata(&script).expect("stat").permissions().mode() & 0o777,
        0o755
    );
    assert_eq!(fs::read_to_string(&target).expect("read"), fixed);
    assert!(fs::symlink_metadata(dir.join("link.py"))
        .expect("lstat")
        .file_type()
        .is_symlink());
    let leftovers: Vec<_> = fs::read_dir(dir.join("bin")).expect("list").collect();
    assert_eq!(
        leftovers.len(),
        1,
        "a temporary file was left beside the script"
    );
}

#[test]
fn mistakes_are_loud() {
    let (scratch, _guard) = locked_scratch("imports-cli-errors");
    let dir = scratch.join("repo");
    write(&dir.join("a.py"), BARE);
    let expect = |args: &[&str], needle: &str| {
        let out = imports(&dir, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: expected {needle:?} in:\n{stderr}"
        );
    };
    expect(&[], "buf.gen.yaml: not found (run where buf.gen.yaml is, or pass --template FILE or --opt prefix=ROOT:PY.PREFIX)");
    expect(
        &["--opt", "outputs=py"],
        "no prefix=ROOT:PY.PREFIX mapping is configured",
    );
    expect(
        &["--opt", "prefix=ameide_core_proto"],
        "invalid parameter `prefix=ameide_core_proto`",
    );
    expect(
        &["--opt", "prefix=a:b", "missing.py"],
        "missing.py: not found",
    );
    write(
        &dir.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: proto\n",
    );
    write(
        &dir.join("proto/ameide_core_proto/x/v1/y.proto"),
        "syntax = \"proto3\";\n",
    );
    write(
        &dir.join("buf.gen.yaml"),
        "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: gen1\n    opt: prefix=ameide_core_proto:sdk_one\n  - local: protoc-gen-ameide-py\n    out: gen2\n    opt: prefix=ameide_core_proto:sdk_two\n",
    );
    expect(&[], "buf.gen.yaml: root `ameide_core_proto` is mapped to `sdk_one` and to `sdk_two` by different plugin entries");
    // one mapping: the template works
    write(
        &dir.join("buf.gen.yaml"),
        "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: gen\n    opt: [prefix=ameide_core_proto:ameide_sdk.proto]\n",
    );
    let out = imports(&dir, &["a.py"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
