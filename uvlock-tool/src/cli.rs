//! `uvlock-tool switch`: reads the inputs, runs the plan for every service directory and writes, checks or
//! diffs. Output goes to the given writers so tests can capture it.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diff;
use crate::error::{Error, InputKind, Result};
use crate::fsio::{self, join_label};
use crate::plan::{plan, Inputs, Plan, Target};

/// What to do with the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
    Diff,
}

/// Parsed `switch` arguments.
#[derive(Debug, Clone)]
pub struct SwitchOptions {
    pub to: Target,
    pub package: String,
    pub path: PathBuf,
    pub from: Option<PathBuf>,
    pub mode: Mode,
    pub services: Vec<String>,
    /// Color the diffs (stdout is a terminal and `NO_COLOR` is unset; see [`crate::color`]).
    pub color: bool,
    /// How long to wait for another uvlock-tool working on the same service ([`fsio::LOCK_TIMEOUT_ENV`]).
    pub lock_timeout: std::time::Duration,
}

/// Examples and exit codes after the top-level `--help`.
pub const MAIN_HELP: &str = "\
Examples:
  uvlock-tool switch --to editable --package ameide-sdk --path packages/sdk services/*
  uvlock-tool switch --to registry --package ameide-sdk --path packages/sdk --from ref/uv.lock services/api
  uvlock-tool switch --check --to editable --package ameide-sdk --path packages/sdk services/*

Exit codes:
  0  written, unchanged, or (--check) up to date
  1  --check: a pyproject.toml or uv.lock differs from what would be written (the diff is printed)
  2  refused: the change needs uv's resolver (run `uv lock`); nothing is written
  3  input error: bad arguments, unreadable file, invalid TOML (shown with the line and a caret)

Diffs are colored when stdout is a terminal and NO_COLOR is unset.";

/// Examples after `switch --help`.
pub const SWITCH_HELP: &str = "\
Examples:
  uvlock-tool switch --to editable --package ameide-sdk --path packages/sdk services/api
      the service uses ../../packages/sdk as an editable path source (pyproject.toml + uv.lock)
  uvlock-tool switch --to directory --package ameide-sdk --path packages/sdk 'services/*'
  uvlock-tool switch --to registry --package ameide-sdk --path packages/sdk --from ref/uv.lock services/api
      back to the index version pinned in the reference lock
  uvlock-tool switch --check --to editable --package ameide-sdk --path packages/sdk services/*
      CI / pre-commit: exit 1 with a diff when a service is not in that form
  uvlock-tool switch --diff --to editable --package ameide-sdk --path packages/sdk services/api

Exit codes: 0 ok, 1 --check found a difference, 2 needs the resolver, 3 input error.";

/// The `--version` text.
pub fn version_text() -> String {
    format!(
        "{} (writes uv.lock as uv {}: version = {}, revision = {})",
        env!("CARGO_PKG_VERSION"),
        crate::lock::UV_VERSION,
        crate::lock::LOCK_VERSION,
        crate::lock::LOCK_REVISION
    )
}

fn usage(msg: impl Into<String>) -> Error {
    Error::input(InputKind::Usage, msg)
}

fn expand(services: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for s in services {
        if s.contains(['*', '?', '[']) {
            let paths = glob::glob(s).map_err(|e| usage(format!("invalid glob `{s}`: {e}")))?;
            let mut matched: Vec<String> = paths
                .filter_map(std::result::Result::ok)
                .filter(|p| p.is_dir())
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            matched.sort();
            if matched.is_empty() {
                return Err(usage(format!("`{s}` matches no directory")));
            }
            out.extend(matched);
        } else {
            out.push(s.clone());
        }
    }
    Ok(out)
}

fn label(s: &str) -> String {
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        "/".to_string()
    } else {
        t.to_string()
    }
}

/// Runs `switch`; returns the exit status (0 ok, 1 drift, 2 needs the resolver, 3 input error).
pub fn switch(opts: &SwitchOptions, cwd: &Path, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match switch_inner(opts, cwd, out, err) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            e.exit_code()
        }
    }
}

fn switch_inner(
    opts: &SwitchOptions,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32> {
    if opts.services.is_empty() {
        return Err(usage("no service directory given"));
    }
    if opts.from.is_some() && opts.to != Target::Registry {
        return Err(usage(format!(
            "--from is only for --to registry (it names the lock to restore the registry entry from), not --to {}",
            opts.to.as_str()
        )));
    }
    let services = expand(&opts.services)?;
    let sdk_dir = fsio::local_package_dir(cwd, &opts.path);
    let sdk_label = label(&opts.path.to_string_lossy());
    let sdk_pyproject_label = join_label(&sdk_label, "pyproject.toml");
    let sdk_text = match opts.to {
        Target::Registry => String::new(),
        _ => fsio::read_text(&sdk_dir.join("pyproject.toml")).map_err(|e| {
            if e.is_not_found() && ["setup.py", "setup.cfg"].iter().any(|f| sdk_dir.join(f).is_file()) {
                Error::refuse(
                    crate::error::Refusal::DynamicMetadata,
                    format!("{sdk_pyproject_label} does not exist: the local package is built by setup.py/setup.cfg, so uv takes its metadata from a PEP 517 build"),
                )
            } else {
                usage(format!(
                    "{sdk_pyproject_label}: cannot read the local package's pyproject.toml (--path): {e}"
                ))
            }
        })?,
    };
    let reference = match &opts.from {
        Some(p) => {
            let from_label = p.to_string_lossy().into_owned();
            let text = fsio::read(&cwd.join(p), &from_label)?;
            Some((from_label, text))
        }
        None => None,
    };
    let mut status = 0;
    for svc in &services {
        let code = match one(
            opts,
            cwd,
            svc,
            &sdk_dir,
            &sdk_pyproject_label,
            &sdk_text,
            reference.as_ref(),
            out,
            err,
        ) {
            Ok(code) => code,
            Err(e) => {
                let _ = writeln!(err, "{e}");
                e.exit_code()
            }
        };
        status = status.max(code);
    }
    Ok(status)
}

#[allow(clippy::too_many_arguments)]
fn one(
    opts: &SwitchOptions,
    cwd: &Path,
    svc: &str,
    sdk_dir: &Path,
    sdk_label: &str,
    sdk_text: &str,
    reference: Option<&(String, String)>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32> {
    let svc_label = label(svc);
    let Some(dir) = fsio::service_dir(&cwd.join(svc)) else {
        return Err(usage(format!("{svc_label}: not a directory")));
    };
    let service = prepare(opts, &dir, &svc_label, err)?;
    let py_label = join_label(&svc_label, "pyproject.toml");
    let lock_label = join_label(&svc_label, "uv.lock");
    let py_path = dir.join("pyproject.toml");
    let lock_path = dir.join("uv.lock");
    let pyproject = fsio::read(&py_path, &py_label)?;
    let lock = fsio::read(&lock_path, &lock_label)?;
    let rel = fsio::relative(&dir, sdk_dir).ok_or_else(|| {
        Error::refuse(
            crate::error::Refusal::AbsolutePath,
            format!("{} cannot be expressed relative to {svc_label}; refusing to write an absolute path", sdk_dir.display()),
        )
    })?;
    let p = plan(&Inputs {
        service: &svc_label,
        pyproject: &pyproject,
        lock: &lock,
        name: &opts.package,
        target: opts.to,
        local: (sdk_label, sdk_text),
        rel_path: &rel,
        reference: reference.map(|(l, t)| (l.as_str(), t.as_str())),
    })?;
    let files = ServiceFiles {
        svc_label,
        py_label,
        lock_label,
        pyproject,
        lock,
    };
    match opts.mode {
        Mode::Check | Mode::Diff => Ok(report(opts, &files, &p, out, err)),
        Mode::Write => write(opts, &service, files, &p, err),
    }
}

/// A service's two files as read, with the labels messages name them by.
struct ServiceFiles {
    svc_label: String,
    py_label: String,
    lock_label: String,
    pyproject: String,
    lock: String,
}

/// `--diff` and `--check`: the diff of the planned pair on `out`; for `--check`, whether it is up to date.
fn report(
    opts: &SwitchOptions,
    files: &ServiceFiles,
    p: &Plan,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let ServiceFiles {
        svc_label,
        py_label,
        lock_label,
        pyproject,
        lock,
    } = files;
    let text = diff::unified(py_label, pyproject, &p.pyproject)
        + &diff::unified(lock_label, lock, &p.lock);
    let text = if opts.color {
        crate::color::diff(&text)
    } else {
        text
    };
    let _ = out.write_all(text.as_bytes());
    if opts.mode == Mode::Diff {
        return 0;
    }
    if p.pyproject != *pyproject || p.lock != *lock {
        let _ = writeln!(
            err,
            "error: {svc_label}: uv.lock/pyproject.toml are out of date for mode {}; run `uvlock-tool switch --to {} --package {} --path {} {svc_label}`",
            opts.to.as_str(),
            opts.to.as_str(),
            opts.package,
            opts.path.display()
        );
        1
    } else {
        let _ = writeln!(err, "{svc_label}: up to date ({})", opts.to.as_str());
        0
    }
}

/// Replaces the pair together (or not at all) and says what happened.
fn write(
    opts: &SwitchOptions,
    service: &fsio::Service,
    files: ServiceFiles,
    p: &Plan,
    err: &mut dyn Write,
) -> Result<i32> {
    let svc_label = files.svc_label;
    let n = fsio::write_all_atomic(
        service.dir(),
        &svc_label,
        &[
            fsio::Replacement {
                name: "pyproject.toml",
                label: files.py_label,
                new: &p.pyproject,
                old: &files.pyproject,
            },
            fsio::Replacement {
                name: "uv.lock",
                label: files.lock_label,
                new: &p.lock,
                old: &files.lock,
            },
        ],
    )?;
    if n == 0 {
        let _ = writeln!(err, "{svc_label}: unchanged ({})", opts.to.as_str());
    } else {
        let detail = if p.notes.is_empty() {
            String::new()
        } else {
            format!(": {}", p.notes.join("; "))
        };
        let _ = writeln!(err, "{svc_label}: switched to {}{detail}", opts.to.as_str());
    }
    Ok(0)
}

/// Opens and locks the service (held by the caller until it is done with the service), then: for a write,
/// completes or drops an interrupted write and removes the temporary files of killed runs; for
/// `--check`/`--diff`, refuses a pending write and names those files.
fn prepare(
    opts: &SwitchOptions,
    path: &Path,
    svc_label: &str,
    err: &mut dyn Write,
) -> Result<fsio::Service> {
    let access = match opts.mode {
        Mode::Write => fsio::Access::Exclusive,
        Mode::Check | Mode::Diff => fsio::Access::Shared,
    };
    let service = fsio::open_service(path, svc_label, access, opts.lock_timeout, err)?;
    let dir = service.dir();
    if opts.mode == Mode::Write {
        match fsio::recover(dir, svc_label)? {
            fsio::Recovery::Nothing => {}
            fsio::Recovery::Completed => {
                let _ = writeln!(
                    err,
                    "{svc_label}: completed an interrupted write of pyproject.toml and uv.lock"
                );
            }
            fsio::Recovery::Discarded => {
                let _ = writeln!(
                    err,
                    "{svc_label}: dropped an interrupted write that had replaced nothing"
                );
            }
        }
        let removed = fsio::remove_litter(dir);
        if !removed.is_empty() {
            let _ = writeln!(
                err,
                "{svc_label}: removed temporary files of an interrupted uvlock-tool: {}",
                removed.join(", ")
            );
        }
    } else if fsio::check_pending(dir, svc_label)? {
        return Err(Error::input(
            InputKind::Io,
            format!(
                "{svc_label}: an interrupted write of pyproject.toml and uv.lock is pending ({}); run `uvlock-tool switch` without --check/--diff to complete it",
                fsio::JOURNAL
            ),
        ));
    } else {
        for name in fsio::stray_files(dir) {
            let _ = writeln!(
                err,
                "note: {}: left by an interrupted uvlock-tool; the next `uvlock-tool switch` without --check/--diff removes it",
                join_label(svc_label, &name)
            );
        }
    }
    Ok(service)
}
