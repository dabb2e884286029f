//! The resolved target: which releases one generation imitates, and where the protoc release came from.

use super::{
    GencodeVersion, GrpcFormat, GrpcVersion, MypyFormat, MypyProtobufVersion, ProtocVersion,
    PyFormat, PyiFormat, VersionError, DEFAULT_GRPC, DEFAULT_MYPY_PROTOBUF, DEFAULT_PROTOC,
};

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
