//! Byte-for-byte comparison of two generated trees, with a report a developer can act on.
//!
//! A tree is a map from a `/`-separated relative path to the file's bytes. [`assert_trees_equal`] panics with a
//! report that lists the differing, missing and extra files and shows, for the first few differing files, the
//! first differing line with a little context. The complete report is also written to a file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Relative path (always `/`-separated) → file content.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// How many file names of each category the panic message lists.
const LIST_LIMIT: usize = 30;
/// For how many differing files the panic message shows the first differing line.
const EXCERPT_LIMIT: usize = 3;
/// Lines of context shown before the first differing line.
const CONTEXT_LINES: usize = 3;
/// Longest line excerpt shown (characters, around the first differing column).
const LINE_EXCERPT: usize = 240;

/// Reads every regular file below `dir` (following symlinks) into a tree.
pub fn read_tree(dir: &Path) -> Tree {
    let mut tree = Tree::new();
    read_into(dir, dir, &mut tree);
    tree
}

fn read_into(root: &Path, dir: &Path, tree: &mut Tree) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("read dir {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("read dir {}: {e}", dir.display()))
            .path();
        let meta = fs::metadata(&path).unwrap_or_else(|e| panic!("stat {}: {e}", path.display()));
        if meta.is_dir() {
            read_into(root, &path, tree);
        } else {
            let rel = rel_string(root, &path);
            let bytes = fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            tree.insert(rel, bytes);
        }
    }
}

fn rel_string(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).expect("path below root");
    rel.components()
        .map(|c| c.as_os_str().to_str().expect("utf-8 file name"))
        .collect::<Vec<_>>()
        .join("/")
}

/// Writes a tree below `dir` (which is created).
pub fn write_tree(dir: &Path, tree: &Tree) {
    for (rel, bytes) in tree {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().expect("file has a parent"))
            .unwrap_or_else(|e| panic!("create dir for {}: {e}", path.display()));
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

/// The files of `tree` whose path satisfies `keep`.
pub fn filter_tree(tree: &Tree, keep: impl Fn(&str) -> bool) -> Tree {
    tree.iter()
        .filter(|(k, _)| keep(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Result of comparing an expected with an actual tree.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TreeDiff {
    pub expected_files: usize,
    pub actual_files: usize,
    /// In both trees, different bytes.
    pub differing: Vec<String>,
    /// Expected but not produced.
    pub missing: Vec<String>,
    /// Produced but not expected.
    pub extra: Vec<String>,
}

impl TreeDiff {
    pub fn is_empty(&self) -> bool {
        self.differing.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares two trees.
pub fn diff_trees(expected: &Tree, actual: &Tree) -> TreeDiff {
    let mut diff = TreeDiff {
        expected_files: expected.len(),
        actual_files: actual.len(),
        ..TreeDiff::default()
    };
    for (path, want) in expected {
        match actual.get(path) {
            None => diff.missing.push(path.clone()),
            Some(got) if got != want => diff.differing.push(path.clone()),
            Some(_) => {}
        }
    }
    diff.extra = actual
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .cloned()
        .collect();
    diff
}

/// The first difference between two byte strings, as a short line-oriented excerpt.
pub fn first_difference(path: &str, expected: &[u8], actual: &[u8]) -> String {
    let exp_lines = lines_of(expected);
    let act_lines = lines_of(actual);
    let mut idx = 0;
    while idx < exp_lines.len() && idx < act_lines.len() && exp_lines[idx] == act_lines[idx] {
        idx += 1;
    }
    let mut out = String::new();
    if idx == exp_lines.len() && idx == act_lines.len() {
        let _ = writeln!(
            out,
            "{path}: same lines, different trailing newline (expected ends with \\n: {}, actual: {})",
            expected.ends_with(b"\n"),
            actual.ends_with(b"\n")
        );
        return out;
    }
    let exp_line = exp_lines.get(idx).copied();
    let act_line = act_lines.get(idx).copied();
    let column = match (exp_line, act_line) {
        (Some(e), Some(a)) => e.iter().zip(a).take_while(|(x, y)| x == y).count(),
        _ => 0,
    };
    let _ = writeln!(
        out,
        "first difference in {path} at line {}, column {} (expected {} lines / {} bytes, actual {} lines / {} bytes):",
        idx + 1,
        column + 1,
        exp_lines.len(),
        expected.len(),
        act_lines.len(),
        actual.len()
    );
    for (n, line) in exp_lines
        .iter()
        .enumerate()
        .take(idx)
        .skip(idx.saturating_sub(CONTEXT_LINES))
    {
        let _ = writeln!(out, "   {:>5} | {}", n + 1, excerpt(line, 0));
    }
    match exp_line {
        Some(line) => {
            let _ = writeln!(out, "  -{:>5} | {}", idx + 1, excerpt(line, column));
        }
        None => {
            let _ = writeln!(out, "  -{:>5} | <end of expected file>", idx + 1);
        }
    }
    match act_line {
        Some(line) => {
            let _ = writeln!(out, "  +{:>5} | {}", idx + 1, excerpt(line, column));
        }
        None => {
            let _ = writeln!(out, "  +{:>5} | <end of actual file>", idx + 1);
        }
    }
    out
}

/// The lines of a file, split at `\n`, without the empty piece after a final newline.
fn lines_of(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// A printable excerpt of one line: lossy UTF-8 with control characters escaped, cut to [`LINE_EXCERPT`]
/// characters around `column` (a byte offset).
fn excerpt(line: &[u8], column: usize) -> String {
    let start = column.saturating_sub(LINE_EXCERPT / 2);
    let start = if line.len() > LINE_EXCERPT {
        start.min(line.len().saturating_sub(LINE_EXCERPT))
    } else {
        0
    };
    let end = (start + LINE_EXCERPT).min(line.len());
    let mut s = String::new();
    if start > 0 {
        s.push('…');
    }
    for ch in String::from_utf8_lossy(&line[start..end]).chars() {
        match ch {
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(s, "\\u{{{:x}}}", c as u32);
            }
            c => s.push(c),
        }
    }
    if end < line.len() {
        s.push('…');
    }
    s
}

/// A human-readable report; `limit` caps the listed names per category (`None`: all of them).
pub fn report(
    label: &str,
    expected: &Tree,
    actual: &Tree,
    diff: &TreeDiff,
    limit: Option<usize>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{label}: {} differing, {} missing, {} extra file(s) (expected {} files, got {})",
        diff.differing.len(),
        diff.missing.len(),
        diff.extra.len(),
        diff.expected_files,
        diff.actual_files
    );
    for (what, names) in [
        ("differing", &diff.differing),
        ("missing", &diff.missing),
        ("extra", &diff.extra),
    ] {
        let shown = limit.unwrap_or(usize::MAX);
        for name in names.iter().take(shown) {
            let _ = writeln!(out, "  {what}: {name}");
        }
        if names.len() > shown {
            let _ = writeln!(out, "  … and {} more {what} file(s)", names.len() - shown);
        }
    }
    let excerpts = limit.map_or(diff.differing.len(), |_| EXCERPT_LIMIT);
    for path in diff.differing.iter().take(excerpts) {
        out.push_str(&first_difference(path, &expected[path], &actual[path]));
    }
    out
}

/// Panics with a report unless `actual == expected`. The full report (all names, all first differences) is written
/// to `report_path` and the panic message names it.
pub fn assert_trees_equal(label: &str, expected: &Tree, actual: &Tree, report_path: &Path) {
    let diff = diff_trees(expected, actual);
    if diff.is_empty() {
        eprintln!("{label}: {} files identical", expected.len());
        return;
    }
    let full = report(label, expected, actual, &diff, None);
    if let Some(dir) = report_path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    let _ = fs::write(report_path, &full);
    let short = report(label, expected, actual, &diff, Some(LIST_LIMIT));
    panic!("{short}full report: {}", report_path.display());
}

/// Where [`assert_trees_equal`] reports of a scratch directory go.
pub fn report_path(scratch: &Path, name: &str) -> PathBuf {
    scratch.join(format!("{name}.report.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(items: &[(&str, &str)]) -> Tree {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn diff_categories() {
        let e = tree(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let a = tree(&[("a", "1"), ("b", "x"), ("d", "4")]);
        let d = diff_trees(&e, &a);
        assert_eq!(d.differing, ["b"]);
        assert_eq!(d.missing, ["c"]);
        assert_eq!(d.extra, ["d"]);
        assert!(diff_trees(&e, &e).is_empty());
    }

    #[test]
    fn first_difference_names_line_and_column() {
        let s = first_difference("x.py", b"l1\nl2\nabcdef\nl4\n", b"l1\nl2\nabcXef\nl4\n");
        assert!(s.contains("line 3, column 4"), "{s}");
        assert!(s.contains("-    3 | abcdef"), "{s}");
        assert!(s.contains("+    3 | abcXef"), "{s}");
        assert!(s.contains("      2 | l2"), "{s}");
        let s = first_difference("y.py", b"a\nb\n", b"a\n");
        assert!(s.contains("line 2"), "{s}");
        assert!(s.contains("<end of actual file>"), "{s}");
        let s = first_difference("n.py", b"a\nb\n", b"a\nb");
        assert!(s.contains("trailing newline"), "{s}");
    }

    #[test]
    fn long_lines_are_cut_around_the_difference() {
        let exp = format!("{}A{}", "x".repeat(1000), "y".repeat(1000));
        let act = format!("{}B{}", "x".repeat(1000), "y".repeat(1000));
        let s = first_difference("z.py", exp.as_bytes(), act.as_bytes());
        assert!(s.contains("column 1001"), "{s}");
        assert!(
            s.lines().all(|l| l.chars().count() < LINE_EXCERPT + 40),
            "{s}"
        );
        assert!(s.contains('A') && s.contains('B'), "{s}");
    }
}
