//! `protoc-gen-ameide-py imports` per statement form: every `imports-golden/<form>.py` is checked (stdout and
//! exit code must equal `<form>.out`), fixed (the file must equal `<form>.fixed.py`), and checked again (nothing
//! fixable is left). CPython then confirms each pair: both compile, the fixed file's tokens are the source's
//! plus the inserted prefixes, and its own AST count of imports lacking their prefix agrees with the tool's.
//! `IMPORTS_GOLDEN_BLESS=1` rewrites the expectations (review the diff).

use std::fs;
use std::path::PathBuf;

use e2e_tests::cache::locked_scratch;
use e2e_tests::imports::{counts, cpython_verdict, run_imports, transcript, FixCase};
use e2e_tests::provision::{python_tools, repo_root};

fn golden_dir() -> PathBuf {
    repo_root().join("tests/imports-golden")
}

/// The forms: `<form>.py` without `.fixed.py`.
fn forms() -> Vec<String> {
    let mut forms: Vec<String> = fs::read_dir(golden_dir())
        .expect("read imports-golden")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".py") && !n.ends_with(".fixed.py"))
        .map(|n| n.trim_end_matches(".py").to_string())
        .collect();
    forms.sort();
    forms
}

fn expect_file(path: &PathBuf, actual: &[u8], bless: bool, failures: &mut Vec<String>) {
    if bless {
        fs::write(path, actual).expect("bless");
        return;
    }
    let expected = fs::read(path).unwrap_or_default();
    if expected != actual {
        failures.push(format!(
            "{}: differs\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        ));
    }
}

#[test]
fn each_form_is_reported_and_fixed_as_recorded() {
    let bless = std::env::var_os("IMPORTS_GOLDEN_BLESS").is_some();
    let (scratch, _guard) = locked_scratch("imports-golden");
    let forms = forms();
    assert!(forms.len() >= 15, "only {} forms", forms.len());
    let mut failures = Vec::new();
    let mut cases = Vec::new();
    for form in &forms {
        let input = golden_dir().join(format!("{form}.py"));
        let source = fs::read(&input).expect("read input");
        let dir = scratch.join(form);
        fs::create_dir_all(&dir).expect("mkdir");
        let file = format!("{form}.py");
        fs::write(dir.join(&file), &source).expect("copy input");

        let check = run_imports(&dir, &[&file]);
        let report = transcript(&check);
        expect_file(
            &golden_dir().join(format!("{form}.out")),
            report.as_bytes(),
            bless,
            &mut failures,
        );

        let fix = run_imports(&dir, &["--fix", &file]);
        let fixed = fs::read(dir.join(&file)).expect("read fixed");
        expect_file(
            &golden_dir().join(format!("{form}.fixed.py")),
            &fixed,
            bless,
            &mut failures,
        );

        let stdout = String::from_utf8_lossy(&check.stdout).into_owned();
        let (found, not_fixable) = counts(&stdout);
        let again = run_imports(&dir, &[&file]);
        let (left, left_not_fixable) = counts(&String::from_utf8_lossy(&again.stdout));
        let has_error = check.status.code() == Some(2);
        if has_error {
            // a file that is not Python is reported and never written
            if fixed != source || fix.status.code() != Some(2) {
                failures.push(format!(
                    "{form}: a file with a syntax error was rewritten or --fix did not exit 2"
                ));
            }
        } else {
            let expected_exit = i32::from(not_fixable > 0);
            if left != not_fixable
                || left_not_fixable != not_fixable
                || again.status.code() != Some(expected_exit)
                || fix.status.code() != Some(expected_exit)
            {
                failures.push(format!(
                    "{form}: after --fix (exit {:?}) a second run (exit {:?}) finds {left} imports ({left_not_fixable} not fixable), expected the {not_fixable} not fixable ones:\n{}",
                    fix.status.code(),
                    again.status.code(),
                    String::from_utf8_lossy(&again.stdout)
                ));
            }
            let first_line = String::from_utf8_lossy(&source)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            if !first_line.contains("python: 3.12") {
                cases.push(FixCase {
                    before: input.clone(),
                    after: dir.join(&file),
                    found,
                    not_fixable,
                });
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let Some(tools) = python_tools() else { return };
    match cpython_verdict(&tools, &scratch, &cases) {
        Ok(report) => eprintln!("CPython: {report}"),
        Err(report) => panic!("CPython disagrees:\n{report}"),
    }
}
