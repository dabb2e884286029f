//! `imports`: hand-written Python must import generated modules through their prefix
//! (`from ameide_sdk.proto.ameide_core_proto.x.v1 import y_pb2`), never the bare proto package. The mapping comes
//! from the same place as for `generate`/`check` (`buf.gen.yaml`, or `--opt prefix=...`); the sources are
//! walked by [`super::pysources`], scanned and fixed by the `py-imports` crate.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use py_imports::{position, BareImport, PrefixRule, Report, Scanner};

use super::plan::Plan;
use super::pysources::{self, Checked, Skips};
use crate::naming::{ModuleMap, PrefixMapping};
use crate::options::Options;

pub const IMPORTS_HELP: &str = "\
Examples:
  protoc-gen-ameide-py imports services/                 # mapping from ./buf.gen.yaml
  protoc-gen-ameide-py imports --fix services/
  protoc-gen-ameide-py imports --opt prefix=ameide_core_proto:ameide_sdk.proto src tests

Every import of a module under a mapped root (`import a.b`, `import a.b as c`, `from a.b import (c, d)`, inside
functions, under `if TYPE_CHECKING:`, after `;`, across continuation lines) must be spelled with its prefix.
Strings and comments are never taken for imports; a string whose text is such a module path
(`mock.patch(\"a.b.C\")`) is a warning and is never rewritten. .gitignore/.ignore files are honoured and the
generated stubs of the template's output directories are skipped.

Exit codes: 0 clean (warnings allowed), 1 an import lacks its prefix (after --fix: one that could not be
fixed), 2 error (bad arguments or configuration, a file that is not Python or cannot be read or written).";

/// The arguments of `imports`.
#[derive(Debug, Args)]
pub struct ImportsArgs {
    /// Insert the prefix into each import's module path, every other byte left alone (atomically per file).
    #[arg(long)]
    pub fix: bool,
    /// The buf.gen.yaml whose `prefix=` options give the mapping (default ./buf.gen.yaml; its directory must
    /// hold the v2 buf.yaml). The generated stubs under its output directories are not checked.
    #[arg(long, value_name = "FILE", conflicts_with = "opt")]
    pub template: Option<PathBuf>,
    /// Plugin parameter instead of buf.gen.yaml, e.g. prefix=ameide_core_proto:ameide_sdk.proto; repeatable.
    #[arg(long, value_name = "K=V")]
    pub opt: Vec<String>,
    /// With --opt: an output directory of generated stubs not to check; repeatable.
    #[arg(long, value_name = "DIR", requires = "opt")]
    pub out: Vec<PathBuf>,
    /// A file or directory not to check (like buf.yaml's `excludes`); repeatable.
    #[arg(long, value_name = "PATH")]
    pub exclude: Vec<PathBuf>,
    /// Python files and directories to check (default: the current directory). Directories are walked for
    /// .py and .pyi files; files named here are checked whatever their name.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// The prefix mapping as the scanner's rule.
struct Mapping(ModuleMap);

impl PrefixRule for Mapping {
    fn missing_prefix(&self, module: &str) -> Option<&str> {
        self.0
            .missing_prefix(module)
            .map(|m| m.python_prefix.as_str())
    }

    fn leading_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .0
            .mappings()
            .iter()
            .map(|m| {
                m.module_root()
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The mapping and the generated output directories, from `--opt`/`--out` or the template.
fn mapping(args: &ImportsArgs) -> Result<(ModuleMap, Vec<PathBuf>), String> {
    if !args.opt.is_empty() {
        let options = Options::parse(&args.opt.join(",")).map_err(|e| format!("--opt: {e}"))?;
        return Ok((options.modules, args.out.clone()));
    }
    let template = args
        .template
        .clone()
        .unwrap_or_else(|| PathBuf::from("buf.gen.yaml"));
    if !template.is_file() {
        return Err(format!(
            "{}: not found (run where buf.gen.yaml is, or pass --template FILE or --opt prefix=ROOT:PY.PREFIX)",
            template.display()
        ));
    }
    let plan = Plan::from_template(&template).map_err(|e| e.to_string())?;
    let mut mappings: Vec<PrefixMapping> = Vec::new();
    for job in &plan.jobs {
        let options = Options::parse(&job.parameter).map_err(|e| {
            format!(
                "{}: plugin entry with out `{}`: {e}",
                template.display(),
                job.out.display()
            )
        })?;
        for m in options.modules.mappings() {
            match mappings.iter().find(|known| known.root == m.root) {
                Some(known) if known.python_prefix != m.python_prefix => {
                    return Err(format!(
                        "{}: root `{}` is mapped to `{}` and to `{}` by different plugin entries; pass --opt prefix=... to choose",
                        template.display(),
                        m.root,
                        known.python_prefix,
                        m.python_prefix
                    ))
                }
                Some(_) => {}
                None => mappings.push(m.clone()),
            }
        }
    }
    let outs = plan.jobs.iter().map(|j| j.out.clone()).collect();
    Ok((ModuleMap::new(mappings), outs))
}

/// Runs `imports`: exit 0 clean, 1 imports lacking their prefix (remaining after `--fix`), 2 errors.
pub fn run(args: &ImportsArgs) -> ExitCode {
    let (map, outs) = match mapping(args) {
        Ok(found) => found,
        Err(message) => return super::cli::fail(&message),
    };
    if map.mappings().is_empty() {
        return super::cli::fail(
            "no prefix=ROOT:PY.PREFIX mapping is configured: there is nothing to check",
        );
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let skips = match Skips::new(&args.exclude, &outs) {
        Ok(skips) => skips,
        Err(message) => return super::cli::fail(&message),
    };
    let scanner = Scanner::new(Mapping(map));
    let checked = match pysources::check(&paths, &skips, &scanner, args.fix) {
        Ok(checked) => checked,
        Err(message) => return super::cli::fail(&message),
    };
    let summary = Summary::of(&checked, args.fix);
    print!("{}", report(&checked, args.fix));
    println!("{}", summary.line(checked.len(), args.fix));
    ExitCode::from(summary.exit_code())
}

/// The lines printed for the files: in path order, within a file in source order.
fn report(checked: &[Checked], fix: bool) -> String {
    let mut out = String::new();
    for file in checked {
        let path = &file.path;
        match &file.io_error {
            Some(e) if path.is_empty() => {
                let _ = writeln!(out, "error: {e}");
            }
            Some(e) => {
                let _ = writeln!(out, "{path}: error: {e}");
            }
            None => {}
        }
        let Some(report) = &file.report else { continue };
        let line_col = |offset| {
            let p = position(&file.source, offset);
            format!("{}:{}", p.line, p.column)
        };
        let mut lines: Vec<(usize, String)> = Vec::new();
        for import in &report.imports {
            let text = match &import.fixable {
                Ok(()) if fix && file.fixed => {
                    format!("fixed: '{}' -> '{}'", import.module, import.prefixed())
                }
                Ok(()) => headline(import),
                Err(why) => format!(
                    "{} (not fixable: this import binds '{}', which the file uses at {}; with the prefix it would \
                     bind '{}' instead: rewrite both by hand, e.g. {})",
                    headline(import),
                    why.binding,
                    line_col(why.used_at),
                    import.prefix.split('.').next().unwrap_or_default(),
                    suggestion(import),
                ),
            };
            lines.push((import.offset, text));
        }
        for mention in &report.mentions {
            lines.push((
                mention.offset,
                format!(
                    "warning: string names '{}' without the SDK prefix; use '{}.{}' (strings are not rewritten)",
                    mention.text, mention.prefix, mention.text
                ),
            ));
        }
        if let Some(e) = &report.error {
            lines.push((
                e.offset,
                format!("error: {} (not Python: reported, never fixed)", e.message),
            ));
        }
        lines.sort_by_key(|(offset, _)| *offset);
        for (offset, text) in lines {
            let _ = writeln!(out, "{path}:{}: {text}", line_col(offset));
        }
    }
    out
}

/// `1 warning`, `2 warnings`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn headline(import: &BareImport) -> String {
    format!(
        "import of '{}' without the SDK prefix; use '{}'",
        import.module,
        import.prefixed()
    )
}

/// A statement binding a name that does not depend on the prefix.
fn suggestion(import: &BareImport) -> String {
    match import.prefixed().rsplit_once('.') {
        Some((package, leaf)) => format!("'from {package} import {leaf}'"),
        None => format!("'import {} as ...'", import.prefixed()),
    }
}

/// Counts over all files.
#[derive(Debug, Default)]
struct Summary {
    fixable: usize,
    not_fixable: usize,
    fixed: usize,
    files_with_imports: usize,
    warnings: usize,
    errors: usize,
}

impl Summary {
    fn of(checked: &[Checked], fix: bool) -> Summary {
        let mut s = Summary::default();
        for file in checked {
            s.errors += usize::from(file.io_error.is_some());
            let Some(report) = &file.report else { continue };
            s.errors += usize::from(report.error.is_some());
            s.warnings += report.mentions.len();
            s.files_with_imports += usize::from(!report.imports.is_empty());
            // a file that is not Python is never fixed: nothing in it counts as fixable
            let ok = if report.error.is_some() {
                0
            } else {
                count_fixable(report)
            };
            if fix && file.fixed {
                s.fixed += ok;
            } else {
                s.fixable += ok;
            }
            s.not_fixable += report.imports.len() - ok;
        }
        s
    }

    fn line(&self, files: usize, fix: bool) -> String {
        let left = self.fixable + self.not_fixable;
        let mut line = format!("imports: {} checked", count(files, "file"));
        let _ = if fix {
            write!(
                line,
                "; {} fixed, {} left without the prefix",
                count(self.fixed, "import"),
                left
            )
        } else if left == 0 {
            write!(line, ", every import has its prefix")
        } else {
            write!(
                line,
                "; {} without the prefix in {} ({} fixable with --fix)",
                count(left, "import"),
                count(self.files_with_imports, "file"),
                self.fixable
            )
        };
        if self.warnings > 0 {
            let _ = write!(line, ", {}", count(self.warnings, "warning"));
        }
        if self.errors > 0 {
            let _ = write!(line, ", {} with errors", count(self.errors, "file"));
        }
        line
    }

    /// Imports left without their prefix (fixed ones are not counted) decide between 0 and 1.
    fn exit_code(&self) -> u8 {
        if self.errors > 0 {
            2
        } else if self.fixable + self.not_fixable > 0 {
            1
        } else {
            0
        }
    }
}

fn count_fixable(report: &Report) -> usize {
    report.imports.iter().filter(|i| i.fixable.is_ok()).count()
}
