//! Helpers for the `protoc-gen-ameide-py imports` tests: running the subcommand, counting what it reported, and
//! CPython's verdict on fixed files (`python/fix_check.py`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use py_imports::tokenizer::{tokenize, LexErrorKind, TokenKind};
use py_imports::{PrefixRule, Report, Scanner};

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

impl PrefixRule for TestRule {
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

/// Tokens as (kind, text).
/// Tokens as (kind, text, start), and the lexical error that ends them, if any.
type TokenTexts = (Vec<(TokenKind, Vec<u8>, usize)>, Option<LexErrorKind>);

fn token_texts(src: &[u8]) -> TokenTexts {
    let tokens = tokenize(src);
    let texts = tokens
        .tokens
        .iter()
        .map(|t| (t.kind, src[t.start..t.end].to_vec(), t.start))
        .collect();
    (texts, tokens.error.map(|e| e.kind))
}

/// The properties of one fix of `src` (scanned into `report`): the fixed source's tokens (kind and text,
/// comments and line ends included) are the source's with only the prefix tokens inserted, right before each
/// fixable import's module path, and end in the same lexical error if the source's do (one past the last
/// mention of a root, which the scan does not read); a second scan finds nothing fixable and the same not
/// fixable imports and mentions. `Err` describes the violation.
pub fn check_fix<R: PrefixRule>(
    src: &[u8],
    report: &Report,
    scanner: &Scanner<R>,
) -> Result<(), String> {
    let Some(fixed) = report.fixed(src) else {
        return Ok(());
    };
    let (before, before_error) = token_texts(src);
    let (after, after_error) = token_texts(&fixed);
    if before_error != after_error {
        return Err(format!(
            "lexical error {before_error:?} became {after_error:?}"
        ));
    }
    let mut inserts: Vec<(usize, &str)> = report
        .imports
        .iter()
        .filter(|i| i.fixable.is_ok())
        .map(|i| (i.offset, i.prefix.as_str()))
        .collect();
    inserts.reverse();
    let mut j = 0;
    for (kind, text, start) in &before {
        if inserts.last().is_some_and(|(offset, _)| offset == start) {
            let (_, prefix) = inserts.pop().unwrap_or_default();
            for part in prefix.split('.') {
                let expect = [
                    (TokenKind::Name, part.as_bytes()),
                    (TokenKind::Op, b".".as_slice()),
                ];
                for (k, t) in expect {
                    match after.get(j) {
                        Some((ak, at, _)) if *ak == k && at == t => j += 1,
                        other => return Err(format!("expected the prefix token {t:?} before offset {start}, found {other:?}")),
                    }
                }
            }
        }
        match after.get(j) {
            Some((ak, at, _)) if ak == kind && at == text => j += 1,
            other => {
                return Err(format!(
                    "token {:?} at {start} became {other:?}",
                    String::from_utf8_lossy(text)
                ))
            }
        }
    }
    if j != after.len() || !inserts.is_empty() {
        return Err(format!(
            "{} extra tokens, {} insertions not at a token",
            after.len() - j,
            inserts.len()
        ));
    }
    let again = scanner.scan(&fixed);
    if again.imports.iter().any(|i| i.fixable.is_ok()) || again.error.is_some() {
        return Err(format!("a second scan still finds: {again:?}"));
    }
    let not_fixable = report.imports.iter().filter(|i| i.fixable.is_err()).count();
    if again.imports.len() != not_fixable || again.mentions.len() != report.mentions.len() {
        return Err("the second scan reports different imports or mentions".into());
    }
    Ok(())
}
