//! Typed model of `uv.lock` (schema version 1), its parser and uv's exact writer.

mod parse;
mod toml;
pub mod writer;

pub use parse::{parse, parse_general};

/// The lock schema version this tool understands.
pub const LOCK_VERSION: i64 = 1;
/// The lock revision uv 0.13.9 writes.
pub const LOCK_REVISION: i64 = 5;
/// The uv version whose format is written.
pub const UV_VERSION: &str = "0.13.9";

/// A TOML value as found inside `uv.lock` inline tables and arrays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Str(String),
    Int(i64),
    Bool(bool),
    Array(Vec<Val>),
    Table(Inline),
}

/// An inline table, keys in their written order.
pub type Inline = Vec<(String, Val)>;

/// Looks a key up in an inline table.
pub fn get<'a>(table: &'a Inline, key: &str) -> Option<&'a Val> {
    table.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Looks a string key up in an inline table.
pub fn get_str<'a>(table: &'a Inline, key: &str) -> Option<&'a str> {
    match get(table, key) {
        Some(Val::Str(s)) => Some(s),
        _ => None,
    }
}

/// A top-level table the tool carries through unchanged (`[options]`, `[manifest]` and their sub-tables).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub path: Vec<String>,
    pub array_of_tables: bool,
    pub entries: Vec<(String, Val)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub version: i64,
    /// 0 when absent.
    pub revision: i64,
    pub requires_python: String,
    pub resolution_markers: Vec<String>,
    pub supported_markers: Vec<String>,
    pub required_markers: Vec<String>,
    /// `[options]`, `[manifest]` and their sub-tables, in order.
    pub sections: Vec<Section>,
    pub packages: Vec<Package>,
}

/// A package's identity as written on an edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    pub name: String,
    /// Filled from the unique package of that name when the edge omits it.
    pub version: Option<String>,
    pub source: Option<Inline>,
    pub extra: Vec<String>,
    pub marker: Option<String>,
}

impl Dep {
    pub fn simple(name: &str) -> Dep {
        Dep {
            name: name.to_string(),
            version: None,
            source: None,
            extra: Vec::new(),
            marker: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    /// Serialized `Requirement` inline tables.
    pub requires_dist: Vec<Inline>,
    pub provides_extras: Option<Vec<String>>,
    /// `[package.metadata.requires-dev]`: group → requirements.
    pub requires_dev: Option<Vec<(String, Vec<Inline>)>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: Option<String>,
    pub source: Inline,
    pub resolution_markers: Vec<String>,
    pub dependencies: Vec<Dep>,
    pub sdist: Option<Inline>,
    pub wheels: Vec<Inline>,
    pub optional_dependencies: Vec<(String, Vec<Dep>)>,
    pub dev_dependencies: Vec<(String, Vec<Dep>)>,
    pub metadata: Option<Metadata>,
}

impl Package {
    /// The source kind (`registry`, `editable`, `directory`, `virtual`, `git`, `url`, `path`) and its value.
    pub fn source_kind(&self) -> Option<(&str, &str)> {
        match self.source.first() {
            Some((k, Val::Str(v))) => Some((k.as_str(), v.as_str())),
            _ => None,
        }
    }

    /// True for the project itself (`source = { editable = "." }` or `{ virtual = "." }`).
    pub fn is_project_root(&self) -> bool {
        matches!(
            self.source_kind(),
            Some(("editable" | "virtual" | "directory", "."))
        )
    }

    /// Does this edge point at this package?
    pub fn matches(&self, dep: &Dep) -> bool {
        dep.name == self.name
            && (dep.version.is_none() || dep.version == self.version)
            && (dep.source.is_none() || dep.source.as_ref() == Some(&self.source))
    }
}

impl Lock {
    /// Packages with that (normalized) name.
    pub fn packages_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = (usize, &'a Package)> + 'a {
        self.packages
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.name == name)
    }

    /// The index of the package an edge points at (packages are sorted by name: binary search, then scan).
    pub fn resolve(&self, dep: &Dep) -> Option<usize> {
        let start = self
            .packages
            .partition_point(|p| p.name.as_str() < dep.name.as_str());
        let hit = self.packages[start..]
            .iter()
            .take_while(|p| p.name == dep.name)
            .position(|p| p.matches(dep))
            .map(|i| start + i);
        hit.or_else(|| self.packages.iter().position(|p| p.matches(dep)))
    }

    /// Root packages: `[manifest].members` when present, else the project at `.`.
    pub fn roots(&self) -> Vec<usize> {
        let members: Vec<String> = self
            .sections
            .iter()
            .filter(|s| s.path == ["manifest"])
            .flat_map(|s| s.entries.iter())
            .filter(|(k, _)| k == "members")
            .flat_map(|(_, v)| match v {
                Val::Array(items) => items
                    .iter()
                    .filter_map(|i| {
                        if let Val::Str(s) = i {
                            Some(s.clone())
                        } else {
                            None
                        }
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        self.packages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                if members.is_empty() {
                    p.is_project_root()
                } else {
                    members.contains(&p.name) && !matches!(p.source_kind(), Some(("registry", _)))
                }
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Fills the omitted version/source of every edge from the unique package of that name.
    pub(crate) fn fill_edges(&mut self) -> Result<(), String> {
        let mut unique: std::collections::HashMap<String, (Option<String>, Inline, usize)> =
            Default::default();
        for p in &self.packages {
            let e =
                unique
                    .entry(p.name.clone())
                    .or_insert((p.version.clone(), p.source.clone(), 0));
            e.2 += 1;
        }
        let fill = |d: &mut Dep| -> Result<(), String> {
            let Some((version, source, count)) = unique.get(&d.name) else {
                return Err(format!(
                    "an edge points at `{}`, which has no [[package]] entry",
                    d.name
                ));
            };
            if d.source.is_none() {
                if *count > 1 {
                    return Err(format!(
                        "an edge to `{}` omits its version although it is locked more than once",
                        d.name
                    ));
                }
                d.version = version.clone();
                d.source = Some(source.clone());
            }
            Ok(())
        };
        for p in &mut self.packages {
            for d in p.dependencies.iter_mut() {
                fill(d)?;
            }
            for (_, deps) in p
                .optional_dependencies
                .iter_mut()
                .chain(p.dev_dependencies.iter_mut())
            {
                for d in deps.iter_mut() {
                    fill(d)?;
                }
            }
        }
        Ok(())
    }
}
