//! Command-line wiring only; the work happens in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use uvlock_tool::cli::{self, Mode, SwitchOptions};
use uvlock_tool::plan::Target;

// The lock model is allocation-heavy (every value of a 700 KB lock is a string); mimalloc cuts the run time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "uvlock-tool",
    version = Box::leak(cli::version_text().into_boxed_str()) as &str,
    about = "Offline, byte-exact switch of uv services between a registry dependency and a local path source",
    after_help = cli::MAIN_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Switch the dependency's form in pyproject.toml and uv.lock of each service directory.
    #[command(after_help = cli::SWITCH_HELP)]
    Switch {
        /// Target form.
        #[arg(long, value_enum)]
        to: Target,
        /// The dependency (any PEP 503 spelling).
        #[arg(long)]
        package: String,
        /// The local package directory (relative to the current directory).
        #[arg(long)]
        path: PathBuf,
        /// Reference registry lock for `--to registry`.
        #[arg(long)]
        from: Option<PathBuf>,
        /// Write nothing; exit 1 with a diff when a file differs from what would be written.
        #[arg(long, conflicts_with = "diff")]
        check: bool,
        /// Print the diff and write nothing.
        #[arg(long)]
        diff: bool,
        /// Service directories (each holds pyproject.toml and uv.lock); globs are expanded.
        #[arg(required = true)]
        services: Vec<String>,
    },
}

fn main() -> ExitCode {
    // clap exits with 2 on usage errors; 2 means "needs the resolver" here, so usage errors exit with 3.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 3 } else { 0 });
        }
    };
    let Command::Switch {
        to,
        package,
        path,
        from,
        check,
        diff,
        services,
    } = cli.command;
    let lock_timeout = match uvlock_tool::fsio::lock_timeout(
        std::env::var_os(uvlock_tool::fsio::LOCK_TIMEOUT_ENV).as_deref(),
    ) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(3);
        }
    };
    let opts = SwitchOptions {
        to,
        package,
        path,
        from,
        mode: if check {
            Mode::Check
        } else if diff {
            Mode::Diff
        } else {
            Mode::Write
        },
        services,
        color: uvlock_tool::color::stdout_wants_color(),
        lock_timeout,
    };
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error[E101 io]: cannot read the current directory: {e}");
            return ExitCode::from(3);
        }
    };
    let code = cli::switch(&opts, &cwd, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(u8::try_from(code).unwrap_or(3))
}
