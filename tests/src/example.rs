//! The example monorepo (`examples/`) in scratch copies: copying it clean, and a venv for its services that sees
//! the reference venv's packages (protobuf, grpcio, setuptools) without downloading anything.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::provision::PythonTools;
use crate::standalone::expect_ok;
use crate::uv;

/// Copies `from` to `to`, leaving out what examples/.gitignore ignores (local venvs, builds, caches).
pub fn copy_clean(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            if matches!(name.as_str(), ".venv" | "__pycache__" | "build")
                || name.ends_with(".egg-info")
            {
                continue;
            }
            copy_clean(&path, &to.join(&name));
        } else {
            fs::copy(&path, to.join(&name)).expect("copy file");
        }
    }
}

/// `python -c code`, stdout trimmed; panics on failure.
pub fn python(py: &Path, cwd: &Path, code: &str) -> String {
    let out = Command::new(py)
        .current_dir(cwd)
        .args(["-c", code])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python");
    expect_ok(&format!("python -c {code:?}"), &out);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A fresh venv that sees the reference venv's site-packages (protobuf, grpcio, setuptools) through a `.pth`.
pub fn venv_over_reference(tools: &PythonTools, scratch: &Path) -> PathBuf {
    let venv = scratch.join("venv");
    uv::run_ok(
        uv::uv(tools, scratch)
            .args(["venv", "--offline", "--quiet"])
            .arg(&venv),
    );
    let purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])";
    let reference = python(&tools.python(), scratch, purelib);
    let own = python(&venv.join("bin/python"), scratch, purelib);
    fs::write(
        Path::new(&own).join("reference-venv.pth"),
        format!("{reference}\n"),
    )
    .expect("write .pth");
    venv
}

/// Installs `projects` editable into the venv of `vpy`, offline, without their dependencies (the venv sees them
/// through [`venv_over_reference`]).
pub fn install_editable(tools: &PythonTools, scratch: &Path, vpy: &Path, projects: &[&Path]) {
    let mut cmd = uv::uv(tools, scratch);
    cmd.env_remove("UV_PYTHON")
        .args([
            "pip",
            "install",
            "--offline",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--python",
        ])
        .arg(vpy);
    for project in projects {
        cmd.arg("-e").arg(project);
    }
    uv::run_ok(&mut cmd);
}
