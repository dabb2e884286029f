//! The Python sources `imports` reads: named files, and the `.py`/`.pyi` files under named directories as
//! ripgrep finds them (the `ignore` crate: `.gitignore`, `.ignore` and git's excludes, also outside a git
//! repository; hidden files and directories skipped), less `--exclude`d paths and the generated stubs of the
//! output directories. Walking, reading, scanning and fixing run on all cores.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use py_imports::{PrefixRule, Report, Scanner};

use super::check::is_stub;
use super::write::replace_file;

/// What one file gave.
#[derive(Debug)]
pub struct Checked {
    /// The path as printed: relative to the current directory when it is below it.
    pub path: String,
    /// The source, kept only when there is something to report (positions are computed from it).
    pub source: Vec<u8>,
    /// `None` when the file has nothing to report.
    pub report: Option<Report>,
    /// Whether `--fix` rewrote the file.
    pub fixed: bool,
    pub io_error: Option<String>,
}

/// Paths not to check, absolute.
#[derive(Debug, Clone)]
pub struct Skips {
    excludes: Vec<PathBuf>,
    generated: Vec<PathBuf>,
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))
}

impl Skips {
    /// `excludes` are left out entirely; under `generated_dirs` the generated stubs (`*_pb2.py`, `*_pb2.pyi`,
    /// `*_pb2_grpc.py`) are (hand-written modules beside them are checked).
    pub fn new(excludes: &[PathBuf], generated_dirs: &[PathBuf]) -> Result<Skips, String> {
        Ok(Skips {
            excludes: excludes
                .iter()
                .map(|p| absolute(p))
                .collect::<Result<_, _>>()?,
            generated: generated_dirs
                .iter()
                .map(|p| absolute(p))
                .collect::<Result<_, _>>()?,
        })
    }

    fn excluded(&self, path: &Path) -> bool {
        self.excludes.iter().any(|e| path.starts_with(e))
    }

    fn skipped_file(&self, path: &Path) -> bool {
        self.excluded(path)
            || (path
                .file_name()
                .is_some_and(|n| is_stub(&n.to_string_lossy()))
                && self.generated.iter().any(|g| path.starts_with(g)))
    }
}

fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyi")
}

/// Checks (and with `fix`, fixes) every source under `paths`; the result is in path order. Errors: a path
/// that does not exist.
pub fn check<R: PrefixRule + Sync>(
    paths: &[PathBuf],
    skips: &Skips,
    scanner: &Scanner<R>,
    fix: bool,
) -> Result<Vec<Checked>, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    for path in paths {
        let abs = absolute(path)?;
        if abs.is_dir() {
            dirs.push(abs);
        } else if abs.exists() {
            files.push(abs);
        } else {
            return Err(format!("{}: not found", path.display()));
        }
    }
    let display = |path: &Path| {
        path.strip_prefix(&cwd)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    };
    files.retain(|f| !skips.skipped_file(f));
    let mut checked = crate::parallel::map(&files, |f| check_file(f, display(f), scanner, fix));
    if let Some((first, rest)) = dirs.split_first() {
        let found = Mutex::new(Vec::new());
        let mut walk = WalkBuilder::new(first);
        for dir in rest {
            walk.add(dir);
        }
        let owned = skips.clone();
        walk.require_git(false)
            .threads(crate::parallel::thread_count())
            .filter_entry(move |entry| !owned.excluded(entry.path()));
        walk.build_parallel().run(|| {
            Box::new(|entry| {
                let result = match entry {
                    Ok(entry) => {
                        let path = entry.path();
                        if !entry.file_type().is_some_and(|t| t.is_file())
                            || !is_python(path)
                            || skips.skipped_file(path)
                        {
                            return WalkState::Continue;
                        }
                        check_file(path, display(path), scanner, fix)
                    }
                    Err(e) => Checked {
                        path: String::new(),
                        source: Vec::new(),
                        report: None,
                        fixed: false,
                        io_error: Some(e.to_string()),
                    },
                };
                found
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(result);
                WalkState::Continue
            })
        });
        checked.extend(
            found
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }
    checked.sort_by(|a, b| a.path.cmp(&b.path));
    checked.dedup_by(|a, b| !a.path.is_empty() && a.path == b.path);
    Ok(checked)
}

fn check_file<R: PrefixRule>(
    path: &Path,
    shown: String,
    scanner: &Scanner<R>,
    fix: bool,
) -> Checked {
    let mut checked = Checked {
        path: shown,
        source: Vec::new(),
        report: None,
        fixed: false,
        io_error: None,
    };
    let source = match std::fs::read(path) {
        Ok(source) => source,
        Err(e) => {
            checked.io_error = Some(format!("cannot read: {e}"));
            return checked;
        }
    };
    let report = scanner.scan(&source);
    if report == Report::default() {
        return checked;
    }
    if fix {
        if let Some(new) = report.fixed(&source) {
            // a named symlink is fixed where it points
            let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            match replace_file(&target, &new) {
                Ok(()) => checked.fixed = true,
                Err(e) => checked.io_error = Some(format!("cannot write: {e}")),
            }
        }
    }
    checked.source = source;
    checked.report = Some(report);
    checked
}
