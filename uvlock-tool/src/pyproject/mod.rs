//! pyproject.toml: the service's requirements on the dependency and its `[tool.uv.sources]` entry ([`service`],
//! rewritten with `toml_edit`, formatting and comments kept), and the local package's metadata ([`local`]).

mod edit;
mod local;
mod service;

pub use edit::set_source;
pub use local::{read_local_package, LocalPackage, LocalSource, MetadataOrigin};
pub use service::{analyze_service, index_name_for_url, index_url_for_name, Service, SourceForm};

use toml_edit::{DocumentMut, Item, Value};

use crate::error::{toml_error, Error, InputKind, Result};
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

pub fn parse_doc(label: &str, text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>()
        .map_err(|e| toml_error(label, text, &e))
}

pub(crate) fn schema(label: &str, msg: impl std::fmt::Display) -> Error {
    Error::input(InputKind::Schema, format!("{label}: {msg}"))
}

pub(crate) fn string_list<'a>(label: &str, key: &str, item: &'a Item) -> Result<Vec<&'a str>> {
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

pub(crate) fn parse_req(label: &str, key: &str, text: &str) -> Result<Requirement> {
    parse_requirement(text)
        .map_err(|e| Error::input(InputKind::Schema, format!("{label}: `{key}`: {e}")))
}

/// Every requirement of a pyproject: `[project] dependencies`, `[project.optional-dependencies]`,
/// `[dependency-groups]` (without their includes) and `[tool.uv] dev-dependencies` (as group `dev`).
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
    // uv reads the legacy `[tool.uv] dev-dependencies` as the `dev` group.
    let legacy = doc
        .get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("dev-dependencies"));
    if let Some(item) = legacy {
        for r in string_list(label, "tool.uv.dev-dependencies", item)? {
            out.push(Occurrence {
                location: Location::Group("dev".to_string()),
                requirement: parse_req(label, "tool.uv.dev-dependencies", r)?,
            });
        }
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
