//! The plugin parameter string (`--ameide-py_opt=...` / buf `opt:`), parsed once into a typed value at the edge.

use crate::naming::{ModuleMap, PrefixMapping};
use crate::versions::{GrpcVersion, ProtocVersion, VersionError, DEFAULT_GRPC};
use thiserror::Error;

/// Every parameter key, for error messages and docs.
pub const VALID_KEYS: &[&str] = &[
    "prefix",
    "outputs",
    "protoc_version",
    "grpc_version",
    "package_files",
];

/// A bad parameter, named in the message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParameterError {
    #[error("invalid parameter `{0}`: expected key=value (valid keys: {keys})", keys = VALID_KEYS.join(", "))]
    NotKeyValue(String),
    #[error("invalid parameter `{0}`: unknown key `{1}` (valid keys: {keys})", keys = VALID_KEYS.join(", "))]
    UnknownKey(String, String),
    #[error("invalid parameter `{0}`: expected package_files=all or package_files=leaf")]
    BadPackageFiles(String),
    #[error("invalid parameter `{0}`: `{1}` may be given only once")]
    Repeated(String, String),
    #[error(
        "invalid parameter `{0}`: expected prefix=<proto path root>:<python.package.prefix>, \
         e.g. prefix=ameide_core_proto:ameide_sdk.proto ({1})"
    )]
    BadPrefix(String, &'static str),
    #[error("invalid parameter `{0}`: root `{1}` is already mapped to `{2}`")]
    DuplicateRoot(String, String, String),
    #[error("invalid parameter `{0}`: expected a `+`-separated subset of py, pyi, grpc (e.g. outputs=py+pyi)")]
    BadOutputs(String),
    #[error("invalid parameter `{0}`: {1}")]
    BadVersion(String, VersionError),
}

/// Which files are emitted per proto file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outputs {
    pub py: bool,
    pub pyi: bool,
    pub grpc: bool,
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs {
            py: true,
            pyi: true,
            grpc: true,
        }
    }
}

/// Which package files `package_files=` adds (see [`crate::gen::package`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageFiles {
    All,
    Leaf,
}

/// The parsed parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub modules: ModuleMap,
    pub outputs: Outputs,
    /// `protoc_version=`: the protoc release whose `_pb2.py`/`_pb2.pyi` to imitate. When absent, the request's
    /// `compiler_version` decides, else protoc 35.1 ([`crate::versions::Target::resolve`]).
    pub protoc_version: Option<ProtocVersion>,
    /// `grpc_version=`: the grpcio-tools release whose `_pb2_grpc.py` to imitate (default 1.85.1).
    pub grpc_version: GrpcVersion,
    /// `package_files=all|leaf`: also emit `__init__.py` / `py.typed` ([`crate::gen::package`]).
    pub package_files: Option<PackageFiles>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            modules: ModuleMap::default(),
            outputs: Outputs::default(),
            protoc_version: None,
            grpc_version: DEFAULT_GRPC,
            package_files: None,
        }
    }
}

impl Options {
    /// Parses a comma-separated `key=value` parameter string. Empty items (`a=1,,b=2`, a trailing comma) are
    /// ignored, as protoc does.
    pub fn parse(parameter: &str) -> Result<Options, ParameterError> {
        let mut options = Options::default();
        let mut mappings: Vec<PrefixMapping> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for item in parameter
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let Some((key, value)) = item.split_once('=') else {
                return Err(ParameterError::NotKeyValue(item.into()));
            };
            if key != "prefix" {
                if seen.contains(&key) {
                    return Err(ParameterError::Repeated(item.into(), key.into()));
                }
                seen.push(key);
            }
            match key {
                "prefix" => {
                    let mapping = parse_prefix(item, value)?;
                    if let Some(existing) = mappings.iter().find(|m| m.root == mapping.root) {
                        return Err(ParameterError::DuplicateRoot(
                            item.into(),
                            mapping.root,
                            existing.python_prefix.clone(),
                        ));
                    }
                    mappings.push(mapping);
                }
                "outputs" => options.outputs = parse_outputs(item, value)?,
                "protoc_version" => {
                    let version = value
                        .parse()
                        .map_err(|e| ParameterError::BadVersion(item.into(), e))?;
                    options.protoc_version = Some(version);
                }
                "grpc_version" => {
                    options.grpc_version = value
                        .parse()
                        .map_err(|e| ParameterError::BadVersion(item.into(), e))?;
                }
                "package_files" => {
                    options.package_files = Some(match value {
                        "all" | "true" => PackageFiles::All,
                        "leaf" => PackageFiles::Leaf,
                        _ => return Err(ParameterError::BadPackageFiles(item.into())),
                    });
                }
                _ => return Err(ParameterError::UnknownKey(item.into(), key.into())),
            }
        }
        options.modules = ModuleMap::new(mappings);
        Ok(options)
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn parse_prefix(item: &str, value: &str) -> Result<PrefixMapping, ParameterError> {
    let bad = |why| ParameterError::BadPrefix(item.into(), why);
    let (root, python_prefix) = value.split_once(':').ok_or_else(|| bad("missing `:`"))?;
    let root = root.trim_end_matches('/');
    if root.is_empty() {
        return Err(bad("empty root"));
    }
    if root.starts_with('/')
        || root
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(bad(
            "the root must be a relative proto path like `ameide_core_proto` or `google/cloud`",
        ));
    }
    if root
        .split('/')
        .any(|c| c.starts_with('.') || c.ends_with('.'))
    {
        return Err(bad(
            "a root directory name cannot start or end with `.`: it would not be a Python package",
        ));
    }
    if root.ends_with(".proto") {
        return Err(bad("the root is a directory, not a .proto file"));
    }
    if python_prefix.is_empty() {
        return Err(bad("empty Python prefix"));
    }
    if !python_prefix
        .split('.')
        .all(|c| is_identifier(c) && !crate::naming::is_keyword(c))
    {
        return Err(bad(
            "the Python prefix must be dotted identifiers that are not keywords",
        ));
    }
    Ok(PrefixMapping::new(root, python_prefix))
}

fn parse_outputs(item: &str, value: &str) -> Result<Outputs, ParameterError> {
    let mut outputs = Outputs {
        py: false,
        pyi: false,
        grpc: false,
    };
    for kind in value.split('+') {
        match kind {
            "py" => outputs.py = true,
            "pyi" => outputs.pyi = true,
            "grpc" => outputs.grpc = true,
            _ => return Err(ParameterError::BadOutputs(item.into())),
        }
    }
    Ok(outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_parameter_is_the_reference() {
        assert_eq!(Options::parse(""), Ok(Options::default()));
    }

    #[test]
    fn several_prefix_mappings() {
        let options = Options::parse(
            "prefix=ameide_core_proto:ameide_sdk.proto,prefix=google/cloud:acme_sdk.gcp",
        )
        .expect("valid");
        assert_eq!(options.modules.mappings().len(), 2);
        assert_eq!(
            options.modules.python_module("google/cloud/x.proto"),
            "acme_sdk.gcp.google.cloud.x_pb2"
        );
    }

    #[test]
    fn outputs_and_versions() {
        let options = Options::parse("outputs=py+grpc,grpc_version=1.66.0").expect("valid");
        assert_eq!(
            options.outputs,
            Outputs {
                py: true,
                pyi: false,
                grpc: true
            }
        );
        assert_eq!(options.grpc_version.to_string(), "1.66.0");
        assert_eq!(options.protoc_version, None);
        let options = Options::parse("protoc_version=33.0").expect("valid");
        assert_eq!(
            options.protoc_version,
            Some(ProtocVersion {
                major: 33,
                minor: 0
            })
        );
    }

    #[test]
    fn versions_outside_the_supported_range_are_refused_with_the_range() {
        let err = Options::parse("protoc_version=26.1")
            .expect_err("too old")
            .to_string();
        assert!(
            err.contains("`protoc_version=26.1`") && err.contains("27.0–27.5"),
            "{err}"
        );
        let err = Options::parse("grpc_version=1.99.0")
            .expect_err("unknown")
            .to_string();
        assert!(
            err.contains("`grpc_version=1.99.0`") && err.contains("1.66.x–1.85.x"),
            "{err}"
        );
        assert!(matches!(
            Options::parse("protoc_version=33.0.0"),
            Err(ParameterError::BadVersion(_, VersionError::ProtocSyntax(_)))
        ));
        assert!(matches!(
            Options::parse("protoc_version=33.0,protoc_version=33.0"),
            Err(ParameterError::Repeated(..))
        ));
    }

    #[test]
    fn package_files_modes() {
        let leaf = Options::parse("prefix=a:b,package_files=leaf,outputs=py").expect("valid");
        assert_eq!(leaf.package_files, Some(PackageFiles::Leaf));
        assert_eq!(
            Options::parse("package_files=all")
                .expect("valid")
                .package_files,
            Some(PackageFiles::All)
        );
        assert_eq!(Options::parse("").expect("valid").package_files, None);
    }

    #[test]
    fn errors_name_the_parameter_and_list_valid_keys() {
        let err = Options::parse("root=x")
            .expect_err("unknown key")
            .to_string();
        assert!(
            err.contains("`root=x`")
                && err.contains(
                    "valid keys: prefix, outputs, protoc_version, grpc_version, package_files"
                ),
            "{err}"
        );
        let err = Options::parse("prefix=ameide_core_proto")
            .expect_err("no colon")
            .to_string();
        assert!(
            err.contains("`prefix=ameide_core_proto`") && err.contains("missing `:`"),
            "{err}"
        );
        let err = Options::parse("prefix=a:x,prefix=a/:y")
            .expect_err("same root")
            .to_string();
        assert!(
            err.contains("`prefix=a/:y`") && err.contains("already mapped to `x`"),
            "{err}"
        );
        assert!(matches!(
            Options::parse("outputs=py+js"),
            Err(ParameterError::BadOutputs(_))
        ));
        assert!(matches!(
            Options::parse("grpc_version=1.x"),
            Err(ParameterError::BadVersion(..))
        ));
        assert!(matches!(
            Options::parse("prefix=a:import.x"),
            Err(ParameterError::BadPrefix(..))
        ));
        assert!(matches!(
            Options::parse("prefix=../a:x"),
            Err(ParameterError::BadPrefix(..))
        ));
        assert!(matches!(
            Options::parse("outputs=py,outputs=pyi"),
            Err(ParameterError::Repeated(..))
        ));
        assert!(matches!(
            Options::parse("flag"),
            Err(ParameterError::NotKeyValue(_))
        ));
    }
}
