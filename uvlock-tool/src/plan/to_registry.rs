//! Switch back to the registry: the dependency's entry (and any package it needs that the lock lacks) comes
//! from a reference lock (`--from`), which records what the registry gave.

use std::collections::{BTreeSet, VecDeque};

use super::validate::Context;
use super::{sdk, Inputs, Switch};
use crate::error::{Error, Refusal, Result};
use crate::lock::{
    self, Dep, Lock, Package, Requirement as Entry, RequirementSource, Source, LOCK_REVISION,
};
use crate::pep508::{parse_version, satisfies};
use crate::pyproject::{self, Location, Occurrence, SourceForm};

fn refuse(kind: Refusal, msg: impl Into<String>) -> Error {
    Error::refuse(kind, msg)
}

/// `None` when the service already is in registry form and no reference lock is given (nothing to do).
pub(super) fn switch(ctx: &Context, inputs: &Inputs) -> Result<Option<Switch>> {
    let name = &ctx.name;
    let Some((ref_label, ref_text)) = inputs.reference else {
        if matches!(ctx.old.source, Source::Registry(_)) && ctx.service.source == SourceForm::None {
            return Ok(None);
        }
        return Err(refuse(
            Refusal::NoReference,
            format!(
                "reverting to the registry needs the registry entry for {name}{}; pass --from <lock> (e.g. `git show main:{} > ref.lock`)",
                ctx.old.version.as_deref().map(|v| format!("=={v}")).unwrap_or_default(),
                ctx.lock_label
            ),
        ));
    };
    let reference = lock::parse(ref_label, ref_text)?;
    if reference.revision < LOCK_REVISION {
        return Err(refuse(
            Refusal::LockFormat,
            format!("{ref_label} has revision {}; its entries were written by an older uv, which records edge markers differently from uv {}", reference.revision, lock::UV_VERSION),
        ));
    }
    let package = reference_entry(ctx, &reference, ref_label)?;
    for o in &ctx.service.occurrences {
        check_admits(o, &package, ctx, ref_label)?;
    }
    if package.version != ctx.old.version {
        check_dependents(ctx, &reference, ref_label)?;
    }
    let added = missing_packages(ctx, &reference, &package, ref_label)?;
    let mut notes = Vec::new();
    if !added.is_empty() {
        let names: Vec<&str> = added.iter().map(|p| p.name.as_str()).collect();
        notes.push(format!("re-added from {ref_label}: {}", names.join(", ")));
    }
    let ref_entries = reference_root_entries(&reference, name);
    let form = pyproject_form(ctx, &ref_entries, ref_label)?;
    let ref_label = ref_label.to_string();
    let name = name.clone();
    Ok(Some(Switch {
        package,
        form,
        entries: Box::new(move |group: Option<&str>, e: &Entry| {
            let same =
                |r: &Entry| r.extras == e.extras && r.groups == e.groups && r.marker == e.marker;
            let found = ref_entries
                .iter()
                .find(|(g, r)| g.as_deref() == group && same(r));
            found.map(|(_, r)| r.clone()).ok_or_else(|| {
                refuse(
                    Refusal::NoReference,
                    format!("{ref_label} has no project requirement on {name} with the same extras and marker as uv.lock"),
                )
            })
        }),
        added,
        notes,
    }))
}

/// Other locked packages depend on the dependency and the lock does not record their constraint on it. The
/// reference lock proves the registry version satisfies them when each is locked there identically (same
/// version and source, hence the same requirements).
fn check_dependents(ctx: &Context, reference: &Lock, ref_label: &str) -> Result<()> {
    for d in ctx.lock.non_root_dependents(&ctx.name) {
        let (_, here) = ctx.lock.packages_named(&d).next().ok_or_else(|| {
            refuse(
                Refusal::TransitiveVersion,
                format!("`{d}` is not in uv.lock"),
            )
        })?;
        let same = reference
            .packages_named(&d)
            .any(|(_, p)| p.version == here.version && p.source == here.source);
        if !same {
            return Err(refuse(
                Refusal::TransitiveVersion,
                format!(
                    "`{d}` depends on {}; the registry version differs from the locked one, uv.lock does not record {d}'s constraint, and {ref_label} does not lock {d} {} to show it holds",
                    ctx.name,
                    here.version.as_deref().unwrap_or("(dynamic)")
                ),
            ));
        }
    }
    Ok(())
}

/// The dependency's registry entry in the reference lock, with the extras the lock requests.
fn reference_entry(ctx: &Context, reference: &Lock, ref_label: &str) -> Result<Package> {
    let name = &ctx.name;
    let found: Vec<&Package> = reference.packages_named(name).map(|(_, p)| p).collect();
    let pkg = match found.as_slice() {
        [] => {
            return Err(refuse(
                Refusal::NoReference,
                format!("{ref_label} has no `{name}` package"),
            ))
        }
        [p] if p.resolution_markers.is_empty() => (*p).clone(),
        _ => {
            return Err(refuse(
                Refusal::MultiVersion,
                format!("`{name}` is locked at several versions in {ref_label}"),
            ))
        }
    };
    if !matches!(pkg.source, Source::Registry(_)) {
        return Err(refuse(
            Refusal::NoReference,
            format!("`{name}` in {ref_label} is not a registry package"),
        ));
    }
    let mut pkg = pkg;
    for e in &ctx.extras {
        if !pkg.optional_dependencies.iter().any(|(x, _)| x == e) {
            return Err(refuse(
                Refusal::NoReference,
                format!("{ref_label} has no locked `{e}` extra for {name}"),
            ));
        }
    }
    pkg.optional_dependencies
        .retain(|(e, _)| ctx.extras.contains(e));
    Ok(pkg)
}

fn occurrence_where(o: &Occurrence) -> String {
    match &o.location {
        Location::Dependencies => "[project] dependencies".into(),
        Location::Extra(e) => format!("[project.optional-dependencies] {e}"),
        Location::Group(g) => format!("[dependency-groups] {g}"),
    }
}

/// The service's requirement must admit the reference version.
fn check_admits(o: &Occurrence, pkg: &Package, ctx: &Context, ref_label: &str) -> Result<()> {
    let version = pkg.version.as_deref().and_then(parse_version);
    if version
        .as_ref()
        .is_some_and(|v| satisfies(v, &o.requirement.specifiers))
    {
        return Ok(());
    }
    Err(refuse(
        Refusal::VersionConflict,
        format!(
            "{} requires `{}` ({}), but {ref_label} locks {} {}",
            ctx.service_label,
            sdk::requirement_text(&o.requirement),
            occurrence_where(o),
            ctx.name,
            pkg.version.as_deref().unwrap_or("(dynamic)")
        ),
    ))
}

/// Packages the registry entry's edges need that the lock lacks, copied from the reference lock (with the
/// extras requested on those edges).
fn missing_packages(
    ctx: &Context,
    reference: &Lock,
    pkg: &Package,
    ref_label: &str,
) -> Result<Vec<Package>> {
    let name = &ctx.name;
    let mut queue: VecDeque<Dep> = pkg
        .dependencies
        .iter()
        .chain(pkg.optional_dependencies.iter().flat_map(|(_, d)| d))
        .cloned()
        .collect();
    let mut added: Vec<Package> = Vec::new();
    while let Some(d) = queue.pop_front() {
        if &d.name == name || added.iter().any(|p| p.name == d.name) {
            continue;
        }
        if let Some(i) = ctx.lock.resolve(&d) {
            let l = &ctx.lock.packages[i];
            if let Some(e) = d
                .extra
                .iter()
                .find(|e| !l.optional_dependencies.iter().any(|(x, _)| x == *e))
            {
                return Err(refuse(
                    Refusal::MissingExtra,
                    format!(
                        "{name} needs `{}[{e}]`, which uv.lock does not lock",
                        d.name
                    ),
                ));
            }
            continue;
        }
        if let Some((_, l)) = ctx.lock.packages_named(&d.name).next() {
            return Err(refuse(
                Refusal::VersionConflict,
                format!(
                    "{ref_label}'s {name} depends on {} {}, but uv.lock pins {} {}",
                    d.name,
                    d.version.as_deref().unwrap_or("(dynamic)"),
                    d.name,
                    l.version.as_deref().unwrap_or("(dynamic)")
                ),
            ));
        }
        let Some(r) = reference.resolve(&d).map(|i| &reference.packages[i]) else {
            return Err(refuse(
                Refusal::NoReference,
                format!(
                    "{ref_label} has no package for {name}'s dependency `{}`",
                    d.name
                ),
            ));
        };
        if reference.packages_named(&d.name).count() > 1 {
            return Err(refuse(
                Refusal::MultiVersion,
                format!(
                    "`{}` is locked at several versions in {ref_label} and not in uv.lock",
                    d.name
                ),
            ));
        }
        let mut copy = r.clone();
        let wanted: BTreeSet<&String> = d.extra.iter().collect();
        copy.optional_dependencies
            .retain(|(e, _)| wanted.contains(e));
        queue.extend(
            copy.dependencies
                .iter()
                .chain(copy.optional_dependencies.iter().flat_map(|(_, d)| d))
                .cloned(),
        );
        added.push(copy);
    }
    Ok(added)
}

/// The reference lock's project entries on the dependency, each with its group (`None`: `requires-dist`);
/// they give the registry form back.
fn reference_root_entries(reference: &Lock, name: &str) -> Vec<(Option<String>, Entry)> {
    let mut out = Vec::new();
    for m in reference
        .roots()
        .into_iter()
        .filter_map(|r| reference.packages[r].metadata.as_ref())
    {
        let groups = m.requires_dev.iter().flatten();
        let lists = std::iter::once((None, &m.requires_dist))
            .chain(groups.map(|(g, e)| (Some(g.clone()), e)));
        for (group, list) in lists {
            out.extend(
                list.iter()
                    .filter(|e| e.name == name)
                    .map(|e| (group.clone(), e.clone())),
            );
        }
    }
    out
}

/// `[tool.uv.sources]` form: none, or `{ index = "<name>" }` when the reference took it from a named index.
fn pyproject_form(
    ctx: &Context,
    entries: &[(Option<String>, Entry)],
    ref_label: &str,
) -> Result<SourceForm> {
    let index = entries.iter().find_map(|(_, e)| match &e.source {
        RequirementSource::Registry {
            index: Some(url), ..
        } => Some(url.clone()),
        _ => None,
    });
    let Some(url) = index else {
        return Ok(SourceForm::None);
    };
    pyproject::index_name_for_url(&ctx.service.doc, &url)
        .map(SourceForm::Index)
        .ok_or_else(|| {
            refuse(
                Refusal::UnsupportedForm,
                format!(
                    "{ref_label} takes {} from the index `{url}`, which {} does not declare in [[tool.uv.index]]",
                    ctx.name, ctx.service_label
                ),
            )
        })
}
