//! Every relative link of the user documentation (README.md, docs/, BENCHMARKS.md, the READMEs of tests/ and
//! examples/) points at a file of the repository, and a `#fragment` at a heading of that file (GitHub's anchor
//! rules), so moving a section or a file cannot leave dead links behind. Links inside code are not links.

use std::fs;
use std::path::{Path, PathBuf};

use e2e_tests::provision::repo_root;

/// The documentation files, relative to the repository root.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [
        "README.md",
        "BENCHMARKS.md",
        "tests/README.md",
        "tests/corpus-extra/README.md",
        "tests/corpus-versions/README.md",
        "examples/README.md",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let mut pages: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .expect("read docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.strip_prefix(root).expect("below the root").to_path_buf())
        .collect();
    pages.sort();
    files.extend(pages);
    files
}

/// The text outside fenced blocks and inline code spans, line by line (1-based line numbers).
fn prose_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut prose = String::new();
        let mut in_code = false;
        for (j, part) in line.split('`').enumerate() {
            if j > 0 {
                in_code = !in_code;
            }
            if !in_code {
                prose.push_str(part);
                prose.push(' ');
            }
        }
        out.push((i + 1, prose));
    }
    out
}

/// The targets of `[text](target)` links in one line of prose.
fn link_targets(line: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(end) => {
                targets.push(after[..end].trim().to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    targets
}

/// GitHub's anchor of a heading: lower case, spaces to `-`, everything but letters, digits, `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of every heading of a markdown text (repeated headings get `-1`, `-2`, … as on GitHub).
fn anchors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let base = anchor(line.trim_start_matches('#'));
        let seen = out
            .iter()
            .filter(|a| {
                **a == base
                    || a.strip_prefix(&format!("{base}-"))
                        .is_some_and(|n| n.parse::<u32>().is_ok())
            })
            .count();
        out.push(if seen == 0 {
            base
        } else {
            format!("{base}-{seen}")
        });
    }
    out
}

#[test]
fn every_relative_link_of_the_documentation_resolves() {
    let root = repo_root();
    let mut dead = Vec::new();
    let mut checked = 0;
    for doc in documents(&root) {
        let text = fs::read_to_string(root.join(&doc))
            .unwrap_or_else(|e| panic!("read {}: {e}", doc.display()));
        for (line_no, line) in prose_lines(&text) {
            for target in link_targets(&line) {
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                checked += 1;
                let (path, fragment) = match target.split_once('#') {
                    Some((path, fragment)) => (path, Some(fragment)),
                    None => (target.as_str(), None),
                };
                let file = if path.is_empty() {
                    root.join(&doc)
                } else {
                    root.join(&doc).parent().expect("parent").join(path)
                };
                let place = format!("{}:{line_no}: `{target}`", doc.display());
                if !file.exists() {
                    dead.push(format!("{place}: no such file"));
                    continue;
                }
                let Some(fragment) = fragment else { continue };
                let target_text = fs::read_to_string(&file).unwrap_or_default();
                if !anchors(&target_text).iter().any(|a| a == fragment) {
                    dead.push(format!("{place}: no heading with that anchor"));
                }
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: is the scan broken?"
    );
    assert!(dead.is_empty(), "dead links:\n{}", dead.join("\n"));
}

#[test]
fn anchors_follow_github() {
    assert_eq!(
        anchors("# A\n## `generate`: the output tree\n## Refusals (exit 2)\n```\n# not a heading\n```\n## What — and not\n## A\n"),
        [
            "a",
            "generate-the-output-tree",
            "refusals-exit-2",
            "what--and-not",
            "a-1"
        ]
    );
    assert_eq!(
        link_targets(" see [x](docs/a.md#b) and [y](../c.md) "),
        ["docs/a.md#b", "../c.md"]
    );
    assert_eq!(
        prose_lines("a `[x](y)` b\n```\n[z](w)\n```\n")[0].1.trim(),
        "a   b"
    );
}
