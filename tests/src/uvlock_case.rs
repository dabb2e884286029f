//! The monorepo the uvlock-tool end-to-end tests switch (`uvlock_e2e.rs`, `uvlock_refusals.rs`): an SDK at
//! `packages/ameide_sdk_python`, `services/inference` locked by real uv in registry form, and what real `uv lock`
//! writes for each form to compare with.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::uv::{self, assert_same, read, run_tool, service_pyproject, World, SDK_PYPROJECT};

pub const EDITABLE_SOURCE: &str = "\n[tool.uv.sources]\nameide-sdk-python = { path = \"../../packages/ameide_sdk_python\", editable = true }\n";
pub const DIRECTORY_SOURCE: &str =
    "\n[tool.uv.sources]\nameide-sdk-python = { path = \"../../packages/ameide_sdk_python\" }\n";

/// A monorepo case of the uvlock-tool end-to-end tests, in a directory of the shared [`World`].
pub struct Case {
    pub world: &'static World,
    pub dir: PathBuf,
}

impl Case {
    /// A monorepo with the SDK at packages/ameide_sdk_python and `services/inference` locked in registry form.
    pub fn registry(name: &str, deps: &str, rest: &str) -> Option<Case> {
        let world = World::get()?;
        let dir = world.case(name);
        uv::write_sdk(&dir.join("packages/ameide_sdk_python"), SDK_PYPROJECT);
        let svc = dir.join("services/inference");
        uv::write_service(&svc, &service_pyproject(&world.index_url, deps, rest));
        world.lock(&svc);
        assert!(read(&svc.join("uv.lock")).contains("source = { registry = \"http://127.0.0.1:"));
        Some(Case { world, dir })
    }

    pub fn svc(&self, name: &str) -> PathBuf {
        self.dir.join("services").join(name)
    }

    pub fn set_sdk(&self, pyproject: &str) {
        fs::write(
            self.dir.join("packages/ameide_sdk_python/pyproject.toml"),
            pyproject,
        )
        .expect("write sdk");
    }

    /// Copies services/inference to services/<name>, appends `source` to its pyproject and runs real `uv lock`.
    pub fn uv_expectation(&self, name: &str, source: &str) -> PathBuf {
        let to = self.svc(name);
        let _ = fs::remove_dir_all(&to);
        uv::copy_tree(&self.svc("inference"), &to);
        let py = to.join("pyproject.toml");
        if !source.is_empty() {
            fs::write(&py, read(&py) + source).expect("append source");
        }
        self.world.lock(&to);
        to
    }

    /// `uvlock-tool switch --to <to>` to the SDK's path with `extra` arguments, on `services/inference` unless
    /// `extra` names services.
    pub fn switch(&self, to: &str, extra: &[&str]) -> Output {
        let mut args = extra.to_vec();
        if !extra.iter().any(|a| a.starts_with("services")) {
            args.push("services/inference");
        }
        switch(&self.dir, to, "packages/ameide_sdk_python", &args)
    }

    pub fn assert_matches_uv(&self, expected: &Path, what: &str) {
        let svc = self.svc("inference");
        assert_same(
            &format!("{what}: uv.lock"),
            &read(&svc.join("uv.lock")),
            &read(&expected.join("uv.lock")),
        );
        assert_same(
            &format!("{what}: pyproject.toml"),
            &read(&svc.join("pyproject.toml")),
            &read(&expected.join("pyproject.toml")),
        );
        // uv itself accepts the written lock as up to date, offline.
        uv::run_ok(
            self.world
                .uv(&svc)
                .args(["lock", "--locked", "--offline", "--quiet"]),
        );
    }

    pub fn snapshot(&self) -> (String, String) {
        let svc = self.svc("inference");
        (
            read(&svc.join("pyproject.toml")),
            read(&svc.join("uv.lock")),
        )
    }
}

/// `uvlock-tool switch --to <to> --package ameide-sdk-python --path <path> <args…>`, run in `dir`.
pub fn switch(dir: &Path, to: &str, path: &str, args: &[&str]) -> Output {
    let mut all = vec![
        "switch",
        "--to",
        to,
        "--package",
        "ameide-sdk-python",
        "--path",
        path,
    ];
    all.extend_from_slice(args);
    run_tool(dir, &all)
}

/// Asserts the run succeeded, showing its output otherwise.
pub fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "uvlock-tool failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub const BASE_DEPS: &str =
    "    \"ameide-sdk-python==2.10.1\",\n    \"fastapi>=0.115\",\n    \"uvicorn>=0.30\",\n";
pub const DEV_GROUP: &str = "\n[dependency-groups]\ndev = [\"pytest>=8\"]\n";

/// The SDK pyproject with `deps` in place of its own requirements.
pub fn sdk_variant(deps: &str) -> String {
    SDK_PYPROJECT.replace(
        "    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27\",\n",
        deps,
    )
}
