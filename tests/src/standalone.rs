//! Helpers for the standalone-mode tests (`protoc-gen-ameide-py generate` / `check`): running the binary with
//! a compiler driver.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::compare::{assert_trees_equal, read_tree, report_path, Tree};
use crate::plugin::plugin_binary;
use crate::provision::{NpmTools, PythonTools};

/// Which compiler `generate` / `check` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compiler {
    Embedded,
    Protoc,
    Buf,
}

/// The binary with a subcommand, with `$PROTOC` / `$BUF` pointing at the reference tools (so a protoc or buf
/// elsewhere on PATH is never used).
pub fn command(py: Option<&PythonTools>, npm: Option<&NpmTools>, scratch: &Path) -> Command {
    let mut cmd = Command::new(plugin_binary());
    if let Some(py) = py {
        // grpcio-tools' protoc as one executable
        let wrapper = scratch.join("protoc-wrapper.sh");
        fs::create_dir_all(scratch).expect("create scratch");
        fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nexec '{}' -m grpc_tools.protoc \"$@\"\n",
                py.python().display()
            ),
        )
        .expect("write protoc wrapper");
        set_executable(&wrapper);
        cmd.env("PROTOC", &wrapper);
    }
    if let Some(npm) = npm {
        cmd.env("BUF", npm.buf());
    }
    cmd.env_remove("AMEIDE_PY_CAPTURE_DIR");
    cmd
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut perms = fs::metadata(path).expect("stat").permissions();
    perms.set_mode(0o755);
    fs::set_permissions(path, perms).expect("chmod");
}

/// `generate --compiler <c> -I <root> --out <out> [--opt ...] [files]`; panics with stderr on failure.
pub fn generate_explicit(
    mut cmd: Command,
    compiler: Compiler,
    root: &Path,
    out: &Path,
    opts: &[String],
    files: &[String],
) {
    let _ = fs::remove_dir_all(out);
    cmd.arg("generate")
        .arg("--compiler")
        .arg(compiler_name(compiler))
        .arg("-I")
        .arg(root)
        .arg("--out")
        .arg(out);
    for opt in opts {
        cmd.arg("--opt").arg(opt);
    }
    cmd.args(files);
    let output = cmd.output().expect("run generate");
    expect_ok("generate", &output);
}

/// One `generate` run of the tests: the compiler, the include root, `--opt` values and the files (none: every
/// .proto under the root).
pub struct GenerateRun<'a> {
    pub compiler: Compiler,
    pub root: &'a Path,
    pub opts: &'a [String],
    pub files: &'a [String],
}

/// Runs `generate` into `<scratch>/out` and asserts the tree is byte for byte `expected` (a report of the
/// differences under `scratch`); `label` says what ran.
pub fn assert_generates(
    label: &str,
    scratch: &Path,
    cmd: Command,
    run: &GenerateRun<'_>,
    expected: &Tree,
) {
    let out = scratch.join("out");
    generate_explicit(cmd, run.compiler, run.root, &out, run.opts, run.files);
    assert_trees_equal(
        &format!(
            "{label} [generate --compiler {}, param {:?}]",
            compiler_name(run.compiler),
            run.opts
        ),
        expected,
        &read_tree(&out),
        &report_path(scratch, "compare"),
    );
}

pub fn compiler_name(compiler: Compiler) -> &'static str {
    match compiler {
        Compiler::Embedded => "embedded",
        Compiler::Protoc => "protoc",
        Compiler::Buf => "buf",
    }
}

/// Panics with the output if the command failed.
pub fn expect_ok(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A scratch copy of a directory tree (files copied, so tests may edit them).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create copy dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if fs::metadata(&path).expect("stat").is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// Every file below `dir` with its modification time and content (to prove `check` writes nothing).
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, std::time::SystemTime, Vec<u8>)>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let meta = fs::metadata(&path).expect("stat");
            if meta.is_dir() {
                walk(&path, out);
            } else {
                let bytes = fs::read(&path).expect("read");
                out.push((path, meta.modified().expect("mtime"), bytes));
            }
        }
    }
    walk(dir, &mut out);
    out
}
