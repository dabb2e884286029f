//! Writing the dependency's `[tool.uv.sources]` entry by splicing the text: every other byte of the pyproject
//! stays as it was (re-serializing with `toml_edit` would regroup dotted keys and move trailing comments).
//!
//! Placement, and its exact inverse on removal: an entry goes after the last entry of an existing
//! `[tool.uv.sources]` table; without that table, `\n[tool.uv.sources]\n<entry>\n` goes after the document's
//! last line that is not blank or a comment (a file without a final newline keeps having none). Removing the
//! only entry of a table laid out that way removes the table and the blank line before it.

use std::ops::Range;

use toml_edit::{ImDocument, Item, Table};

use super::service::{Service, SourceForm};
use crate::error::{Error, Refusal, Result};

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml_edit::Value::from(s).to_string()
}

/// The inline table written for a form (`None` for the registry form: no entry).
fn entry_value(form: &SourceForm) -> Option<String> {
    match form {
        SourceForm::None => None,
        SourceForm::Index(index) => Some(format!("{{ index = {} }}", quote(index))),
        SourceForm::Path { path, editable } => Some(if *editable {
            format!("{{ path = {}, editable = true }}", quote(path))
        } else {
            format!("{{ path = {} }}", quote(path))
        }),
    }
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding byte `at`, after its newline.
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Where the document's content ends: after its last line that is not blank or a comment.
fn body_end(text: &str) -> usize {
    let mut end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        pos += line.len();
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#')) {
            end = pos;
        }
    }
    end
}

/// The `[tool.uv.sources]` table of the parsed document, if it is a standard table.
fn sources_table<'a>(doc: &'a ImDocument<&str>, label: &str) -> Result<Option<&'a Table>> {
    let item = doc
        .as_table()
        .get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("sources"));
    match item {
        None => Ok(None),
        Some(Item::Table(t)) if !t.is_implicit() && t.span().is_some() => Ok(Some(t)),
        Some(_) => Err(Error::refuse(
            Refusal::UnsupportedForm,
            format!("{label}: [tool.uv.sources] is written inline or as dotted keys; this tool edits a [tool.uv.sources] table"),
        )),
    }
}

/// The spans of the key and the value of `key = <value>` in `table` (`None` for a sub-table or dotted keys).
fn entry_span(table: &Table, key: &str) -> Option<(Range<usize>, Range<usize>)> {
    let (k, item) = table.get_key_value(key)?;
    let value = item.as_value()?;
    Some((k.span()?, value.span()?))
}

/// Sets (`Some` form) or removes (registry form) the dependency's `[tool.uv.sources]` entry; returns the text.
pub fn set_source(label: &str, service: &Service, name: &str, form: &SourceForm) -> Result<String> {
    // Written with LF line endings, as uv writes pyproject.toml (a CRLF input gives the bytes of the LF input).
    let normalized = service.text.replace("\r\n", "\n");
    let text = normalized.as_str();
    let doc = ImDocument::parse(text).map_err(|e| crate::error::toml_error(label, text, &e))?;
    let table = sources_table(&doc, label)?;
    let value = entry_value(form);
    let bad = || {
        Error::refuse(
            Refusal::UnsupportedForm,
            format!("{label}: the [tool.uv.sources] entry is a sub-table or dotted keys; this tool edits `name = {{ ... }}` entries"),
        )
    };
    let splice = |range: Range<usize>, with: &str| {
        let mut out = String::with_capacity(text.len() + with.len());
        out.push_str(&text[..range.start]);
        out.push_str(with);
        out.push_str(&text[range.end..]);
        out
    };
    match (table, &service.source_key, value) {
        (Some(t), Some(key), Some(value)) => {
            let (_, v) = entry_span(t, key).ok_or_else(bad)?;
            Ok(splice(v, &value))
        }
        (Some(t), Some(key), None) => {
            let (k, v) = entry_span(t, key).ok_or_else(bad)?;
            let mut remove = line_start(text, k.start)..line_end(text, v.end);
            let header = t.span().ok_or_else(bad)?;
            let header_line = line_start(text, header.start)..line_end(text, header.start);
            if t.len() == 1 && header_line.end == remove.start {
                remove.start = header_line.start;
                if text[..remove.start].ends_with("\n\n") {
                    remove.start -= 1;
                    // The table was the end of a file without a final newline: so is what precedes it.
                    if remove.end == text.len() && !text.ends_with('\n') {
                        remove.start -= 1;
                    }
                }
            }
            Ok(splice(remove, ""))
        }
        (Some(t), None, Some(value)) => {
            let header = t.span().ok_or_else(bad)?;
            let last = t
                .iter()
                .filter_map(|(k, _)| entry_span(t, k))
                .map(|(_, v)| v.end)
                .max()
                .unwrap_or(header.start);
            let at = line_end(text, last);
            let entry = format!("{} = {value}\n", name);
            let sep = if text[..at].ends_with('\n') { "" } else { "\n" };
            Ok(splice(at..at, &format!("{sep}{entry}")))
        }
        (None, _, Some(value)) => {
            let at = body_end(text);
            let table = format!("\n[tool.uv.sources]\n{name} = {value}");
            // A file without a final newline keeps having none.
            let insert = if at == 0 || text[..at].ends_with('\n') {
                format!("{table}\n")
            } else {
                format!("\n{table}")
            };
            Ok(splice(at..at, &insert))
        }
        (_, None, None) | (None, Some(_), None) => Ok(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::set_source;
    use crate::pyproject::{analyze_service, SourceForm};

    const HEAD: &str = "[project]\nname = \"svc\"\nversion = \"1\"\ndependencies = [\"sdk>=1\"]\n";

    fn editable() -> SourceForm {
        SourceForm::Path {
            path: "../../packages/sdk".into(),
            editable: true,
        }
    }

    /// Sets `form` on `text`, then removes it again; returns the switched text.
    fn round_trip(text: &str, form: &SourceForm) -> String {
        let svc = analyze_service("p", text, "sdk").expect("service");
        let switched = set_source("p", &svc, "sdk", form).expect("switch");
        let back = analyze_service("p", &switched, "sdk").expect("switched service");
        let restored = set_source("p", &back, "sdk", &SourceForm::None).expect("reverse");
        assert_eq!(restored, text, "reverse of {switched:?}");
        switched
    }

    #[test]
    fn a_new_table_goes_before_trailing_comments_and_comes_out_again() {
        let text = format!("{HEAD}\n[tool.ruff]\nlint.select = [\"E\"]\npreview = true\nlint.ignore = []\n# trailing\n# comments");
        let out = round_trip(&text, &editable());
        assert!(out.contains(
            "lint.ignore = []\n\n[tool.uv.sources]\nsdk = { path = \"../../packages/sdk\", editable = true }\n# trailing\n# comments"
        ));
        let no_newline = format!("{HEAD}x = 1");
        let out = round_trip(&no_newline, &editable());
        assert!(out.ends_with(
            "x = 1\n\n[tool.uv.sources]\nsdk = { path = \"../../packages/sdk\", editable = true }"
        ));
    }

    #[test]
    fn an_entry_joins_an_existing_table_and_leaves_it_again() {
        let text = format!(
            "{HEAD}\n[tool.uv.sources]\nother = {{ path = \"../o\" }}  # kept\n\n[tool.x]\ny = 1\n"
        );
        let out = round_trip(
            &text,
            &SourceForm::Path {
                path: "../s".into(),
                editable: false,
            },
        );
        assert!(out.contains(
            "other = { path = \"../o\" }  # kept\nsdk = { path = \"../s\" }\n\n[tool.x]"
        ));
        // An existing entry's value is replaced in place.
        let svc = analyze_service("p", &out, "sdk").expect("service");
        let index = set_source("p", &svc, "sdk", &SourceForm::Index("corp".into())).expect("index");
        assert!(index.contains("sdk = { index = \"corp\" }\n"));
    }

    #[test]
    fn sub_table_entries_are_refused() {
        let text = format!("{HEAD}\n[tool.uv.sources.sdk]\npath = \"../s\"\n");
        let svc = analyze_service("p", &text, "sdk").expect("service");
        let err = set_source("p", &svc, "sdk", &editable()).expect_err("sub-table");
        assert!(err.to_string().contains("E013"), "{err}");
    }
}
