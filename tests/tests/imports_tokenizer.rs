//! py-imports' tokenizer against CPython's: every source of the reference interpreter's standard library
//! (its top-level modules and its `test` package, which holds the interpreter's own string, f-string, number
//! and tokenizer torture tests) and of the reference venv's protobuf/grpc packages that CPython compiles must
//! give the same tokens with the same byte spans as Python's `tokenize` (INDENT/DEDENT aside, which the
//! tokenizer does not produce). CPython's answer (`python/py_tokens.py`, one run over the corpus) is cached
//! under `target/e2e-cache/py-tokens/`, keyed by the sources and the interpreter.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use e2e_tests::cache::{cached_dir, KeyHasher};
use e2e_tests::provision::{python_tools, repo_root};
use py_imports::tokenizer::{tokenize, TokenKind};

fn python_dir(python: &Path, key: &str) -> PathBuf {
    let out = Command::new(python)
        .args([
            "-c",
            &format!("import sysconfig; print(sysconfig.get_paths()[{key:?}])"),
        ])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn collect(dir: &Path, recurse: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if recurse && !path.ends_with("__pycache__") {
                collect(&path, true, out);
            }
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

fn kind_letter(kind: TokenKind) -> char {
    match kind {
        TokenKind::Name => 'N',
        TokenKind::Number => 'U',
        TokenKind::String => 'S',
        TokenKind::Op => 'O',
        TokenKind::Comment => 'C',
        TokenKind::Newline => 'L',
        TokenKind::Nl => 'l',
    }
}

/// A lone `\r` (a line end for Python, not for `tokenize`'s rows): such sources are left out.
fn has_lone_cr(data: &[u8]) -> bool {
    data.iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && data.get(i + 1) != Some(&b'\n'))
}

#[test]
fn tokens_match_cpython_on_the_standard_library() {
    let Some(tools) = python_tools() else { return };
    let python = tools.python();
    let stdlib = python_dir(&python, "stdlib");
    let purelib = python_dir(&python, "purelib");
    let mut files = Vec::new();
    collect(&stdlib, false, &mut files);
    collect(&stdlib.join("test"), true, &mut files);
    for package in ["google", "grpc", "grpc_tools"] {
        collect(&purelib.join(package), true, &mut files);
    }
    let sources: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter_map(|p| fs::read(&p).ok().map(|d| (p, d)))
        .filter(|(_, d)| !has_lone_cr(d))
        .collect();
    assert!(
        sources.len() > 500,
        "only {} sources under {}",
        sources.len(),
        stdlib.display()
    );
    let mut key = KeyHasher::default();
    key.str(&fs::read_to_string(repo_root().join("tests/python/py_tokens.py")).expect("script"));
    key.str(&python.display().to_string());
    for (path, data) in &sources {
        key.str(&path.display().to_string()).bytes(data);
    }
    let dir = cached_dir("py-tokens", "stdlib", &key.hex(), |tmp| {
        let list = tmp.join("files.txt");
        let names: Vec<String> = sources
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        fs::write(&list, names.join("\n") + "\n").expect("write list");
        let out = Command::new(&python)
            .arg(repo_root().join("tests/python/py_tokens.py"))
            .arg(&list)
            .output()
            .expect("run py_tokens.py");
        assert!(
            out.status.success(),
            "py_tokens.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        fs::write(tmp.join("tokens.txt"), &out.stdout).expect("write tokens");
    });
    let cpython = fs::read_to_string(dir.join("tokens.txt")).expect("read tokens");

    let mut per_file: Vec<(bool, Vec<&str>)> = Vec::new();
    for line in cpython.lines() {
        if let Some(rest) = line.strip_prefix("F ") {
            per_file.push((rest.ends_with(" ok"), Vec::new()));
        } else if let Some(last) = per_file.last_mut() {
            last.1.push(line);
        }
    }
    assert_eq!(per_file.len(), sources.len());
    let (mut compared, mut tokens, mut mismatches) = (0, 0, String::new());
    let mut mismatched = 0;
    for ((path, data), (valid, expected)) in sources.iter().zip(&per_file) {
        if !valid {
            continue;
        }
        compared += 1;
        tokens += expected.len();
        let ours = tokenize(data);
        let ours_lines: Vec<String> = ours
            .tokens
            .iter()
            .map(|t| format!("{} {} {}", kind_letter(t.kind), t.start, t.end))
            .collect();
        let first_difference = expected
            .iter()
            .zip(&ours_lines)
            .position(|(a, b)| a != b)
            .or_else(|| {
                (expected.len() != ours_lines.len()).then(|| expected.len().min(ours_lines.len()))
            });
        if ours.error.is_some() || first_difference.is_some() {
            mismatched += 1;
            if mismatched <= 15 {
                let at = first_difference.unwrap_or(0);
                let show = |s: Option<&str>| {
                    s.and_then(|l| {
                        let mut p = l
                            .split(' ')
                            .skip(1)
                            .map(|n| n.parse::<usize>().unwrap_or(0));
                        let (a, b) = (p.next()?, p.next()?);
                        Some(format!(
                            "{l} {:?}",
                            String::from_utf8_lossy(&data[a..b.min(data.len())])
                        ))
                    })
                };
                let _ = writeln!(
                    mismatches,
                    "{}: error {:?}; token {at}: cpython {:?} / ours {:?}",
                    path.display(),
                    ours.error,
                    show(expected.get(at).copied()),
                    show(ours_lines.get(at).map(String::as_str)),
                );
            }
        }
    }
    eprintln!("compared {compared} sources ({tokens} tokens) with CPython's tokenize");
    assert!(compared > 500, "only {compared} sources compile");
    assert!(
        mismatches.is_empty(),
        "{mismatched} of {compared} sources tokenize differently:\n{mismatches}"
    );
}
