//! Switch to a local path (editable or directory): the dependency's entry is computed from its pyproject.

use super::validate::Context;
use super::{python, sdk, Inputs, Switch, Target};
use crate::error::{Error, InputKind, Refusal, Result};
use crate::lock::{Package, Requirement as Entry, RequirementSource, Source};
use crate::pep508::Requirement;
use crate::pyproject::{self, LocalPackage, SourceForm};

fn refuse(kind: Refusal, msg: impl Into<String>) -> Error {
    Error::refuse(kind, msg)
}

pub(super) fn switch(ctx: &Context, inputs: &Inputs) -> Result<Switch> {
    let editable = inputs.target == Target::Editable;
    let (label, text) = inputs.local;
    let local = pyproject::read_local_package(label, text)?;
    let name = &ctx.name;
    if &local.name != name {
        return Err(Error::input(
            InputKind::Usage,
            format!("{label} is the package `{}`, not `{name}`", local.name),
        ));
    }
    check_own_sources(&local, label)?;
    check_manifest(ctx, &local)?;
    python::check(&local, &ctx.lock, label)?;
    let range = python::lock_range(&ctx.lock);
    let dependencies = sdk::edges(
        &local.dependencies,
        false,
        &ctx.lock,
        range.as_ref(),
        &ctx.old.dependencies,
        name,
        label,
    )?;
    let optional = extra_edges(ctx, &local, range.as_ref(), label)?;
    if !ctx.lock.resolution_markers.is_empty()
        && (dependencies != ctx.old.dependencies || optional != ctx.old.optional_dependencies)
    {
        return Err(refuse(
            Refusal::ForkChange,
            format!(
                "{} is forked (resolution-markers) and {name}'s dependency set changes",
                ctx.lock_label
            ),
        ));
    }
    check_version_change(ctx, &local)?;
    let rel = inputs.rel_path.to_string();
    let source = if editable {
        Source::Editable(rel.clone())
    } else {
        Source::Directory(rel.clone())
    };
    let mut package = Package::new(name, local.version.clone(), source);
    package.dependencies = dependencies;
    package.optional_dependencies = optional;
    package.metadata = Some(sdk::metadata(&local, label)?);
    let entry_source = RequirementSource::local(&rel, editable);
    Ok(Switch {
        package,
        form: SourceForm::Path {
            path: rel,
            editable,
        },
        entries: Box::new(move |_, e: &Entry| {
            Ok(Entry {
                source: entry_source.clone(),
                ..e.clone()
            })
        }),
        added: Vec::new(),
        notes: Vec::new(),
    })
}

/// `[package.optional-dependencies]`: the edges of every extra the lock requests.
fn extra_edges(
    ctx: &Context,
    local: &LocalPackage,
    range: Option<&crate::marker::PyRange>,
    label: &str,
) -> Result<Vec<(String, Vec<crate::lock::Dep>)>> {
    let name = &ctx.name;
    let mut optional = Vec::new();
    for e in &ctx.extras {
        let Some((_, reqs)) = local.extras.iter().find(|(x, _)| x == e) else {
            return Err(refuse(
                Refusal::MissingExtra,
                format!("uv.lock requests `{name}[{e}]`, but {label} has no `{e}` extra"),
            ));
        };
        let old = ctx
            .old
            .optional_dependencies
            .iter()
            .find(|(x, _)| x == e)
            .map(|(_, d)| d.as_slice())
            .unwrap_or_default();
        let deps = sdk::edges(reqs, true, &ctx.lock, range, old, name, label)?;
        if deps.is_empty() {
            return Err(refuse(
                Refusal::MissingExtra,
                format!("`{name}[{e}]` would have no dependencies in this lock; uv's empty-extra form is not modelled"),
            ));
        }
        optional.push((e.clone(), deps));
    }
    Ok(optional)
}

/// Other locked packages depend on the dependency, and the lock does not record their constraint on it: its
/// version must stay.
fn check_version_change(ctx: &Context, local: &LocalPackage) -> Result<()> {
    if local.version == ctx.old.version {
        return Ok(());
    }
    match ctx.lock.non_root_dependents(&ctx.name).first() {
        None => Ok(()),
        Some(d) => Err(refuse(
            Refusal::TransitiveVersion,
            format!(
                "`{d}` depends on {}; local version {} differs from locked {} and uv.lock does not record {d}'s version constraint",
                ctx.name,
                local.version.as_deref().unwrap_or("(dynamic)"),
                ctx.old_version()
            ),
        )),
    }
}

/// `[manifest]` constraints, overrides or excludes on the package or its requirements would change what uv
/// resolves for them.
fn check_manifest(ctx: &Context, local: &LocalPackage) -> Result<()> {
    let constrained = ctx.lock.manifest_names();
    let required = local
        .dependencies
        .iter()
        .chain(local.extras.iter().flat_map(|(_, r)| r))
        .map(|r| &r.name);
    match std::iter::once(&local.name)
        .chain(required)
        .find(|n| constrained.contains(*n))
    {
        Some(n) => Err(refuse(
            Refusal::LockFormat,
            format!(
                "{}'s [manifest] constrains, overrides or excludes `{n}`, which {} requires",
                ctx.lock_label, local.name
            ),
        )),
        None => Ok(()),
    }
}

/// The package's own `[tool.uv.sources]` on a requirement uv resolves (dependencies, extras) would change what
/// uv locks for it; on dependency groups they are only recorded (see [`sdk::metadata`]).
fn check_own_sources(local: &LocalPackage, label: &str) -> Result<()> {
    let resolved = local
        .dependencies
        .iter()
        .chain(local.extras.iter().flat_map(|(_, r)| r));
    let own = |r: &&Requirement| local.source(&r.name).is_some();
    if let Some(r) = resolved.clone().find(own) {
        return Err(refuse(
            Refusal::NestedSource,
            format!(
                "{}'s own [tool.uv.sources] ({label}) maps `{}` to another source",
                local.name, r.name
            ),
        ));
    }
    if let Some(r) = resolved.clone().find(|r| r.name == local.name) {
        return Err(refuse(
            Refusal::UnsupportedForm,
            format!(
                "{label}: an extra of {} requires `{}` itself; uv expands such extras",
                local.name,
                sdk::requirement_text(r)
            ),
        ));
    }
    Ok(())
}
