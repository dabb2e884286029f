//! Which protoc and grpcio-tools release the output imitates, and what that changes in the generated text.
//!
//! The generated files depend on three independent versions (see docs/versions.md and docs/typed-stubs.md): `_pb2.py` and `_pb2.pyi` on the protoc release,
//! `_pb2_grpc.py` on the grpcio-tools release, the typed stubs (`outputs=mypy`, `mypy_grpc`) on the mypy-protobuf
//! release. Every format difference inside the supported range is a small local switch, and this module is the
//! ONE place that knows at which release each switch flips: [`PROTOC_CHANGES`], [`GRPC_CHANGES`] and
//! [`MYPY_PROTOBUF_CHANGES`]. The generators read only the derived [`PyFormat`], [`PyiFormat`], [`GrpcFormat`]
//! and [`MypyFormat`] (through [`Target`]), never a version number.

use std::fmt;

use thiserror::Error;

// ---- versions ------------------------------------------------------------------------------------------------

/// A protoc release as protoc names itself: `33.0` is protoc v33.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProtocVersion {
    pub major: u32,
    pub minor: u32,
}

/// A grpcio-tools release, e.g. `1.85.1`. Its `_pb2_grpc.py` output depends on `major.minor` only; the full
/// version is stamped as `GRPC_GENERATED_VERSION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GrpcVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// The protobuf Python "gencode" version a protoc release stamps (`# Protobuf Python Version:` and
/// `ValidateProtobufRuntimeVersion`); generated code refuses protobuf runtimes older than this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GencodeVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// A mypy-protobuf release, e.g. `5.1.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MypyProtobufVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

const fn protoc(major: u32, minor: u32) -> ProtocVersion {
    ProtocVersion { major, minor }
}

const fn grpc(minor: u32) -> GrpcVersion {
    GrpcVersion {
        major: 1,
        minor,
        patch: 0,
    }
}

/// The default protoc release (the one grpcio-tools 1.85.1 bundles).
pub const DEFAULT_PROTOC: ProtocVersion = protoc(35, 1);

/// The default grpcio-tools release.
pub const DEFAULT_GRPC: GrpcVersion = GrpcVersion {
    major: 1,
    minor: 85,
    patch: 1,
};

/// The default mypy-protobuf release.
pub const DEFAULT_MYPY_PROTOBUF: MypyProtobufVersion = mypy_protobuf(5, 1, 0);

const fn mypy_protobuf(major: u32, minor: u32, patch: u32) -> MypyProtobufVersion {
    MypyProtobufVersion {
        major,
        minor,
        patch,
    }
}

/// The supported mypy-protobuf releases (every release since the 5.0 import style; 3.x and 4.0 print fully
/// qualified names with another import block, so they are another generator, not a switch of this one).
pub const MYPY_PROTOBUF_RELEASES: &[MypyProtobufVersion] =
    &[mypy_protobuf(5, 0, 0), mypy_protobuf(5, 1, 0)];

/// The supported protoc release lines: `(major, last release measured, gencode major)`. Every release
/// `major.0 ..= major.last` was measured against that release's own output; the gencode major is protobuf's Python major of that
/// line (26–29 → 5, 30–33 → 6, 34–36 → 7).
pub const PROTOC_RELEASES: &[(u32, u32, u32)] = &[
    (27, 5, 5),
    (28, 3, 5),
    (29, 6, 5),
    (30, 2, 6),
    (31, 1, 6),
    (32, 1, 6),
    (33, 6, 6),
    (34, 2, 7),
    (35, 1, 7),
    (36, 2, 7),
];

/// The supported grpcio-tools minors of `1.x` (1.77 and 1.79 were never published). Any patch is accepted: the
/// output depends on the minor only, and the whole version is stamped.
pub const GRPC_MINORS: std::ops::RangeInclusive<u32> = 66..=85;
const GRPC_UNPUBLISHED_MINORS: &[u32] = &[77, 79];

// ---- the table -----------------------------------------------------------------------------------------------

/// A switch of the `_pb2.pyi` format (the `.pyi` epochs of docs/versions.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PyiChange {
    /// `Iterable`/`Mapping` come from `collections.abc` instead of `typing`.
    CollectionsAbc,
    /// `__init__`'s first parameter becomes `self_` (more `_` while taken) when a field is named `self`; before,
    /// a FIRST field named `self` was printed as parameter `self_`.
    SelfUnderscore,
    /// Timestamp/Duration `__init__` parameters also accept `datetime.datetime` / `datetime.timedelta`.
    DatetimeUnions,
    /// `import datetime` heads the stubs that use those unions (31.0 forgot it: protobuf#21823).
    ImportDatetime,
    /// Singular `bool` `__init__` parameters are `_Optional[bool]` too (protobuf#20372).
    OptionalBool,
    /// Every message has `__slots__ = ()` (33.0–33.2 only, withdrawn in 33.3).
    EmptySlots,
}

/// A switch of the `_pb2_grpc.py` format (the gRPC epochs of docs/versions.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrpcChange {
    /// The "but the generated code in" line of the version check loses its needless `f` prefix.
    PlainString,
    /// `class X:` instead of `class X(object):`.
    NoObjectBase,
}

/// A switch of the mypy-protobuf stubs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MypyChange {
    /// Every message declares `HasField`, `ClearField` and `WhichOneof`, typed `Never` where nothing is
    /// accepted (before, messages without such fields declared none of them).
    NeverArguments,
    /// `option deprecated = true` on a file deprecates all its messages, enums, fields, services and methods.
    FileDeprecation,
}

/// What changes in the mypy-protobuf stubs at which release: `(since, change)`.
pub const MYPY_PROTOBUF_CHANGES: &[(MypyProtobufVersion, MypyChange)] = &[
    (mypy_protobuf(5, 1, 0), MypyChange::NeverArguments),
    (mypy_protobuf(5, 1, 0), MypyChange::FileDeprecation),
];

/// What changes in `_pb2.py`/`_pb2.pyi` at which protoc release: `(since, until (exclusive), change)`.
///
/// Inside the supported range (27.0–36.2) the `_pb2.py` text changes only in its gencode version (from
/// [`PROTOC_RELEASES`]): the runtime check (27.0) and `_loaded_options` (26.0) predate it.
pub const PROTOC_CHANGES: &[(ProtocVersion, Option<ProtocVersion>, PyiChange)] = &[
    (protoc(30, 0), None, PyiChange::CollectionsAbc),
    (protoc(30, 0), None, PyiChange::SelfUnderscore),
    (protoc(31, 0), None, PyiChange::DatetimeUnions),
    (protoc(31, 1), None, PyiChange::ImportDatetime),
    (protoc(32, 0), None, PyiChange::OptionalBool),
    (protoc(33, 0), Some(protoc(33, 3)), PyiChange::EmptySlots),
];

/// What changes in `_pb2_grpc.py` at which grpcio-tools minor: `(since, change)`. Inside the supported range
/// (1.66–1.85) the version check always raises `RuntimeError` and methods are registered.
pub const GRPC_CHANGES: &[(GrpcVersion, GrpcChange)] = &[
    (grpc(76), GrpcChange::PlainString),
    (grpc(81), GrpcChange::NoObjectBase),
];

/// The first protoc release that compiles each edition (`Edition` enum value, name, since).
pub const EDITIONS: &[(u64, &str, ProtocVersion)] =
    &[(1000, "2023", protoc(27, 0)), (1001, "2024", protoc(32, 0))];

// ---- derived formats -----------------------------------------------------------------------------------------

/// The `_pb2.py` format of a protoc release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PyFormat {
    pub gencode: GencodeVersion,
}

/// The `_pb2.pyi` format of a protoc release: one flag per [`PyiChange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PyiFormat {
    pub collections_abc: bool,
    pub self_underscore: bool,
    pub datetime_unions: bool,
    pub import_datetime: bool,
    pub optional_bool: bool,
    pub empty_slots: bool,
}

/// The `_pb2_grpc.py` format of a grpcio-tools release: one flag per [`GrpcChange`], and the stamped version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrpcFormat {
    pub version: GrpcVersion,
    pub plain_string: bool,
    pub no_object_base: bool,
}

/// The stub format of a mypy-protobuf release: one flag per [`MypyChange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MypyFormat {
    pub version: MypyProtobufVersion,
    pub never_arguments: bool,
    pub file_deprecation: bool,
}

impl MypyProtobufVersion {
    /// The stub format: every [`MYPY_PROTOBUF_CHANGES`] row at or below this release.
    pub fn format(self) -> MypyFormat {
        let mut format = MypyFormat {
            version: self,
            ..MypyFormat::default()
        };
        for &(since, change) in MYPY_PROTOBUF_CHANGES {
            if since <= self {
                match change {
                    MypyChange::NeverArguments => format.never_arguments = true,
                    MypyChange::FileDeprecation => format.file_deprecation = true,
                }
            }
        }
        format
    }
}

impl Default for MypyProtobufVersion {
    fn default() -> Self {
        DEFAULT_MYPY_PROTOBUF
    }
}

impl PyiFormat {
    fn set(&mut self, change: PyiChange) {
        let flag = match change {
            PyiChange::CollectionsAbc => &mut self.collections_abc,
            PyiChange::SelfUnderscore => &mut self.self_underscore,
            PyiChange::DatetimeUnions => &mut self.datetime_unions,
            PyiChange::ImportDatetime => &mut self.import_datetime,
            PyiChange::OptionalBool => &mut self.optional_bool,
            PyiChange::EmptySlots => &mut self.empty_slots,
        };
        *flag = true;
    }
}

impl ProtocVersion {
    /// The release line's row of [`PROTOC_RELEASES`], if this release is supported.
    fn release_line(self) -> Option<&'static (u32, u32, u32)> {
        PROTOC_RELEASES
            .iter()
            .find(|(major, last, _)| *major == self.major && self.minor <= *last)
    }

    pub fn is_supported(self) -> bool {
        self.release_line().is_some()
    }

    /// The gencode version this release stamps, e.g. 33.0 → 6.33.0. `None` outside [`PROTOC_RELEASES`].
    pub fn gencode(self) -> Option<GencodeVersion> {
        self.release_line()
            .map(|&(_, _, gencode_major)| GencodeVersion {
                major: gencode_major,
                minor: self.major,
                patch: self.minor,
            })
    }

    /// The `.pyi` format: every [`PROTOC_CHANGES`] row whose range holds this release.
    pub fn pyi_format(self) -> PyiFormat {
        let mut format = PyiFormat::default();
        for &(since, until, change) in PROTOC_CHANGES {
            if since <= self && until.is_none_or(|until| self < until) {
                format.set(change);
            }
        }
        format
    }

    /// Whether this release compiles files of `edition` (an `Edition` enum value); editions the table does not
    /// name (proto2/proto3 are not editions here) are left to protoc.
    pub fn compiles_edition(self, edition: u64) -> Result<(), (&'static str, ProtocVersion)> {
        match EDITIONS.iter().find(|(value, _, _)| *value == edition) {
            Some(&(_, name, since)) if self < since => Err((name, since)),
            _ => Ok(()),
        }
    }

    /// The release whose `CodeGeneratorRequest.compiler_version` is `(major, minor, patch, suffix)`: protoc
    /// sends its C++ version, which is the gencode version (protoc 33.0 sends 6.33.0).
    pub fn from_compiler_version(
        major: i32,
        minor: i32,
        patch: i32,
        suffix: &str,
    ) -> Result<ProtocVersion, VersionError> {
        let unsupported =
            || VersionError::UnsupportedCompiler(format_compiler(major, minor, patch, suffix));
        let (Ok(major), Ok(minor), Ok(patch)) = (
            u32::try_from(major),
            u32::try_from(minor),
            u32::try_from(patch),
        ) else {
            return Err(unsupported());
        };
        let version = protoc(minor, patch);
        match version.gencode() {
            Some(gencode) if gencode.major == major && suffix.is_empty() => Ok(version),
            _ => Err(unsupported()),
        }
    }
}

fn format_compiler(major: i32, minor: i32, patch: i32, suffix: &str) -> String {
    let mut s = format!("{major}.{minor}.{patch}");
    if !suffix.is_empty() {
        s.push('-');
        s.push_str(suffix.trim_start_matches('-'));
    }
    s
}

impl GrpcVersion {
    pub fn is_supported(self) -> bool {
        self.major == 1
            && GRPC_MINORS.contains(&self.minor)
            && !GRPC_UNPUBLISHED_MINORS.contains(&self.minor)
    }

    /// The `_pb2_grpc.py` format: every [`GRPC_CHANGES`] row at or below this release's minor.
    pub fn format(self) -> GrpcFormat {
        let mut format = GrpcFormat {
            version: self,
            plain_string: false,
            no_object_base: false,
        };
        let line = grpc(self.minor);
        for &(since, change) in GRPC_CHANGES {
            if self.major == since.major && since <= line {
                match change {
                    GrpcChange::PlainString => format.plain_string = true,
                    GrpcChange::NoObjectBase => format.no_object_base = true,
                }
            }
        }
        format
    }
}

impl fmt::Display for ProtocVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl fmt::Display for GrpcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl fmt::Display for MypyProtobufVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl fmt::Display for GencodeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// `N` or `N.M…` made of ASCII digits only (no sign, no empty component).
fn numbers<const N: usize>(s: &str) -> Option<[u32; N]> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != N
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut out = [0u32; N];
    for (slot, part) in out.iter_mut().zip(parts) {
        *slot = part.parse().ok()?;
    }
    Some(out)
}

impl std::str::FromStr for ProtocVersion {
    type Err = VersionError;

    /// `MAJOR.MINOR` of a supported protoc release.
    fn from_str(s: &str) -> Result<Self, VersionError> {
        let [major, minor] = numbers::<2>(s).ok_or_else(|| VersionError::ProtocSyntax(s.into()))?;
        let version = protoc(major, minor);
        if version.is_supported() {
            Ok(version)
        } else {
            Err(VersionError::UnsupportedProtoc(s.into()))
        }
    }
}

impl std::str::FromStr for GrpcVersion {
    type Err = VersionError;

    /// `MAJOR.MINOR.PATCH` of a supported grpcio-tools release.
    fn from_str(s: &str) -> Result<Self, VersionError> {
        let [major, minor, patch] =
            numbers::<3>(s).ok_or_else(|| VersionError::GrpcSyntax(s.into()))?;
        let version = GrpcVersion {
            major,
            minor,
            patch,
        };
        if version.is_supported() {
            Ok(version)
        } else {
            Err(VersionError::UnsupportedGrpc(s.into()))
        }
    }
}

impl std::str::FromStr for MypyProtobufVersion {
    type Err = VersionError;

    /// `MAJOR.MINOR.PATCH` of a supported mypy-protobuf release.
    fn from_str(s: &str) -> Result<Self, VersionError> {
        let [major, minor, patch] =
            numbers::<3>(s).ok_or_else(|| VersionError::MypyProtobufSyntax(s.into()))?;
        let version = mypy_protobuf(major, minor, patch);
        if MYPY_PROTOBUF_RELEASES.contains(&version) {
            Ok(version)
        } else {
            Err(VersionError::UnsupportedMypyProtobuf(s.into()))
        }
    }
}

fn supported_mypy_protobuf_releases() -> String {
    MYPY_PROTOBUF_RELEASES
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The supported protoc releases, for messages: `27.0–27.5, 28.0–28.3, …`.
pub fn supported_protoc_releases() -> String {
    PROTOC_RELEASES
        .iter()
        .map(|(major, last, _)| format!("{major}.0–{major}.{last}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn supported_grpc_releases() -> String {
    format!(
        "1.{}.x–1.{}.x (1.{} and 1.{} were never released)",
        GRPC_MINORS.start(),
        GRPC_MINORS.end(),
        GRPC_UNPUBLISHED_MINORS[0],
        GRPC_UNPUBLISHED_MINORS[1]
    )
}

/// A version the plugin cannot imitate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VersionError {
    #[error("`{0}` is not a protoc release: expected MAJOR.MINOR, e.g. protoc_version=33.0")]
    ProtocSyntax(String),
    #[error("protoc {0} is not supported: supported releases are {releases}", releases = supported_protoc_releases())]
    UnsupportedProtoc(String),
    #[error(
        "`{0}` is not a grpcio-tools release: expected MAJOR.MINOR.PATCH, e.g. grpc_version=1.85.1"
    )]
    GrpcSyntax(String),
    #[error("grpcio-tools {0} is not supported: supported releases are {releases}", releases = supported_grpc_releases())]
    UnsupportedGrpc(String),
    #[error(
        "`{0}` is not a mypy-protobuf release: expected MAJOR.MINOR.PATCH, e.g. mypy_protobuf_version=5.1.0"
    )]
    MypyProtobufSyntax(String),
    #[error(
        "mypy-protobuf {0} is not supported: supported releases are {releases} (3.x and 4.0 write another \
         import style)",
        releases = supported_mypy_protobuf_releases()
    )]
    UnsupportedMypyProtobuf(String),
    #[error(
        "the request comes from protoc {0} (CodeGeneratorRequest.compiler_version), whose Python output this \
         plugin does not imitate: pass protoc_version=<MAJOR.MINOR> to choose one of the supported releases \
         ({releases})",
        releases = supported_protoc_releases()
    )]
    UnsupportedCompiler(String),
}

// ---- the resolved target -------------------------------------------------------------------------------------

/// Where the protoc release came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocSource {
    /// The `protoc_version=` parameter.
    Parameter,
    /// The request's `compiler_version` (the plugin runs under protoc).
    Compiler,
    /// Neither (buf sends no `compiler_version`): [`DEFAULT_PROTOC`].
    Default,
}

/// The releases one generation imitates, with their formats: what the generators consult.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub protoc: ProtocVersion,
    pub protoc_source: ProtocSource,
    pub py: PyFormat,
    pub pyi: PyiFormat,
    pub grpc: GrpcFormat,
    pub mypy: MypyFormat,
}

impl Target {
    /// The target for an explicit or implied protoc release: the `protoc_version=` parameter if given, else the
    /// request's `compiler_version` if protoc sent one, else the default 35.1.
    pub fn resolve(
        parameter: Option<ProtocVersion>,
        compiler_version: Option<(i32, i32, i32, &str)>,
        grpc: GrpcVersion,
        mypy_protobuf: MypyProtobufVersion,
    ) -> Result<Target, VersionError> {
        let (protoc, protoc_source) = match (parameter, compiler_version) {
            (Some(version), _) => (version, ProtocSource::Parameter),
            (None, Some((major, minor, patch, suffix))) => (
                ProtocVersion::from_compiler_version(major, minor, patch, suffix)?,
                ProtocSource::Compiler,
            ),
            (None, None) => (DEFAULT_PROTOC, ProtocSource::Default),
        };
        let gencode = protoc
            .gencode()
            .ok_or_else(|| VersionError::UnsupportedProtoc(protoc.to_string()))?;
        Ok(Target {
            protoc,
            protoc_source,
            py: PyFormat { gencode },
            pyi: protoc.pyi_format(),
            grpc: grpc.format(),
            mypy: mypy_protobuf.format(),
        })
    }
}

impl Default for Target {
    /// protoc 35.1 + grpcio-tools 1.85.1.
    fn default() -> Self {
        Target {
            protoc: DEFAULT_PROTOC,
            protoc_source: ProtocSource::Default,
            py: PyFormat {
                gencode: GencodeVersion {
                    major: 7,
                    minor: 35,
                    patch: 1,
                },
            },
            pyi: DEFAULT_PROTOC.pyi_format(),
            grpc: DEFAULT_GRPC.format(),
            mypy: DEFAULT_MYPY_PROTOBUF.format(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ProtocVersion {
        s.parse().expect("supported protoc")
    }

    fn g(s: &str) -> GrpcVersion {
        s.parse().expect("supported grpc")
    }

    fn gencode(s: &str) -> String {
        p(s).gencode().expect("gencode").to_string()
    }

    #[test]
    fn gencode_major_per_release_line() {
        // protobuf's Python major per protoc line: 26–29 → 5, 30–33 → 6, 34–36 → 7; minor.patch are protoc's own.
        assert_eq!(gencode("27.0"), "5.27.0");
        assert_eq!(gencode("27.2"), "5.27.2");
        assert_eq!(gencode("28.1"), "5.28.1");
        assert_eq!(gencode("29.6"), "5.29.6");
        assert_eq!(gencode("30.0"), "6.30.0");
        assert_eq!(gencode("31.1"), "6.31.1");
        assert_eq!(gencode("32.1"), "6.32.1");
        assert_eq!(gencode("33.0"), "6.33.0");
        assert_eq!(gencode("33.5"), "6.33.5");
        assert_eq!(gencode("34.0"), "7.34.0");
        assert_eq!(gencode("35.1"), "7.35.1");
        assert_eq!(gencode("36.2"), "7.36.2");
    }

    #[test]
    fn default_target_is_the_reference() {
        let t = Target::default();
        assert_eq!(t.py.gencode.to_string(), "7.35.1");
        assert_eq!(t.pyi, p("35.1").pyi_format());
        assert_eq!(t.grpc, g("1.85.1").format());
        assert_eq!(
            Target::resolve(None, None, DEFAULT_GRPC, DEFAULT_MYPY_PROTOBUF),
            Ok(t)
        );
    }

    #[test]
    fn pyi_epochs() {
        let a = PyiFormat::default();
        let b = PyiFormat {
            collections_abc: true,
            self_underscore: true,
            ..a
        };
        let c = PyiFormat {
            datetime_unions: true,
            ..b
        };
        let d = PyiFormat {
            import_datetime: true,
            ..c
        };
        let e = PyiFormat {
            optional_bool: true,
            ..d
        };
        let f = PyiFormat {
            empty_slots: true,
            ..e
        };
        for (versions, epoch) in [
            (&["27.0", "27.5", "28.3", "29.0", "29.6"][..], a),
            (&["30.0", "30.1", "30.2"], b),
            (&["31.0"], c),
            (&["31.1"], d),
            (
                &[
                    "32.0", "32.1", "33.3", "33.4", "33.6", "34.0", "35.1", "36.2",
                ],
                e,
            ),
            (&["33.0", "33.1", "33.2"], f),
        ] {
            for v in versions {
                assert_eq!(p(v).pyi_format(), epoch, "protoc {v}");
            }
        }
    }

    #[test]
    fn grpc_epochs() {
        for (versions, plain_string, no_object_base) in [
            (&["1.66.0", "1.66.2", "1.71.2", "1.75.1"][..], false, false),
            (&["1.76.0", "1.78.2", "1.80.1"], true, false),
            (&["1.81.0", "1.81.1", "1.82.3", "1.85.1"], true, true),
        ] {
            for v in versions {
                let format = g(v).format();
                assert_eq!(
                    (format.plain_string, format.no_object_base),
                    (plain_string, no_object_base),
                    "grpcio-tools {v}"
                );
                assert_eq!(format.version.to_string(), *v);
            }
        }
    }

    #[test]
    fn supported_ranges() {
        for bad in [
            "26.1", "27.6", "32.2", "33.7", "36.3", "37.0", "25.1", "3.21",
        ] {
            assert_eq!(
                bad.parse::<ProtocVersion>(),
                Err(VersionError::UnsupportedProtoc(bad.into())),
                "{bad}"
            );
        }
        for bad in ["33", "33.0.0", "v33.0", "33.", ".0", "33.x", "+33.0", ""] {
            assert_eq!(
                bad.parse::<ProtocVersion>(),
                Err(VersionError::ProtocSyntax(bad.into())),
                "{bad}"
            );
        }
        for bad in ["1.65.5", "1.77.0", "1.79.0", "1.86.0", "2.66.0", "1.62.3"] {
            assert_eq!(
                bad.parse::<GrpcVersion>(),
                Err(VersionError::UnsupportedGrpc(bad.into())),
                "{bad}"
            );
        }
        for bad in ["1.85", "1.85.1.0", "1.x.0", "1.85.-1"] {
            assert_eq!(
                bad.parse::<GrpcVersion>(),
                Err(VersionError::GrpcSyntax(bad.into())),
                "{bad}"
            );
        }
        let message = VersionError::UnsupportedProtoc("26.1".into()).to_string();
        assert!(
            message.contains("27.0–27.5") && message.contains("36.0–36.2"),
            "{message}"
        );
    }

    #[test]
    fn mypy_protobuf_epochs() {
        let m = |s: &str| s.parse::<MypyProtobufVersion>();
        let old = m("5.0.0").expect("supported").format();
        assert!(!old.never_arguments && !old.file_deprecation);
        let new = m("5.1.0").expect("supported").format();
        assert!(new.never_arguments && new.file_deprecation);
        assert_eq!(new, DEFAULT_MYPY_PROTOBUF.format());
        assert_eq!(
            m("4.0.0"),
            Err(VersionError::UnsupportedMypyProtobuf("4.0.0".into()))
        );
        assert_eq!(
            m("5.1"),
            Err(VersionError::MypyProtobufSyntax("5.1".into()))
        );
        let message = VersionError::UnsupportedMypyProtobuf("3.6.0".into()).to_string();
        assert!(message.contains("5.0.0, 5.1.0"), "{message}");
    }

    #[test]
    fn editions_gate() {
        assert_eq!(p("27.0").compiles_edition(1000), Ok(()));
        assert_eq!(p("31.1").compiles_edition(1001), Err(("2024", p("32.0"))));
        assert_eq!(p("32.0").compiles_edition(1001), Ok(()));
        assert_eq!(p("29.0").compiles_edition(998), Ok(()));
    }

    #[test]
    fn compiler_version_maps_to_the_protoc_release() {
        assert_eq!(
            ProtocVersion::from_compiler_version(6, 33, 0, ""),
            Ok(p("33.0"))
        );
        assert_eq!(
            ProtocVersion::from_compiler_version(7, 35, 1, ""),
            Ok(p("35.1"))
        );
        assert_eq!(
            ProtocVersion::from_compiler_version(5, 27, 2, ""),
            Ok(p("27.2"))
        );
        for (major, minor, patch, suffix, shown) in [
            (4, 25, 1, "", "4.25.1"),
            (7, 37, 0, "", "7.37.0"),
            (6, 35, 1, "", "6.35.1"),
            (6, 33, 0, "rc1", "6.33.0-rc1"),
            (-1, 33, 0, "", "-1.33.0"),
        ] {
            assert_eq!(
                ProtocVersion::from_compiler_version(major, minor, patch, suffix),
                Err(VersionError::UnsupportedCompiler(shown.into()))
            );
        }
    }

    #[test]
    fn resolve_prefers_the_parameter_then_compiler_version_then_the_default() {
        let grpc = g("1.76.0");
        let from_param = Target::resolve(
            Some(p("31.0")),
            Some((7, 35, 1, "")),
            grpc,
            DEFAULT_MYPY_PROTOBUF,
        )
        .expect("parameter wins");
        assert_eq!(
            (from_param.protoc, from_param.protoc_source),
            (p("31.0"), ProtocSource::Parameter)
        );
        assert_eq!(from_param.py.gencode.to_string(), "6.31.0");
        assert!(from_param.grpc.plain_string && !from_param.grpc.no_object_base);
        let from_compiler =
            Target::resolve(None, Some((6, 33, 0, "")), grpc, DEFAULT_MYPY_PROTOBUF)
                .expect("compiler");
        assert_eq!(
            (from_compiler.protoc, from_compiler.protoc_source),
            (p("33.0"), ProtocSource::Compiler)
        );
        assert!(from_compiler.pyi.empty_slots);
        assert_eq!(
            Target::resolve(None, None, grpc, DEFAULT_MYPY_PROTOBUF)
                .map(|t| (t.protoc, t.protoc_source)),
            Ok((DEFAULT_PROTOC, ProtocSource::Default))
        );
        // A supported explicit release is not checked against the protoc that runs the plugin.
        assert!(Target::resolve(
            Some(p("27.0")),
            Some((4, 25, 1, "")),
            grpc,
            DEFAULT_MYPY_PROTOBUF
        )
        .is_ok());
        assert!(matches!(
            Target::resolve(None, Some((4, 25, 1, "")), grpc, DEFAULT_MYPY_PROTOBUF),
            Err(VersionError::UnsupportedCompiler(_))
        ));
    }

    #[test]
    fn table_rows_are_in_order_and_inside_the_supported_range() {
        let first = protoc(PROTOC_RELEASES[0].0, 0);
        for window in PROTOC_CHANGES.windows(2) {
            assert!(window[0].0 <= window[1].0);
        }
        for &(since, until, _) in PROTOC_CHANGES {
            assert!(since > first && since.is_supported(), "{since}");
            assert!(until.is_none_or(|u| u > since && u.is_supported()));
        }
        for &(since, _) in GRPC_CHANGES {
            assert!(GRPC_MINORS.contains(&since.minor));
        }
    }
}
