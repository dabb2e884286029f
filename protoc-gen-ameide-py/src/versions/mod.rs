//! Which protoc and grpcio-tools release the output imitates, and what that changes in the generated text.
//!
//! The generated files depend on three independent versions (see docs/versions.md and docs/typed-stubs.md): `_pb2.py` and `_pb2.pyi` on the protoc release,
//! `_pb2_grpc.py` on the grpcio-tools release, the typed stubs (`outputs=mypy`, `mypy_grpc`) on the mypy-protobuf
//! release. Every format difference inside the supported range is a small local switch, and this module is the
//! ONE place that knows at which release each switch flips: [`PROTOC_CHANGES`], [`GRPC_CHANGES`] and
//! [`MYPY_PROTOBUF_CHANGES`]. The generators read only the derived [`PyFormat`], [`PyiFormat`], [`GrpcFormat`]
//! and [`MypyFormat`] (through [`Target`]), never a version number.

mod parse;
mod table;
mod target;
#[cfg(test)]
mod tests;

use std::fmt;

pub use parse::{supported_protoc_releases, VersionError};
pub use table::{
    GrpcChange, GrpcFormat, MypyChange, MypyFormat, PyFormat, PyiChange, PyiFormat, EDITIONS,
    GRPC_CHANGES, MYPY_PROTOBUF_CHANGES, PROTOC_CHANGES,
};
pub use target::{ProtocSource, Target};

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
