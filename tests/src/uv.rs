//! Helpers for the uvlock-tool end-to-end tests: real uv 0.13.9, a PEP 503 simple index on 127.0.0.1 serving a
//! wheel of the SDK built at test time, service directories, and the uvlock-tool binary.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use crate::provision::{self, PythonTools};

/// The SDK's pyproject used for the registry wheel (version 2.10.1).
pub const SDK_PYPROJECT: &str = r#"[project]
name = "ameide-sdk-python"
version = "2.10.1"
description = "Ameide SDK (e2e fixture)"
requires-python = ">=3.11"
dependencies = [
    "grpcio>=1.60",
    "protobuf>=4.25,<7",
    "httpx>=0.27",
]

[project.optional-dependencies]
grpc = ["grpcio-status>=1.60"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["src/ameide_sdk_python"]
"#;

/// uv with the pinned environment: cache under target/, no user-level config, no Python downloads.
pub fn uv(tools: &PythonTools, dir: &Path) -> Command {
    let mut cmd = Command::new(tools.uv());
    cmd.current_dir(dir);
    with_uv_environment(&mut cmd, tools);
    cmd
}

/// Sets the pinned uv environment of [`uv`] on `cmd` (for commands that run uv themselves, such as a shell).
pub fn with_uv_environment<'a>(cmd: &'a mut Command, tools: &PythonTools) -> &'a mut Command {
    cmd.env("UV_CACHE_DIR", provision::tools_dir().join("uv-cache"))
        // Not UV_NO_CONFIG: that also ignores [tool.uv] in pyproject (the local index). Keep user config out instead.
        .env(
            "XDG_CONFIG_HOME",
            provision::tools_dir().join("uv-empty-config"),
        )
        .env("UV_PYTHON_DOWNLOADS", "never")
        .env("UV_PYTHON", tools.python())
        .env_remove("UV_INDEX_URL")
        .env_remove("UV_EXTRA_INDEX_URL")
        .env_remove("VIRTUAL_ENV")
}

/// Runs a command, panicking with its output on failure.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Writes an SDK package directory (pyproject + module).
pub fn write_sdk(dir: &Path, pyproject: &str) {
    fs::create_dir_all(dir.join("src/ameide_sdk_python")).expect("mkdir sdk");
    fs::write(dir.join("pyproject.toml"), pyproject).expect("write sdk pyproject");
    fs::write(
        dir.join("src/ameide_sdk_python/__init__.py"),
        "__version__ = \"2.10.1\"\n",
    )
    .expect("write sdk module");
}

/// Writes a service directory: its pyproject (with the local index) and a module.
pub fn write_service(dir: &Path, pyproject: &str) {
    fs::create_dir_all(dir.join("src/inference")).expect("mkdir service");
    fs::write(dir.join("pyproject.toml"), pyproject).expect("write service pyproject");
    fs::write(dir.join("src/inference/__init__.py"), "").expect("write service module");
}

/// A service pyproject with the given dependency lines (already quoted, comma-separated, indented) and extra tables.
pub fn service_pyproject(index_url: &str, dependencies: &str, rest: &str) -> String {
    format!(
        r#"[project]
name = "inference"
version = "0.1.0"
description = "Inference service (e2e fixture)"
requires-python = ">=3.11"
dependencies = [
{dependencies}]
{rest}
# the local registry that serves the SDK wheel
[[tool.uv.index]]
name = "ameide"
url = "{index_url}"

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["src/inference"]
"#
    )
}

/// The shared world: uv, the SDK wheel and sdist in a simple index served on 127.0.0.1.
pub struct World {
    pub tools: PythonTools,
    pub root: PathBuf,
    pub index_url: String,
    _server: Mutexed,
}

struct Mutexed(std::sync::Mutex<Child>);

const SERVER: &str = r#"
import functools, http.server, sys, threading
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
class Quiet(handler.func):
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=sys.argv[1]))
threading.Thread(target=srv.serve_forever, daemon=True).start()
print(srv.server_address[1], flush=True)
sys.stdin.read()  # exits when the test process (the pipe's writer) goes away
"#;

const MKINDEX: &str = r#"
import hashlib, os, re, sys
root = sys.argv[1]
files = os.path.join(root, "files")
by = {}
for f in sorted(os.listdir(files)):
    if f.startswith("."):
        continue
    name = re.sub(r"[-_.]+", "-", re.split(r"-\d", f, maxsplit=1)[0]).lower()
    by.setdefault(name, []).append(f)
os.makedirs(os.path.join(root, "simple"), exist_ok=True)
with open(os.path.join(root, "simple", "index.html"), "w") as out:
    out.write("<!DOCTYPE html><html><body>\n" + "".join(f'<a href="{n}/">{n}</a>\n' for n in by) + "</body></html>\n")
for name, fs in by.items():
    d = os.path.join(root, "simple", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "index.html"), "w") as out:
        out.write("<!DOCTYPE html><html><body>\n")
        for f in fs:
            h = hashlib.sha256(open(os.path.join(files, f), "rb").read()).hexdigest()
            out.write(f'<a href="../../files/{f}#sha256={h}">{f}</a>\n')
        out.write("</body></html>\n")
"#;

impl World {
    /// Builds the world once per test process; `None` when uv cannot be provisioned (skipped locally).
    pub fn get() -> Option<&'static World> {
        static WORLD: OnceLock<Option<World>> = OnceLock::new();
        WORLD
            .get_or_init(|| provision::python_tools().map(World::build))
            .as_ref()
    }

    fn build(tools: PythonTools) -> World {
        // One world per test binary (cargo runs test binaries one after another).
        let exe = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()));
        let root = provision::scratch_dir(&format!(
            "uvlock-world-{}",
            exe.unwrap_or_else(|| "e2e".into())
        ));
        let sdk = root.join("sdk-src");
        write_sdk(&sdk, SDK_PYPROJECT);
        let files = root.join("index/files");
        run_ok(
            uv(&tools, &sdk)
                .args(["build", "--wheel", "--sdist", "--out-dir"])
                .arg(&files),
        );
        run_ok(
            Command::new(tools.python())
                .args(["-c", MKINDEX])
                .arg(root.join("index")),
        );
        let mut child = Command::new(tools.python())
            .args(["-u", "-c", SERVER])
            .arg(root.join("index"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the index server");
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server port");
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("server port, got {line:?}"));
        World {
            tools,
            root,
            index_url: format!("http://127.0.0.1:{port}/simple"),
            _server: Mutexed(std::sync::Mutex::new(child)),
        }
    }

    /// A fresh directory for one test: `<dir>/packages/ameide_sdk_python` and `<dir>/services/...` go inside.
    pub fn case(&self, name: &str) -> PathBuf {
        let dir = self.root.join("cases").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("mkdir case");
        dir
    }

    pub fn uv(&self, dir: &Path) -> Command {
        uv(&self.tools, dir)
    }

    /// `uv lock` (online, so the local index and PyPI are used) in `dir`.
    pub fn lock(&self, dir: &Path) {
        run_ok(self.uv(dir).arg("lock").arg("--quiet"));
    }
}

impl Drop for Mutexed {
    fn drop(&mut self) {
        if let Ok(mut child) = self.0.lock() {
            let _ = child.stdin.take().map(|mut s| s.flush());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The uvlock-tool binary, built once in release mode (`AMEIDE_UVLOCK_TOOL=/path` tests another build).
pub fn uvlock_tool() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("AMEIDE_UVLOCK_TOOL") {
            return PathBuf::from(bin);
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .current_dir(provision::repo_root())
            .args([
                "build",
                "--quiet",
                "--release",
                "-p",
                "uvlock-tool",
                "--bin",
                "uvlock-tool",
            ])
            .output()
            .expect("run cargo build");
        assert!(
            out.status.success(),
            "building uvlock-tool failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        provision::target_dir().join("release/uvlock-tool")
    })
    .clone()
}

/// Runs uvlock-tool in `cwd`.
pub fn run_tool(cwd: &Path, args: &[&str]) -> Output {
    Command::new(uvlock_tool())
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run uvlock-tool")
}

/// Copies a directory tree (files only; skips `.venv`).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        if e.file_name() == ".venv" {
            continue;
        }
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// Reads a file to a string.
pub fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// Panics with a unified-ish line diff when two texts differ.
pub fn assert_same(what: &str, got: &str, want: &str) {
    if got != want {
        let mut msg = String::new();
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            if g != w {
                msg = format!(
                    "first difference at line {}:\n  uv:          {w}\n  uvlock-tool: {g}",
                    i + 1
                );
                break;
            }
        }
        if msg.is_empty() {
            msg = format!(
                "lengths differ: uv {} lines, uvlock-tool {} lines",
                want.lines().count(),
                got.lines().count()
            );
        }
        panic!("{what}: uvlock-tool's output differs from uv's; {msg}");
    }
}
