//! `uv.lock` text → [`Lock`]. Every key is accounted for: an unknown key is an error, never dropped.
//! The text is read by the fast reader for uv's TOML subset ([`super::toml`]); text outside that subset
//! (hand edits, comments) goes through `toml_edit`, which also reports syntax errors as file:line:col.

use toml_edit::{DocumentMut, Value};

use super::toml::{from_toml_edit, parse_fast, Node, Tbl};
use super::{
    Dep, Inline, Lock, Metadata, Package, Requirement, RequirementSource, Section, Source, Val,
    LOCK_REVISION, LOCK_VERSION, UV_VERSION,
};
use crate::error::{toml_error, Error, InputKind, Refusal, Result};

fn schema(path: &str, msg: impl std::fmt::Display) -> Error {
    Error::input(InputKind::Schema, format!("{path}: {msg}"))
}

fn unknown(path: &str, what: &str) -> Error {
    Error::refuse(
        Refusal::LockFormat,
        format!("{path}: `{what}` is not modelled by this uvlock-tool (format of uv {UV_VERSION})"),
    )
}

pub(crate) fn value_to_val(v: &Value) -> Option<Val> {
    Some(match v {
        Value::String(s) => Val::Str(s.value().clone()),
        Value::Integer(i) => Val::Int(*i.value()),
        Value::Boolean(b) => Val::Bool(*b.value()),
        Value::Array(a) => Val::Array(a.iter().map(value_to_val).collect::<Option<Vec<_>>>()?),
        Value::InlineTable(t) => Val::Table(
            t.iter()
                .map(|(k, v)| Some((k.to_string(), value_to_val(v)?)))
                .collect::<Option<Vec<_>>>()?,
        ),
        Value::Float(_) | Value::Datetime(_) => return None,
    })
}

fn val(path: &str, key: &str, node: Node) -> Result<Val> {
    match node {
        Node::Val(v) => Ok(v),
        _ => Err(schema(path, format!("`{key}` must be a value"))),
    }
}

fn string(path: &str, key: &str, node: Node) -> Result<String> {
    match val(path, key, node)? {
        Val::Str(s) => Ok(s),
        _ => Err(schema(path, format!("`{key}` must be a string"))),
    }
}

fn integer(path: &str, key: &str, node: Node) -> Result<i64> {
    match val(path, key, node)? {
        Val::Int(i) => Ok(i),
        _ => Err(schema(path, format!("`{key}` must be an integer"))),
    }
}

fn inline(path: &str, key: &str, node: Node) -> Result<Inline> {
    match val(path, key, node)? {
        Val::Table(t) => Ok(t),
        _ => Err(schema(path, format!("`{key}` must be an inline table"))),
    }
}

fn array(path: &str, key: &str, node: Node) -> Result<Vec<Val>> {
    match val(path, key, node)? {
        Val::Array(a) => Ok(a),
        _ => Err(schema(path, format!("`{key}` must be an array"))),
    }
}

fn str_array(path: &str, key: &str, node: Node) -> Result<Vec<String>> {
    array(path, key, node)?
        .into_iter()
        .map(|v| match v {
            Val::Str(s) => Ok(s),
            _ => Err(schema(path, format!("`{key}` must be an array of strings"))),
        })
        .collect()
}

fn inline_array(path: &str, key: &str, node: Node) -> Result<Vec<Inline>> {
    array(path, key, node)?
        .into_iter()
        .map(|v| match v {
            Val::Table(t) => Ok(t),
            _ => Err(schema(
                path,
                format!("`{key}` must be an array of inline tables"),
            )),
        })
        .collect()
}

fn dep_array(path: &str, key: &str, node: Node) -> Result<Vec<Dep>> {
    array(path, key, node)?
        .into_iter()
        .map(|v| {
            let Val::Table(t) = v else {
                return Err(schema(
                    path,
                    format!("`{key}` must be an array of inline tables"),
                ));
            };
            let mut dep = Dep {
                name: String::new(),
                version: None,
                source: None,
                extra: Vec::new(),
                marker: None,
            };
            for (k, v) in t {
                match (k.as_str(), v) {
                    ("name", Val::Str(s)) => dep.name = s,
                    ("version", Val::Str(s)) => dep.version = Some(s),
                    ("source", Val::Table(t)) => {
                        dep.source =
                            Some(Source::parse(&t).ok_or_else(|| {
                                unknown(path, &format!("{key}: source {}", show(&t)))
                            })?)
                    }
                    ("extra", Val::Array(a)) => {
                        for e in a {
                            match e {
                                Val::Str(s) => dep.extra.push(s),
                                _ => {
                                    return Err(schema(
                                        path,
                                        format!("`{key}`: `extra` must hold strings"),
                                    ))
                                }
                            }
                        }
                    }
                    ("marker", Val::Str(s)) => dep.marker = Some(s),
                    (other, _) => return Err(unknown(path, &format!("{key}.{other}"))),
                }
            }
            if dep.name.is_empty() {
                return Err(schema(path, format!("an entry of `{key}` has no name")));
            }
            Ok(dep)
        })
        .collect()
}

/// `{ k = v, ... }` as written, for messages.
fn show(t: &Inline) -> String {
    let keys: Vec<&str> = t.iter().map(|(k, _)| k.as_str()).collect();
    format!("{{ {} }}", keys.join(", "))
}

fn requirement_array(path: &str, key: &str, node: Node) -> Result<Vec<Requirement>> {
    inline_array(path, key, node)?
        .into_iter()
        .map(|t| requirement(path, key, t))
        .collect()
}

/// A `requires-dist` / `requires-dev` entry.
fn requirement(path: &str, key: &str, t: Inline) -> Result<Requirement> {
    let mut r = Requirement {
        name: String::new(),
        extras: Vec::new(),
        groups: Vec::new(),
        marker: None,
        source: RequirementSource::Registry {
            specifier: None,
            index: None,
            conflict: None,
        },
    };
    let strings = |v: Val| -> Result<Vec<String>> {
        match v {
            Val::Array(a) => a
                .into_iter()
                .map(|e| match e {
                    Val::Str(s) => Ok(s),
                    _ => Err(schema(path, format!("`{key}`: expected strings"))),
                })
                .collect(),
            _ => Err(schema(path, format!("`{key}`: expected an array"))),
        }
    };
    let mut rest = Vec::new();
    for (k, v) in t {
        match (k.as_str(), v) {
            ("name", Val::Str(s)) if rest.is_empty() => r.name = s,
            ("extras", v) if rest.is_empty() => r.extras = strings(v)?,
            ("groups", v) if rest.is_empty() => r.groups = strings(v)?,
            ("marker", Val::Str(s)) if rest.is_empty() => r.marker = Some(s),
            (_, v) => rest.push((k, v)),
        }
    }
    if r.name.is_empty() {
        return Err(schema(path, format!("an entry of `{key}` has no name")));
    }
    r.source = RequirementSource::parse(&rest)
        .ok_or_else(|| unknown(path, &format!("{key}: requirement {}", show(&rest))))?;
    Ok(r)
}

fn table(path: &str, key: &str, node: Node) -> Result<Tbl> {
    match node {
        Node::Table(t) => Ok(t),
        _ => Err(schema(path, format!("`{key}` must be a table"))),
    }
}

fn named_dep_tables(path: &str, key: &str, t: Tbl) -> Result<Vec<(String, Vec<Dep>)>> {
    t.entries
        .into_iter()
        .map(|(k, node)| {
            let d = dep_array(path, &format!("{key}.{k}"), node)?;
            Ok((k, d))
        })
        .collect()
}

fn parse_metadata(path: &str, t: Tbl) -> Result<Metadata> {
    let mut m = Metadata::default();
    for (k, node) in t.entries {
        match k.as_str() {
            "requires-dist" => {
                m.requires_dist = requirement_array(path, "metadata.requires-dist", node)?
            }
            "provides-extras" => {
                m.provides_extras = Some(str_array(path, "metadata.provides-extras", node)?)
            }
            "requires-dev" => {
                let groups = table(path, "metadata.requires-dev", node)?
                    .entries
                    .into_iter()
                    .map(|(g, n)| Ok((g, requirement_array(path, "metadata.requires-dev", n)?)))
                    .collect::<Result<Vec<_>>>()?;
                m.requires_dev = Some(groups);
            }
            other => return Err(unknown(path, &format!("package.metadata.{other}"))),
        }
    }
    Ok(m)
}

fn parse_package(path: &str, t: Tbl) -> Result<Package> {
    let mut p = Package::new("", None, Source::Virtual(String::new()));
    let mut has_source = false;
    for (k, node) in t.entries {
        let k = k.as_str();
        match k {
            "name" => p.name = string(path, k, node)?,
            "version" => p.version = Some(string(path, k, node)?),
            "source" => {
                let t = inline(path, k, node)?;
                p.source = Source::parse(&t)
                    .ok_or_else(|| unknown(path, &format!("package.source {}", show(&t))))?;
                has_source = true;
            }
            "default-groups" => p.default_groups = Some(val(path, k, node)?),
            "resolution-markers" => p.resolution_markers = str_array(path, k, node)?,
            "dependencies" => p.dependencies = dep_array(path, k, node)?,
            "sdist" => p.sdist = Some(inline(path, k, node)?),
            "wheels" => p.wheels = inline_array(path, k, node)?,
            "optional-dependencies" => {
                p.optional_dependencies = named_dep_tables(path, k, table(path, k, node)?)?
            }
            "dev-dependencies" => {
                p.dev_dependencies = named_dep_tables(path, k, table(path, k, node)?)?
            }
            "metadata" => p.metadata = Some(parse_metadata(path, table(path, k, node)?)?),
            other => return Err(unknown(path, &format!("package.{other}"))),
        }
    }
    if p.name.is_empty() {
        return Err(schema(path, "a [[package]] has no name"));
    }
    if !has_source {
        return Err(schema(path, format!("package `{}` has no source", p.name)));
    }
    Ok(p)
}

fn collect_sections(path: &str, prefix: &[String], t: Tbl, out: &mut Vec<Section>) -> Result<()> {
    let entries: Vec<(String, Val)> = t
        .entries
        .iter()
        .filter_map(|(k, n)| {
            if let Node::Val(v) = n {
                Some((k.clone(), v.clone()))
            } else {
                None
            }
        })
        .collect();
    if !entries.is_empty() || !t.implicit {
        out.push(Section {
            path: prefix.to_vec(),
            array_of_tables: false,
            entries,
        });
    }
    for (k, node) in t.entries {
        let mut p = prefix.to_vec();
        p.push(k);
        match node {
            Node::Table(sub) => collect_sections(path, &p, sub, out)?,
            Node::Tables(subs) => {
                for sub in subs {
                    let mut es = Vec::new();
                    for (k2, n2) in sub.entries {
                        let v = val(path, &k2, n2)?;
                        es.push((k2, v));
                    }
                    out.push(Section {
                        path: p.clone(),
                        array_of_tables: true,
                        entries: es,
                    });
                }
            }
            Node::Val(_) => {}
        }
    }
    Ok(())
}

/// Parses `uv.lock` text. `path` is used in messages.
pub fn parse(path: &str, text: &str) -> Result<Lock> {
    let root = match parse_fast(text) {
        Some(root) => root,
        None => {
            let doc: DocumentMut = text.parse().map_err(|e| toml_error(path, text, &e))?;
            from_toml_edit(doc.as_table()).ok_or_else(|| {
                schema(
                    path,
                    "holds a float or date-time value, which uv.lock never contains",
                )
            })?
        }
    };
    from_tree(path, root)
}

fn from_tree(path: &str, root: Tbl) -> Result<Lock> {
    let mut lock = Lock {
        version: 0,
        revision: 0,
        requires_python: String::new(),
        resolution_markers: Vec::new(),
        supported_markers: Vec::new(),
        required_markers: Vec::new(),
        conflicts: None,
        sections: Vec::new(),
        packages: Vec::new(),
    };
    let mut has_version = false;
    for (k, node) in root.entries {
        let k = k.as_str();
        match k {
            "version" => {
                lock.version = integer(path, k, node)?;
                has_version = true;
            }
            "revision" => lock.revision = integer(path, k, node)?,
            "requires-python" => lock.requires_python = string(path, k, node)?,
            "resolution-markers" => lock.resolution_markers = str_array(path, k, node)?,
            "supported-markers" => lock.supported_markers = str_array(path, k, node)?,
            "required-markers" => lock.required_markers = str_array(path, k, node)?,
            "conflicts" => lock.conflicts = Some(val(path, k, node)?),
            "options" | "manifest" => collect_sections(
                path,
                &[k.to_string()],
                table(path, k, node)?,
                &mut lock.sections,
            )?,
            "package" => {
                let Node::Tables(ts) = node else {
                    return Err(schema(path, "`package` must be [[package]] tables"));
                };
                for t in ts {
                    lock.packages.push(parse_package(path, t)?);
                }
            }
            other => return Err(unknown(path, other)),
        }
    }
    if !has_version {
        return Err(schema(path, "missing `version`"));
    }
    if lock.version != LOCK_VERSION {
        return Err(Error::refuse(
            Refusal::LockFormat,
            format!(
                "{path} uses lock schema version {}; this uvlock-tool understands version {LOCK_VERSION} (uv {UV_VERSION})",
                lock.version
            ),
        ));
    }
    if lock.revision > LOCK_REVISION {
        return Err(Error::refuse(
            Refusal::LockFormat,
            format!(
                "{path} has revision {}; this uvlock-tool writes revision {LOCK_REVISION} (uv {UV_VERSION})",
                lock.revision
            ),
        ));
    }
    if lock.requires_python.is_empty() {
        return Err(schema(path, "missing `requires-python`"));
    }
    lock.fill_edges().map_err(|m| schema(path, m))?;
    Ok(lock)
}

/// Parses with `toml_edit` only (the general path), for tests that compare both readers.
pub fn parse_general(path: &str, text: &str) -> Result<Lock> {
    let doc: DocumentMut = text.parse().map_err(|e| toml_error(path, text, &e))?;
    let root =
        from_toml_edit(doc.as_table()).ok_or_else(|| schema(path, "unsupported value type"))?;
    from_tree(path, root)
}
