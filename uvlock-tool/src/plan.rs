//! The pure core: (service pyproject, lock, local package pyproject, target form) → new pyproject and lock
//! texts, or a refusal with an error code. No I/O here.

use std::collections::{BTreeSet, VecDeque};

use crate::error::{Error, InputKind, Refusal, Result};
use crate::lock::{self, get, get_str, Dep, Inline, Lock, Metadata, Package, Val, LOCK_REVISION};
use crate::marker::{self, Marker};
use crate::pep508::{format_specifiers, parse_version, satisfies, Requirement};
use crate::pyproject::{self, LocalPackage, Location, SourceForm};

/// The form to switch to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Editable,
    Directory,
    Registry,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Editable => "editable",
            Target::Directory => "directory",
            Target::Registry => "registry",
        }
    }
}

/// Everything the plan needs, already read from disk.
pub struct Inputs<'a> {
    /// Display label of the service directory (used in messages).
    pub service: &'a str,
    pub pyproject: &'a str,
    pub lock: &'a str,
    /// The dependency name (any spelling; normalized here).
    pub name: &'a str,
    pub target: Target,
    /// Label and text of the local package's pyproject.
    pub local: (&'a str, &'a str),
    /// The local package directory relative to the service directory (normalized, `/`-separated).
    pub rel_path: &'a str,
    /// Label and text of the reference registry lock (`--from`).
    pub reference: Option<(&'a str, &'a str)>,
}

/// The outcome: the texts to write (equal to the inputs when nothing changes) and what changed.
#[derive(Debug, Clone)]
pub struct Plan {
    pub pyproject: String,
    pub lock: String,
    pub notes: Vec<String>,
}

fn refuse(kind: Refusal, msg: impl Into<String>) -> Error {
    Error::refuse(kind, msg)
}

/// `requires-python = ">=X.Y[.Z]"` → its lower bound; anything else → `None`.
fn simple_lower_bound(requires_python: &str) -> Option<Vec<u64>> {
    let v = requires_python.trim().strip_prefix(">=")?.trim();
    v.split('.').map(|p| p.parse::<u64>().ok()).collect()
}

fn check_requires_python(local: &LocalPackage, lock: &Lock, label: &str) -> Result<()> {
    let Some(rp) = &local.requires_python else {
        return Ok(());
    };
    let req = crate::pep508::parse_requirement(&format!("python{rp}")).map_err(|e| {
        Error::input(
            InputKind::Schema,
            format!("{label}: invalid requires-python: {e}"),
        )
    })?;
    let lower = simple_lower_bound(&lock.requires_python).ok_or_else(|| {
        refuse(
            Refusal::RequiresPython,
            format!(
                "{} requires Python `{rp}`, and the lock's requires-python `{}` is not a simple lower bound this tool can compare",
                local.name, lock.requires_python
            ),
        )
    })?;
    let lower_text = lower
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".");
    let lower_version = parse_version(&lower_text).ok_or_else(|| {
        Error::input(
            InputKind::Schema,
            "invalid lock requires-python".to_string(),
        )
    })?;
    // uv compares the lower bound of the lock's range with the package's specifiers (upper bounds are ignored).
    for spec in &req.specifiers {
        use pep440_rs::Operator::*;
        let ok = match spec.operator() {
            GreaterThanEqual | GreaterThan | TildeEqual | NotEqual | NotEqualStar => {
                spec.contains(&lower_version)
            }
            LessThan | LessThanEqual => true,
            _ => false,
        };
        if !ok {
            return Err(refuse(
                Refusal::RequiresPython,
                format!(
                    "{} requires Python `{rp}`, but the lock targets `{}`",
                    local.name, lock.requires_python
                ),
            ));
        }
    }
    Ok(())
}

/// A `requires-dist` entry for a requirement of the local package.
fn requirement_entry(r: &Requirement, marker: Option<&Marker>) -> Inline {
    let mut t: Inline = vec![("name".into(), Val::Str(r.name.clone()))];
    if !r.extras.is_empty() {
        t.push((
            "extras".into(),
            Val::Array(r.extras.iter().map(|e| Val::Str(e.clone())).collect()),
        ));
    }
    if let Some(m) = marker.and_then(Marker::print) {
        t.push(("marker".into(), Val::Str(m)));
    }
    if !r.specifiers.is_empty() {
        t.push((
            "specifier".into(),
            Val::Str(format_specifiers(&r.specifiers)),
        ));
    }
    t
}

/// Sorts and deduplicates requirement entries as uv's `BTreeSet<Requirement>` does, refusing where the
/// order would depend on uv's structural marker order.
fn sort_entries(entries: &mut Vec<Inline>, label: &str) -> Result<()> {
    let key = |t: &Inline| -> (String, Vec<String>) {
        let name = get_str(t, "name").unwrap_or_default().to_string();
        let extras = match get(t, "extras") {
            Some(Val::Array(a)) => a
                .iter()
                .filter_map(|v| {
                    if let Val::Str(s) = v {
                        Some(s.clone())
                    } else {
                        None
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        (name, extras)
    };
    entries.sort_by_key(|a| key(a));
    entries.dedup();
    for w in entries.windows(2) {
        if key(&w[0]) == key(&w[1]) {
            if get(&w[0], "marker") != get(&w[1], "marker") {
                return Err(refuse(
                    Refusal::Marker,
                    format!(
                        "{label}: `{}` is required more than once with different markers; their order in uv.lock follows uv's marker decision diagram",
                        key(&w[0]).0
                    ),
                ));
            }
            return Err(refuse(
                Refusal::Marker,
                format!(
                    "{label}: `{}` is required more than once with different specifiers",
                    key(&w[0]).0
                ),
            ));
        }
    }
    Ok(())
}

fn canon(label: &str, marker: Option<&str>) -> Result<Marker> {
    match marker {
        None => Ok(Marker::default()),
        Some(m) => {
            marker::canonicalize(m).map_err(|e| refuse(Refusal::Marker, format!("{label}: {e}")))
        }
    }
}

/// The local package's `[package.metadata]`.
fn local_metadata(local: &LocalPackage, label: &str) -> Result<Metadata> {
    let mut requires_dist = Vec::new();
    for r in &local.dependencies {
        if let Some(url) = &r.url {
            return Err(refuse(
                Refusal::UnsupportedForm,
                format!("{label}: `{}` is a direct reference (`@ {url}`)", r.name),
            ));
        }
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
        requires_dist.push(requirement_entry(r, Some(&m)));
    }
    for (extra, reqs) in &local.extras {
        for r in reqs {
            if let Some(url) = &r.url {
                return Err(refuse(
                    Refusal::UnsupportedForm,
                    format!("{label}: `{}` is a direct reference (`@ {url}`)", r.name),
                ));
            }
            let m = marker::with_extra(r.marker.as_deref(), extra)
                .map_err(|e| refuse(Refusal::Marker, format!("{label}: {e}")))?;
            requires_dist.push(requirement_entry(r, Some(&m)));
        }
    }
    sort_entries(&mut requires_dist, label)?;
    let provides_extras = if local.extras.is_empty() {
        None
    } else {
        Some(local.extras.iter().map(|(e, _)| e.clone()).collect())
    };
    let requires_dev = if local.groups.is_empty() {
        None
    } else {
        let mut groups = Vec::new();
        for (g, reqs) in &local.groups {
            let mut entries = Vec::new();
            for r in reqs {
                if r.url.is_some() {
                    return Err(refuse(
                        Refusal::UnsupportedForm,
                        format!("{label}: `{}` in group `{g}` is a direct reference", r.name),
                    ));
                }
                let m = canon(label, r.marker.as_deref())?;
                entries.push(requirement_entry(r, Some(&m)));
            }
            sort_entries(&mut entries, label)?;
            groups.push((g.clone(), entries));
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        Some(groups)
    };
    Ok(Metadata {
        requires_dist,
        provides_extras,
        requires_dev,
    })
}

/// Edges for a list of requirements, validated against the lock.
fn edges(
    reqs: &[&Requirement],
    extra_of: Option<&str>,
    lock: &Lock,
    lower: Option<&[u64]>,
    owner: &str,
    label: &str,
) -> Result<Vec<Dep>> {
    let mut out: Vec<Dep> = Vec::new();
    for r in reqs {
        let m = canon(label, r.marker.as_deref())?;
        let m = if extra_of.is_some() {
            m.without_extra()
        } else {
            m
        };
        let text = r.marker.as_deref().unwrap_or_default();
        let Some(m) = m
            .restrict_to(lower, text)
            .map_err(|e| refuse(Refusal::Marker, format!("{label}: {e}")))?
        else {
            continue;
        };
        let mut found = lock.packages_named(&r.name);
        let Some((_, target)) = found.next() else {
            return Err(refuse(
                Refusal::NewPackage,
                format!(
                    "{owner} ({label}) requires `{}`, which is not in uv.lock",
                    r.requirement_text()
                ),
            ));
        };
        if found.next().is_some() {
            return Err(refuse(
                Refusal::MultiVersion,
                format!("`{}` is locked at several versions (forked resolution); cannot attach a new dependency edge without resolving", r.name),
            ));
        }
        if !target.resolution_markers.is_empty() {
            return Err(refuse(
                Refusal::MultiVersion,
                format!("`{}` is locked for a subset of environments (resolution-markers); cannot attach a new dependency edge without resolving", r.name),
            ));
        }
        if !r.specifiers.is_empty() {
            let ok = target
                .version
                .as_deref()
                .and_then(parse_version)
                .is_some_and(|v| satisfies(&v, &r.specifiers));
            if !ok {
                return Err(refuse(
                    Refusal::VersionConflict,
                    format!(
                        "{owner} requires `{}`, but uv.lock pins {} {}",
                        r.requirement_text(),
                        r.name,
                        target.version.as_deref().unwrap_or("(dynamic)")
                    ),
                ));
            }
        }
        for e in &r.extras {
            if !target.optional_dependencies.iter().any(|(x, _)| x == e) {
                return Err(refuse(
                    Refusal::MissingExtra,
                    format!(
                        "{owner} requires `{}`, but uv.lock has no `{e}` extra for {}",
                        r.requirement_text(),
                        r.name
                    ),
                ));
            }
        }
        let mut extra: Vec<String> = r.extras.clone();
        extra.sort();
        extra.dedup();
        let dep = Dep {
            name: r.name.clone(),
            version: target.version.clone(),
            source: Some(target.source.clone()),
            extra,
            marker: m.print(),
        };
        if let Some(existing) = out.iter().find(|d| d.name == dep.name) {
            if *existing != dep {
                return Err(refuse(
                    Refusal::Marker,
                    format!("{label}: `{}` is required more than once with different markers or extras; merging them needs uv's marker algebra", r.name),
                ));
            }
            continue;
        }
        out.push(dep);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

trait RequirementText {
    fn requirement_text(&self) -> String;
}

impl RequirementText for Requirement {
    fn requirement_text(&self) -> String {
        let mut s = self.name.clone();
        if !self.extras.is_empty() {
            s.push_str(&format!("[{}]", self.extras.join(",")));
        }
        s.push_str(&format_specifiers(&self.specifiers));
        s
    }
}

/// Every extra requested on an edge to `name`.
fn requested_extras(lock: &Lock, name: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in &lock.packages {
        let all = p
            .dependencies
            .iter()
            .chain(p.optional_dependencies.iter().flat_map(|(_, d)| d))
            .chain(p.dev_dependencies.iter().flat_map(|(_, d)| d));
        for d in all {
            if d.name == name {
                out.extend(d.extra.iter().cloned());
            }
        }
    }
    out
}

/// Edges to `name` from packages other than the roots.
fn transitive_dependents(lock: &Lock, name: &str) -> Vec<String> {
    let roots = lock.roots();
    lock.packages
        .iter()
        .enumerate()
        .filter(|(i, _)| !roots.contains(i))
        .filter(|(_, p)| {
            p.dependencies
                .iter()
                .chain(p.optional_dependencies.iter().flat_map(|(_, d)| d))
                .any(|d| d.name == name)
        })
        .map(|(_, p)| p.name.clone())
        .collect()
}

/// Points every edge to `name` at the new identity.
fn retarget_edges(lock: &mut Lock, name: &str, version: &Option<String>, source: &Inline) {
    for p in &mut lock.packages {
        let all = p
            .dependencies
            .iter_mut()
            .chain(
                p.optional_dependencies
                    .iter_mut()
                    .flat_map(|(_, d)| d.iter_mut()),
            )
            .chain(
                p.dev_dependencies
                    .iter_mut()
                    .flat_map(|(_, d)| d.iter_mut()),
            );
        for d in all {
            if d.name == name {
                d.version = version.clone();
                d.source = Some(source.clone());
            }
        }
    }
}

/// Drops packages no root reaches and extra tables nobody requests, as uv does. Reachability ignores markers.
pub fn prune(lock: &mut Lock) {
    let roots = lock.roots();
    let n = lock.packages.len();
    let mut reached = vec![false; n];
    let mut extras: Vec<BTreeSet<String>> = vec![BTreeSet::new(); n];
    let mut queue: VecDeque<usize> = VecDeque::new();
    let visit = |lock: &Lock,
                 d: &Dep,
                 reached: &mut Vec<bool>,
                 extras: &mut Vec<BTreeSet<String>>,
                 q: &mut VecDeque<usize>| {
        if let Some(i) = lock.resolve(d) {
            let mut changed = !reached[i];
            reached[i] = true;
            for e in &d.extra {
                changed |= extras[i].insert(e.clone());
            }
            if changed {
                q.push_back(i);
            }
        }
    };
    for &r in &roots {
        reached[r] = true;
        queue.push_back(r);
    }
    while let Some(i) = queue.pop_front() {
        let p = &lock.packages[i];
        let is_root = roots.contains(&i);
        let mut out: Vec<&Dep> = p.dependencies.iter().collect();
        for (e, deps) in &p.optional_dependencies {
            if is_root || extras[i].contains(e) {
                out.extend(deps.iter());
            }
        }
        if is_root {
            out.extend(p.dev_dependencies.iter().flat_map(|(_, d)| d));
        }
        let out: Vec<Dep> = out.into_iter().cloned().collect();
        for d in &out {
            visit(lock, d, &mut reached, &mut extras, &mut queue);
        }
    }
    let mut keep = reached.into_iter();
    let mut idx = 0usize;
    let mut kept_extras = Vec::new();
    lock.packages.retain(|_| {
        let k = keep.next().unwrap_or(true);
        if k {
            kept_extras.push((idx, extras[idx].clone()));
        }
        idx += 1;
        k
    });
    for (p, (orig, ex)) in lock.packages.iter_mut().zip(kept_extras) {
        if roots.contains(&orig) {
            continue;
        }
        p.optional_dependencies.retain(|(e, _)| ex.contains(e));
    }
}

/// The service's own `requires-dist`/`requires-dev` entries for the dependency, with a new source part.
fn rewrite_root_entries(
    lock: &mut Lock,
    name: &str,
    new_source: &dyn Fn(&Inline) -> Result<Inline>,
) -> Result<usize> {
    let roots = lock.roots();
    let mut count = 0;
    for r in roots {
        let Some(meta) = lock.packages[r].metadata.as_mut() else {
            continue;
        };
        let lists = std::iter::once(&mut meta.requires_dist).chain(
            meta.requires_dev
                .iter_mut()
                .flat_map(|g| g.iter_mut().map(|(_, v)| v)),
        );
        for list in lists {
            for entry in list.iter_mut() {
                if get_str(entry, "name") == Some(name) {
                    *entry = new_source(entry)?;
                    count += 1;
                }
            }
        }
    }
    Ok(count)
}

/// Keeps `name`, `extras`, `groups`, `marker` of a requirement entry and appends a new source part.
fn with_source_part(entry: &Inline, part: Inline) -> Inline {
    let mut t: Inline = entry
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "name" | "extras" | "groups" | "marker"))
        .cloned()
        .collect();
    t.extend(part);
    t
}

fn occurrence_where(o: &pyproject::Occurrence) -> String {
    match &o.location {
        Location::Dependencies => "[project] dependencies".into(),
        Location::Extra(e) => format!("[project.optional-dependencies] {e}"),
        Location::Group(g) => format!("[dependency-groups] {g}"),
    }
}

/// Packages reachable from the roots through marker-free edges only ("needed everywhere").
fn unconditional(lock: &Lock) -> BTreeSet<String> {
    let roots = lock.roots();
    let mut seen: BTreeSet<usize> = roots.iter().copied().collect();
    let mut extras: Vec<BTreeSet<String>> = vec![BTreeSet::new(); lock.packages.len()];
    let mut queue: VecDeque<usize> = roots.iter().copied().collect();
    while let Some(i) = queue.pop_front() {
        let p = &lock.packages[i];
        let is_root = roots.contains(&i);
        let mut out: Vec<&Dep> = p.dependencies.iter().collect();
        for (e, deps) in &p.optional_dependencies {
            if is_root || extras[i].contains(e) {
                out.extend(deps.iter());
            }
        }
        if is_root {
            out.extend(p.dev_dependencies.iter().flat_map(|(_, d)| d));
        }
        let out: Vec<Dep> = out
            .into_iter()
            .filter(|d| d.marker.is_none())
            .cloned()
            .collect();
        for d in out {
            if let Some(j) = lock.resolve(&d) {
                let mut changed = seen.insert(j);
                for e in &d.extra {
                    changed |= extras[j].insert(e.clone());
                }
                if changed {
                    queue.push_back(j);
                }
            }
        }
    }
    seen.into_iter()
        .map(|i| lock.packages[i].name.clone())
        .collect()
}

/// An incoming edge: (from, extra/group table, marker, requested extras).
type Incoming = (String, String, Option<String>, Vec<String>);

/// Incoming edges per package name.
fn incoming(lock: &Lock) -> std::collections::BTreeMap<String, BTreeSet<Incoming>> {
    let mut map: std::collections::BTreeMap<String, BTreeSet<_>> = Default::default();
    for p in &lock.packages {
        let tagged = p
            .dependencies
            .iter()
            .map(|d| (String::new(), d))
            .chain(
                p.optional_dependencies
                    .iter()
                    .flat_map(|(e, ds)| ds.iter().map(move |d| (format!("extra:{e}"), d))),
            )
            .chain(
                p.dev_dependencies
                    .iter()
                    .flat_map(|(g, ds)| ds.iter().map(move |d| (format!("group:{g}"), d))),
            );
        for (table, d) in tagged {
            map.entry(d.name.clone()).or_default().insert((
                p.name.clone(),
                table,
                d.marker.clone(),
                d.extra.clone(),
            ));
        }
    }
    map
}

/// uv keeps only the wheels usable where a package is needed. If the environments in which a package that is
/// not needed everywhere is reached change, uv re-filters its wheels, which this tool cannot reproduce.
fn check_reachability_markers(old: &Lock, new: &Lock, name: &str) -> Result<()> {
    let (u_old, u_new) = (unconditional(old), unconditional(new));
    let (i_old, i_new) = (incoming(old), incoming(new));
    let root_names: BTreeSet<&str> = new
        .roots()
        .into_iter()
        .map(|r| new.packages[r].name.as_str())
        .collect();
    for p in &new.packages {
        // Packages copied from a reference lock (reverse) keep that lock's wheels; only surviving ones are checked.
        let existed = old.packages.iter().any(|o| o.name == p.name);
        if p.name == name || root_names.contains(p.name.as_str()) || !existed {
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

/// The lower python bound a fork marker implies (`None` when it cannot be read off the marker text).
fn fork_python_lower(marker: &str, default: &[u64]) -> Option<Vec<u64>> {
    if marker.contains(" or ") {
        return None;
    }
    let mut lower = default.to_vec();
    for atom in marker.split(" and ") {
        let atom = atom.trim().trim_start_matches('(').trim_end_matches(')');
        let Some(rest) = atom.strip_prefix("python_full_version ") else {
            continue;
        };
        let (op, v) = rest.split_once(' ')?;
        let v = v.trim_matches('\'');
        let bound: Option<Vec<u64>> = match op {
            ">=" | ">" => v.split('.').map(|p| p.parse().ok()).collect(),
            "==" => v
                .trim_end_matches(".*")
                .split('.')
                .map(|p| p.parse().ok())
                .collect(),
            "<" | "<=" | "!=" => continue,
            _ => return None,
        };
        let bound = bound?;
        if marker::cmp_versions(&bound, &lower) == std::cmp::Ordering::Greater {
            lower = bound;
        }
    }
    Some(lower)
}

/// uv re-sorts fork markers when it re-locks: with the default fork strategy the forks are solved (and
/// written) highest python lower bound first, ties in their previous order. A lock that uv has re-locked
/// already is sorted this way, so this is a no-op on it. Locks with non-default `[options]` or markers whose
/// python bound cannot be read are left in their order.
fn sort_forks_like_uv(lock: &mut Lock) {
    if lock.resolution_markers.is_empty()
        || lock
            .sections
            .iter()
            .any(|s| s.path.first().map(String::as_str) == Some("options"))
    {
        return;
    }
    let Some(default) = simple_lower_bound(&lock.requires_python) else {
        return;
    };
    let sort = |list: &mut Vec<String>| {
        let keys: Option<Vec<Vec<u64>>> = list
            .iter()
            .map(|m| fork_python_lower(m, &default))
            .collect();
        if let Some(keys) = keys {
            let mut pairs: Vec<(Vec<u64>, String)> = keys.into_iter().zip(list.drain(..)).collect();
            pairs.sort_by(|a, b| marker::cmp_versions(&b.0, &a.0));
            list.extend(pairs.into_iter().map(|(_, m)| m));
        }
    };
    sort(&mut lock.resolution_markers);
    for p in &mut lock.packages {
        if !p.resolution_markers.is_empty() {
            sort(&mut p.resolution_markers);
        }
    }
}

/// Rewrites one of the project's own requirement entries on the dependency.
type EntryRewrite = Box<dyn Fn(&Inline) -> Result<Inline>>;

/// Computes the switch for one service.
pub fn plan(inputs: &Inputs) -> Result<Plan> {
    let name = crate::pep508::normalize_name(inputs.name);
    let service_label = format!("{}/pyproject.toml", inputs.service);
    let lock_label = format!("{}/uv.lock", inputs.service);
    let service = pyproject::analyze_service(&service_label, inputs.pyproject, &name)?;
    let original = lock::parse(&lock_label, inputs.lock)?;
    if original
        .sections
        .iter()
        .any(|s| s.path.first().map(String::as_str) == Some("manifest"))
    {
        return Err(refuse(
            Refusal::LockFormat,
            format!("{lock_label} has a [manifest] (workspace members, constraints or overrides); only standalone service locks are switched"),
        ));
    }
    if inputs.rel_path.starts_with('/') {
        return Err(refuse(
            Refusal::AbsolutePath,
            format!(
                "refusing to write the absolute path `{}` into {lock_label}",
                inputs.rel_path
            ),
        ));
    }
    let mut lock = original.clone();
    let mut notes = Vec::new();
    let roots = lock.roots();
    if roots.is_empty() {
        return Err(Error::input(InputKind::Schema, format!("{lock_label} has no project package (`source = {{ editable = \".\" }}` or `{{ virtual = \".\" }}`)")));
    }
    let idxs: Vec<usize> = lock.packages_named(&name).map(|(i, _)| i).collect();
    let Some(&old_idx) = idxs.first() else {
        return Err(refuse(Refusal::NewPackage, format!("{lock_label} has no `{name}` package; the lock is out of date with {service_label}")));
    };
    if idxs.len() > 1 {
        return Err(refuse(
            Refusal::MultiVersion,
            format!("`{name}` is locked at several versions in {lock_label}"),
        ));
    }
    let old = lock.packages[old_idx].clone();
    if !old.resolution_markers.is_empty() {
        return Err(refuse(
            Refusal::MultiVersion,
            format!("`{name}` has resolution-markers in {lock_label} (forked resolution)"),
        ));
    }
    let old_kind = old
        .source_kind()
        .map(|(k, v)| (k.to_string(), v.to_string()));
    match old_kind.as_ref().map(|(k, _)| k.as_str()) {
        Some("registry" | "editable" | "directory") => {}
        other => {
            return Err(refuse(
                Refusal::UnsupportedForm,
                format!("`{name}` in {lock_label} has a `{}` source; only registry, editable and directory forms are switched", other.unwrap_or("?")),
            ))
        }
    }
    if let Some((_, v)) = &old_kind {
        if old_kind.as_ref().is_some_and(|(k, _)| k != "registry") && v.starts_with('/') {
            return Err(refuse(
                Refusal::AbsolutePath,
                format!("`{name}` in {lock_label} has the absolute path `{v}`"),
            ));
        }
    }
    let extras = requested_extras(&lock, &name);

    let (new_pkg, new_source_form, entry_part): (Package, SourceForm, EntryRewrite) = match inputs
        .target
    {
        Target::Editable | Target::Directory => {
            let (local_label, local_text) = inputs.local;
            let local = pyproject::read_local_package(local_label, local_text)?;
            if local.name != name {
                return Err(Error::input(
                    InputKind::Usage,
                    format!(
                        "{local_label} is the package `{}`, not `{name}`",
                        local.name
                    ),
                ));
            }
            let used: BTreeSet<&str> = local
                .dependencies
                .iter()
                .chain(local.extras.iter().flat_map(|(_, r)| r))
                .map(|r| r.name.as_str())
                .collect();
            if let Some(n) = local
                .source_names
                .iter()
                .find(|n| used.contains(n.as_str()))
            {
                return Err(refuse(
                    Refusal::NestedSource,
                    format!("{name}'s own [tool.uv.sources] ({local_label}) maps `{n}` to another source"),
                ));
            }
            check_requires_python(&local, &lock, local_label)?;
            let lower = simple_lower_bound(&lock.requires_python);
            let base: Vec<&Requirement> = local.dependencies.iter().collect();
            let dependencies = edges(&base, None, &lock, lower.as_deref(), &name, local_label)?;
            let mut optional = Vec::new();
            for e in &extras {
                let Some((_, reqs)) = local.extras.iter().find(|(x, _)| x == e) else {
                    return Err(refuse(
                        Refusal::MissingExtra,
                        format!(
                            "uv.lock requests `{name}[{e}]`, but {local_label} has no `{e}` extra"
                        ),
                    ));
                };
                let reqs: Vec<&Requirement> = reqs.iter().collect();
                let deps = edges(&reqs, Some(e), &lock, lower.as_deref(), &name, local_label)?;
                if deps.is_empty() {
                    return Err(refuse(
                        Refusal::MissingExtra,
                        format!("`{name}[{e}]` would have no dependencies in this lock; uv's empty-extra form is not modelled"),
                    ));
                }
                optional.push((e.clone(), deps));
            }
            let metadata = local_metadata(&local, local_label)?;
            let kind = if inputs.target == Target::Editable {
                "editable"
            } else {
                "directory"
            };
            let source: Inline = vec![(kind.to_string(), Val::Str(inputs.rel_path.to_string()))];
            if !lock.resolution_markers.is_empty()
                && (dependencies != old.dependencies || optional != old.optional_dependencies)
            {
                return Err(refuse(
                    Refusal::ForkChange,
                    format!("{lock_label} is forked (resolution-markers) and {name}'s dependency set changes"),
                ));
            }
            if local.version != old.version {
                let dependents = transitive_dependents(&lock, &name);
                if let Some(d) = dependents.first() {
                    return Err(refuse(
                        Refusal::TransitiveVersion,
                        format!(
                            "`{d}` depends on {name}; local version {} differs from locked {} and uv.lock does not record {d}'s version constraint",
                            local.version.as_deref().unwrap_or("(dynamic)"),
                            old.version.as_deref().unwrap_or("(dynamic)")
                        ),
                    ));
                }
            }
            let pkg = Package {
                name: name.clone(),
                version: local.version.clone(),
                source: source.clone(),
                resolution_markers: Vec::new(),
                dependencies,
                sdist: None,
                wheels: Vec::new(),
                optional_dependencies: optional,
                dev_dependencies: Vec::new(),
                metadata: Some(metadata),
            };
            let form = SourceForm::Path {
                path: inputs.rel_path.to_string(),
                editable: inputs.target == Target::Editable,
            };
            let part: Inline = vec![(kind.to_string(), Val::Str(inputs.rel_path.to_string()))];
            (
                pkg,
                form,
                Box::new(move |e: &Inline| Ok(with_source_part(e, part.clone()))),
            )
        }
        Target::Registry => {
            let Some((ref_label, ref_text)) = inputs.reference else {
                if old_kind.as_ref().is_some_and(|(k, _)| k == "registry")
                    && service.source == SourceForm::None
                {
                    return Ok(Plan {
                        pyproject: inputs.pyproject.to_string(),
                        lock: inputs.lock.to_string(),
                        notes,
                    });
                }
                return Err(refuse(
                    Refusal::NoReference,
                    format!(
                        "reverting to the registry needs the registry entry for {name}{}; pass --from <lock> (e.g. `git show main:{lock_label} > ref.lock`)",
                        old.version.as_deref().map(|v| format!("=={v}")).unwrap_or_default()
                    ),
                ));
            };
            let reference = lock::parse(ref_label, ref_text)?;
            let mut rf = reference.packages_named(&name);
            let Some((_, ref_pkg)) = rf.next() else {
                return Err(refuse(
                    Refusal::NoReference,
                    format!("{ref_label} has no `{name}` package"),
                ));
            };
            if rf.next().is_some() || !ref_pkg.resolution_markers.is_empty() {
                return Err(refuse(
                    Refusal::MultiVersion,
                    format!("`{name}` is locked at several versions in {ref_label}"),
                ));
            }
            if !matches!(ref_pkg.source_kind(), Some(("registry", _))) {
                return Err(refuse(
                    Refusal::NoReference,
                    format!("`{name}` in {ref_label} is not a registry package"),
                ));
            }
            let ref_pkg = ref_pkg.clone();
            let ref_version = ref_pkg.version.as_deref().and_then(parse_version);
            for o in &service.occurrences {
                if !ref_version
                    .as_ref()
                    .is_some_and(|v| satisfies(v, &o.requirement.specifiers))
                {
                    return Err(refuse(
                        Refusal::VersionConflict,
                        format!(
                            "{service_label} requires `{}` ({}), but {ref_label} locks {name} {}",
                            o.requirement.requirement_text(),
                            occurrence_where(o),
                            ref_pkg.version.as_deref().unwrap_or("(dynamic)")
                        ),
                    ));
                }
            }
            if ref_pkg.version != old.version {
                if let Some(d) = transitive_dependents(&lock, &name).first() {
                    return Err(refuse(
                        Refusal::TransitiveVersion,
                        format!("`{d}` depends on {name}; the registry version differs from the locked one and uv.lock does not record {d}'s constraint"),
                    ));
                }
            }
            // Copy the registry entry, its requested extras, and any package its edges need that the lock lacks.
            let mut pkg = ref_pkg.clone();
            for e in &extras {
                if !pkg.optional_dependencies.iter().any(|(x, _)| x == e) {
                    return Err(refuse(
                        Refusal::NoReference,
                        format!("{ref_label} has no locked `{e}` extra for {name}"),
                    ));
                }
            }
            pkg.optional_dependencies
                .retain(|(e, _)| extras.contains(e));
            let mut queue: VecDeque<Dep> = pkg
                .dependencies
                .iter()
                .chain(pkg.optional_dependencies.iter().flat_map(|(_, d)| d))
                .cloned()
                .collect();
            let mut added: Vec<String> = Vec::new();
            while let Some(d) = queue.pop_front() {
                if d.name == name {
                    continue;
                }
                let in_lock: Vec<&Package> = lock.packages_named(&d.name).map(|(_, p)| p).collect();
                let in_ref: Vec<&Package> =
                    reference.packages_named(&d.name).map(|(_, p)| p).collect();
                match (in_lock.as_slice(), in_ref.as_slice()) {
                    ([l], [r]) if l.version == r.version && l.source == r.source => {
                        for e in &d.extra {
                            if !l.optional_dependencies.iter().any(|(x, _)| x == e) {
                                return Err(refuse(Refusal::MissingExtra, format!("{name} needs `{}[{e}]`, which uv.lock does not lock", d.name)));
                            }
                        }
                    }
                    ([l], _) => {
                        return Err(refuse(
                            Refusal::VersionConflict,
                            format!("{ref_label}'s {name} depends on {} as locked there, but uv.lock pins {} {}", d.name, d.name, l.version.as_deref().unwrap_or("(dynamic)")),
                        ))
                    }
                    ([], [r]) => {
                        if !added.contains(&r.name) {
                            added.push(r.name.clone());
                            let mut copy = (*r).clone();
                            let wanted: BTreeSet<String> = d.extra.iter().cloned().collect();
                            copy.optional_dependencies.retain(|(e, _)| wanted.contains(e));
                            queue.extend(copy.dependencies.iter().chain(copy.optional_dependencies.iter().flat_map(|(_, d)| d)).cloned());
                            let pos = lock.packages.partition_point(|p| p.name < copy.name);
                            lock.packages.insert(pos, copy);
                        }
                    }
                    _ => {
                        return Err(refuse(
                            Refusal::MultiVersion,
                            format!("`{}` is not locked exactly once in {ref_label} and uv.lock", d.name),
                        ))
                    }
                }
            }
            if !added.is_empty() {
                notes.push(format!("re-added from {ref_label}: {}", added.join(", ")));
            }
            // Root requires-dist entries come back from the reference lock's project entries.
            let ref_root_entries: Vec<Inline> = reference
                .roots()
                .into_iter()
                .filter_map(|r| reference.packages[r].metadata.clone())
                .flat_map(|m| {
                    let mut v = m.requires_dist.clone();
                    v.extend(
                        m.requires_dev
                            .unwrap_or_default()
                            .into_iter()
                            .flat_map(|(_, e)| e),
                    );
                    v
                })
                .filter(|e| get_str(e, "name") == Some(name.as_str()))
                .collect();
            let index_url = ref_root_entries
                .iter()
                .find_map(|e| get_str(e, "index").map(str::to_string));
            let form = match &index_url {
                None => SourceForm::None,
                Some(url) => match pyproject::index_name_for_url(&service.doc, url) {
                    Some(n) => SourceForm::Index(n),
                    None => {
                        return Err(refuse(
                            Refusal::UnsupportedForm,
                            format!("{ref_label} takes {name} from the index `{url}`, which {service_label} does not declare in [[tool.uv.index]]"),
                        ))
                    }
                },
            };
            let ref_label = ref_label.to_string();
            let name2 = name.clone();
            let part = move |e: &Inline| -> Result<Inline> {
                let key = |t: &Inline| {
                    (
                        get(t, "extras").cloned(),
                        get(t, "groups").cloned(),
                        get(t, "marker").cloned(),
                    )
                };
                ref_root_entries.iter().find(|r| key(r) == key(e)).cloned().ok_or_else(|| {
                    refuse(
                        Refusal::NoReference,
                        format!("{ref_label} has no project requirement on {name2} with the same extras and marker as uv.lock"),
                    )
                })
            };
            (pkg, form, Box::new(part))
        }
    };

    // The pyproject occurrences and the lock's project entries must describe the same requirements.
    let entries = rewrite_root_entries(&mut lock, &name, entry_part.as_ref())?;
    if entries != service.occurrences.len() {
        return Err(refuse(
            Refusal::UnsupportedForm,
            format!(
                "{service_label} lists `{name}` {} time(s) but {lock_label}'s project metadata {} time(s); the lock is out of date",
                service.occurrences.len(),
                entries
            ),
        ));
    }
    let new_version = new_pkg.version.clone();
    let new_source = new_pkg.source.clone();
    lock.packages[old_idx] = new_pkg;
    if old.version != new_version || old.source != new_source {
        // Re-sort by (name, version, source): the name is unique, so the position is unchanged.
        retarget_edges(&mut lock, &name, &new_version, &new_source);
        notes.push(format!(
            "{name}: {} {} -> {} {}",
            old.version.as_deref().unwrap_or("(dynamic)"),
            old_kind.as_ref().map(|(k, _)| k.as_str()).unwrap_or("?"),
            new_version.as_deref().unwrap_or("(dynamic)"),
            inputs.target.as_str()
        ));
    }
    let before: Vec<String> = lock.packages.iter().map(|p| p.name.clone()).collect();
    prune(&mut lock);
    let removed: Vec<&String> = before
        .iter()
        .filter(|n| !lock.packages.iter().any(|p| &p.name == *n))
        .collect();
    if !removed.is_empty() {
        notes.push(format!(
            "removed: {}",
            removed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    check_reachability_markers(&original, &lock, &name)?;
    let lock_text = if lock == original {
        inputs.lock.to_string()
    } else {
        lock.revision = LOCK_REVISION;
        sort_forks_like_uv(&mut lock);
        let text = lock::writer::write(&lock);
        // Self-check (debug builds, i.e. every test run): the output parses back to the same model and
        // re-serializes identically. Release builds rely on the round-trip tests; it would double the work.
        if cfg!(debug_assertions)
            && lock::parse(&lock_label, &text)
                .map(|again| lock::writer::write(&again))
                .as_ref()
                != Ok(&text)
        {
            return Err(Error::input(
                InputKind::Schema,
                format!("internal error: the new {lock_label} does not round-trip"),
            ));
        }
        text
    };
    let pyproject_text = if service.source == new_source_form {
        inputs.pyproject.to_string()
    } else {
        pyproject::set_source(&service_label, &service, &name, &new_source_form)?
    };
    Ok(Plan {
        pyproject: pyproject_text,
        lock: lock_text,
        notes,
    })
}
