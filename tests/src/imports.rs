//! Helpers for the `protoc-gen-ameide-py imports` tests: running the subcommand, counting what it reported, and
//! CPython's verdict on fixed files (`python/fix_check.py`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::provision::{repo_root, PythonTools};
use crate::standalone::command;

/// The mappings the `imports` tests use.
pub const MAPPINGS: [(&str, &str); 2] = [
    ("ameide_core_proto", "ameide_sdk.proto"),
    ("google/cloud", "acme_sdk.gcp"),
];

/// `protoc-gen-ameide-py imports --opt prefix=... [args]` in `cwd`.
pub fn run_imports(cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = command(None, None, cwd);
    cmd.current_dir(cwd).arg("imports");
    for (root, prefix) in MAPPINGS {
        cmd.arg("--opt").arg(format!("prefix={root}:{prefix}"));
    }
    cmd.args(args)
        .output()
        .expect("run protoc-gen-ameide-py imports")
}

/// stdout, then `exit: N`.
pub fn transcript(out: &Output) -> String {
    format!(
        "{}exit: {}\n",
        String::from_utf8_lossy(&out.stdout),
        out.status.code().map_or("signal".into(), |c| c.to_string())
    )
}

/// (imports reported without their prefix, of those not fixable) in a check run's output.
pub fn counts(stdout: &str) -> (usize, usize) {
    let found = stdout
        .lines()
        .filter(|l| l.contains(": import of '"))
        .count();
    let not_fixable = stdout
        .lines()
        .filter(|l| l.contains(" (not fixable: "))
        .count();
    (found, not_fixable)
}

/// One case for [`cpython_verdict`].
pub struct FixCase {
    pub before: PathBuf,
    pub after: PathBuf,
    pub found: usize,
    pub not_fixable: usize,
}

/// Runs `python/fix_check.py` over `cases` (one interpreter run); `Err` holds its report of the failing ones.
pub fn cpython_verdict(
    tools: &PythonTools,
    scratch: &Path,
    cases: &[FixCase],
) -> Result<String, String> {
    let list = scratch.join("fix-cases.txt");
    let lines: String = cases
        .iter()
        .map(|c| {
            format!(
                "{}\t{}\t{}\t{}\n",
                c.before.display(),
                c.after.display(),
                c.found,
                c.not_fixable
            )
        })
        .collect();
    fs::write(&list, lines).expect("write the case list");
    let out = Command::new(tools.python())
        .arg(repo_root().join("tests/python/fix_check.py"))
        .arg(&list)
        .args(
            MAPPINGS
                .iter()
                .map(|(root, prefix)| format!("{}={prefix}", root.replace('/', "."))),
        )
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run fix_check.py");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

/// The rule of [`MAPPINGS`] for in-process scans, written independently of protoc-gen-ameide-py's `ModuleMap`:
/// a module path at or under a root lacks the root's prefix unless it is spelled with a prefix already or is
/// the protobuf runtime's (`google.protobuf`).
pub struct TestRule {
    roots: Vec<(String, String)>,
}

impl Default for TestRule {
    fn default() -> Self {
        TestRule {
            roots: MAPPINGS
                .iter()
                .map(|(root, prefix)| (root.replace('/', "."), prefix.to_string()))
                .collect(),
        }
    }
}

fn within(module: &str, package: &str) -> bool {
    module
        .strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

impl py_imports::PrefixRule for TestRule {
    fn missing_prefix(&self, module: &str) -> Option<&str> {
        if within(module, "google.protobuf")
            || self
                .roots
                .iter()
                .any(|(root, prefix)| within(module, &format!("{prefix}.{root}")))
        {
            return None;
        }
        self.roots
            .iter()
            .filter(|(root, _)| within(module, root))
            .max_by_key(|(root, _)| root.len())
            .map(|(_, prefix)| prefix.as_str())
    }

    fn leading_names(&self) -> Vec<String> {
        self.roots
            .iter()
            .map(|(root, _)| root.split('.').next().unwrap_or_default().to_string())
            .collect()
    }
}
