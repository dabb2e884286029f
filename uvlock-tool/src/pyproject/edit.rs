//! Writing the dependency's `[tool.uv.sources]` entry by splicing the text: every other byte of the pyproject
//! stays as it was (re-serializing with `toml_edit` would regroup dotted keys and move trailing comments).
//!
//! Placement, and its exact inverse on removal: an entry goes after the last entry of an existing
//! `[tool.uv.sources]` table; without that table, `\n[tool.uv.sources]\n<entry>\n` goes after the document's
//! last line that is not blank or a comment (a file without a final newline keeps having none). Removing the
//! only entry of a table laid out that way removes the table and the blank line before it.

use std::ops::Range;

use toml_edit::{ImDocument, Item, Table};

use super::schema;
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

/// The span from the key to the end of the value of `key` in `table`.
fn entry_span(table: &Table, key: &str) -> Option<(Range<usize>, Range<usize>)> {
    let (k, item) = table.get_key_value(key)?;
    Some((k.span()?, item.span()?))
}

/// Sets (`Some` form) or removes (registry form) the dependency's `[tool.uv.sources]` entry; returns the text.
pub fn set_source(label: &str, service: &Service, name: &str, form: &SourceForm) -> Result<String> {
    // Written with LF line endings, as uv writes pyproject.toml (a CRLF input gives the bytes of the LF input).
    let normalized = service.text.replace("\r\n", "\n");
    let text = normalized.as_str();
    let doc = ImDocument::parse(text).map_err(|e| crate::error::toml_error(label, text, &e))?;
    let table = sources_table(&doc, label)?;
    let value = entry_value(form);
    let bad = || schema(label, "cannot locate [tool.uv.sources] in the text");
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
