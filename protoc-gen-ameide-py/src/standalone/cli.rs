//! The standalone command line (`generate`, `check`). Without arguments the binary is the protoc/buf plugin
//! (see `main.rs`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::check;
use proto_compiler::Diagnostic;

use super::compile::{CompileError, Driver};
use super::error::StandaloneError;
use super::{generate_outputs, write_outputs, JobOutput, Plan};

/// The `--version` text: the crate version and the reference versions reproduced by default.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (reproduces protoc 35.1 and grpcio-tools 1.85.1 by default; older releases with the protoc_version= / grpc_version= parameters)"
);

const MAIN_HELP: &str = "\
Modes:
  protoc-gen-ameide-py              the protoc/buf plugin: CodeGeneratorRequest on stdin, response on stdout
  protoc-gen-ameide-py generate     standalone: write the stubs (no protoc or buf needed)
  protoc-gen-ameide-py check        standalone: exit 1 with a diff when committed stubs are stale
  protoc-gen-ameide-py imports      exit 1 when hand-written Python imports a mapped module without its prefix

Examples:
  protoc --ameide-py_out=gen --ameide-py_opt=prefix=acme:acme_sdk -I proto proto/acme/v1/*.proto
  buf generate                      # buf.gen.yaml: `- local: protoc-gen-ameide-py`
  protoc-gen-ameide-py generate     # from ./buf.gen.yaml + ./buf.yaml
  protoc-gen-ameide-py check        # in CI or pre-commit

Exit codes:
  0  success (check: every generated file is up to date)
  1  check: a generated file is stale, missing or stray (the diff is printed)
  2  error: bad arguments, a .proto or configuration error, an I/O error
  The plugin mode exits 1 when the request cannot be read or answered (errors in the request are reported
  to protoc/buf in the response).

Diffs are colored when stdout is a terminal and NO_COLOR is unset.";

const GENERATE_HELP: &str = "\
Examples:
  protoc-gen-ameide-py generate
      uses ./buf.gen.yaml and the v2 ./buf.yaml beside it (no buf needed)
  protoc-gen-ameide-py generate --template ci/buf.gen.yaml --compiler buf
  protoc-gen-ameide-py generate -I proto --out gen --opt prefix=acme:acme_sdk --opt package_files=all
  protoc-gen-ameide-py generate -I proto --out gen acme/v1/a.proto acme/v1/b.proto

Exit codes: 0 written, 2 error (nothing is written when any file fails to compile).";

const CHECK_HELP: &str = "\
Examples:
  protoc-gen-ameide-py check
  protoc-gen-ameide-py check --quiet          # `stale: path` lines only
  protoc-gen-ameide-py check --compiler protoc -I proto --out gen --opt prefix=acme:acme_sdk

Exit codes: 0 up to date, 1 stale/missing/stray files (diff on stdout), 2 error.";

#[derive(Debug, Parser)]
#[command(
    name = "protoc-gen-ameide-py",
    version = VERSION,
    about = "Python protobuf/gRPC stubs byte-identical to protoc 35.1 + grpcio-tools 1.85.1, with import prefixing. \
             Without arguments: the protoc/buf plugin (request on stdin).",
    after_help = MAIN_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate stubs: from ./buf.gen.yaml + ./buf.yaml (no -I), or from -I/--out/--opt and files.
    #[command(after_help = GENERATE_HELP)]
    Generate(Inputs),
    /// Regenerate in memory and compare with the tree on disk: exit 0 when clean, 1 when a generated file is
    /// stale (or hand-edited), missing or stray. Never writes.
    #[command(after_help = CHECK_HELP)]
    Check {
        #[command(flatten)]
        inputs: Inputs,
        /// Print only `kind: path` lines, no diffs.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check (or --fix) that hand-written Python imports modules under a mapped root through their prefix.
    #[command(after_help = super::imports::IMPORTS_HELP)]
    Imports(super::imports::ImportsArgs),
}

/// Which compiler builds the CodeGeneratorRequest.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum CompilerArg {
    /// The compiler built in (protoc 35.1's descriptors and diagnostics; no protoc or buf needed).
    #[default]
    Embedded,
    /// Run protoc ($PROTOC, protoc on PATH, or python3 -m grpc_tools.protoc).
    Protoc,
    /// Run buf generate ($BUF or buf on PATH).
    Buf,
}

#[derive(Debug, Args)]
pub struct Inputs {
    /// Include directory (like protoc -I); repeatable. Without it, buf.gen.yaml is used.
    #[arg(short = 'I', long = "proto_path", value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Output directory (with -I).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Plugin parameter (key=value), repeatable, joined with `,` (with -I).
    #[arg(long, value_name = "K=V")]
    pub opt: Vec<String>,
    /// The buf.gen.yaml to use (default ./buf.gen.yaml; its directory must hold the v2 buf.yaml).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["include", "out", "opt"])]
    pub template: Option<PathBuf>,
    /// Which compiler builds the request.
    #[arg(long, value_enum, default_value_t)]
    pub compiler: CompilerArg,
    /// .proto files to generate (with -I; default: every .proto under the include directories).
    pub files: Vec<String>,
}

impl Inputs {
    fn plan(&self) -> Result<Plan, String> {
        if self.include.is_empty() {
            if self.out.is_some() || !self.opt.is_empty() || !self.files.is_empty() {
                return Err("--out, --opt and files need at least one -I <dir> (or use buf.gen.yaml without them)".into());
            }
            let template = self
                .template
                .clone()
                .unwrap_or_else(|| PathBuf::from("buf.gen.yaml"));
            if !template.is_file() {
                return Err(format!(
                    "{}: not found (run in a directory with buf.gen.yaml and buf.yaml, or pass -I <dir> --out <dir>)",
                    template.display()
                ));
            }
            return Plan::from_template(&template).map_err(|e| e.to_string());
        }
        let Some(out) = self.out.clone() else {
            return Err("-I needs --out <dir>".into());
        };
        for dir in &self.include {
            if !dir.is_dir() {
                return Err(format!("{}: include directory not found", dir.display()));
            }
        }
        Plan::explicit(self.include.clone(), out, self.opt.join(","), &self.files)
            .map_err(|e| e.to_string())
    }

    /// Everything the inputs generate, in memory (shared by `generate` and `check`); the compiler's warnings
    /// are printed to stderr as protoc prints them; errors in .proto files come with their source line.
    fn regenerate(&self) -> Result<Vec<JobOutput>, String> {
        let plan = self.plan()?;
        match generate_outputs(&plan, self.driver()) {
            Ok(generated) => {
                // each snippet reads its file: on all cores, printed in order
                let warnings = crate::parallel::map(&generated.warnings, with_snippet);
                let mut stderr = std::io::stderr().lock();
                for warning in warnings {
                    let _ = stderr.write_all(warning.as_bytes());
                }
                Ok(generated.outputs)
            }
            Err(StandaloneError::Compile(CompileError::Diagnostics(diagnostics))) => {
                Err(crate::parallel::map(&diagnostics, with_snippet).concat())
            }
            Err(e) => Err(with_source(&e.to_string(), &plan.includes)),
        }
    }

    fn driver(&self) -> Driver {
        match self.compiler {
            CompilerArg::Embedded => Driver::Embedded,
            CompilerArg::Protoc => Driver::Protoc,
            CompilerArg::Buf => Driver::Buf,
        }
    }
}

/// A diagnostic's line (protoc's), then its source line with a caret when it has a position in a file on disk.
fn with_snippet(diagnostic: &Diagnostic) -> String {
    let mut out = format!("{diagnostic}\n");
    let Some(position) = diagnostic.position else {
        return out;
    };
    // a file part that is not UTF-8 is an import name that was not found: no source to show
    let Ok(file) = std::str::from_utf8(&diagnostic.file) else {
        return out;
    };
    let Ok(bytes) = std::fs::read(file) else {
        return out;
    };
    let Some(offset) = position.byte_offset(&bytes) else {
        return out;
    };
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&bytes[line_start..offset])
        .chars()
        .count()
        + 1;
    out.push_str(&source_snippet(
        &String::from_utf8_lossy(&bytes),
        position.line as usize,
        column,
    ));
    out
}

/// `message` with the source line and a caret after each `<file>.proto:<line>:<col>: ...` line whose file is
/// found under one of `includes`.
fn with_source(message: &str, includes: &[PathBuf]) -> String {
    let mut out = String::new();
    for line in message.lines() {
        out.push_str(line);
        out.push('\n');
        if let Some(snippet) = proto_snippet(line, includes) {
            out.push_str(&snippet);
        }
    }
    out
}

fn proto_snippet(line: &str, includes: &[PathBuf]) -> Option<String> {
    let (location, _) = line.split_once(": ")?;
    let mut parts = location.rsplitn(3, ':');
    let col: usize = parts.next()?.parse().ok()?;
    let line_no: usize = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    if !file.ends_with(".proto") {
        return None;
    }
    let text = includes
        .iter()
        .find_map(|dir| std::fs::read_to_string(dir.join(file)).ok())?;
    let snippet = source_snippet(&text, line_no, col);
    (!snippet.is_empty()).then_some(snippet)
}

pub use cli_text::source_snippet;

/// `24051 files written`, `19 files up to date, none written`, `19 files: 2 written, 17 already up to date`.
fn written_summary(total: usize, written: usize) -> String {
    let files = |n: usize| format!("{n} file{}", if n == 1 { "" } else { "s" });
    match (written, total - written) {
        (_, 0) => format!("{} written", files(total)),
        (0, _) => format!("{} up to date, none written", files(total)),
        (written, unchanged) => format!(
            "{}: {written} written, {unchanged} already up to date",
            files(total)
        ),
    }
}

pub(crate) fn fail(message: &str) -> ExitCode {
    for line in message.lines() {
        eprintln!("{line}");
    }
    ExitCode::from(2)
}

/// Runs a parsed command line. Exit codes: 0 success/clean, 1 `check` found differences, 2 errors.
pub fn run(cli: Cli) -> ExitCode {
    super::timing::start();
    match cli.command {
        Command::Generate(inputs) => {
            let outputs = match inputs.regenerate() {
                Ok(outputs) => outputs,
                Err(message) => return fail(&message),
            };
            for output in &outputs {
                match write_outputs(output) {
                    Ok(written) => eprintln!(
                        "{}: {}",
                        output.job.out.display(),
                        written_summary(output.files.len(), written)
                    ),
                    Err(e) => return fail(&e.to_string()),
                }
            }
            ExitCode::SUCCESS
        }
        Command::Check { inputs, quiet } => {
            let outputs = match inputs.regenerate() {
                Ok(outputs) => outputs,
                Err(message) => return fail(&message),
            };
            let mut findings = Vec::new();
            for output in &outputs {
                match check::check_job(output) {
                    Ok(f) => findings.extend(f),
                    Err(e) => return fail(&format!("{}: {e}", output.job.out.display())),
                }
            }
            let report = check::report(&findings, quiet);
            if crate::color::stdout_wants_color() {
                print!("{}", crate::color::diff(&report));
            } else {
                print!("{report}");
            }
            if findings.is_empty() {
                if !quiet {
                    let total: usize = outputs.iter().map(|o| o.files.len()).sum();
                    println!("check passed: {total} generated files up to date");
                }
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Imports(args) => super::imports::run(&args),
    }
}
