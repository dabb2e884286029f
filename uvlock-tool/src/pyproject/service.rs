//! The service's pyproject: every requirement on the dependency and its `[tool.uv.sources]` entry.

use toml_edit::{ArrayOfTables, DocumentMut, Item};

use super::{all_requirements, parse_doc, Occurrence};
use crate::error::{Error, InputKind, Refusal, Result};
use crate::pep508::normalize_name;

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
    /// The pyproject text as read.
    pub text: String,
    pub doc: DocumentMut,
    pub occurrences: Vec<Occurrence>,
    pub source: SourceForm,
    /// The spelling of the key in `[tool.uv.sources]`, when present.
    pub source_key: Option<String>,
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
        text: text.to_string(),
        doc,
        occurrences,
        source,
        source_key,
    })
}

/// The `[[tool.uv.index]]` tables.
fn indexes(doc: &DocumentMut) -> Option<&ArrayOfTables> {
    doc.get("tool")?
        .get("uv")?
        .get("index")?
        .as_array_of_tables()
}

/// The `[[tool.uv.index]]` name whose url is `url`.
pub fn index_name_for_url(doc: &DocumentMut, url: &str) -> Option<String> {
    indexes(doc)?
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
    indexes(doc)?
        .iter()
        .find(|t| t.get("name").and_then(Item::as_str) == Some(name))
        .and_then(|t| t.get("url").and_then(Item::as_str).map(str::to_string))
}
