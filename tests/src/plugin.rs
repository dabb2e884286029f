//! Building, locating and running the plugin binary (`protoc-gen-ameide-py`), directly and through protoc / buf.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use crate::cache::{cache_dir, lock};
use crate::corpus::Corpus;
use crate::provision::{path_with, repo_root, target_dir, NpmTools, PythonTools};

/// Environment variable naming a plugin binary to use instead of building `protoc-gen-ameide-py`.
pub const PLUGIN_ENV: &str = "AMEIDE_PY_PLUGIN";

/// The plugin binary: `$AMEIDE_PY_PLUGIN` if set, else `cargo build --release -p protoc-gen-ameide-py` (once per
/// process, file-locked across processes) and `<target>/release/protoc-gen-ameide-py`. Panics if the build fails.
pub fn plugin_binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os(PLUGIN_ENV) {
            let p = PathBuf::from(p);
            assert!(p.is_file(), "{PLUGIN_ENV}={} is not a file", p.display());
            return p;
        }
        let _guard = lock(&cache_dir("plugin-build.lock"));
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let started = std::time::Instant::now();
        let out = Command::new(cargo)
            .current_dir(repo_root())
            .args([
                "build",
                "--release",
                "--quiet",
                "-p",
                "protoc-gen-ameide-py",
                "--bin",
                "protoc-gen-ameide-py",
            ])
            .arg("--target-dir")
            .arg(target_dir())
            .output()
            .expect("run cargo build for the plugin");
        assert!(
            out.status.success(),
            "building protoc-gen-ameide-py failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let bin = target_dir().join("release/protoc-gen-ameide-py");
        assert!(bin.is_file(), "no plugin binary at {}", bin.display());
        eprintln!(
            "plugin binary {} (cargo build: {:.1?})",
            bin.display(),
            started.elapsed()
        );
        bin
    })
    .clone()
}

/// Runs the plugin binary with `stdin` as its standard input.
pub fn run_on_stdin(stdin: &[u8]) -> Output {
    let mut child = Command::new(plugin_binary())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the plugin");
    let mut pipe = child.stdin.take().expect("stdin pipe");
    let data = stdin.to_vec();
    // write from another thread: the plugin may answer (or fail) before it has read everything
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for the plugin");
    let _ = writer.join();
    out
}

/// Panics with the captured stderr unless the process succeeded.
pub fn expect_success(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstderr:\n{}\nstdout:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
}

/// One plugin invocation inside a protoc / buf run: output directory and parameter.
#[derive(Debug, Clone)]
pub struct PluginRun {
    pub out: PathBuf,
    pub param: Option<String>,
}

/// `python -m grpc_tools.protoc -I. --plugin=protoc-gen-ameide-py=BIN --ameide-py_out=OUT [--ameide-py_opt=PARAM]
/// @argfile` over all files of the corpus (one protoc run). The argument file is written to `scratch`.
pub fn protoc_command(
    py: &PythonTools,
    corpus: &Corpus,
    out: &Path,
    param: Option<&str>,
    scratch: &Path,
) -> Command {
    let run = PluginRun {
        out: out.to_path_buf(),
        param: param.map(str::to_string),
    };
    protoc_command_many(py, corpus, std::slice::from_ref(&run), scratch)
}

/// Like [`protoc_command`], with several invocations of the plugin in the same protoc run (protoc parses the
/// corpus once): the plugin is registered under the names `ameide-py`, `ameide-py-1`, `ameide-py-2`, …
pub fn protoc_command_many(
    py: &PythonTools,
    corpus: &Corpus,
    runs: &[PluginRun],
    scratch: &Path,
) -> Command {
    let argfile = scratch.join("protoc-files.args");
    crate::reference::write_argfile(corpus, &argfile);
    let mut cmd = py.protoc();
    cmd.current_dir(&corpus.root).arg("-I.");
    for (i, run) in runs.iter().enumerate() {
        fs::create_dir_all(&run.out)
            .unwrap_or_else(|e| panic!("create {}: {e}", run.out.display()));
        let name = if i == 0 {
            "ameide-py".to_string()
        } else {
            format!("ameide-py-{i}")
        };
        cmd.arg(format!(
            "--plugin=protoc-gen-{name}={}",
            plugin_binary().display()
        ))
        .arg(format!("--{name}_out={}", run.out.display()));
        if let Some(p) = &run.param {
            cmd.arg(format!("--{name}_opt={p}"));
        }
    }
    cmd.arg(format!("@{}", argfile.display()));
    cmd
}

/// Runs the plugin through protoc over the whole corpus into `out`; panics if protoc fails.
pub fn run_with_protoc(
    py: &PythonTools,
    corpus: &Corpus,
    out: &Path,
    param: Option<&str>,
    scratch: &Path,
) {
    let run = PluginRun {
        out: out.to_path_buf(),
        param: param.map(str::to_string),
    };
    run_many_with_protoc(py, corpus, std::slice::from_ref(&run), scratch);
}

/// Runs several plugin invocations in ONE protoc run over the whole corpus; panics if protoc fails.
pub fn run_many_with_protoc(py: &PythonTools, corpus: &Corpus, runs: &[PluginRun], scratch: &Path) {
    let started = std::time::Instant::now();
    let output = protoc_command_many(py, corpus, runs, scratch)
        .output()
        .expect("run grpc_tools.protoc");
    let params: Vec<_> = runs.iter().map(|r| r.param.as_deref()).collect();
    expect_success(
        &format!(
            "protoc with the plugin over corpus {} (params {params:?})",
            corpus.name
        ),
        &output,
    );
    eprintln!(
        "protoc + plugin x{} over {} ({} files): {:.1?}",
        runs.len(),
        corpus.name,
        corpus.files.len(),
        started.elapsed()
    );
}

/// A buf v2 workspace in `workspace`: `buf.yaml` with one module `proto` (a symlink to the corpus root) and
/// `buf.gen.yaml` with the plugin as a `local:` plugin, `strategy: all`, output to `out`.
pub fn buf_command(
    npm: &NpmTools,
    corpus: &Corpus,
    workspace: &Path,
    out: &Path,
    param: Option<&str>,
) -> Command {
    let run = PluginRun {
        out: out.to_path_buf(),
        param: param.map(str::to_string),
    };
    buf_command_many(npm, corpus, workspace, std::slice::from_ref(&run))
}

/// Like [`buf_command`], with one `local:` plugin entry per run (buf compiles the module once).
pub fn buf_command_many(
    npm: &NpmTools,
    corpus: &Corpus,
    workspace: &Path,
    runs: &[PluginRun],
) -> Command {
    fs::create_dir_all(workspace).unwrap_or_else(|e| panic!("create {}: {e}", workspace.display()));
    let module = workspace.join("proto");
    let _ = fs::remove_file(&module);
    std::os::unix::fs::symlink(&corpus.root, &module)
        .expect("symlink the corpus into the buf workspace");
    fs::write(
        workspace.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: proto\n",
    )
    .expect("write buf.yaml");
    let mut gen = String::from("version: v2\nplugins:\n");
    for run in runs {
        gen.push_str(&format!(
            "  - local: {}\n    out: {}\n    strategy: all\n",
            yaml_str(&plugin_binary().display().to_string()),
            yaml_str(&run.out.display().to_string())
        ));
        if let Some(p) = &run.param {
            gen.push_str(&format!("    opt: {}\n", yaml_str(p)));
        }
    }
    fs::write(workspace.join("buf.gen.yaml"), gen).expect("write buf.gen.yaml");
    let mut cmd = Command::new(npm.buf());
    cmd.current_dir(workspace)
        .args(["generate", "--template", "buf.gen.yaml"])
        .env("BUF_CACHE_DIR", cache_dir("buf-cache"));
    cmd
}

/// Runs `buf generate` with the plugin over the whole corpus into `out`; panics if buf fails.
pub fn run_with_buf(
    npm: &NpmTools,
    py: &PythonTools,
    corpus: &Corpus,
    scratch: &Path,
    out: &Path,
    param: Option<&str>,
) {
    let run = PluginRun {
        out: out.to_path_buf(),
        param: param.map(str::to_string),
    };
    run_many_with_buf(npm, py, corpus, scratch, std::slice::from_ref(&run));
}

/// Runs several plugin invocations in ONE `buf generate` over the whole corpus; panics if buf fails.
pub fn run_many_with_buf(
    npm: &NpmTools,
    py: &PythonTools,
    corpus: &Corpus,
    scratch: &Path,
    runs: &[PluginRun],
) {
    let started = std::time::Instant::now();
    let output = buf_command_many(npm, corpus, &scratch.join("bufws"), runs)
        .env("PATH", path_with(&py.bin()))
        .output()
        .expect("run buf");
    let params: Vec<_> = runs.iter().map(|r| r.param.as_deref()).collect();
    expect_success(
        &format!(
            "buf generate with the plugin over corpus {} (params {params:?})",
            corpus.name
        ),
        &output,
    );
    eprintln!(
        "buf + plugin x{} over {} ({} files): {:.1?}",
        runs.len(),
        corpus.name,
        corpus.files.len(),
        started.elapsed()
    );
}

/// A double-quoted YAML scalar.
fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

// ---------------------------------------------------------------------------------------------------------------
// Wire-level request editing (no decode + re-encode: the request bytes must reach the plugin unchanged).

fn read_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut result = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        result |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(result);
        }
    }
    None
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// The top-level records of a protobuf message: (field number, wire type, full record bytes).
pub fn top_level_records(buf: &[u8]) -> Option<Vec<(u64, u8, &[u8])>> {
    let mut records = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let start = pos;
        let key = read_varint(buf, &mut pos)?;
        let wire = (key & 7) as u8;
        match wire {
            0 => {
                read_varint(buf, &mut pos)?;
            }
            1 => pos += 8,
            5 => pos += 4,
            2 => {
                let len = usize::try_from(read_varint(buf, &mut pos)?).ok()?;
                pos = pos.checked_add(len)?;
            }
            _ => return None,
        }
        if pos > buf.len() {
            return None;
        }
        records.push((key >> 3, wire, &buf[start..pos]));
    }
    Some(records)
}

/// The request with its `parameter` (CodeGeneratorRequest field 2) removed and, if `param` is given, a new one
/// appended. All other records are copied verbatim.
pub fn with_parameter(request: &[u8], param: Option<&str>) -> Vec<u8> {
    let records = top_level_records(request).expect("well-formed CodeGeneratorRequest");
    let mut out = Vec::with_capacity(request.len() + 64);
    for (field, _, bytes) in records {
        if field != 2 {
            out.extend_from_slice(bytes);
        }
    }
    if let Some(p) = param {
        out.push(0x12); // field 2, length-delimited
        write_varint(&mut out, p.len() as u64);
        out.extend_from_slice(p.as_bytes());
    }
    out
}

/// The string value of `parameter` in a raw request, if present.
pub fn parameter_of(request: &[u8]) -> Option<String> {
    let records = top_level_records(request)?;
    let (_, _, rec) = records
        .into_iter()
        .rev()
        .find(|(f, w, _)| *f == 2 && *w == 2)?;
    let mut pos = 1;
    let len = usize::try_from(read_varint(rec, &mut pos)?).ok()?;
    String::from_utf8(rec.get(pos..pos + len)?.to_vec()).ok()
}

/// The value of the last top-level varint record with number `field` (e.g. CodeGeneratorResponse
/// `minimum_edition` = 3 / `maximum_edition` = 4, which prost-types' older plugin.proto does not know).
pub fn varint_field(buf: &[u8], field: u64) -> Option<u64> {
    let records = top_level_records(buf)?;
    let (_, _, rec) = records
        .into_iter()
        .rev()
        .find(|(f, w, _)| *f == field && *w == 0)?;
    let mut pos = 0;
    read_varint(rec, &mut pos)?;
    read_varint(rec, &mut pos)
}

/// `tests/requests/<name>`.
pub fn request_path(name: &str) -> PathBuf {
    repo_root().join("tests/requests").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_rewrite_at_wire_level() {
        // file_to_generate "a.proto", parameter "path=x.bin", compiler_version {major: 7}
        let req = [
            b"\x0a\x07a.proto".as_slice(),
            b"\x12\x0apath=x.bin",
            b"\x1a\x02\x08\x07",
        ]
        .concat();
        assert_eq!(parameter_of(&req).as_deref(), Some("path=x.bin"));
        let none = with_parameter(&req, None);
        assert_eq!(
            none,
            [b"\x0a\x07a.proto".as_slice(), b"\x1a\x02\x08\x07"].concat()
        );
        assert_eq!(parameter_of(&none), None);
        let p = "prefix=a:b.c".repeat(20);
        let new = with_parameter(&req, Some(&p));
        assert_eq!(parameter_of(&new).as_deref(), Some(p.as_str()));
        assert_eq!(
            varint_field(b"\x10\x03\x18\xe6\x07\x20\xe9\x07", 3),
            Some(998)
        );
        assert_eq!(
            varint_field(b"\x10\x03\x18\xe6\x07\x20\xe9\x07", 4),
            Some(1001)
        );
        assert_eq!(varint_field(b"\x10\x03", 4), None);
        assert!(top_level_records(b"\x0a\x05ab").is_none());
        assert!(top_level_records(b"\x0f").is_none());
    }

    #[test]
    fn yaml_quoting() {
        assert_eq!(yaml_str("prefix=a:b.c"), "\"prefix=a:b.c\"");
        assert_eq!(yaml_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
