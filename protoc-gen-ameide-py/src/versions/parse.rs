//! Reading versions: the `*_version=` parameters, protoc's `compiler_version`, and the errors naming what
//! is supported.

use thiserror::Error;

use super::{
    mypy_protobuf, protoc, GrpcVersion, MypyProtobufVersion, ProtocVersion, GRPC_MINORS,
    GRPC_UNPUBLISHED_MINORS, MYPY_PROTOBUF_RELEASES, PROTOC_RELEASES,
};

impl ProtocVersion {
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
