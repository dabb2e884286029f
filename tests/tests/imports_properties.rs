//! Properties of `imports --fix` on generated programs (`e2e_tests::pygen`) and on mutations of them:
//! * in-process, 10,000 programs and 10,000 mutants: the fixed source's token stream (py-imports' tokenizer,
//!   kinds and texts, comments and line ends included) is the source's with only the prefix tokens inserted,
//!   each right before a fixable import's module path; a second scan finds nothing fixable; mutants (bytes
//!   deleted, duplicated or replaced) never make the scanner panic, and whatever it fixes keeps the property;
//! * through the binary and CPython, 1,500 programs: `imports` on the tree, `--fix` on a copy, `imports` again
//!   (only the not fixable imports are left), then `python/fix_check.py`: CPython compiles every fixed file,
//!   its tokenizer sees only the prefixes inserted, and its AST counts the same imports lacking their prefix.

use std::collections::BTreeMap;
use std::fs;

use e2e_tests::cache::locked_scratch;
use e2e_tests::imports::{check_fix, counts, cpython_verdict, run_imports, FixCase, TestRule};
use e2e_tests::provision::python_tools;
use e2e_tests::pygen::{program, Rng};
use py_imports::Scanner;

fn mutate(rng: &mut Rng, src: &[u8]) -> Vec<u8> {
    let mut out = src.to_vec();
    for _ in 0..1 + rng.below(4) {
        if out.is_empty() {
            break;
        }
        let at = rng.below(out.len());
        match rng.below(3) {
            0 => {
                out.remove(at);
            }
            1 => {
                let b = out[at];
                out.insert(at, b);
            }
            _ => {
                let bytes = b"'\"\\{}()[]#\n\r\t .;:fbrx0";
                out[at] = bytes[rng.below(bytes.len())];
            }
        }
    }
    out
}

#[test]
fn fixes_insert_only_prefix_tokens_and_mutants_never_panic() {
    let scanner = Scanner::new(TestRule::default());
    let mut rng = Rng::new(15);
    let (mut fixed, mut not_python) = (0, 0);
    for case in 0..10_000 {
        let src = program(&mut rng);
        let report = scanner.scan(&src);
        assert_eq!(
            report.error,
            None,
            "program {case} is Python:\n{}",
            String::from_utf8_lossy(&src)
        );
        fixed += report.imports.iter().filter(|i| i.fixable.is_ok()).count();
        if let Err(why) = check_fix(&src, &report, &scanner) {
            panic!("program {case}: {why}\n{}", String::from_utf8_lossy(&src));
        }
        let mutant = mutate(&mut rng, &src);
        let report = scanner.scan(&mutant);
        not_python += usize::from(report.error.is_some());
        if let Err(why) = check_fix(&mutant, &report, &scanner) {
            panic!(
                "mutant of program {case}: {why}\n{}",
                String::from_utf8_lossy(&mutant)
            );
        }
    }
    eprintln!("10000 programs ({fixed} imports fixed), 10000 mutants ({not_python} not Python)");
    assert!(fixed > 25_000 && not_python > 1000);
}

#[test]
fn fixed_programs_are_python_to_cpython() {
    let Some(tools) = python_tools() else { return };
    let (scratch, _guard) = locked_scratch("imports-properties");
    let (before, after) = (scratch.join("before"), scratch.join("after"));
    fs::create_dir_all(&before).expect("mkdir");
    fs::create_dir_all(&after).expect("mkdir");
    let mut rng = Rng::new(701);
    let names: Vec<String> = (0..1500).map(|i| format!("case_{i:04}.py")).collect();
    for name in &names {
        let src = program(&mut rng);
        fs::write(before.join(name), &src).expect("write");
        fs::write(after.join(name), &src).expect("write");
    }
    let check = run_imports(&before, &[]);
    let stdout = String::from_utf8_lossy(&check.stdout).into_owned();
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    let mut per_file: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for line in stdout.lines().filter(|l| l.contains(": import of '")) {
        let file = line.split(':').next().unwrap_or_default();
        let entry = per_file.entry(file).or_default();
        let (found, not_fixable) = counts(line);
        entry.0 += found;
        entry.1 += not_fixable;
    }
    let fix = run_imports(&after, &["--fix"]);
    assert_eq!(
        fix.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&fix.stdout)
    );
    let again = run_imports(&after, &[]);
    let again_out = String::from_utf8_lossy(&again.stdout);
    let (left, left_not_fixable) = counts(&again_out);
    let total_not_fixable: usize = per_file.values().map(|v| v.1).sum();
    assert_eq!(
        (left, left_not_fixable),
        (total_not_fixable, total_not_fixable),
        "{again_out}"
    );
    let cases: Vec<FixCase> = names
        .iter()
        .map(|name| {
            let (found, not_fixable) = per_file.get(name.as_str()).copied().unwrap_or_default();
            FixCase {
                before: before.join(name),
                after: after.join(name),
                found,
                not_fixable,
            }
        })
        .collect();
    match cpython_verdict(&tools, &scratch, &cases) {
        Ok(report) => eprintln!("CPython: {report}"),
        Err(report) => panic!("CPython disagrees:\n{report}"),
    }
}
