//! Reading and checking what every switch needs: the service pyproject, the lock, the dependency's entry in it.

use std::collections::BTreeSet;

use super::Inputs;
use crate::error::{Error, InputKind, Refusal, Result};
use crate::lock::{self, Lock, Package, Source};
use crate::pyproject::{self, Service};

/// The validated inputs of one switch.
pub(super) struct Context {
    /// The dependency's normalized name.
    pub name: String,
    pub service_label: String,
    pub lock_label: String,
    pub service: Service,
    /// The lock as read.
    pub lock: Lock,
    /// The dependency's index in the lock and its entry.
    pub index: usize,
    pub old: Package,
    /// Every extra requested on an edge to the dependency.
    pub extras: BTreeSet<String>,
}

fn refuse(kind: Refusal, msg: impl Into<String>) -> Error {
    Error::refuse(kind, msg)
}

impl Context {
    pub fn load(inputs: &Inputs) -> Result<Context> {
        let name = crate::pep508::normalize_name(inputs.name);
        let service_label = format!("{}/pyproject.toml", inputs.service);
        let lock_label = format!("{}/uv.lock", inputs.service);
        let service = pyproject::analyze_service(&service_label, inputs.pyproject, &name)?;
        let lock = lock::parse(&lock_label, inputs.lock)?;
        check_lock_shape(&lock, &lock_label)?;
        if inputs.rel_path.starts_with('/') {
            return Err(refuse(
                Refusal::AbsolutePath,
                format!(
                    "refusing to write the absolute path `{}` into {lock_label}",
                    inputs.rel_path
                ),
            ));
        }
        let index = dependency_index(&lock, &name, &lock_label, &service_label)?;
        let old = lock.packages[index].clone();
        check_source(&old, &lock_label)?;
        let extras = lock.requested_extras(&name);
        Ok(Context {
            name,
            service_label,
            lock_label,
            service,
            lock,
            index,
            old,
            extras,
        })
    }

    /// The version recorded for the dependency, for messages.
    pub fn old_version(&self) -> &str {
        self.old.version.as_deref().unwrap_or("(dynamic)")
    }
}

/// Lock features outside what a switch can keep exact.
fn check_lock_shape(lock: &Lock, lock_label: &str) -> Result<()> {
    let workspace = lock.sections.iter().any(|s| {
        s.path.first().map(String::as_str) == Some("manifest")
            && (s.path.len() > 1 || s.entries.iter().any(|(k, _)| k == "members"))
    });
    if workspace {
        return Err(refuse(
            Refusal::LockFormat,
            format!("{lock_label} has a workspace [manifest] (members or dependency groups); only standalone service locks are switched"),
        ));
    }
    if lock.conflicts.is_some() {
        return Err(refuse(
            Refusal::LockFormat,
            format!("{lock_label} declares conflicting extras or groups ([tool.uv] conflicts); their markers need uv's resolver"),
        ));
    }
    if lock.roots().is_empty() {
        return Err(Error::input(
            InputKind::Schema,
            format!("{lock_label} has no project package (`source = {{ editable = \".\" }}` or `{{ virtual = \".\" }}`)"),
        ));
    }
    Ok(())
}

/// The dependency's only entry in the lock.
fn dependency_index(
    lock: &Lock,
    name: &str,
    lock_label: &str,
    service_label: &str,
) -> Result<usize> {
    let idxs: Vec<usize> = lock.packages_named(name).map(|(i, _)| i).collect();
    match idxs.as_slice() {
        [] => Err(refuse(
            Refusal::NewPackage,
            format!("{lock_label} has no `{name}` package; the lock is out of date with {service_label}"),
        )),
        [i] if lock.packages[*i].resolution_markers.is_empty() => Ok(*i),
        [_] => Err(refuse(
            Refusal::MultiVersion,
            format!("`{name}` has resolution-markers in {lock_label} (it is locked for a subset of the forks)"),
        )),
        _ => Err(refuse(
            Refusal::MultiVersion,
            format!("`{name}` is locked at several versions in {lock_label}"),
        )),
    }
}

/// Only the registry, editable and directory forms are switched; local paths must be relative.
fn check_source(old: &Package, lock_label: &str) -> Result<()> {
    match &old.source {
        Source::Registry(_) | Source::Editable(_) | Source::Directory(_) => {}
        other => {
            return Err(refuse(
                Refusal::UnsupportedForm,
                format!(
                    "`{}` in {lock_label} has a `{}` source; only registry, editable and directory forms are switched",
                    old.name,
                    other.kind()
                ),
            ))
        }
    }
    if let Some(path) = old.source.local_path().filter(|p| p.starts_with('/')) {
        return Err(refuse(
            Refusal::AbsolutePath,
            format!(
                "`{}` in {lock_label} has the absolute path `{path}`",
                old.name
            ),
        ));
    }
    Ok(())
}
