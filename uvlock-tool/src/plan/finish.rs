//! Applying a switch: the project's requirement entries, the dependency's entry and the edges to it, pruning,
//! the reachability check, then the lock and pyproject texts.

use std::collections::{BTreeMap, BTreeSet};

use super::validate::Context;
use super::{EntryRewrite, Inputs, Plan, Switch};
use crate::error::{Error, InputKind, Refusal, Result};
use crate::lock::graph::Incoming;
use crate::lock::{self, forks, Lock, LOCK_REVISION};
use crate::pyproject;

fn refuse(kind: Refusal, msg: impl Into<String>) -> Error {
    Error::refuse(kind, msg)
}

pub(super) fn apply(ctx: Context, switch: Switch, inputs: &Inputs) -> Result<Plan> {
    let Switch {
        package,
        form,
        entries,
        added,
        mut notes,
    } = switch;
    let Context {
        name,
        service_label,
        lock_label,
        service,
        mut lock,
        index,
        old,
        ..
    } = ctx;
    let before = Reach::of(&lock);
    // The pyproject occurrences and the lock's project entries must describe the same requirements.
    let (count, mut changed) = rewrite_root_entries(&mut lock, &name, &entries)?;
    if count != service.occurrences.len() {
        return Err(refuse(
            Refusal::UnsupportedForm,
            format!(
                "{service_label} lists `{name}` {} time(s) but {lock_label}'s project metadata {count} time(s); the lock is out of date",
                service.occurrences.len(),
            ),
        ));
    }
    if package.version != old.version || package.source != old.source {
        // The name is unique, so the package keeps its position in uv's (name, version, source) order.
        lock.retarget_edges(&name, &package.version, &package.source);
        notes.push(format!(
            "{name}: {} {} -> {} {}",
            old.version.as_deref().unwrap_or("(dynamic)"),
            old.source.kind(),
            package.version.as_deref().unwrap_or("(dynamic)"),
            inputs.target.as_str()
        ));
    }
    changed |= lock.packages[index] != package || !added.is_empty();
    lock.packages[index] = package;
    for p in added {
        let pos = lock.packages.partition_point(|q| q.name < p.name);
        lock.packages.insert(pos, p);
    }
    let removed = lock.prune();
    if !removed.is_empty() {
        changed = true;
        notes.push(format!("removed: {}", removed.join(", ")));
    }
    before.check(&lock, &name)?;
    let lock_text = if changed {
        write(lock, &lock_label)?
    } else {
        inputs.lock.to_string()
    };
    let pyproject_text = if service.source == form {
        inputs.pyproject.to_string()
    } else {
        pyproject::set_source(&service_label, &service, &name, &form)?
    };
    Ok(Plan {
        pyproject: pyproject_text,
        lock: lock_text,
        notes,
    })
}

/// The changed lock as uv writes it after re-locking: its revision, forks in uv's order.
fn write(mut lock: Lock, lock_label: &str) -> Result<String> {
    if lock.revision < LOCK_REVISION {
        return Err(refuse(
            Refusal::LockFormat,
            format!(
                "{} has revision {}: an older uv wrote it, and uv {} rewrites more of such a lock than the switch (edge markers); run `uv lock` once",
                lock_label,
                lock.revision,
                lock::UV_VERSION
            ),
        ));
    }
    forks::sort_like_uv(&mut lock).map_err(|m| {
        refuse(
            Refusal::Marker,
            format!(
                "cannot order {}'s resolution-markers as uv does (`{m}`)",
                lock_label
            ),
        )
    })?;
    let text = lock::writer::write(&lock);
    // Self-check (debug builds, i.e. every test run): the output parses back to the same model and
    // re-serializes identically. Release builds rely on the round-trip tests; it would double the work.
    if cfg!(debug_assertions)
        && lock::parse(lock_label, &text)
            .map(|again| lock::writer::write(&again))
            .as_ref()
            != Ok(&text)
    {
        return Err(Error::input(
            InputKind::Schema,
            format!("internal error: the new {} does not round-trip", lock_label),
        ));
    }
    Ok(text)
}

/// Rewrites the roots' `requires-dist`/`requires-dev` entries on the dependency; returns how many there were
/// and whether any changed.
fn rewrite_root_entries(
    lock: &mut Lock,
    name: &str,
    rewrite: &EntryRewrite,
) -> Result<(usize, bool)> {
    let (mut count, mut changed) = (0, false);
    for r in lock.roots() {
        let Some(meta) = lock.packages[r].metadata.as_mut() else {
            continue;
        };
        let lists = std::iter::once((None, &mut meta.requires_dist)).chain(
            meta.requires_dev
                .iter_mut()
                .flat_map(|g| g.iter_mut().map(|(g, v)| (Some(g.as_str()), v))),
        );
        for (group, list) in lists {
            for entry in list.iter_mut().filter(|e| e.name == name) {
                let new = rewrite(group, entry)?;
                changed |= new != *entry;
                *entry = new;
                count += 1;
            }
        }
    }
    Ok((count, changed))
}

/// Where packages are needed before the switch. uv keeps only the wheels usable where a package is needed; if
/// the environments in which a package that is not needed everywhere is reached change, uv re-filters its
/// wheels, which this tool cannot reproduce.
struct Reach {
    unconditional: BTreeSet<String>,
    incoming: BTreeMap<String, BTreeSet<Incoming>>,
    names: BTreeSet<String>,
}

impl Reach {
    fn of(lock: &Lock) -> Reach {
        Reach {
            unconditional: lock.unconditional(),
            incoming: lock.incoming(),
            names: lock.packages.iter().map(|p| p.name.clone()).collect(),
        }
    }

    fn check(&self, new: &Lock, name: &str) -> Result<()> {
        let (u_new, i_new) = (new.unconditional(), new.incoming());
        let roots: BTreeSet<&str> = new
            .roots()
            .into_iter()
            .map(|r| new.packages[r].name.as_str())
            .collect();
        for p in &new.packages {
            // Packages copied from a reference lock (reverse) keep that lock's wheels; only surviving ones are
            // checked.
            if p.name == name || roots.contains(p.name.as_str()) || !self.names.contains(&p.name) {
                continue;
            }
            let (a, b) = (
                self.unconditional.contains(&p.name),
                u_new.contains(&p.name),
            );
            if a && b {
                continue;
            }
            if a != b || self.incoming.get(&p.name) != i_new.get(&p.name) {
                return Err(refuse(
                    Refusal::Marker,
                    format!(
                        "the environments in which `{}` is needed change (markers on {name}'s dependencies); uv would re-filter its wheels",
                        p.name
                    ),
                ));
            }
        }
        Ok(())
    }
}
