//! The `protoc` and `buf` drivers: they run the real tool with this binary as a request-capturing plugin, so
//! the request generated from is byte for byte what that tool sends to a plugin; generation then runs
//! in-process like for the embedded compiler.
//!
//! Capture: when [`CAPTURE_ENV`] names a directory, the binary started without arguments writes its stdin (the
//! request) to a new file there and answers with an empty response (declaring proto3-optional and editions
//! support, so the tool accepts every file).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::CompileError;

/// Environment variable: capture requests into this directory instead of generating.
pub const CAPTURE_ENV: &str = "AMEIDE_PY_CAPTURE_DIR";

const CAPTURE_PLUGIN: &str = "ameidepycapture";

/// A fresh scratch directory below the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, CompileError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "protoc-gen-ameide-py-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(dir.join("requests")).map_err(|e| CompileError::Tool {
            tool: "capture".into(),
            message: format!("cannot create {}: {e}", dir.display()),
        })?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn self_exe() -> Result<PathBuf, CompileError> {
    std::env::current_exe().map_err(|e| CompileError::Tool {
        tool: "protoc-gen-ameide-py".into(),
        message: format!("cannot locate the running executable: {e}"),
    })
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The protoc command: `$PROTOC`, else `protoc` on `PATH`, else `python3 -m grpc_tools.protoc` (`$PYTHON`
/// overrides `python3`) when grpcio-tools is importable.
pub fn protoc_command() -> Result<Command, CompileError> {
    if let Some(protoc) = std::env::var_os("PROTOC") {
        return Ok(Command::new(protoc));
    }
    if let Some(protoc) = on_path("protoc") {
        return Ok(Command::new(protoc));
    }
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let importable = Command::new(&python)
        .args(["-c", "import grpc_tools.protoc"])
        .output()
        .is_ok_and(|o| o.status.success());
    if importable {
        let mut cmd = Command::new(python);
        cmd.args(["-m", "grpc_tools.protoc"]);
        return Ok(cmd);
    }
    Err(CompileError::Tool {
        tool: "protoc".into(),
        message: "not found: set $PROTOC, put protoc on PATH, or install grpcio-tools for python3"
            .into(),
    })
}

/// The buf command: `$BUF`, else `buf` on `PATH`.
pub fn buf_command() -> Result<Command, CompileError> {
    if let Some(buf) = std::env::var_os("BUF") {
        return Ok(Command::new(buf));
    }
    on_path("buf")
        .map(Command::new)
        .ok_or_else(|| CompileError::Tool {
            tool: "buf".into(),
            message: "not found: set $BUF or put buf on PATH".into(),
        })
}

fn read_requests(dir: &Path) -> Result<Vec<Vec<u8>>, CompileError> {
    let io = |e: std::io::Error| CompileError::Tool {
        tool: "capture".into(),
        message: format!("cannot read captured requests in {}: {e}", dir.display()),
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    names.sort();
    names.iter().map(|p| std::fs::read(p).map_err(io)).collect()
}

fn run(tool: &str, mut cmd: Command) -> Result<(), CompileError> {
    let output = cmd.output().map_err(|e| CompileError::Tool {
        tool: tool.into(),
        message: format!("cannot run: {e}"),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<String> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    if lines.is_empty() {
        Err(CompileError::Tool {
            tool: tool.into(),
            message: format!("failed ({})", output.status),
        })
    } else {
        Err(CompileError::Proto(lines))
    }
}

/// protoc's request for `files` (proto names) with `-I` = `includes`.
pub fn protoc_request(
    includes: &[PathBuf],
    files: &[String],
    parameter: &str,
) -> Result<Vec<u8>, CompileError> {
    let scratch = Scratch::new()?;
    let argfile = scratch.0.join("files.args");
    std::fs::write(&argfile, files.join("\n") + "\n").map_err(|e| CompileError::Tool {
        tool: "protoc".into(),
        message: format!("cannot write {}: {e}", argfile.display()),
    })?;
    let mut cmd = protoc_command()?;
    cmd.arg(format!(
        "--plugin=protoc-gen-{CAPTURE_PLUGIN}={}",
        self_exe()?.display()
    ));
    cmd.arg(format!("--{CAPTURE_PLUGIN}_out={}", scratch.0.display()));
    if !parameter.is_empty() {
        cmd.arg(format!("--{CAPTURE_PLUGIN}_opt={parameter}"));
    }
    for include in includes {
        cmd.arg(format!("-I{}", include.display()));
    }
    cmd.arg(format!("@{}", argfile.display()));
    cmd.env(CAPTURE_ENV, scratch.0.join("requests"));
    run("protoc", cmd)?;
    let mut requests = read_requests(&scratch.0.join("requests"))?;
    match requests.len() {
        1 => Ok(requests.remove(0)),
        n => Err(CompileError::Tool {
            tool: "protoc".into(),
            message: format!("expected one plugin request, captured {n}"),
        }),
    }
}

/// What `buf generate` is run on.
pub enum BufInput<'a> {
    /// A workspace directory holding `buf.yaml` (v2).
    Workspace(&'a Path),
    /// One module root without `buf.yaml`, with some files of it (all if empty).
    Module { root: &'a Path, files: &'a [String] },
}

/// buf's requests (one per directory under `strategy: directory`, else one) for the input.
pub fn buf_requests(
    input: BufInput<'_>,
    parameter: &str,
    strategy: &str,
) -> Result<Vec<Vec<u8>>, CompileError> {
    let scratch = Scratch::new()?;
    let exe = self_exe()?;
    let template = format!(
        r#"{{"version":"v2","plugins":[{{"local":[{exe:?}],"out":{out:?},"opt":{opt:?},"strategy":{strategy:?}}}]}}"#,
        exe = exe.display().to_string(),
        out = scratch.0.join("out").display().to_string(),
        opt = parameter,
    );
    let mut cmd = buf_command()?;
    cmd.arg("generate");
    match input {
        BufInput::Workspace(dir) => {
            cmd.current_dir(dir);
        }
        BufInput::Module { root, files } => {
            cmd.arg(root);
            for f in files {
                cmd.arg("--path").arg(root.join(f));
            }
        }
    }
    cmd.arg("--template").arg(template);
    cmd.env(CAPTURE_ENV, scratch.0.join("requests"));
    run("buf", cmd)?;
    read_requests(&scratch.0.join("requests"))
}

/// The capture side (called by `main` without arguments when [`CAPTURE_ENV`] is set): stores the request and
/// returns the response to print.
pub fn capture(dir: &Path, request: &[u8]) -> std::io::Result<Vec<u8>> {
    use prost::Message;
    std::fs::create_dir_all(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let path = dir.join(format!("{nanos:020}-{}.bin", std::process::id()));
    std::fs::write(path, request)?;
    Ok(crate::response::CodeGeneratorResponse::files(Vec::new()).encode_to_vec())
}
