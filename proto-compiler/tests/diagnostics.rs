//! The diagnostics corpus (`tests/diagnostics/cases/<family>/<case>/`, see `tests/diagnostics/record.py`): for
//! every case, `proto_compiler::compile` must reach protoc 35.1's decision and print its exact stderr lines
//! (errors and warnings, positioned or not, in order); for accepted cases, build the same files in the same order
//! with the same descriptor bytes (source info and json_name included, source-retention options kept).
//!
//! One test over all cases, with a per-family tally. Environment:
//! * `DIAGNOSTICS_FILTER=text`: only the cases whose `family/case` contains `text`;
//! * `DIAGNOSTICS_REPORT_ONLY=1`: print the tally and every difference, but do not fail (for development).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use proto_compiler::{compile, Compilation, CompileOptions};

// shared with the differential fuzzer, which uses all of it
#[allow(dead_code)]
#[path = "diagnostics/support.rs"]
mod support;

use support::{descriptor_set_files, first_difference, line_diff, normalize_bytes};

/// The corpus, relative to the crate directory: cargo runs integration tests from there, and the recorded
/// stderr holds the paths protoc printed when run from there with these include paths.
const CASES: &str = "tests/diagnostics/cases";

/// One case: where it is and how protoc was run on it.
struct Case {
    /// `family/case`.
    name: String,
    dir: PathBuf,
    about: String,
    includes: Vec<PathBuf>,
    files: Vec<String>,
}

impl Case {
    fn load(dir: &Path) -> Case {
        let name = dir
            .strip_prefix(CASES)
            .expect("below the corpus")
            .to_str()
            .expect("utf-8 case path")
            .to_string();
        let text = fs::read_to_string(dir.join("CASE")).expect("read CASE");
        let mut about = String::new();
        let (mut includes, mut files) = (Vec::new(), Vec::new());
        for line in text.lines() {
            if let Some(value) = line.strip_prefix("about:") {
                about = value.trim().to_string();
            } else if let Some(value) = line.strip_prefix("cmdline:") {
                for arg in value.split_whitespace() {
                    match arg.strip_prefix("-I") {
                        Some(include) => includes.push(include.to_string()),
                        None => files.push(arg.to_string()),
                    }
                }
            }
        }
        if includes.is_empty() {
            includes.push(".".to_string());
        }
        // `-I.` is the case directory itself: protoc was given the normalized path
        let includes: Vec<PathBuf> = includes
            .iter()
            .map(|i| {
                if i == "." {
                    dir.to_path_buf()
                } else {
                    dir.join(i)
                }
            })
            .collect();
        if files.is_empty() {
            files = protos_below(&includes[0]);
        }
        Case {
            name,
            dir: dir.to_path_buf(),
            about,
            includes,
            files,
        }
    }
}

/// Every `.proto` below `root`, as proto names, sorted by bytes (as record.py lists them).
fn protos_below(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).expect("read case dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "proto") {
                let rel = path.strip_prefix(root).expect("below root");
                out.push(rel.to_str().expect("utf-8 name").replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// All case directories (those holding a `CASE` file), sorted.
fn case_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for family in sorted_entries(Path::new(CASES)) {
        for case in sorted_entries(&family) {
            if case.join("CASE").is_file() {
                dirs.push(case);
            }
        }
    }
    dirs
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    entries
}

/// What our compiler printed, in the recorded format: `exit: N` and the stderr lines, as bytes (protoc prints
/// names and strings that are not UTF-8 raw).
fn our_expected(compilation: &Compilation) -> Vec<u8> {
    let exit = i32::from(compilation.has_errors());
    let mut out = format!("exit: {exit}\n").into_bytes();
    for diagnostic in &compilation.diagnostics {
        out.extend(diagnostic.to_bytes());
        out.push(b'\n');
    }
    normalize_bytes(&out)
}

/// The differences between protoc's recorded result and ours, empty if none.
fn differences(case: &Case) -> Vec<String> {
    let options = CompileOptions {
        include_paths: case.includes.clone(),
        ..CompileOptions::default()
    };
    // a panic is a difference of this case; the others still run
    let compilation = match std::panic::catch_unwind(|| compile(&case.files, &options)) {
        Ok(compilation) => compilation,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            return vec![format!("the compiler panicked: {message}")];
        }
    };
    // bytes: protoc prints names and strings that are not UTF-8 as raw bytes
    let expected = fs::read(case.dir.join("expected")).expect("read expected");
    let ours = our_expected(&compilation);
    let mut found = Vec::new();
    if ours != expected {
        let (expected, ours) = (
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&ours),
        );
        found.push(if ours == expected {
            "stderr differs in bytes that are not UTF-8 (protoc prints them raw)".to_string()
        } else {
            line_diff(&expected, &ours)
        });
        return found;
    }
    if compilation.has_errors() {
        return found;
    }
    let names = fs::read_to_string(case.dir.join("expected.files")).expect("read expected.files");
    let our_names: String = compilation
        .files
        .iter()
        .map(|f| format!("{}\n", f.name))
        .collect();
    if our_names != names {
        found.push(format!(
            "files built differ:\n{}",
            line_diff(&names, &our_names)
        ));
    }
    let set = fs::read(case.dir.join("expected.pb")).expect("read expected.pb");
    for (name, bytes) in descriptor_set_files(&set) {
        match compilation.files.iter().find(|f| f.name == name) {
            None => found.push(format!("{name}: not built")),
            Some(ours) if ours.descriptor != bytes => found.push(format!(
                "{name}: descriptor bytes differ ({} bytes, protoc {}; first difference at byte {})",
                ours.descriptor.len(),
                bytes.len(),
                first_difference(&ours.descriptor, &bytes)
            )),
            Some(_) => {}
        }
    }
    found
}

#[test]
fn compiler_matches_protoc_on_the_diagnostics_corpus() {
    let filter = std::env::var("DIAGNOSTICS_FILTER").unwrap_or_default();
    let report_only = std::env::var_os("DIAGNOSTICS_REPORT_ONLY").is_some();
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut report = String::new();
    for dir in case_dirs() {
        let case = Case::load(&dir);
        if !case.name.contains(&filter) {
            continue;
        }
        let family = case.name.split('/').next().unwrap_or_default().to_string();
        let entry = tally.entry(family).or_default();
        entry.0 += 1;
        let found = differences(&case);
        if found.is_empty() {
            entry.1 += 1;
        } else {
            let _ = writeln!(report, "--- {} ({})", case.name, case.about);
            for difference in found {
                report.push_str(&difference);
                if !difference.ends_with('\n') {
                    report.push('\n');
                }
            }
        }
    }
    let (total, matching) = tally
        .values()
        .fold((0, 0), |(t, m), (ct, cm)| (t + ct, m + cm));
    let mut summary = String::from("family              cases  match\n");
    for (family, (cases, matched)) in &tally {
        let _ = writeln!(summary, "{family:<18} {cases:>6} {matched:>6}");
    }
    let _ = writeln!(summary, "{:<18} {total:>6} {matching:>6}", "total");
    eprintln!("{summary}");
    assert!(total > 0, "no case matches DIAGNOSTICS_FILTER={filter:?}");
    if matching != total {
        eprintln!("{report}");
        assert!(
            report_only,
            "{} of {total} cases differ from protoc 35.1 (listed above)",
            total - matching
        );
    }
}
