//! Applying a switch: the project's requirement entries, the dependency's entry and the edges to it, pruning,
//! the reachability check, then the lock and pyproject texts.

use std::collections::BTreeSet;

use super::validate::Context;
use super::{EntryRewrite, Inputs, Plan, Switch};
use crate::error::{Error, InputKind, Refusal, Result};
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
    let mut lock = ctx.lock.clone();
    // The pyproject occurrences and the lock's project entries must describe the same requirements.
    let count = rewrite_root_entries(&mut lock, &ctx.name, &entries)?;
    if count != ctx.service.occurrences.len() {
        return Err(refuse(
            Refusal::UnsupportedForm,
            format!(
                "{} lists `{}` {} time(s) but {}'s project metadata {count} time(s); the lock is out of date",
                ctx.service_label,
                ctx.name,
                ctx.service.occurrences.len(),
                ctx.lock_label,
            ),
        ));
    }
    if package.version != ctx.old.version || package.source != ctx.old.source {
        // The name is unique, so the package keeps its position in uv's (name, version, source) order.
        lock.retarget_edges(&ctx.name, &package.version, &package.source);
        notes.push(format!(
            "{}: {} {} -> {} {}",
            ctx.name,
            ctx.old_version(),
            ctx.old.source.kind(),
            package.version.as_deref().unwrap_or("(dynamic)"),
            inputs.target.as_str()
        ));
    }
    lock.packages[ctx.index] = package;
    for p in added {
        let pos = lock.packages.partition_point(|q| q.name < p.name);
        lock.packages.insert(pos, p);
    }
    let removed = lock.prune();
    if !removed.is_empty() {
        notes.push(format!("removed: {}", removed.join(", ")));
    }
    check_reachability_markers(&ctx.lock, &lock, &ctx.name)?;
    let lock_text = if lock == ctx.lock {
        inputs.lock.to_string()
    } else {
        write(lock, &ctx)?
    };
    let pyproject_text = if ctx.service.source == form {
        inputs.pyproject.to_string()
    } else {
        pyproject::set_source(&ctx.service_label, &ctx.service, &ctx.name, &form)?
    };
    Ok(Plan {
        pyproject: pyproject_text,
        lock: lock_text,
        notes,
    })
}

/// The changed lock as uv writes it after re-locking: its revision, forks in uv's order.
fn write(mut lock: Lock, ctx: &Context) -> Result<String> {
    if lock.revision < LOCK_REVISION {
        return Err(refuse(
            Refusal::LockFormat,
            format!(
                "{} has revision {}: an older uv wrote it, and uv {} rewrites more of such a lock than the switch (edge markers); run `uv lock` once",
                ctx.lock_label,
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
                ctx.lock_label
            ),
        )
    })?;
    let text = lock::writer::write(&lock);
    // Self-check (debug builds, i.e. every test run): the output parses back to the same model and
    // re-serializes identically. Release builds rely on the round-trip tests; it would double the work.
    if cfg!(debug_assertions)
        && lock::parse(&ctx.lock_label, &text)
            .map(|again| lock::writer::write(&again))
            .as_ref()
            != Ok(&text)
    {
        return Err(Error::input(
            InputKind::Schema,
            format!(
                "internal error: the new {} does not round-trip",
                ctx.lock_label
            ),
        ));
    }
    Ok(text)
}

/// Rewrites the roots' `requires-dist`/`requires-dev` entries on the dependency; returns how many there were.
fn rewrite_root_entries(lock: &mut Lock, name: &str, rewrite: &EntryRewrite) -> Result<usize> {
    let mut count = 0;
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
                *entry = rewrite(group, entry)?;
                count += 1;
            }
        }
    }
    Ok(count)
}

/// uv keeps only the wheels usable where a package is needed. If the environments in which a package that is
/// not needed everywhere is reached change, uv re-filters its wheels, which this tool cannot reproduce.
fn check_reachability_markers(old: &Lock, new: &Lock, name: &str) -> Result<()> {
    let (u_old, u_new) = (old.unconditional(), new.unconditional());
    let (i_old, i_new) = (old.incoming(), new.incoming());
    let roots: BTreeSet<&str> = new
        .roots()
        .into_iter()
        .map(|r| new.packages[r].name.as_str())
        .collect();
    for p in &new.packages {
        // Packages copied from a reference lock (reverse) keep that lock's wheels; only surviving ones are checked.
        let existed = old.packages.iter().any(|o| o.name == p.name);
        if p.name == name || roots.contains(p.name.as_str()) || !existed {
            continue;
        }
        let (a, b) = (u_old.contains(&p.name), u_new.contains(&p.name));
        if a && b {
            continue;
        }
        if a != b || i_old.get(&p.name) != i_new.get(&p.name) {
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
