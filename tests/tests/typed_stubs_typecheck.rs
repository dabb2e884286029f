//! The typed stubs in use: the example SDK generated with `prefix=ameide_core_proto:ameide_sdk.proto` and
//! `outputs=py+mypy+grpc+mypy_grpc` (embedded `generate`), and two programs written against it
//! (`tests/python/typed_client/`):
//! * `good.py`, a client and a servicer for sync `grpc` and `grpc.aio` (unary, server-, client- and
//!   bidi-streaming): `mypy --strict` and pyright (strict) report nothing, which also means every import inside
//!   the stubs resolves to a prefixed module; it imports at run time too;
//! * `wrong.py`, deliberate mistakes (a wrong request message, a wrong field type, an unknown field, `HasField` of
//!   a repeated field, an unknown oneof, a wrong enum, a wrong response type): both report an error on exactly the
//!   lines marked `# error`, and nowhere else.
//!
//! mypy 2.4.1 runs with typeshed's `types-protobuf` and `types-grpcio` (`TYPECHECK_PACKAGES`, a venv of their
//! own), pyright is npm's (`PYRIGHT_NPM`).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use e2e_tests::provision::{pyright, repo_root, scratch_dir, TYPECHECK_PACKAGES};
use e2e_tests::standalone::{command, expect_ok};
use e2e_tests::toolchains::runtime_venv;

const PROGRAMS: &str = "tests/python/typed_client";

/// The 1-based lines of `file` marked `# error`.
fn marked_lines(file: &Path) -> BTreeSet<usize> {
    let text = fs::read_to_string(file).expect("read the program");
    (text.lines().enumerate())
        .filter(|(_, l)| l.contains("  # error: "))
        .map(|(i, _)| i + 1)
        .collect()
}

/// The SDK with typed stubs and the two programs at its root.
fn sdk(name: &str) -> std::path::PathBuf {
    let scratch = scratch_dir(name);
    let sdk = scratch.join("sdk");
    let out = command(None, None, &scratch)
        .arg("generate")
        .arg("-I")
        .arg(repo_root().join("examples/packages/ameide_core_proto/proto"))
        .arg("--out")
        .arg(&sdk)
        .args([
            "--opt",
            "prefix=ameide_core_proto:ameide_sdk.proto",
            "--opt",
            "outputs=py+mypy+grpc+mypy_grpc",
            "--opt",
            "package_files=all",
        ])
        .output()
        .expect("run generate");
    expect_ok("generate", &out);
    for program in ["good.py", "wrong.py"] {
        fs::copy(repo_root().join(PROGRAMS).join(program), sdk.join(program))
            .expect("copy a program");
    }
    sdk
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn mypy_accepts_the_typed_client_and_servicer_and_rejects_the_wrong_calls() {
    let Some(venv) = runtime_venv("typecheck", TYPECHECK_PACKAGES) else {
        return;
    };
    let sdk = sdk("typecheck-mypy");
    let mypy = |program: &str| {
        Command::new(venv.python())
            .current_dir(&sdk)
            .args([
                "-m",
                "mypy",
                "--strict",
                "--no-incremental",
                "--show-error-codes",
            ])
            .args([
                "--no-color-output",
                "--no-error-summary",
                "--config-file",
                "",
            ])
            .arg("--cache-dir")
            .arg(sdk.join(".mypy_cache"))
            .arg(program)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("MYPYPATH")
            .output()
            .expect("run mypy")
    };
    let good = mypy("good.py");
    assert!(
        good.status.success() && text(&good).trim().is_empty(),
        "mypy on good.py:\n{}",
        text(&good)
    );
    let wrong = mypy("wrong.py");
    assert_eq!(
        wrong.status.code(),
        Some(1),
        "mypy on wrong.py:\n{}",
        text(&wrong)
    );
    let reported: BTreeSet<usize> = text(&wrong)
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("wrong.py:")?;
            let (line, rest) = rest.split_once(':')?;
            rest.trim_start()
                .starts_with("error:")
                .then(|| line.parse().ok())
                .flatten()
        })
        .collect();
    assert_eq!(
        reported,
        marked_lines(&sdk.join("wrong.py")),
        "mypy's errors on wrong.py:\n{}",
        text(&wrong)
    );
    let import = Command::new(venv.python())
        .current_dir(&sdk)
        .args([
            "-c",
            "import good; good.serve(); print(good.make_request().model)",
        ])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("import good.py");
    assert_eq!(
        String::from_utf8_lossy(&import.stdout),
        "m\n",
        "{}",
        text(&import)
    );
}

#[test]
fn pyright_accepts_the_typed_client_and_servicer_and_rejects_the_wrong_calls() {
    let Some(venv) = runtime_venv("typecheck", TYPECHECK_PACKAGES) else {
        return;
    };
    let Some(pyright) = pyright() else { return };
    let sdk = sdk("typecheck-pyright");
    fs::write(
        sdk.join("pyrightconfig.json"),
        "{\"typeCheckingMode\": \"strict\", \"pythonVersion\": \"3.11\"}\n",
    )
    .expect("write pyrightconfig.json");
    let run = |program: &str| {
        Command::new(&pyright)
            .current_dir(&sdk)
            .arg("--pythonpath")
            .arg(venv.python())
            .args(["--outputjson", program])
            .output()
            .expect("run pyright")
    };
    let good = run("good.py");
    assert!(
        good.status.success() && text(&good).contains("\"errorCount\": 0"),
        "pyright on good.py:\n{}",
        text(&good)
    );
    let wrong = run("wrong.py");
    assert_eq!(
        wrong.status.code(),
        Some(1),
        "pyright on wrong.py:\n{}",
        text(&wrong)
    );
    // `"severity": "error"` diagnostics, each followed by its `"range"` whose start line is 0-based
    let output = String::from_utf8_lossy(&wrong.stdout);
    let reported: BTreeSet<usize> = output
        .split("\"severity\": \"error\"")
        .skip(1)
        .filter_map(|after| {
            let start = after.split("\"start\":").nth(1)?;
            let line = start.split("\"line\":").nth(1)?;
            let digits: String = line
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<usize>().ok().map(|l| l + 1)
        })
        .collect();
    assert_eq!(
        reported,
        marked_lines(&sdk.join("wrong.py")),
        "pyright's errors on wrong.py:\n{output}"
    );
}
