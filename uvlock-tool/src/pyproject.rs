//! pyproject.toml: find a dependency in every PEP 508 form of a service, rewrite its `[tool.uv.sources]` entry
//! with `toml_edit` (formatting and comments kept), and read the local package's static metadata.

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use crate::error::{toml_error, Error, InputKind, Refusal, Result};
use crate::pep508::{normalize_name, parse_requirement, Requirement};

/// Where a requirement was found in a service pyproject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Dependencies,
    Extra(String),
    Group(String),
}

#[derive(Debug, Clone)]
pub struct Occurrence {
    pub location: Location,
    pub requirement: Requirement,
}

/// The `[tool.uv.sources]` entry of the dependency in a service pyproject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceForm {
    /// No entry: the registry form.
    None,
    /// `{ index = "<name>" }`.
    Index(String),
    /// `{ path = "...", editable = true|false }`.
    Path { path: String, editable: bool },
}

/// A parsed service pyproject.
#[derive(Debug, Clone)]
pub struct Service {
    pub doc: DocumentMut,
    pub occurrences: Vec<Occurrence>,
    pub source: SourceForm,
    /// The spelling of the key in `[tool.uv.sources]`, when present.
    pub source_key: Option<String>,
}

pub fn parse_doc(label: &str, text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>()
        .map_err(|e| toml_error(label, text, &e))
}

fn schema(label: &str, msg: impl std::fmt::Display) -> Error {
    Error::input(InputKind::Schema, format!("{label}: {msg}"))
}

fn string_list<'a>(label: &str, key: &str, item: &'a Item) -> Result<Vec<&'a str>> {
    let arr = item
        .as_array()
        .ok_or_else(|| schema(label, format!("`{key}` must be an array")))?;
    let mut out = Vec::new();
    for v in arr.iter() {
        match v {
            Value::String(s) => out.push(s.value().as_str()),
            // `{ include-group = "..." }` in dependency-groups: not a requirement.
            Value::InlineTable(t)
                if key.starts_with("dependency-groups") && t.contains_key("include-group") => {}
            _ => return Err(schema(label, format!("`{key}` must hold PEP 508 strings"))),
        }
    }
    Ok(out)
}

fn parse_req(label: &str, key: &str, text: &str) -> Result<Requirement> {
    parse_requirement(text)
        .map_err(|e| Error::input(InputKind::Schema, format!("{label}: `{key}`: {e}")))
}

/// Every requirement of a pyproject: `[project] dependencies`, `[project.optional-dependencies]`, `[dependency-groups]`.
pub fn all_requirements(label: &str, doc: &DocumentMut) -> Result<Vec<Occurrence>> {
    let mut out = Vec::new();
    if let Some(project) = doc.get("project").and_then(Item::as_table_like) {
        if let Some(deps) = project.get("dependencies") {
            for r in string_list(label, "project.dependencies", deps)? {
                out.push(Occurrence {
                    location: Location::Dependencies,
                    requirement: parse_req(label, "project.dependencies", r)?,
                });
            }
        }
        if let Some(extras) = project.get("optional-dependencies") {
            let extra = |name: &str| Location::Extra(normalize_name(name));
            named_lists(
                label,
                "project.optional-dependencies",
                extras,
                extra,
                &mut out,
            )?;
        }
    }
    if let Some(groups) = doc.get("dependency-groups") {
        let group = |name: &str| Location::Group(normalize_name(name));
        named_lists(label, "dependency-groups", groups, group, &mut out)?;
    }
    Ok(out)
}

/// The requirements of a table of named requirement lists (`[project.optional-dependencies]`,
/// `[dependency-groups]`), each located by `location(name)`.
fn named_lists(
    label: &str,
    key: &str,
    table: &Item,
    location: impl Fn(&str) -> Location,
    out: &mut Vec<Occurrence>,
) -> Result<()> {
    let table = table
        .as_table_like()
        .ok_or_else(|| schema(label, format!("`{key}` must be a table")))?;
    for (name, item) in table.iter() {
        let list_key = format!("{key}.{name}");
        for r in string_list(label, &list_key, item)? {
            out.push(Occurrence {
                location: location(name),
                requirement: parse_req(label, &list_key, r)?,
            });
        }
    }
    Ok(())
}

fn uv_sources(doc: &DocumentMut) -> Option<&dyn toml_edit::TableLike> {
    doc.get("tool")?
        .as_table_like()?
        .get("uv")?
        .as_table_like()?
        .get("sources")?
        .as_table_like()
}

/// Parses a service pyproject and locates the dependency `name` (normalized).
pub fn analyze_service(label: &str, text: &str, name: &str) -> Result<Service> {
    let doc = parse_doc(label, text)?;
    let occurrences: Vec<Occurrence> = all_requirements(label, &doc)?
        .into_iter()
        .filter(|o| o.requirement.name == name)
        .collect();
    if occurrences.is_empty() {
        return Err(Error::input(
            InputKind::Schema,
            format!("{label} does not depend on `{name}` (looked in [project] dependencies, optional-dependencies and [dependency-groups])"),
        ));
    }
    for o in &occurrences {
        if let Some(url) = &o.requirement.url {
            return Err(Error::refuse(
                Refusal::UnsupportedForm,
                format!("{label}: `{name}` is a direct reference (`@ {url}`), not a registry form"),
            ));
        }
    }
    if doc
        .get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("dev-dependencies"))
        .and_then(Item::as_array)
        .is_some_and(|a| {
            a.iter().any(|v| {
                v.as_str()
                    .and_then(|s| parse_requirement(s).ok())
                    .is_some_and(|r| r.name == name)
            })
        })
    {
        return Err(Error::refuse(
            Refusal::UnsupportedForm,
            format!("{label}: `{name}` is listed in the legacy [tool.uv] dev-dependencies"),
        ));
    }
    let mut source = SourceForm::None;
    let mut source_key = None;
    if let Some(sources) = uv_sources(&doc) {
        for (key, item) in sources.iter() {
            if normalize_name(key) != name {
                continue;
            }
            source_key = Some(key.to_string());
            let unsupported = |why: &str| {
                Error::refuse(
                    Refusal::UnsupportedForm,
                    format!("{label}: [tool.uv.sources] `{key}` {why}"),
                )
            };
            let Some(t) = item.as_table_like() else {
                return Err(unsupported("is a list or not a table"));
            };
            let keys: Vec<&str> = t.iter().map(|(k, _)| k).collect();
            if let Some(path) = t.get("path").and_then(Item::as_str) {
                if keys.iter().any(|k| !matches!(*k, "path" | "editable")) {
                    return Err(unsupported(
                        "has keys other than `path`/`editable` (marker, extra, group, package)",
                    ));
                }
                let editable = match t.get("editable") {
                    None => false,
                    Some(v) => v
                        .as_bool()
                        .ok_or_else(|| unsupported("has a non-boolean `editable`"))?,
                };
                if path.starts_with('/') || path.contains(":\\") || path.starts_with('\\') {
                    return Err(Error::refuse(
                        Refusal::AbsolutePath,
                        format!("{label}: [tool.uv.sources] `{key}` has the absolute path `{path}`; refusing machine-specific paths"),
                    ));
                }
                source = SourceForm::Path {
                    path: path.to_string(),
                    editable,
                };
            } else if let Some(index) = t.get("index").and_then(Item::as_str) {
                if keys.len() != 1 {
                    return Err(unsupported("has keys other than `index`"));
                }
                source = SourceForm::Index(index.to_string());
            } else {
                return Err(unsupported("is a git, url, workspace or other source"));
            }
        }
    }
    Ok(Service {
        doc,
        occurrences,
        source,
        source_key,
    })
}

fn max_position(t: &Table) -> usize {
    let mut m = t.position().unwrap_or(0);
    for (_, item) in t.iter() {
        match item {
            Item::Table(s) => m = m.max(max_position(s)),
            Item::ArrayOfTables(a) => {
                for s in a.iter() {
                    m = m.max(max_position(s));
                }
            }
            _ => {}
        }
    }
    m
}

fn implicit_table() -> Item {
    let mut t = Table::new();
    t.set_implicit(true);
    Item::Table(t)
}

/// Sets (`Some`) or removes (`None`) the dependency's `[tool.uv.sources]` entry; returns the new text.
/// A missing `[tool.uv.sources]` is created at the end of the file; one that becomes empty is removed.
pub fn set_source(label: &str, service: &Service, name: &str, form: &SourceForm) -> Result<String> {
    let mut doc = service.doc.clone();
    let value = match form {
        SourceForm::None => None,
        SourceForm::Index(index) => {
            let mut t = InlineTable::new();
            t.insert("index", Value::from(index.as_str()));
            Some(t)
        }
        SourceForm::Path { path, editable } => {
            let mut t = InlineTable::new();
            t.insert("path", Value::from(path.as_str()));
            if *editable {
                t.insert("editable", Value::from(true));
            }
            Some(t)
        }
    };
    let next_position = max_position(doc.as_table()) + 1;
    let bad = || schema(label, "`tool`/`tool.uv`/`tool.uv.sources` must be tables");
    match value {
        Some(mut inline) => {
            inline.fmt();
            let tool = doc
                .entry("tool")
                .or_insert(implicit_table())
                .as_table_like_mut()
                .ok_or_else(bad)?;
            let uv = tool
                .entry("uv")
                .or_insert(implicit_table())
                .as_table_like_mut()
                .ok_or_else(bad)?;
            let sources = uv
                .entry("sources")
                .or_insert_with(|| {
                    let mut t = Table::new();
                    t.decor_mut().set_prefix("\n");
                    t.set_position(next_position);
                    Item::Table(t)
                })
                .as_table_like_mut()
                .ok_or_else(bad)?;
            let key = service
                .source_key
                .clone()
                .unwrap_or_else(|| name.to_string());
            match sources.get_mut(&key) {
                Some(Item::Value(v)) => {
                    // Keep the entry's surrounding whitespace/comments.
                    let decor = v.decor().clone();
                    let mut nv = Value::InlineTable(inline);
                    *nv.decor_mut() = decor;
                    *v = nv;
                }
                _ => {
                    sources.insert(&key, Item::Value(Value::InlineTable(inline)));
                }
            }
        }
        None => {
            if let Some(key) = &service.source_key {
                let mut remove_sources = false;
                if let Some(sources) = doc
                    .get_mut("tool")
                    .and_then(|t| t.get_mut("uv"))
                    .and_then(|u| u.get_mut("sources"))
                    .and_then(Item::as_table_like_mut)
                {
                    sources.remove(key);
                    remove_sources = sources.is_empty();
                }
                if remove_sources {
                    if let Some(uv) = doc
                        .get_mut("tool")
                        .and_then(|t| t.get_mut("uv"))
                        .and_then(Item::as_table_like_mut)
                    {
                        uv.remove("sources");
                    }
                }
            }
        }
    }
    Ok(doc.to_string())
}

/// The `[[tool.uv.index]]` name whose url is `url`.
pub fn index_name_for_url(doc: &DocumentMut, url: &str) -> Option<String> {
    let indexes = doc
        .get("tool")?
        .get("uv")?
        .get("index")?
        .as_array_of_tables()?;
    indexes
        .iter()
        .find(|t| {
            t.get("url")
                .and_then(Item::as_str)
                .map(|u| u.trim_end_matches('/'))
                == Some(url.trim_end_matches('/'))
        })
        .and_then(|t| t.get("name").and_then(Item::as_str).map(str::to_string))
}

/// The `[[tool.uv.index]]` url for a name.
pub fn index_url_for_name(doc: &DocumentMut, name: &str) -> Option<String> {
    let indexes = doc
        .get("tool")?
        .get("uv")?
        .get("index")?
        .as_array_of_tables()?;
    indexes
        .iter()
        .find(|t| t.get("name").and_then(Item::as_str) == Some(name))
        .and_then(|t| t.get("url").and_then(Item::as_str).map(str::to_string))
}

/// The local package's static metadata.
#[derive(Debug, Clone)]
pub struct LocalPackage {
    pub name: String,
    /// `None` when `version` is dynamic.
    pub version: Option<String>,
    pub requires_python: Option<String>,
    pub dependencies: Vec<Requirement>,
    /// Extras in declaration order (normalized names).
    pub extras: Vec<(String, Vec<Requirement>)>,
    /// Dependency groups in declaration order (normalized names).
    pub groups: Vec<(String, Vec<Requirement>)>,
    /// Normalized names with a `[tool.uv.sources]` entry.
    pub source_names: Vec<String>,
}

/// Reads the local package's pyproject. Dynamic metadata other than `version` is refused (E005).
pub fn read_local_package(label: &str, text: &str) -> Result<LocalPackage> {
    let doc = parse_doc(label, text)?;
    let project = doc
        .get("project")
        .and_then(Item::as_table_like)
        .ok_or_else(|| schema(label, "has no [project] table"))?;
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
    for field in [
        "dependencies",
        "optional-dependencies",
        "requires-python",
        "name",
    ] {
        if dynamic.iter().any(|d| d == field) {
            return Err(Error::refuse(
                Refusal::DynamicMetadata,
                format!("{label} declares `{field}` as dynamic; a PEP 517 build is required"),
            ));
        }
    }
    let version = if dynamic.iter().any(|d| d == "version") {
        None
    } else {
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
        Some(parsed.to_string())
    };
    let requires_python = project
        .get("requires-python")
        .and_then(Item::as_str)
        .map(str::to_string);
    let mut dependencies = Vec::new();
    let mut extras: Vec<(String, Vec<Requirement>)> = Vec::new();
    let mut groups: Vec<(String, Vec<Requirement>)> = Vec::new();
    for o in all_requirements(label, &doc)? {
        match o.location {
            Location::Dependencies => dependencies.push(o.requirement),
            Location::Extra(e) => match extras.iter_mut().find(|(n, _)| *n == e) {
                Some((_, reqs)) => reqs.push(o.requirement),
                None => extras.push((e, vec![o.requirement])),
            },
            Location::Group(g) => match groups.iter_mut().find(|(n, _)| *n == g) {
                Some((_, reqs)) => reqs.push(o.requirement),
                None => groups.push((g, vec![o.requirement])),
            },
        }
    }
    // Empty extras/groups still exist; extras keep their declaration order (`provides-extras`).
    if let Some(opt) = project
        .get("optional-dependencies")
        .and_then(Item::as_table_like)
    {
        let mut ordered: Vec<(String, Vec<Requirement>)> = Vec::new();
        for (e, _) in opt.iter() {
            let n = normalize_name(e);
            if ordered.iter().any(|(x, _)| *x == n) {
                continue;
            }
            let reqs = extras
                .iter()
                .find(|(x, _)| *x == n)
                .map(|(_, r)| r.clone())
                .unwrap_or_default();
            ordered.push((n, reqs));
        }
        extras = ordered;
    }
    if let Some(gs) = doc.get("dependency-groups").and_then(Item::as_table_like) {
        for (g, item) in gs.iter() {
            let n = normalize_name(g);
            if item
                .as_array()
                .is_some_and(|a| a.iter().any(|v| v.as_inline_table().is_some()))
            {
                return Err(Error::refuse(
                    Refusal::UnsupportedForm,
                    format!("{label}: dependency group `{g}` uses include-group"),
                ));
            }
            if !groups.iter().any(|(x, _)| *x == n) {
                groups.push((n, Vec::new()));
            }
        }
    }
    let source_names = doc
        .get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("sources"))
        .and_then(Item::as_table_like)
        .map(|t| t.iter().map(|(k, _)| normalize_name(k)).collect())
        .unwrap_or_default();
    Ok(LocalPackage {
        name: normalize_name(name),
        version,
        requires_python,
        dependencies,
        extras,
        groups,
        source_names,
    })
}
