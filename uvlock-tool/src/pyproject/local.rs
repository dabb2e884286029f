//! The local package's pyproject, read the way uv reads a path dependency: its requirements, extras, dependency
//! groups (`include-group` flattened, legacy `[tool.uv] dev-dependencies` in `dev`), its own
//! `[tool.uv.sources]`, and whether uv takes its metadata from the file or from a build.

use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::{all_requirements, parse_doc, parse_req, schema, string_list, Location};
use crate::error::{Error, Refusal, Result};
use crate::pep508::{normalize_name, Requirement};

/// How uv obtains the package's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataOrigin {
    /// Read from `[project]` (nothing it needs is dynamic).
    Static,
    /// Built with this PEP 517 backend (the version is dynamic).
    Built(String),
}

/// A `[tool.uv.sources]` entry of the local package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalSource {
    /// `{ git = "...", rev|tag|branch = "...", subdirectory = "..." }`
    Git {
        url: String,
        reference: Option<(String, String)>,
        subdirectory: Option<String>,
    },
    /// `{ url = "...", subdirectory = "..." }`
    Url {
        url: String,
        subdirectory: Option<String>,
    },
    /// `{ index = "<name>" }` and the index's url from the package's `[[tool.uv.index]]`.
    Index { name: String, url: Option<String> },
    /// Anything else (workspace, path, a list, a marker, ...), described for messages.
    Other(String),
}

/// The local package's metadata.
#[derive(Debug, Clone)]
pub struct LocalPackage {
    pub name: String,
    /// `None` when `version` is dynamic.
    pub version: Option<String>,
    pub requires_python: Option<String>,
    pub dependencies: Vec<Requirement>,
    /// Extras in declaration order (normalized names).
    pub extras: Vec<(String, Vec<Requirement>)>,
    /// Dependency groups in declaration order (normalized names), includes flattened.
    pub groups: Vec<(String, Vec<Requirement>)>,
    /// `[tool.uv.sources]`, keyed by normalized name.
    pub sources: Vec<(String, LocalSource)>,
    pub origin: MetadataOrigin,
}

impl LocalPackage {
    /// The package's own source for a requirement name.
    pub fn source(&self, name: &str) -> Option<&LocalSource> {
        self.sources.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

fn refuse_build(label: &str, why: &str) -> Error {
    Error::refuse(
        Refusal::DynamicMetadata,
        format!("{label} {why}; uv takes the metadata from a PEP 517 build"),
    )
}

/// Reads the local package's pyproject. Metadata only a build can give is refused (E005).
pub fn read_local_package(label: &str, text: &str) -> Result<LocalPackage> {
    let doc = parse_doc(label, text)?;
    let tool_poetry = doc.get("tool").and_then(|t| t.get("poetry")).is_some();
    let Some(project) = doc.get("project").and_then(Item::as_table_like) else {
        let why = if tool_poetry {
            "declares its metadata in [tool.poetry]"
        } else {
            "has no [project] table"
        };
        return Err(refuse_build(label, why));
    };
    let name = project
        .get("name")
        .and_then(Item::as_str)
        .ok_or_else(|| schema(label, "[project] has no `name`"))?;
    let dynamic: Vec<String> = match project.get("dynamic") {
        Some(d) => string_list(label, "project.dynamic", d)?
            .into_iter()
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    for field in ["dependencies", "optional-dependencies", "requires-python"] {
        if dynamic.iter().any(|d| d == field) {
            return Err(refuse_build(
                label,
                &format!("declares `{field}` as dynamic"),
            ));
        }
    }
    if project.get("dependencies").is_none() && tool_poetry {
        return Err(refuse_build(
            label,
            "declares its dependencies in [tool.poetry]",
        ));
    }
    let (version, origin) = if dynamic.iter().any(|d| d == "version") {
        let backend = doc
            .get("build-system")
            .and_then(|b| b.get("build-backend"))
            .and_then(Item::as_str)
            .unwrap_or("setuptools.build_meta:__legacy__");
        (None, MetadataOrigin::Built(backend.to_string()))
    } else {
        (
            Some(static_version(label, project)?),
            MetadataOrigin::Static,
        )
    };
    let requires_python = project
        .get("requires-python")
        .and_then(Item::as_str)
        .map(str::to_string);
    let mut dependencies = Vec::new();
    let mut extras: Vec<(String, Vec<Requirement>)> =
        declared(project.get("optional-dependencies"));
    for o in all_requirements(label, &doc)? {
        match o.location {
            Location::Dependencies => dependencies.push(o.requirement),
            Location::Extra(e) => match extras.iter_mut().find(|(n, _)| *n == e) {
                Some((_, reqs)) => reqs.push(o.requirement),
                None => extras.push((e, vec![o.requirement])),
            },
            Location::Group(_) => {}
        }
    }
    Ok(LocalPackage {
        name: normalize_name(name),
        version,
        requires_python,
        dependencies,
        extras,
        groups: groups(label, &doc)?,
        sources: sources(&doc),
        origin,
    })
}

fn static_version(label: &str, project: &dyn TableLike) -> Result<String> {
    let v = project
        .get("version")
        .and_then(Item::as_str)
        .ok_or_else(|| {
            schema(
                label,
                "[project] has no `version` and does not declare it dynamic",
            )
        })?;
    let parsed = crate::pep508::parse_version(v).ok_or_else(|| {
        schema(
            label,
            format!("`version = \"{v}\"` is not a PEP 440 version"),
        )
    })?;
    Ok(parsed.to_string())
}

/// The keys of a table in declaration order, normalized and deduplicated, each with no requirements yet.
fn declared(table: Option<&Item>) -> Vec<(String, Vec<Requirement>)> {
    let mut out: Vec<(String, Vec<Requirement>)> = Vec::new();
    if let Some(t) = table.and_then(Item::as_table_like) {
        for (k, _) in t.iter() {
            let n = normalize_name(k);
            if !out.iter().any(|(x, _)| *x == n) {
                out.push((n, Vec::new()));
            }
        }
    }
    out
}

/// One entry of a dependency group: a requirement or `{ include-group = "..." }`.
enum GroupItem {
    Requirement(Requirement),
    Include(String),
}

/// `[dependency-groups]` with includes flattened, plus `[tool.uv] dev-dependencies` in `dev`, as uv does.
fn groups(label: &str, doc: &DocumentMut) -> Result<Vec<(String, Vec<Requirement>)>> {
    let mut raw: Vec<(String, Vec<GroupItem>)> = Vec::new();
    if let Some(t) = doc.get("dependency-groups").and_then(Item::as_table_like) {
        for (g, item) in t.iter() {
            let key = format!("dependency-groups.{g}");
            let arr = item
                .as_array()
                .ok_or_else(|| schema(label, format!("`{key}` must be an array")))?;
            let mut items = Vec::new();
            for v in arr.iter() {
                items.push(group_item(label, &key, v)?);
            }
            let n = normalize_name(g);
            match raw.iter_mut().find(|(x, _)| *x == n) {
                Some((_, existing)) => existing.extend(items),
                None => raw.push((n, items)),
            }
        }
    }
    let legacy = doc
        .get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("dev-dependencies"));
    if let Some(item) = legacy {
        let mut items = Vec::new();
        for r in string_list(label, "tool.uv.dev-dependencies", item)? {
            items.push(GroupItem::Requirement(parse_req(
                label,
                "tool.uv.dev-dependencies",
                r,
            )?));
        }
        match raw.iter_mut().find(|(x, _)| x == "dev") {
            Some((_, existing)) => existing.extend(items),
            None => raw.push(("dev".to_string(), items)),
        }
    }
    let mut out = Vec::new();
    for (g, _) in &raw {
        let mut reqs = Vec::new();
        flatten(label, &raw, g, &mut vec![g.clone()], &mut reqs)?;
        out.push((g.clone(), reqs));
    }
    Ok(out)
}

fn group_item(label: &str, key: &str, v: &Value) -> Result<GroupItem> {
    match v {
        Value::String(s) => Ok(GroupItem::Requirement(parse_req(label, key, s.value())?)),
        Value::InlineTable(t) => match (t.len(), t.get("include-group").and_then(Value::as_str)) {
            (1, Some(g)) => Ok(GroupItem::Include(normalize_name(g))),
            _ => Err(schema(
                label,
                format!("`{key}` holds a table other than `{{ include-group = \"...\" }}`"),
            )),
        },
        _ => Err(schema(label, format!("`{key}` must hold PEP 508 strings"))),
    }
}

/// The requirements of group `g` with its includes expanded (an include cycle is an error, as in uv).
fn flatten(
    label: &str,
    raw: &[(String, Vec<GroupItem>)],
    g: &str,
    stack: &mut Vec<String>,
    out: &mut Vec<Requirement>,
) -> Result<()> {
    let Some((_, items)) = raw.iter().find(|(x, _)| x == g) else {
        return Err(schema(
            label,
            format!("`include-group = \"{g}\"` names no dependency group"),
        ));
    };
    for item in items {
        match item {
            GroupItem::Requirement(r) => out.push(r.clone()),
            GroupItem::Include(inc) => {
                if stack.contains(inc) {
                    return Err(schema(
                        label,
                        format!("dependency group `{g}` includes itself through `{inc}`"),
                    ));
                }
                stack.push(inc.clone());
                flatten(label, raw, inc, stack, out)?;
                stack.pop();
            }
        }
    }
    Ok(())
}

/// `[tool.uv.sources]` of the local package.
fn sources(doc: &DocumentMut) -> Vec<(String, LocalSource)> {
    let uv = doc.get("tool").and_then(|t| t.get("uv"));
    let Some(table) = uv
        .and_then(|u| u.get("sources"))
        .and_then(Item::as_table_like)
    else {
        return Vec::new();
    };
    let index_url = |name: &str| -> Option<String> {
        uv?.get("index")?
            .as_array_of_tables()?
            .iter()
            .find(|t| t.get("name").and_then(Item::as_str) == Some(name))
            .and_then(|t| t.get("url").and_then(Item::as_str).map(str::to_string))
    };
    table
        .iter()
        .map(|(k, item)| (normalize_name(k), source(item, &index_url)))
        .collect()
}

fn source(item: &Item, index_url: &dyn Fn(&str) -> Option<String>) -> LocalSource {
    let Some(t) = item.as_table_like() else {
        return LocalSource::Other("a list of sources".into());
    };
    let get = |k: &str| t.get(k).and_then(Item::as_str).map(str::to_string);
    let keys: Vec<&str> = t.iter().map(|(k, _)| k).collect();
    let only = |allowed: &[&str]| keys.iter().all(|k| allowed.contains(k));
    if let Some(url) = get("git") {
        let refs: Vec<(String, String)> = ["rev", "tag", "branch"]
            .iter()
            .filter_map(|k| Some((k.to_string(), get(k)?)))
            .collect();
        if only(&["git", "rev", "tag", "branch", "subdirectory"]) && refs.len() <= 1 {
            return LocalSource::Git {
                url,
                reference: refs.into_iter().next(),
                subdirectory: get("subdirectory"),
            };
        }
    } else if let Some(url) = get("url") {
        if only(&["url", "subdirectory"]) {
            return LocalSource::Url {
                url,
                subdirectory: get("subdirectory"),
            };
        }
    } else if let Some(name) = get("index") {
        if only(&["index"]) {
            let url = index_url(&name);
            return LocalSource::Index { name, url };
        }
    }
    LocalSource::Other(format!("{{ {} }}", keys.join(", ")))
}
