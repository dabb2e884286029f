//! The migration step `imports` exists for, on the example monorepo (a scratch copy of `examples/` with the
//! top-level `buf.yaml`/`buf.gen.yaml`): `examples/services/scoring` is written with bare imports
//! (`from ameide_core_proto.common.v1 import ...`), so installed against the workspace SDK its tests fail at
//! import time. `protoc-gen-ameide-py imports` at the workspace root (mapping from `buf.gen.yaml`, the SDK's
//! generated stubs skipped) exits 1 naming each import; `--fix` inserts the prefix; the service's tests then
//! pass against the workspace SDK; `imports` exits 0, the proto type name in a string still reported as a
//! warning and left as it is.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use e2e_tests::cache::locked_scratch;
use e2e_tests::example::{copy_clean, install_editable, venv_over_reference};
use e2e_tests::provision::{python_tools, repo_root};
use e2e_tests::standalone::command;

const SERVICE: &str = "examples/services/scoring";
const SCORER: &str = "examples/services/scoring/src/scoring_service/scorer.py";

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn service_tests(vpy: &Path, service: &Path) -> Output {
    Command::new(vpy)
        .current_dir(service)
        .args(["-m", "unittest", "discover", "-s", "tests", "-v"])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run the service's tests")
}

#[test]
fn example_service_with_bare_imports_is_fixed_and_its_tests_pass_against_the_workspace_sdk() {
    let Some(tools) = python_tools() else { return };
    let (scratch, _guard) = locked_scratch("imports-example");
    let ws = scratch.join("ws");
    copy_clean(&repo_root().join("examples"), &ws.join("examples"));
    for f in ["buf.yaml", "buf.gen.yaml"] {
        fs::copy(repo_root().join(f), ws.join(f)).expect("copy the top-level buf config");
    }
    let service = ws.join(SERVICE);
    let venv = venv_over_reference(&tools, &scratch);
    let vpy = venv.join("bin/python");
    install_editable(
        &tools,
        &scratch,
        &vpy,
        &[&ws.join("examples/packages/ameide_sdk_python"), &service],
    );

    // before: the bare package is not installed, the workspace SDK is
    let out = service_tests(&vpy, &service);
    assert!(
        !out.status.success()
            && String::from_utf8_lossy(&out.stderr).contains("No module named 'ameide_core_proto'"),
        "the service's tests should fail on its bare imports:\n{}",
        text(&out)
    );

    // 1. imports: exit 1, each bare import of scorer.py named; the SDK's stubs (their service-name strings
    // would be warnings) are skipped
    let imports = |args: &[&str]| {
        command(None, None, &scratch)
            .current_dir(&ws)
            .arg("imports")
            .args(args)
            .output()
            .expect("run imports")
    };
    let out = imports(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let found: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(": import of '"))
        .collect();
    assert_eq!(found.len(), 5, "{stdout}");
    assert!(found.iter().all(|l| l.starts_with(SCORER)), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{SCORER}:14:6: import of 'ameide_core_proto.common.v1' without the SDK prefix; use 'ameide_sdk.proto.ameide_core_proto.common.v1'\n"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(", 1 warning\n"), "{stdout}");

    // 2. --fix: every import fixable, only the module paths change
    let before = fs::read_to_string(ws.join(SCORER)).expect("read scorer.py");
    let out = imports(&["--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let after = fs::read_to_string(ws.join(SCORER)).expect("read scorer.py");
    let prefixed = |s: &str| s.matches("ameide_sdk.proto.ameide_core_proto").count();
    assert_eq!(prefixed(&after), prefixed(&before) + 5, "{after}");
    let bare = |s: &str| s.replace("ameide_sdk.proto.ameide_core_proto", "ameide_core_proto");
    assert_eq!(bare(&after), bare(&before));
    assert!(after.contains("REQUEST_TYPE = \"ameide_core_proto.inference.v1.PredictRequest\"\n"));

    // 3. the service's tests pass against the workspace SDK
    let out = service_tests(&vpy, &service);
    assert!(
        out.status.success(),
        "the service's tests after --fix:\n{}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Ran 4 tests"),
        "{}",
        text(&out)
    );

    // 4. clean: exit 0, the string warning left
    let out = imports(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.ends_with("every import has its prefix, 1 warning\n"),
        "{}",
        text(&out)
    );
}
