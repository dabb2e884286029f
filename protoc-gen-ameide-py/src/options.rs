//! The plugin parameter string (`--ameide-py_opt=...` / buf `opt:`), parsed once into a typed value at the edge.

use crate::naming::{ModuleMap, PrefixMapping};
use crate::versions::{
    GrpcVersion, MypyProtobufVersion, ProtocVersion, VersionError, DEFAULT_GRPC,
};
use thiserror::Error;

/// Every parameter key, for error messages and docs.
pub const VALID_KEYS: &[&str] = &[
    "prefix",
    "outputs",
    "protoc_version",
    "grpc_version",
    "package_files",
    "mypy_protobuf_version",
    "readable_stubs",
    "relax_strict_optional_primitives",
    "use_default_deprecation_warnings",
    "generate_concrete_servicer_stubs",
    "only_sync",
    "only_async",
];

/// mypy-protobuf's switches, given bare (`readable_stubs`) as to mypy-protobuf, or as `<name>=true|false`.
const MYPY_FLAGS: &[&str] = &[
    "readable_stubs",
    "relax_strict_optional_primitives",
    "use_default_deprecation_warnings",
    "generate_concrete_servicer_stubs",
    "only_sync",
    "only_async",
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
    #[error(
        "invalid parameter `{0}`: expected a `+`-separated subset of py, pyi, grpc, mypy, mypy_grpc \
         (e.g. outputs=py+pyi)"
    )]
    BadOutputs(String),
    #[error(
        "invalid parameter `{0}`: pyi and mypy both write `_pb2.pyi` (protoc's stubs or mypy-protobuf's): \
         choose one"
    )]
    PyiAndMypy(String),
    #[error("invalid parameter `{0}`: expected `{1}`, `{1}=true` or `{1}=false`")]
    BadFlag(String, String),
    #[error("invalid parameters: only_sync and only_async exclude each other")]
    SyncAndAsync,
    #[error(
        "invalid parameter `{0}`: it shapes the mypy-protobuf stubs, but outputs= selects neither mypy nor \
         mypy_grpc"
    )]
    MypyWithoutStubs(String),
    #[error("invalid parameter `{0}`: {1}")]
    BadVersion(String, VersionError),
}

/// Which files are emitted per proto file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outputs {
    pub py: bool,
    pub pyi: bool,
    pub grpc: bool,
    /// mypy-protobuf's `_pb2.pyi` (instead of protoc's, `pyi`).
    pub mypy: bool,
    /// mypy-protobuf's `_pb2_grpc.pyi`.
    pub mypy_grpc: bool,
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs {
            py: true,
            pyi: true,
            grpc: true,
            mypy: false,
            mypy_grpc: false,
        }
    }
}

/// Which gRPC stubs `mypy_grpc` declares (mypy-protobuf's `only_sync` / `only_async`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GrpcStubs {
    /// Sync and `grpc.aio` stubs, servicers accepting either.
    #[default]
    Both,
    SyncOnly,
    AsyncOnly,
}

/// mypy-protobuf's own parameters, for the `mypy` and `mypy_grpc` outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MypyOptions {
    /// `mypy_protobuf_version=`: the release whose stubs to imitate (default 5.1.0).
    pub version: MypyProtobufVersion,
    /// Imports without `_` aliases and local types without `Global___` (may clash with field names).
    pub readable_stubs: bool,
    /// proto3 scalar `__init__` parameters also accept `None`.
    pub relax_strict_optional_primitives: bool,
    /// `@deprecated` always carries the generic message, never the element's comment.
    pub use_default_deprecation_warnings: bool,
    /// Servicers are plain classes instead of abstract ones.
    pub generate_concrete_servicer_stubs: bool,
    pub grpc_stubs: GrpcStubs,
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
    pub mypy: MypyOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            modules: ModuleMap::default(),
            outputs: Outputs::default(),
            protoc_version: None,
            grpc_version: DEFAULT_GRPC,
            package_files: None,
            mypy: MypyOptions::default(),
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
        let mut mypy_item = None;
        for item in parameter
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let (key, value) = match item.split_once('=') {
                Some(pair) => pair,
                None if MYPY_FLAGS.contains(&item) => (item, "true"),
                None => return Err(ParameterError::NotKeyValue(item.into())),
            };
            if key == "mypy_protobuf_version" || MYPY_FLAGS.contains(&key) {
                mypy_item.get_or_insert(item);
            }
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
                "mypy_protobuf_version" => {
                    options.mypy.version = value
                        .parse()
                        .map_err(|e| ParameterError::BadVersion(item.into(), e))?;
                }
                _ if MYPY_FLAGS.contains(&key) => {
                    set_mypy_flag(&mut options.mypy, item, key, value)?
                }
                _ => return Err(ParameterError::UnknownKey(item.into(), key.into())),
            }
        }
        let outputs = options.outputs;
        if let Some(item) = mypy_item.filter(|_| !outputs.mypy && !outputs.mypy_grpc) {
            return Err(ParameterError::MypyWithoutStubs(item.into()));
        }
        options.modules = ModuleMap::new(mappings);
        Ok(options)
    }
}

/// Applies one of [`MYPY_FLAGS`].
fn set_mypy_flag(
    mypy: &mut MypyOptions,
    item: &str,
    key: &str,
    value: &str,
) -> Result<(), ParameterError> {
    let on = match value {
        "true" => true,
        "false" => false,
        _ => return Err(ParameterError::BadFlag(item.into(), key.into())),
    };
    let grpc_stubs = match (key, on, mypy.grpc_stubs) {
        ("only_sync", true, GrpcStubs::AsyncOnly) | ("only_async", true, GrpcStubs::SyncOnly) => {
            return Err(ParameterError::SyncAndAsync)
        }
        ("only_sync", true, _) => GrpcStubs::SyncOnly,
        ("only_async", true, _) => GrpcStubs::AsyncOnly,
        _ => mypy.grpc_stubs,
    };
    mypy.grpc_stubs = grpc_stubs;
    match key {
        "readable_stubs" => mypy.readable_stubs = on,
        "relax_strict_optional_primitives" => mypy.relax_strict_optional_primitives = on,
        "use_default_deprecation_warnings" => mypy.use_default_deprecation_warnings = on,
        "generate_concrete_servicer_stubs" => mypy.generate_concrete_servicer_stubs = on,
        _ => {}
    }
    Ok(())
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
        mypy: false,
        mypy_grpc: false,
    };
    for kind in value.split('+') {
        match kind {
            "py" => outputs.py = true,
            "pyi" => outputs.pyi = true,
            "grpc" => outputs.grpc = true,
            "mypy" => outputs.mypy = true,
            "mypy_grpc" => outputs.mypy_grpc = true,
            _ => return Err(ParameterError::BadOutputs(item.into())),
        }
    }
    if outputs.pyi && outputs.mypy {
        return Err(ParameterError::PyiAndMypy(item.into()));
    }
    Ok(outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parameter` is refused with an error matching the pattern.
    macro_rules! assert_refused {
        ($parameter:expr, $error:pat) => {
            assert!(
                matches!(Options::parse($parameter), Err($error)),
                "{}",
                $parameter
            )
        };
    }

    /// `parameter` is refused with a message holding each of `expected`.
    fn assert_error_mentions(parameter: &str, expected: &[&str]) {
        let err = Options::parse(parameter).expect_err(parameter).to_string();
        for text in expected {
            assert!(err.contains(text), "`{text}` not in: {err}");
        }
    }

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
                grpc: true,
                mypy: false,
                mypy_grpc: false,
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
        assert_error_mentions(
            "protoc_version=26.1",
            &["`protoc_version=26.1`", "27.0–27.5"],
        );
        assert_error_mentions(
            "grpc_version=1.99.0",
            &["`grpc_version=1.99.0`", "1.66.x–1.85.x"],
        );
        assert_refused!(
            "protoc_version=33.0.0",
            ParameterError::BadVersion(_, VersionError::ProtocSyntax(_))
        );
        assert_refused!(
            "protoc_version=33.0,protoc_version=33.0",
            ParameterError::Repeated(..)
        );
    }

    #[test]
    fn mypy_protobuf_parameters() {
        let options = Options::parse(
            "outputs=py+mypy+grpc+mypy_grpc,readable_stubs,only_async,\
             generate_concrete_servicer_stubs=true,relax_strict_optional_primitives=false,\
             mypy_protobuf_version=5.0.0",
        )
        .expect("valid");
        assert!(options.outputs.mypy && options.outputs.mypy_grpc && !options.outputs.pyi);
        let mypy = options.mypy;
        assert!(mypy.readable_stubs && mypy.generate_concrete_servicer_stubs);
        assert!(!mypy.relax_strict_optional_primitives && !mypy.use_default_deprecation_warnings);
        assert_eq!(mypy.grpc_stubs, GrpcStubs::AsyncOnly);
        assert_eq!(mypy.version.to_string(), "5.0.0");
        assert_eq!(
            Options::parse("outputs=mypy").expect("valid").mypy,
            MypyOptions::default()
        );
        assert_eq!(
            Options::parse("outputs=mypy_grpc,only_sync,only_async"),
            Err(ParameterError::SyncAndAsync)
        );
        assert_refused!("outputs=pyi+mypy", ParameterError::PyiAndMypy(_));
        assert_refused!(
            "outputs=mypy,readable_stubs=yes",
            ParameterError::BadFlag(..)
        );
        assert_refused!(
            "outputs=mypy,mypy_protobuf_version=4.0.0",
            ParameterError::BadVersion(..)
        );
        assert_error_mentions("readable_stubs", &["`readable_stubs`", "neither mypy"]);
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
        assert_error_mentions(
            "root=x",
            &[
                "`root=x`",
                "valid keys: prefix, outputs, protoc_version, grpc_version, package_files, \
                     mypy_protobuf_version, readable_stubs",
            ],
        );
        assert_error_mentions(
            "prefix=ameide_core_proto",
            &["`prefix=ameide_core_proto`", "missing `:`"],
        );
        assert_error_mentions(
            "prefix=a:x,prefix=a/:y",
            &["`prefix=a/:y`", "already mapped to `x`"],
        );
        assert_refused!("outputs=py+js", ParameterError::BadOutputs(_));
        assert_refused!("grpc_version=1.x", ParameterError::BadVersion(..));
        assert_refused!("prefix=a:import.x", ParameterError::BadPrefix(..));
        assert_refused!("prefix=../a:x", ParameterError::BadPrefix(..));
        assert_refused!("outputs=py,outputs=pyi", ParameterError::Repeated(..));
        assert_refused!("flag", ParameterError::NotKeyValue(_));
    }
}
