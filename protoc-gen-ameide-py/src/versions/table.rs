//! The per-version tables: at which release each format switch flips, and the formats derived from them.

use super::{
    grpc, mypy_protobuf, protoc, GencodeVersion, GrpcVersion, MypyProtobufVersion, ProtocVersion,
    DEFAULT_MYPY_PROTOBUF, GRPC_MINORS, GRPC_UNPUBLISHED_MINORS, PROTOC_RELEASES,
};

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
