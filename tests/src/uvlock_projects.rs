//! The uvlock-tool differential suite's fixtures (`tests/uvlock-projects/`, made by its `generate.py` from real
//! `uv lock` runs): real projects with one of their real dependencies as the SDK, and what uv 0.13.9 wrote for
//! each form. Expected locks are stored as unified diffs against the (gzipped) registry lock.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::provision;

/// The forms a case records: the registry lock and what uv writes for each switch.
pub const FORMS: [&str; 4] = ["registry", "editable", "directory", "reverse"];

/// One case of `tests/uvlock-projects/cases.toml`, as `generate.py` recorded it in `<case>/case.toml`.
pub struct Case {
    pub name: String,
    /// The GitHub project the pyproject comes from (`owner/name`).
    pub project: String,
    pub dir: PathBuf,
    /// The SDK's normalized name; its directory is `packages/<sdk>` next to `services/app`.
    pub sdk: String,
    /// Environment `uv lock` ran with (`UV_EXCLUDE_NEWER`).
    pub env: Vec<(String, String)>,
    /// uv's exit code per switch (`editable`, `directory`, `reverse`); absent when not attempted.
    pub uv_exit: BTreeMap<String, i64>,
    /// Whether `uv lock --locked --offline` accepts uv's own output of that form with an empty cache.
    pub locked_offline: BTreeMap<String, bool>,
}

/// The fixture root.
pub fn root() -> PathBuf {
    provision::repo_root().join("tests/uvlock-projects")
}

fn string(doc: &toml_edit::DocumentMut, key: &str, file: &Path) -> String {
    doc.get(key)
        .and_then(toml_edit::Item::as_str)
        .unwrap_or_else(|| panic!("{}: no `{key}`", file.display()))
        .to_string()
}

fn table<T>(
    doc: &toml_edit::DocumentMut,
    key: &str,
    f: impl Fn(&toml_edit::Item) -> Option<T>,
) -> BTreeMap<String, T> {
    doc.get(key)
        .and_then(toml_edit::Item::as_table_like)
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| Some((k.to_string(), f(v)?)))
                .collect()
        })
        .unwrap_or_default()
}

/// Every case, in directory order.
pub fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root())
        .expect("read tests/uvlock-projects")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let file = dir.join("case.toml");
            let doc: toml_edit::DocumentMut = read(&file)
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            Case {
                name: string(&doc, "name", &file),
                project: string(&doc, "project", &file),
                sdk: string(&doc, "sdk", &file),
                env: table(&doc, "env", |v| v.as_str().map(str::to_string))
                    .into_iter()
                    .collect(),
                uv_exit: table(&doc, "uv", toml_edit::Item::as_integer),
                locked_offline: table(&doc, "locked-offline", toml_edit::Item::as_bool),
                dir,
            }
        })
        .collect()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

impl Case {
    /// The registry lock (the starting point of every expected lock).
    pub fn registry_lock(&self) -> String {
        let path = self.dir.join("registry.uv.lock.gz");
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("gunzip {}: {e}", path.display()));
        text
    }

    /// The project's pyproject as published (the registry form).
    pub fn registry_pyproject(&self) -> String {
        read(&self.dir.join("service/pyproject.toml"))
    }

    /// The SDK's files the tool reads (its pyproject.toml, or setup.py/setup.cfg), from its sdist.
    pub fn sdk_files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = fs::read_dir(self.dir.join("sdk"))
            .expect("read sdk/")
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    read(&e.path()),
                )
            })
            .collect();
        files.sort();
        files
    }

    /// What uv wrote for a form (pyproject, lock), or `None` when `uv lock` failed for it.
    pub fn expected(&self, form: &str) -> Option<(String, String)> {
        let registry = self.registry_lock();
        match form {
            "registry" => Some((self.registry_pyproject(), registry)),
            "editable" | "directory" | "reverse" => {
                let patch = self.dir.join(format!("{form}.uv.lock.diff"));
                if !patch.is_file() {
                    return None;
                }
                let lock = apply_diff(&registry, &read(&patch))
                    .unwrap_or_else(|e| panic!("{}: {e}", patch.display()));
                let pyproject = if form == "reverse" {
                    self.registry_pyproject()
                } else {
                    read(&self.dir.join(format!("{form}.pyproject.toml")))
                };
                Some((pyproject, lock))
            }
            other => panic!("unknown form {other}"),
        }
    }
}

/// Applies a unified diff strictly: every context and removed line must match the old text where the hunk says.
pub fn apply_diff(old: &str, patch: &str) -> Result<String, String> {
    let lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut out = String::with_capacity(old.len() + patch.len());
    let mut pos = 0usize;
    let mut body = patch.split_inclusive('\n').skip(2).peekable();
    while let Some(header) = body.next() {
        let start = hunk_start(header)?;
        if start < pos || start > lines.len() {
            return Err(format!("hunk `{}` out of order", header.trim_end()));
        }
        lines[pos..start].iter().for_each(|l| out.push_str(l));
        pos = start;
        while let Some(line) = body.next_if(|l| !l.starts_with("@@")) {
            let (tag, text) = line.split_at(1);
            if tag == " " || tag == "-" {
                if lines.get(pos) != Some(&text) {
                    return Err(format!(
                        "line {} does not match the diff: {text:?}",
                        pos + 1
                    ));
                }
                pos += 1;
            }
            if tag == " " || tag == "+" {
                out.push_str(text);
            }
        }
    }
    lines[pos..].iter().for_each(|l| out.push_str(l));
    Ok(out)
}

/// The 0-based line where a hunk `@@ -a,b +c,d @@` starts in the old text.
fn hunk_start(header: &str) -> Result<usize, String> {
    let bad = || format!("not a hunk header: `{}`", header.trim_end());
    let old = header
        .strip_prefix("@@ -")
        .and_then(|r| r.split(' ').next())
        .ok_or_else(bad)?;
    let (start, len) = match old.split_once(',') {
        Some((s, l)) => (s, l),
        None => (old, "1"),
    };
    let start: usize = start.parse().map_err(|_| bad())?;
    Ok(if len == "0" { start } else { start - 1 })
}

#[cfg(test)]
mod tests {
    use super::apply_diff;

    #[test]
    fn applies_and_rejects_diffs() {
        let old = "a\nb\nc\nd\n";
        let patch = "--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -4,0 +5,1 @@\n+e\n";
        assert_eq!(apply_diff(old, patch).as_deref(), Ok("a\nB\nc\nd\ne\n"));
        let wrong = "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-x\n+B\n";
        assert!(apply_diff(old, wrong).is_err());
    }
}
