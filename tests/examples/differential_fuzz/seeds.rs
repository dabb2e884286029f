//! Seed files: every .proto of the repository's corpora, each with the include root it compiles in, so that a
//! mutant still finds the files its seed imports.

use std::fs;
use std::path::{Path, PathBuf};

/// Seeds larger than this are skipped: they make slow mutants and their mutations rarely matter more.
const MAX_SEED_BYTES: u64 = 64 * 1024;

/// One seed file.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The include root it compiles in.
    pub root: PathBuf,
    /// Its proto name below `root`.
    pub name: String,
}

/// The default seed roots below the repository: each case of the diagnostics corpus that compiles with `-I.`,
/// the test corpora, and each real-world tree.
pub fn default_roots(repo: &Path) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    let cases = repo.join("proto-compiler/tests/diagnostics/cases");
    for family in sorted_dirs(&cases) {
        for case in sorted_dirs(&family) {
            let own_includes = fs::read_to_string(case.join("CASE"))
                .map(|text| {
                    text.lines()
                        .any(|l| l.starts_with("cmdline:") && l.contains("-I"))
                })
                .unwrap_or(true);
            if !own_includes {
                roots.push(case);
            }
        }
    }
    roots.push(repo.join("tests/corpus"));
    roots.push(repo.join("tests/corpus-extra"));
    roots.extend(sorted_dirs(&repo.join("tests/corpus-real")));
    roots
}

/// Every .proto below each root (at most [`MAX_SEED_BYTES`]).
pub fn collect(roots: &[PathBuf]) -> Vec<Seed> {
    let mut seeds = Vec::new();
    for root in roots {
        let mut names = Vec::new();
        protos_below(root, root, &mut names);
        names.sort();
        seeds.extend(names.into_iter().map(|name| Seed {
            root: root.clone(),
            name,
        }));
    }
    seeds
}

/// Every .proto below `root`, whatever its size, sorted.
pub fn collect_all(root: &Path) -> Vec<String> {
    let mut names = Vec::new();
    protos_below_up_to(root, root, u64::MAX, &mut names);
    names.sort();
    names
}

fn protos_below(root: &Path, dir: &Path, out: &mut Vec<String>) {
    protos_below_up_to(root, dir, MAX_SEED_BYTES, out);
}

fn protos_below_up_to(root: &Path, dir: &Path, max_bytes: u64, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            protos_below_up_to(root, &path, max_bytes, out);
        } else if path.extension().is_some_and(|e| e == "proto") && meta.len() <= max_bytes {
            if let Some(name) = path.strip_prefix(root).ok().and_then(Path::to_str) {
                out.push(name.replace('\\', "/"));
            }
        }
    }
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}
