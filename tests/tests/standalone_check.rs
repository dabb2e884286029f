//! `protoc-gen-ameide-py check`: a clean tree exits 0; an edited .proto without regeneration, a hand-edited stub,
//! a deleted stub and a stray stub (or package file) each exit 1 and are each named, stale files with a unified
//! diff; `--quiet` names only; nothing is ever written. Runs the embedded compiler on a buf.gen.yaml workspace
//! (the example protos), so it needs no reference tools.

use std::fs;
use std::path::Path;
use std::process::Output;

use e2e_tests::provision::{repo_root, scratch_dir};
use e2e_tests::standalone::{command, copy_dir, expect_ok, snapshot};

const GEN: &str = "gen/ameide_sdk/proto/ameide_core_proto";

fn workspace(name: &str) -> std::path::PathBuf {
    let ws = scratch_dir(name).join("ws");
    let _ = fs::remove_dir_all(&ws);
    copy_dir(
        &repo_root().join("examples/packages/ameide_core_proto/proto"),
        &ws.join("proto"),
    );
    fs::write(
        ws.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: proto\n",
    )
    .expect("write buf.yaml");
    fs::write(
        ws.join("buf.gen.yaml"),
        "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: gen\n    opt: [prefix=ameide_core_proto:ameide_sdk.proto, package_files=all]\n    strategy: all\n",
    )
    .expect("write buf.gen.yaml");
    ws
}

fn run(ws: &Path, args: &[&str]) -> Output {
    command(None, None, ws)
        .current_dir(ws)
        .args(args)
        .output()
        .expect("run the binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `check` (and `check --quiet`) and asserts that neither wrote anything.
fn check(ws: &Path) -> (Output, Output) {
    let before = snapshot(ws);
    let full = run(ws, &["check"]);
    let quiet = run(ws, &["check", "--quiet"]);
    assert_eq!(before, snapshot(ws), "check must not write");
    (full, quiet)
}

#[test]
fn check_names_stale_missing_hand_edited_and_stray_files_and_writes_nothing() {
    let ws = workspace("standalone-check");
    expect_ok("generate", &run(&ws, &["generate"]));

    // clean
    let (full, quiet) = check(&ws);
    assert_eq!(full.status.code(), Some(0), "{}", stdout(&full));
    assert!(
        stdout(&full).starts_with("check passed: 19 generated files"),
        "{}",
        stdout(&full)
    );
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stdout(&quiet), "");

    // a .proto edited without regeneration: its three stubs are stale
    let proto = ws.join("proto/ameide_core_proto/common/v1/common.proto");
    let original = fs::read_to_string(&proto).expect("read proto");
    fs::write(
        &proto,
        original.replace(
            "  string page_token = 2;\n",
            "  string page_token = 2;\n  bool descending = 3;\n",
        ),
    )
    .expect("edit proto");
    let (full, quiet) = check(&ws);
    assert_eq!(full.status.code(), Some(1));
    let text = stdout(&full);
    for f in ["common_pb2.py", "common_pb2.pyi"] {
        assert!(
            text.contains(&format!("stale: {GEN}/common/v1/{f} ")),
            "{f} not named:\n{text}"
        );
    }
    assert!(
        text.contains("+    descending: bool"),
        "pyi diff not shown:\n{text}"
    );
    assert!(text.contains("@@ "), "no unified diff hunk:\n{text}");
    assert!(
        text.ends_with("check failed: 2 stale\nto fix: run `protoc-gen-ameide-py generate` with the same arguments (it rewrites stale and missing files and removes leftovers)\n"),
        "{text}"
    );
    assert_eq!(
        stdout(&quiet),
        format!("stale: {GEN}/common/v1/common_pb2.py\nstale: {GEN}/common/v1/common_pb2.pyi\n")
    );
    fs::write(&proto, &original).expect("restore proto");
    assert_eq!(check(&ws).0.status.code(), Some(0));

    // a hand-edited stub
    let stub = ws.join(GEN).join("inference/v1/inference_pb2_grpc.py");
    let generated = fs::read_to_string(&stub).expect("read stub");
    fs::write(
        &stub,
        generated.replace("Scores one input.", "Scores one input!"),
    )
    .expect("edit stub");
    let (full, quiet) = check(&ws);
    assert_eq!(full.status.code(), Some(1));
    assert!(
        stdout(&full).contains("-        \"\"\"Scores one input!"),
        "{}",
        stdout(&full)
    );
    assert!(
        stdout(&full).contains("+        \"\"\"Scores one input."),
        "{}",
        stdout(&full)
    );
    assert_eq!(
        stdout(&quiet),
        format!("stale: {GEN}/inference/v1/inference_pb2_grpc.py\n")
    );
    fs::write(&stub, &generated).expect("restore stub");

    // a deleted stub
    let pyi = ws.join(GEN).join("validate/v1/validate_pb2.pyi");
    let content = fs::read(&pyi).expect("read pyi");
    fs::remove_file(&pyi).expect("delete stub");
    let (full, quiet) = check(&ws);
    assert_eq!(full.status.code(), Some(1));
    assert_eq!(
        stdout(&quiet),
        format!("missing: {GEN}/validate/v1/validate_pb2.pyi\n")
    );
    assert!(stdout(&full).contains("missing: "));
    fs::write(&pyi, content).expect("restore stub");

    // stray stubs (a removed proto's leftovers) and a stray package file in a stub directory
    let stray = ws.join(GEN).join("common/v1/old_pb2.py");
    fs::write(&stray, "# left over\n").expect("write stray");
    fs::create_dir_all(ws.join(GEN).join("legacy/v1")).expect("mkdir");
    fs::write(ws.join(GEN).join("legacy/v1/legacy_pb2_grpc.py"), "").expect("write stray");
    fs::write(ws.join(GEN).join("legacy/v1/__init__.py"), "").expect("write stray");
    // hand-written code next to the stubs is not stray
    fs::write(ws.join("gen/ameide_sdk/client.py"), "x = 1\n").expect("write own module");
    let (full, quiet) = check(&ws);
    assert_eq!(full.status.code(), Some(1));
    assert_eq!(
        stdout(&quiet),
        format!(
            "stray: {GEN}/common/v1/old_pb2.py\nstray: {GEN}/legacy/v1/__init__.py\nstray: {GEN}/legacy/v1/legacy_pb2_grpc.py\n"
        )
    );
    assert!(
        stdout(&full).ends_with("check failed: 3 stray\nstray files: delete them, or restore the .proto that generated them (generate never deletes files)\n"),
        "{}",
        stdout(&full)
    );
}

#[test]
fn check_with_explicit_include_and_out() {
    let ws = workspace("standalone-check-explicit");
    let out = ws.join("explicit-out");
    let args = |cmd: &'static str| {
        vec![
            cmd.to_string(),
            "-I".into(),
            ws.join("proto").display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--opt".into(),
            "prefix=ameide_core_proto:acme".into(),
        ]
    };
    let generate = command(None, None, &ws)
        .args(args("generate"))
        .output()
        .expect("run");
    expect_ok("generate", &generate);
    assert!(out
        .join("acme/ameide_core_proto/inference/v1/inference_pb2_grpc.py")
        .is_file());
    let clean = command(None, None, &ws)
        .args(args("check"))
        .output()
        .expect("run");
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    fs::remove_file(out.join("acme/ameide_core_proto/common/v1/common_pb2.py")).expect("rm");
    let dirty = command(None, None, &ws)
        .args(args("check"))
        .arg("-q")
        .output()
        .expect("run");
    assert_eq!(dirty.status.code(), Some(1));
    assert_eq!(
        stdout(&dirty),
        format!(
            "missing: {}/acme/ameide_core_proto/common/v1/common_pb2.py\n",
            out.display()
        )
    );
}
