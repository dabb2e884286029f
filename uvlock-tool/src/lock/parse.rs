//! `uv.lock` text → [`Lock`]. Every key is accounted for: an unknown key is an error, never dropped.

use toml_edit::{DocumentMut, Item, Table, Value};

use super::{
    Dep, Inline, Lock, Metadata, Package, Section, Val, LOCK_REVISION, LOCK_VERSION, UV_VERSION,
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

fn item_val(path: &str, key: &str, item: &Item) -> Result<Val> {
    item.as_value()
        .and_then(value_to_val)
        .ok_or_else(|| schema(path, format!("`{key}` has an unexpected type")))
}

fn item_str(path: &str, key: &str, item: &Item) -> Result<String> {
    item.as_str()
        .map(str::to_string)
        .ok_or_else(|| schema(path, format!("`{key}` must be a string")))
}

fn item_inline(path: &str, key: &str, item: &Item) -> Result<Inline> {
    match item_val(path, key, item)? {
        Val::Table(t) => Ok(t),
        _ => Err(schema(path, format!("`{key}` must be an inline table"))),
    }
}

fn item_array(path: &str, key: &str, item: &Item) -> Result<Vec<Val>> {
    match item_val(path, key, item)? {
        Val::Array(a) => Ok(a),
        _ => Err(schema(path, format!("`{key}` must be an array"))),
    }
}

fn str_array(path: &str, key: &str, item: &Item) -> Result<Vec<String>> {
    item_array(path, key, item)?
        .into_iter()
        .map(|v| match v {
            Val::Str(s) => Ok(s),
            _ => Err(schema(path, format!("`{key}` must be an array of strings"))),
        })
        .collect()
}

fn inline_array(path: &str, key: &str, item: &Item) -> Result<Vec<Inline>> {
    item_array(path, key, item)?
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

fn dep_array(path: &str, key: &str, item: &Item) -> Result<Vec<Dep>> {
    inline_array(path, key, item)?
        .into_iter()
        .map(|t| {
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
                    ("source", Val::Table(t)) => dep.source = Some(t),
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

fn named_dep_tables(path: &str, key: &str, table: &Table) -> Result<Vec<(String, Vec<Dep>)>> {
    table
        .iter()
        .map(|(k, item)| Ok((k.to_string(), dep_array(path, &format!("{key}.{k}"), item)?)))
        .collect()
}

fn sub_table<'a>(path: &str, key: &str, item: &'a Item) -> Result<&'a Table> {
    item.as_table()
        .ok_or_else(|| schema(path, format!("`{key}` must be a table")))
}

fn parse_metadata(path: &str, table: &Table) -> Result<Metadata> {
    let mut m = Metadata::default();
    for (k, item) in table.iter() {
        match k {
            "requires-dist" => {
                m.requires_dist = inline_array(path, "metadata.requires-dist", item)?
            }
            "provides-extras" => {
                m.provides_extras = Some(str_array(path, "metadata.provides-extras", item)?)
            }
            "requires-dev" => {
                let t = sub_table(path, "metadata.requires-dev", item)?;
                let groups = t
                    .iter()
                    .map(|(g, item)| {
                        Ok((
                            g.to_string(),
                            inline_array(path, "metadata.requires-dev", item)?,
                        ))
                    })
                    .collect::<Result<Vec<_>>>()?;
                m.requires_dev = Some(groups);
            }
            other => return Err(unknown(path, &format!("package.metadata.{other}"))),
        }
    }
    Ok(m)
}

fn parse_package(path: &str, table: &Table) -> Result<Package> {
    let mut p = Package {
        name: String::new(),
        version: None,
        source: Vec::new(),
        resolution_markers: Vec::new(),
        dependencies: Vec::new(),
        sdist: None,
        wheels: Vec::new(),
        optional_dependencies: Vec::new(),
        dev_dependencies: Vec::new(),
        metadata: None,
    };
    for (k, item) in table.iter() {
        match k {
            "name" => p.name = item_str(path, k, item)?,
            "version" => p.version = Some(item_str(path, k, item)?),
            "source" => p.source = item_inline(path, k, item)?,
            "resolution-markers" => p.resolution_markers = str_array(path, k, item)?,
            "dependencies" => p.dependencies = dep_array(path, k, item)?,
            "sdist" => p.sdist = Some(item_inline(path, k, item)?),
            "wheels" => p.wheels = inline_array(path, k, item)?,
            "optional-dependencies" => {
                p.optional_dependencies = named_dep_tables(path, k, sub_table(path, k, item)?)?;
            }
            "dev-dependencies" => {
                p.dev_dependencies = named_dep_tables(path, k, sub_table(path, k, item)?)?
            }
            "metadata" => p.metadata = Some(parse_metadata(path, sub_table(path, k, item)?)?),
            other => return Err(unknown(path, &format!("package.{other}"))),
        }
    }
    if p.name.is_empty() {
        return Err(schema(path, "a [[package]] has no name"));
    }
    if p.source.is_empty() {
        return Err(schema(path, format!("package `{}` has no source", p.name)));
    }
    Ok(p)
}

fn collect_sections(
    path: &str,
    prefix: &[String],
    table: &Table,
    out: &mut Vec<Section>,
) -> Result<()> {
    let mut entries = Vec::new();
    for (k, item) in table.iter() {
        if let Item::Value(_) = item {
            entries.push((k.to_string(), item_val(path, k, item)?));
        }
    }
    if !entries.is_empty() || !table.is_implicit() {
        out.push(Section {
            path: prefix.to_vec(),
            array_of_tables: false,
            entries,
        });
    }
    for (k, item) in table.iter() {
        let mut p = prefix.to_vec();
        p.push(k.to_string());
        match item {
            Item::Table(t) => collect_sections(path, &p, t, out)?,
            Item::ArrayOfTables(a) => {
                for t in a.iter() {
                    let mut es = Vec::new();
                    for (k2, item2) in t.iter() {
                        es.push((k2.to_string(), item_val(path, k2, item2)?));
                    }
                    out.push(Section {
                        path: p.clone(),
                        array_of_tables: true,
                        entries: es,
                    });
                }
            }
            Item::Value(_) | Item::None => {}
        }
    }
    Ok(())
}

/// Parses `uv.lock` text. `path` is used in messages.
pub fn parse(path: &str, text: &str) -> Result<Lock> {
    let doc: DocumentMut = text.parse().map_err(|e| toml_error(path, text, &e))?;
    let root = doc.as_table();
    let mut lock = Lock {
        version: 0,
        revision: 0,
        requires_python: String::new(),
        resolution_markers: Vec::new(),
        supported_markers: Vec::new(),
        required_markers: Vec::new(),
        sections: Vec::new(),
        packages: Vec::new(),
    };
    let mut has_version = false;
    for (k, item) in root.iter() {
        match k {
            "version" => {
                lock.version = item
                    .as_integer()
                    .ok_or_else(|| schema(path, "`version` must be an integer"))?;
                has_version = true;
            }
            "revision" => {
                lock.revision = item
                    .as_integer()
                    .ok_or_else(|| schema(path, "`revision` must be an integer"))?;
            }
            "requires-python" => lock.requires_python = item_str(path, k, item)?,
            "resolution-markers" => lock.resolution_markers = str_array(path, k, item)?,
            "supported-markers" => lock.supported_markers = str_array(path, k, item)?,
            "required-markers" => lock.required_markers = str_array(path, k, item)?,
            "options" | "manifest" => collect_sections(
                path,
                &[k.to_string()],
                sub_table(path, k, item)?,
                &mut lock.sections,
            )?,
            "package" => {
                let arr = item
                    .as_array_of_tables()
                    .ok_or_else(|| schema(path, "`package` must be [[package]] tables"))?;
                for t in arr.iter() {
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
