//! The local package's lock entry as uv writes it: `[package.metadata]` (requirements lowered with the package's
//! own sources, extras in uv's order, dependency groups) and dependency edges checked against the lock.

use std::cmp::Ordering;

use crate::error::{Error, Refusal, Result};
use crate::lock::{Dep, Lock, Metadata, Requirement as Entry, RequirementSource};
use crate::marker::{self, Marker, PyRange};
use crate::pep508::{format_specifiers, parse_version, satisfies, Requirement};
use crate::pyproject::{LocalPackage, LocalSource, MetadataOrigin};

fn refuse(kind: Refusal, msg: impl Into<String>) -> Error {
    Error::refuse(kind, msg)
}

fn canon(label: &str, marker: Option<&str>) -> Result<Marker> {
    match marker {
        None => Ok(Marker::default()),
        Some(m) => {
            marker::canonicalize(m).map_err(|e| refuse(Refusal::Marker, format!("{label}: {e}")))
        }
    }
}

/// `name[extras]<specifiers>`, for messages.
pub(super) fn requirement_text(r: &Requirement) -> String {
    let mut s = r.name.clone();
    if !r.extras.is_empty() {
        s.push_str(&format!("[{}]", r.extras.join(",")));
    }
    s.push_str(&format_specifiers(&r.specifiers));
    s
}

fn registry_source(r: &Requirement) -> RequirementSource {
    RequirementSource::Registry {
        specifier: (!r.specifiers.is_empty()).then(|| format_specifiers(&r.specifiers)),
        index: None,
        conflict: None,
    }
}

/// A recorded requirement: the entry and its marker (kept for uv's ordering).
struct Recorded {
    entry: Entry,
    marker: Marker,
}

fn record(r: &Requirement, marker: Marker, source: RequirementSource) -> Recorded {
    Recorded {
        entry: Entry {
            name: r.name.clone(),
            extras: r.extras.clone(),
            groups: Vec::new(),
            marker: marker.print(),
            source,
        },
        marker,
    }
}

/// Sorts and deduplicates like uv's `BTreeSet<Requirement>`: name, extras, then the marker in uv's structural
/// order. Entries equal up to their source would be ordered by it, which this tool does not model.
fn sorted(mut items: Vec<Recorded>, label: &str) -> Result<Vec<Entry>> {
    items.sort_by(|a, b| {
        (&a.entry.name, &a.entry.extras)
            .cmp(&(&b.entry.name, &b.entry.extras))
            .then_with(|| a.marker.cmp_uv(&b.marker))
    });
    items.dedup_by(|a, b| a.entry == b.entry);
    for w in items.windows(2) {
        let same = (&w[0].entry.name, &w[0].entry.extras) == (&w[1].entry.name, &w[1].entry.extras)
            && w[0].marker.cmp_uv(&w[1].marker) == Ordering::Equal;
        if same {
            return Err(refuse(
                Refusal::Marker,
                format!(
                    "{label}: `{}` is required more than once with the same marker and different specifiers",
                    w[0].entry.name
                ),
            ));
        }
    }
    Ok(items.into_iter().map(|r| r.entry).collect())
}

fn reject_direct(r: &Requirement, label: &str, what: &str) -> Result<()> {
    match &r.url {
        Some(url) => Err(refuse(
            Refusal::UnsupportedForm,
            format!(
                "{label}: `{}` in {what} is a direct reference (`@ {url}`)",
                r.name
            ),
        )),
        None => Ok(()),
    }
}

/// The local package's `[package.metadata]`.
pub(super) fn metadata(local: &LocalPackage, label: &str) -> Result<Metadata> {
    let mut requires_dist = Vec::new();
    for r in &local.dependencies {
        reject_direct(r, label, "[project] dependencies")?;
        let m = canon(label, r.marker.as_deref())?;
        if m.extra.is_some() {
            return Err(refuse(
                Refusal::Marker,
                format!(
                    "{label}: `{}` in [project] dependencies has an extra marker",
                    r.name
                ),
            ));
        }
        requires_dist.push(record(r, m, registry_source(r)));
    }
    for (extra, reqs) in &local.extras {
        for r in reqs {
            reject_direct(r, label, &format!("extra `{extra}`"))?;
            let m = marker::with_extra(r.marker.as_deref(), extra)
                .map_err(|e| refuse(Refusal::Marker, format!("{label}: {e}")))?;
            requires_dist.push(record(r, m, registry_source(r)));
        }
    }
    let mut requires_dev = Vec::new();
    for (group, reqs) in &local.groups {
        let mut entries = Vec::new();
        for r in reqs {
            reject_direct(r, label, &format!("dependency group `{group}`"))?;
            let m = canon(label, r.marker.as_deref())?;
            let source = lowered(local, r, label)?;
            entries.push(record(r, m, source));
        }
        requires_dev.push((group.clone(), sorted(entries, label)?));
    }
    requires_dev.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Metadata {
        requires_dist: sorted(requires_dist, label)?,
        provides_extras: (!local.extras.is_empty())
            .then(|| provides_extras(local, label))
            .transpose()?,
        requires_dev: (!requires_dev.is_empty()).then_some(requires_dev),
    })
}

/// Extras as uv records them: declaration order when it reads the pyproject; the order the build backend
/// writes into METADATA when it builds (a dynamic version).
fn provides_extras(local: &LocalPackage, label: &str) -> Result<Vec<String>> {
    let mut extras: Vec<String> = local.extras.iter().map(|(e, _)| e.clone()).collect();
    if let MetadataOrigin::Built(backend) = &local.origin {
        let sorted = match backend.as_str() {
            "hatchling.build" | "flit_core.buildapi" | "poetry.core.masonry.api" | "uv_build" => true,
            "pdm.backend" | "setuptools.build_meta" | "setuptools.build_meta:__legacy__" => false,
            other => {
                return Err(refuse(
                    Refusal::DynamicMetadata,
                    format!("{label}: uv builds it (dynamic version) with `{other}`, whose order of extras in METADATA this tool does not know"),
                ))
            }
        };
        if sorted {
            extras.sort();
        }
    }
    Ok(extras)
}

/// A dependency-group requirement with the package's own `[tool.uv.sources]` applied, as uv records it.
fn lowered(local: &LocalPackage, r: &Requirement, label: &str) -> Result<RequirementSource> {
    let Some(source) = local.source(&r.name) else {
        return Ok(registry_source(r));
    };
    let unsupported = |why: &str| {
        refuse(
            Refusal::NestedSource,
            format!(
                "{label}: its own [tool.uv.sources] maps `{}` to {why}",
                r.name
            ),
        )
    };
    match source {
        LocalSource::Git {
            url,
            reference,
            subdirectory,
        } => git_url(url, reference.as_ref(), subdirectory.as_deref())
            .map(RequirementSource::Git)
            .ok_or_else(|| {
                unsupported(&format!(
                    "the git URL `{url}`, which this tool does not normalize"
                ))
            }),
        LocalSource::Url { url, subdirectory } => Ok(RequirementSource::Direct {
            url: url.clone(),
            subdirectory: subdirectory.clone(),
        }),
        LocalSource::Index { url: Some(url), .. } => Ok(RequirementSource::Registry {
            specifier: (!r.specifiers.is_empty()).then(|| format_specifiers(&r.specifiers)),
            index: Some(url.clone()),
            conflict: None,
        }),
        LocalSource::Index { name, url: None } => Err(unsupported(&format!(
            "the index `{name}`, which its [[tool.uv.index]] does not define"
        ))),
        LocalSource::Other(what) => Err(unsupported(what)),
    }
}

/// uv's recorded form of a git source: the URL without query and fragment, then `?subdirectory=...` and the
/// reference (`rev`, `tag` or `branch`), form-encoded. `None` for URLs whose normalization is not plain.
fn git_url(
    url: &str,
    reference: Option<&(String, String)>,
    subdirectory: Option<&str>,
) -> Option<String> {
    let base = url.split(['#', '?']).next()?;
    let (scheme, rest) = base.split_once("://")?;
    let host = rest.split('/').next()?;
    let plain = matches!(scheme, "https" | "http" | "ssh" | "git+ssh")
        && host
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-:@".contains(c))
        && rest.len() > host.len()
        && rest.chars().all(|c| c.is_ascii_graphic() && c != '%');
    if !plain {
        return None;
    }
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(s) = subdirectory {
        pairs.push(("subdirectory", s));
    }
    if let Some((k, v)) = reference {
        pairs.push((k, v));
    }
    if pairs.is_empty() {
        return Some(base.to_string());
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect();
    Some(format!("{base}?{}", query.join("&")))
}

/// `application/x-www-form-urlencoded` (what `url`'s `query_pairs_mut` writes).
fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Edges for a list of the local package's requirements, validated against the lock. In a forked lock, a
/// requirement on a package locked per fork keeps the edges the registry entry had (`old`), when they are
/// provably the same requirement.
pub(super) fn edges(
    reqs: &[Requirement],
    in_extra: bool,
    lock: &Lock,
    range: Option<&PyRange>,
    old: &[Dep],
    owner: &str,
    label: &str,
) -> Result<Vec<Dep>> {
    let mut out: Vec<Dep> = Vec::new();
    for r in reqs {
        let m = canon(label, r.marker.as_deref())?;
        let m = if in_extra { m.without_extra() } else { m };
        let text = r.marker.as_deref().unwrap_or_default();
        let Some(m) = m
            .restrict_to(range, text)
            .map_err(|e| refuse(Refusal::Marker, format!("{label}: {e}")))?
        else {
            continue;
        };
        let found: Vec<&crate::lock::Package> =
            lock.packages_named(&r.name).map(|(_, p)| p).collect();
        let deps = match found.as_slice() {
            [] => {
                return Err(refuse(
                    Refusal::NewPackage,
                    format!(
                        "{owner} ({label}) requires `{}`, which is not in uv.lock",
                        requirement_text(r)
                    ),
                ))
            }
            [target] if target.resolution_markers.is_empty() => {
                vec![edge(r, &m, target, owner)?]
            }
            _ => forked_edges(r, &m, old, owner)?,
        };
        if let Some(existing) = out.iter().find(|d| d.name == r.name) {
            if deps.first() != Some(existing) || deps.len() != 1 {
                return Err(refuse(
                    Refusal::Marker,
                    format!("{label}: `{}` is required more than once with different markers or extras; merging them needs uv's marker algebra", r.name),
                ));
            }
            continue;
        }
        out.extend(deps);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The edge to a package locked once.
fn edge(r: &Requirement, m: &Marker, target: &crate::lock::Package, owner: &str) -> Result<Dep> {
    check_version(r, target.version.as_deref(), owner)?;
    for e in &r.extras {
        if !target.optional_dependencies.iter().any(|(x, _)| x == e) {
            return Err(refuse(
                Refusal::MissingExtra,
                format!(
                    "{owner} requires `{}`, but uv.lock has no `{e}` extra for {}",
                    requirement_text(r),
                    r.name
                ),
            ));
        }
    }
    let mut extra = r.extras.clone();
    extra.sort();
    extra.dedup();
    Ok(Dep {
        name: r.name.clone(),
        version: target.version.clone(),
        source: Some(target.source.clone()),
        extra,
        marker: m.print(),
    })
}

fn check_version(r: &Requirement, version: Option<&str>, owner: &str) -> Result<()> {
    if r.specifiers.is_empty() {
        return Ok(());
    }
    let ok = version
        .and_then(parse_version)
        .is_some_and(|v| satisfies(&v, &r.specifiers));
    if ok {
        return Ok(());
    }
    Err(refuse(
        Refusal::VersionConflict,
        format!(
            "{owner} requires `{}`, but uv.lock pins {} {}",
            requirement_text(r),
            r.name,
            version.unwrap_or("(dynamic)")
        ),
    ))
}

/// The registry entry's edges to a package locked per fork, kept when the requirement has no marker, names the
/// same extras and every locked version satisfies it (a pure source swap).
fn forked_edges(r: &Requirement, m: &Marker, old: &[Dep], owner: &str) -> Result<Vec<Dep>> {
    let kept: Vec<Dep> = old.iter().filter(|d| d.name == r.name).cloned().collect();
    let mut extras = r.extras.clone();
    extras.sort();
    extras.dedup();
    if kept.is_empty() || m.print().is_some() || kept.iter().any(|d| d.extra != extras) {
        return Err(refuse(
            Refusal::MultiVersion,
            format!("`{}` is locked per fork (resolution-markers); {owner}'s edge to it needs uv's resolver unless the registry entry had the same one", r.name),
        ));
    }
    for d in &kept {
        check_version(r, d.version.as_deref(), owner)?;
    }
    Ok(kept)
}
