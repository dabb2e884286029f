//! The standalone command line (`generate`, `check`). Without arguments the binary is the protoc/buf plugin
//! (see `main.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::check;
use crate::compile::Driver;
use crate::standalone::{self, Plan};

#[derive(Debug, Parser)]
#[command(
    name = "protoc-gen-ameide-py",
    version,
    about = "Python protobuf/gRPC stubs byte-identical to protoc 35.1 + grpcio-tools 1.85.1, with import prefixing. \
             Without arguments: the protoc/buf plugin (request on stdin)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate stubs: from ./buf.gen.yaml + ./buf.yaml (no -I), or from -I/--out/--opt and files.
    Generate(Inputs),
    /// Regenerate in memory and compare with the tree on disk: exit 0 when clean, 1 when a generated file is
    /// stale (or hand-edited), missing or stray. Never writes.
    Check {
        #[command(flatten)]
        inputs: Inputs,
        /// Print only `kind: path` lines, no diffs.
        #[arg(long, short)]
        quiet: bool,
    },
}

/// Which compiler builds the CodeGeneratorRequest.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum CompilerArg {
    /// protox in-process (no protoc or buf needed; no editions files).
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

    fn driver(&self) -> Driver {
        match self.compiler {
            CompilerArg::Embedded => Driver::Embedded,
            CompilerArg::Protoc => Driver::Protoc,
            CompilerArg::Buf => Driver::Buf,
        }
    }
}

fn fail(message: &str) -> ExitCode {
    for line in message.lines() {
        eprintln!("{line}");
    }
    ExitCode::from(2)
}

/// Runs a parsed command line. Exit codes: 0 success/clean, 1 `check` found differences, 2 errors.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Generate(inputs) => {
            let outputs = match inputs.plan().and_then(|plan| {
                standalone::generate_outputs(&plan, inputs.driver()).map_err(|e| e.to_string())
            }) {
                Ok(o) => o,
                Err(e) => return fail(&e),
            };
            for output in &outputs {
                match standalone::write_outputs(output) {
                    Ok(written) => eprintln!(
                        "{}: {} files generated, {written} written",
                        output.job.out.display(),
                        output.files.len()
                    ),
                    Err(e) => return fail(&e.to_string()),
                }
            }
            ExitCode::SUCCESS
        }
        Command::Check { inputs, quiet } => {
            let outputs = match inputs.plan().and_then(|plan| {
                standalone::generate_outputs(&plan, inputs.driver()).map_err(|e| e.to_string())
            }) {
                Ok(o) => o,
                Err(e) => return fail(&e),
            };
            let mut findings = Vec::new();
            for output in &outputs {
                match check::check_job(output) {
                    Ok(f) => findings.extend(f),
                    Err(e) => return fail(&format!("{}: {e}", output.job.out.display())),
                }
            }
            print!("{}", check::report(&findings, quiet));
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
    }
}
