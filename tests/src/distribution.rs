//! Distribution as Python packages: maturin and pre-commit (pinned, from PyPI), the binary wheels of both
//! executables built from this checkout, and fresh venvs with them installed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::cache::{cache_dir, lock};
use crate::provision::{repo_root, target_dir, unavailable};

/// The packaging tools, pinned.
pub const DIST_PACKAGES: &[&str] = &["maturin==1.16.0", "pre-commit==4.7.0"];

/// The workspace version (both crates inherit it; the wheels take it from Cargo.toml).
pub fn workspace_version() -> String {
    let text = fs::read_to_string(repo_root().join("Cargo.toml")).expect("read Cargo.toml");
    let line = text
        .lines()
        .skip_while(|l| l.trim() != "[workspace.package]")
        .find(|l| l.trim_start().starts_with("version"))
        .expect("workspace.package.version");
    line.split('"').nth(1).expect("quoted version").to_string()
}

/// A venv holding maturin and pre-commit.
#[derive(Debug, Clone)]
pub struct DistTools {
    pub venv: PathBuf,
}

impl DistTools {
    pub fn maturin(&self) -> PathBuf {
        self.venv.join("bin/maturin")
    }
    pub fn pre_commit(&self) -> PathBuf {
        self.venv.join("bin/pre-commit")
    }
}

/// Provisions (once) and returns the packaging venv (`target/reference-tools/dist-venv`).
pub fn dist_tools() -> Option<DistTools> {
    static TOOLS: OnceLock<Result<DistTools, String>> = OnceLock::new();
    let result = TOOLS.get_or_init(|| {
        let venv = crate::toolchains::provision_venv("dist-venv", DIST_PACKAGES)?;
        Ok(DistTools { venv })
    });
    match result {
        Ok(tools) => Some(tools.clone()),
        Err(why) => unavailable("packaging venv (maturin, pre-commit)", why),
    }
}

/// The two wheels built from this checkout.
#[derive(Debug, Clone)]
pub struct Wheels {
    /// The directory holding exactly the two wheels (for `--find-links`).
    pub dir: PathBuf,
    pub plugin: PathBuf,
    pub uvlock: PathBuf,
}

/// `maturin build --release -m <crate>/Cargo.toml -o <dir> --target-dir <target>` for both crates, once per
/// process. The target directory is the workspace's, so the release artifacts of the other tests are reused
/// (a wheel build then takes seconds). Panics when maturin fails.
pub fn wheels(tools: &DistTools) -> Wheels {
    static WHEELS: OnceLock<Wheels> = OnceLock::new();
    WHEELS
        .get_or_init(|| {
            // the same lock as `plugin_binary`: one cargo build in the release directory at a time
            let _guard = lock(&cache_dir("plugin-build.lock"));
            // one directory per test process (another run in this checkout may be installing from its own);
            // those of processes that have ended are removed
            let root = cache_dir("wheels");
            if let Ok(entries) = fs::read_dir(&root) {
                for entry in entries.flatten() {
                    let pid = entry.file_name().to_string_lossy().into_owned();
                    if !Path::new("/proc").join(&pid).exists() {
                        let _ = fs::remove_dir_all(entry.path());
                    }
                }
            }
            let dir = root.join(std::process::id().to_string());
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).expect("create wheel dir");
            let mut built = Vec::new();
            for krate in ["protoc-gen-ameide-py", "uvlock-tool"] {
                let started = std::time::Instant::now();
                let out = Command::new(tools.maturin())
                    .current_dir(repo_root())
                    .args(["build", "--release", "-m"])
                    .arg(repo_root().join(krate).join("Cargo.toml"))
                    .arg("-o")
                    .arg(&dir)
                    .arg("--target-dir")
                    .arg(target_dir())
                    .output()
                    .expect("run maturin");
                expect_success(&format!("maturin build {krate}"), &out);
                let prefix = format!("{}-{}-", krate.replace('-', "_"), workspace_version());
                let wheel = fs::read_dir(&dir)
                    .expect("read wheel dir")
                    .map(|e| e.expect("dir entry").path())
                    .find(|p| {
                        p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
                    })
                    .unwrap_or_else(|| panic!("no wheel {prefix}*.whl in {}", dir.display()));
                eprintln!(
                    "built {} in {:.1?}",
                    wheel.file_name().expect("name").to_string_lossy(),
                    started.elapsed()
                );
                built.push(wheel);
            }
            Wheels {
                dir: dir.clone(),
                plugin: built[0].clone(),
                uvlock: built[1].clone(),
            }
        })
        .clone()
}

/// A fresh venv at `dir` with both wheels installed offline (`pip --no-index --find-links`).
pub fn venv_with_wheels(dir: &Path, wheels: &Wheels) -> PathBuf {
    let _ = fs::remove_dir_all(dir);
    let out = Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir)
        .output()
        .expect("run python3 -m venv");
    expect_success("python3 -m venv", &out);
    let out = Command::new(dir.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-index",
            "--find-links",
        ])
        .arg(&wheels.dir)
        .args(["protoc-gen-ameide-py", "uvlock-tool"])
        .output()
        .expect("run pip install");
    expect_success("pip install the wheels", &out);
    dir.join("bin")
}

/// Panics with the command's output unless it succeeded.
pub fn expect_success(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
