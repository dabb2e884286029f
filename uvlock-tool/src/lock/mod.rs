//! Typed model of `uv.lock` (schema version 1), its parser, uv's exact writer and the graph queries on it.

pub mod forks;
pub mod graph;
mod parse;
mod source;
mod toml;
pub mod writer;

pub use parse::{parse, parse_general};
pub use source::{RequirementSource, Source};

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
    /// `conflicts = [...]` (`[tool.uv] conflicts`), kept as written.
    pub conflicts: Option<Val>,
    /// `[options]`, `[manifest]` and their sub-tables, in order.
    pub sections: Vec<Section>,
    pub packages: Vec<Package>,
}

/// A dependency edge: the target's identity (filled from the unique package of that name when the edge omits
/// it), the extras it activates and its marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    pub name: String,
    pub version: Option<String>,
    pub source: Option<Source>,
    pub extra: Vec<String>,
    pub marker: Option<String>,
}

/// A `requires-dist` / `requires-dev` entry: a requirement as the package declares it, lowered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub name: String,
    pub extras: Vec<String>,
    pub groups: Vec<String>,
    pub marker: Option<String>,
    pub source: RequirementSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    pub requires_dist: Vec<Requirement>,
    pub provides_extras: Option<Vec<String>>,
    /// `[package.metadata.requires-dev]`: group → requirements.
    pub requires_dev: Option<Vec<(String, Vec<Requirement>)>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: Option<String>,
    pub source: Source,
    /// `default-groups = [...]` of a project root.
    pub default_groups: Option<Val>,
    pub resolution_markers: Vec<String>,
    pub dependencies: Vec<Dep>,
    pub sdist: Option<Inline>,
    pub wheels: Vec<Inline>,
    pub optional_dependencies: Vec<(String, Vec<Dep>)>,
    pub dev_dependencies: Vec<(String, Vec<Dep>)>,
    pub metadata: Option<Metadata>,
}

impl Package {
    /// A package with this identity and nothing else.
    pub fn new(name: &str, version: Option<String>, source: Source) -> Package {
        Package {
            name: name.to_string(),
            version,
            source,
            default_groups: None,
            resolution_markers: Vec::new(),
            dependencies: Vec::new(),
            sdist: None,
            wheels: Vec::new(),
            optional_dependencies: Vec::new(),
            dev_dependencies: Vec::new(),
            metadata: None,
        }
    }

    /// Does this edge point at this package?
    pub fn matches(&self, dep: &Dep) -> bool {
        dep.name == self.name
            && (dep.version.is_none() || dep.version == self.version)
            && (dep.source.is_none() || dep.source.as_ref() == Some(&self.source))
    }

    /// Every outgoing edge: dependencies, then each extra's, then each group's.
    pub fn all_edges(&self) -> impl Iterator<Item = &Dep> {
        self.dependencies
            .iter()
            .chain(self.optional_dependencies.iter().flat_map(|(_, d)| d))
            .chain(self.dev_dependencies.iter().flat_map(|(_, d)| d))
    }

    /// Every outgoing edge, mutably.
    pub fn all_edges_mut(&mut self) -> impl Iterator<Item = &mut Dep> {
        self.dependencies
            .iter_mut()
            .chain(
                self.optional_dependencies
                    .iter_mut()
                    .flat_map(|(_, d)| d.iter_mut()),
            )
            .chain(
                self.dev_dependencies
                    .iter_mut()
                    .flat_map(|(_, d)| d.iter_mut()),
            )
    }
}

impl Lock {
    /// The `[options]` entry `key`, if any.
    pub fn option(&self, key: &str) -> Option<&Val> {
        self.sections
            .iter()
            .filter(|s| s.path == ["options"])
            .flat_map(|s| s.entries.iter())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}
