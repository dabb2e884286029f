//! Without arguments (how protoc and buf start plugins): the plugin, request on stdin, response on stdout.
//! With a subcommand (`generate`, `check`): the standalone command line of [`protoc_gen_ameide_py::standalone::cli`].

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::Parser;
use protoc_gen_ameide_py::standalone::cli::{self, Cli};
use protoc_gen_ameide_py::standalone::compile::{external, CAPTURE_ENV};

/// mimalloc: the compiler and the generators allocate many small objects on all cores, where glibc's malloc
/// spent about a fifth of the time of a googleapis `generate`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's option enum (the sys crate names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // No transparent huge pages: the kernel zeroes a whole 2 MB page on its first touch, which cost a
    // googleapis `check` about a second of system time on a 2-core VM (a third of that with 4 KB pages), and
    // the partly used huge pages raised the peak by 40-50 MB. Best effort: without it only speed differs.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    // Freed memory is kept for reuse instead of being returned to the OS 10 ms later (mimalloc's default):
    // with transparent huge pages each re-fault zeroes 2 MB, which was a tenth of a googleapis `generate`.
    // SAFETY: sets a plain integer option; mimalloc reads options at any time.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1)
    };
    if std::env::args_os().len() > 1 {
        return cli::run(Cli::parse());
    }
    plugin()
}

fn plugin() -> ExitCode {
    if std::io::stdin().is_terminal() {
        // protoc and buf always pipe the request in; a person at a terminal wants the usage instead of a wait
        let mut usage = Vec::new();
        let _ = <Cli as clap::CommandFactory>::command().write_help(&mut usage);
        eprintln!(
            "protoc-gen-ameide-py: no CodeGeneratorRequest on stdin (it is a terminal): run it through protoc or buf, or use a subcommand\n\n{}",
            String::from_utf8_lossy(&usage).trim_end()
        );
        return ExitCode::from(2);
    }
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("protoc-gen-ameide-py: cannot read the request from stdin: {e}");
        return ExitCode::FAILURE;
    }
    let response = match std::env::var_os(CAPTURE_ENV) {
        Some(dir) => external::capture(dir.as_ref(), &input).map_err(|e| {
            format!(
                "cannot capture the request into {}: {e}",
                dir.to_string_lossy()
            )
        }),
        None => protoc_gen_ameide_py::run(&input)
            .map_err(|e| format!("{e} (stdin must be a CodeGeneratorRequest from protoc or buf)")),
    };
    match response {
        Ok(response) => match std::io::stdout()
            .write_all(&response)
            .and_then(|()| std::io::stdout().flush())
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("protoc-gen-ameide-py: cannot write the response to stdout: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("protoc-gen-ameide-py: {e}");
            ExitCode::FAILURE
        }
    }
}
