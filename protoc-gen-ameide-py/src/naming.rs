//! How a proto file path becomes a Python module: the one place that knows module names, aliases, keyword
//! handling, output paths and the import-prefix mapping. All three generators name things through here.

/// Python's hard keywords (protoc's `kKeywords`): no soft keywords, no builtins.
pub const PYTHON_KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

pub fn is_keyword(name: &str) -> bool {
    PYTHON_KEYWORDS.contains(&name)
}

/// protoc's `StripProto`: drops a trailing `.protodevel` or `.proto`.
pub fn strip_proto(file: &str) -> &str {
    file.strip_suffix(".protodevel")
        .or_else(|| file.strip_suffix(".proto"))
        .unwrap_or(file)
}

/// The module path of a file path without the `_pb2` suffix: `-` → `_`, `/` → `.`.
fn module_stem(path: &str) -> String {
    path.replace('-', "_").replace('/', ".")
}

/// protoc's `ModuleName`: `a/b-c.proto` → `a.b_c_pb2`. Derived from the file path, never the proto package.
pub fn module_name(file: &str) -> String {
    module_stem(strip_proto(file)) + "_pb2"
}

/// protoc's `ModuleAlias`: the module name with `_` doubled, then `.` spelled `_dot_`.
pub fn module_alias(file: &str) -> String {
    module_name(file).replace('_', "__").replace('.', "_dot_")
}

/// The file name grpc's version-check message cites: `StripProto(file)` with `-` → `_`, + `_pb2_grpc.py`
/// (`a/b-c.d.proto` → `a/b_c.d_pb2_grpc.py`). A proto-relative path, never prefixed; dots stay, so it is not
/// the output path.
pub fn pb2_grpc_file_name(file: &str) -> String {
    strip_proto(file).replace('-', "_") + "_pb2_grpc.py"
}

/// Whether any dotted component of a module is a keyword (such modules are imported with importlib).
pub fn contains_keyword(module: &str) -> bool {
    module.split('.').any(is_keyword)
}

/// protoc's `ResolveKeyword`: a keyword-named top-level symbol is reached through `globals()`.
pub fn resolve_keyword(name: &str) -> String {
    if is_keyword(name) {
        format!("globals()['{name}']")
    } else {
        name.to_string()
    }
}

/// The Python import statement that binds `module` to `alias`: `from pkg import leaf as alias`, or
/// `import module as alias` for a module at the root.
pub fn import_as(module: &str, alias: &str) -> String {
    match module.rsplit_once('.') {
        Some((package, leaf)) => format!("from {package} import {leaf} as {alias}"),
        None => format!("import {module} as {alias}"),
    }
}

/// The last dotted component of a module (`a.b.c_pb2` → `c_pb2`).
pub fn module_leaf(module: &str) -> &str {
    module.rsplit_once('.').map_or(module, |(_, leaf)| leaf)
}

/// The alias protoc's pyi generator binds an imported module to: `_` + its last component (`_types_pb2`). The
/// stub de-duplicates clashes by appending `_1`.
pub fn pyi_module_alias(file: &str) -> String {
    format!("_{}", module_leaf(&module_name(file)))
}

/// protoc's module-level descriptor variable of a message or enum: `_` + the upper-cased names from the
/// outermost to the innermost, joined by `_` (`_ORGANIZATION_SETTINGS_LABELSENTRY`).
pub fn descriptor_variable<S: AsRef<str>>(names: &[S]) -> String {
    let mut out = String::from("_");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push('_');
        }
        out.push_str(&name.as_ref().to_uppercase());
    }
    out
}

/// protoc's `NamePrefixedWithNestedTypes(desc, ".")` with keyword handling: a keyword top-level name goes
/// through `globals()`, a keyword nested name through `getattr`.
pub fn nested_class_path<S: AsRef<str>>(names: &[S]) -> String {
    let mut iter = names.iter().map(AsRef::as_ref);
    let mut out = resolve_keyword(iter.next().unwrap_or_default());
    for name in iter {
        out = if is_keyword(name) {
            format!("getattr({out}, '{name}')")
        } else {
            format!("{out}.{name}")
        };
    }
    out
}

/// One `prefix=<root>:<python.prefix>` mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixMapping {
    /// The proto file-path root as the user wrote it (`google/cloud`).
    pub root: String,
    /// The same root as a module path (`google.cloud`).
    module_root: String,
    /// The Python package prepended to modules under the root (`acme_sdk.gcp`).
    pub python_prefix: String,
}

impl PrefixMapping {
    pub fn new(root: &str, python_prefix: &str) -> Self {
        PrefixMapping {
            root: root.to_string(),
            module_root: module_stem(root),
            python_prefix: python_prefix.to_string(),
        }
    }

    /// The root as a module path (`google.cloud`).
    pub fn module_root(&self) -> &str {
        &self.module_root
    }

    /// Whether `module` (an unprefixed module name) lies under this root, component-wise.
    fn covers(&self, module: &str) -> bool {
        module
            .strip_prefix(&self.module_root)
            .is_some_and(|rest| rest.starts_with('.'))
    }
}

/// Whether `module` is `package` or lies under it, component-wise.
fn is_within(module: &str, package: &str) -> bool {
    module
        .strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The protobuf runtime's package: its modules (the well-known types) are never prefixed.
const RUNTIME_PACKAGE: &str = "google.protobuf";

/// Maps proto files to the Python modules they become, with the configured prefixes applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleMap {
    mappings: Vec<PrefixMapping>,
}

impl ModuleMap {
    pub fn new(mappings: Vec<PrefixMapping>) -> Self {
        ModuleMap { mappings }
    }

    pub fn mappings(&self) -> &[PrefixMapping] {
        &self.mappings
    }

    /// Rewrites an unprefixed module name: the longest covering root wins. `google.protobuf` modules are never
    /// prefixed: the well-known types come from the protobuf runtime.
    pub fn prefixed(&self, module: &str) -> String {
        if is_within(module, RUNTIME_PACKAGE) {
            return module.to_string();
        }
        self.mappings
            .iter()
            .filter(|m| m.covers(module))
            .max_by_key(|m| m.module_root.len())
            .map_or_else(
                || module.to_string(),
                |m| format!("{}.{module}", m.python_prefix),
            )
    }

    /// The mappings whose root covers none of `files` (proto names): a typo, or the root of another tree.
    pub fn unused(&self, files: &[String]) -> Vec<&PrefixMapping> {
        self.mappings
            .iter()
            .filter(|m| !files.iter().any(|f| m.covers(&module_name(f))))
            .collect()
    }

    /// The mapping whose prefix hand-written code lacks when it imports `module` (an absolute module path as
    /// written in an import statement or a string): `module` is a mapped root's module or lies under it (the
    /// longest root wins), is not spelled with a mapping's prefix already (`acme.sdk.acme.x` for
    /// `prefix=acme:acme.sdk`), and is not the protobuf runtime's.
    pub fn missing_prefix(&self, module: &str) -> Option<&PrefixMapping> {
        if is_within(module, RUNTIME_PACKAGE)
            || self.mappings.iter().any(|m| {
                module
                    .strip_prefix(&m.python_prefix)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|rest| is_within(rest, &m.module_root))
            })
        {
            return None;
        }
        self.mappings
            .iter()
            .filter(|m| is_within(module, &m.module_root))
            .max_by_key(|m| m.module_root.len())
    }

    /// The importable module of a proto file, prefixed where mapped.
    pub fn python_module(&self, file: &str) -> String {
        self.prefixed(&module_name(file))
    }

    /// The output path of a generated file: the prefixed module as a path, plus `suffix` (`.py`, `.pyi`,
    /// `_grpc.py`), so that `out` is always the Python source root.
    pub fn output_path(&self, file: &str, suffix: &str) -> String {
        self.python_module(file).replace('.', "/") + suffix
    }
}

/// Whether a generated name stays inside the output directory.
pub fn is_safe_name(name: &str) -> bool {
    let path = std::path::Path::new(name);
    !name.is_empty()
        && !path.is_absolute()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names() {
        assert!(is_safe_name("a/b_pb2.py"));
        assert!(!is_safe_name("../a.py"));
        assert!(!is_safe_name("/etc/x"));
        assert!(!is_safe_name("a/../../b"));
        assert!(!is_safe_name(""));
    }

    #[test]
    fn module_name_follows_the_file_path() {
        assert_eq!(
            module_name("ameide_core_proto/platform/v1/feature-flags.proto"),
            "ameide_core_proto.platform.v1.feature_flags_pb2"
        );
        assert_eq!(module_name("a/b.c.proto"), "a.b.c_pb2");
        assert_eq!(module_name("x.protodevel"), "x_pb2");
    }

    #[test]
    fn module_alias_doubles_underscores_then_spells_dots() {
        assert_eq!(
            module_alias("ameide_core_proto/platform/v1/feature-flags.proto"),
            "ameide__core__proto_dot_platform_dot_v1_dot_feature__flags__pb2"
        );
    }

    #[test]
    fn keywords() {
        assert!(contains_keyword("ameide_core_proto.import.v1.keywords_pb2"));
        assert!(!contains_keyword(
            "ameide_core_proto.imports.v1.keywords_pb2"
        ));
        assert_eq!(resolve_keyword("None"), "globals()['None']");
        assert_eq!(
            nested_class_path(&["None", "class", "X"]),
            "getattr(globals()['None'], 'class').X"
        );
    }

    #[test]
    fn import_forms() {
        assert_eq!(import_as("a.b.c_pb2", "x"), "from a.b import c_pb2 as x");
        assert_eq!(import_as("c_pb2", "x"), "import c_pb2 as x");
    }

    #[test]
    fn descriptor_variables() {
        assert_eq!(
            descriptor_variable(&["Organization", "Settings", "LabelsEntry"]),
            "_ORGANIZATION_SETTINGS_LABELSENTRY"
        );
    }

    #[test]
    fn hand_written_imports_missing_their_prefix() {
        let map = ModuleMap::new(vec![
            PrefixMapping::new("ameide_core_proto", "ameide_sdk.proto"),
            PrefixMapping::new("google", "g"),
            PrefixMapping::new("google/cloud", "acme_sdk.gcp"),
            PrefixMapping::new("acme", "acme.sdk"),
        ]);
        let missing = |module| map.missing_prefix(module).map(|m| m.python_prefix.as_str());
        assert_eq!(missing("ameide_core_proto"), Some("ameide_sdk.proto"));
        assert_eq!(missing("ameide_core_proto.x.v1"), Some("ameide_sdk.proto"));
        assert_eq!(missing("ameide_core_protox.y"), None);
        assert_eq!(missing("ameide_sdk.proto.ameide_core_proto.x"), None);
        assert_eq!(missing("google.cloud.a.b_pb2"), Some("acme_sdk.gcp"));
        assert_eq!(missing("google.type"), Some("g"));
        assert_eq!(missing("google.protobuf"), None);
        assert_eq!(missing("google.protobuf.any_pb2"), None);
        assert_eq!(missing("acme.x"), Some("acme.sdk"));
        assert_eq!(missing("acme.sdk.acme.x"), None);
        assert_eq!(map.mappings()[1].module_root(), "google");
    }

    #[test]
    fn prefix_applies_component_wise_and_longest_root_wins() {
        let map = ModuleMap::new(vec![
            PrefixMapping::new("ameide_core_proto", "ameide_sdk.proto"),
            PrefixMapping::new("google", "g"),
            PrefixMapping::new("google/cloud", "acme_sdk.gcp"),
        ]);
        assert_eq!(
            map.python_module("ameide_core_proto/x/v1/y.proto"),
            "ameide_sdk.proto.ameide_core_proto.x.v1.y_pb2"
        );
        assert_eq!(
            map.python_module("ameide_core_protox/y.proto"),
            "ameide_core_protox.y_pb2"
        );
        assert_eq!(
            map.python_module("google/cloud/a/b.proto"),
            "acme_sdk.gcp.google.cloud.a.b_pb2"
        );
        assert_eq!(
            map.python_module("google/type/c.proto"),
            "g.google.type.c_pb2"
        );
        assert_eq!(
            map.python_module("google/protobuf/any.proto"),
            "google.protobuf.any_pb2"
        );
        assert_eq!(
            map.output_path("ameide_core_proto/x/y.proto", ".pyi"),
            "ameide_sdk/proto/ameide_core_proto/x/y_pb2.pyi"
        );
        assert_eq!(
            ModuleMap::default().output_path("a/b-c.proto", "_grpc.py"),
            "a/b_c_pb2_grpc.py"
        );
    }
}
