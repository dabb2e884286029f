//! protoc's `StripSourceRetentionOptions` (compiler/retention.cc), as `CreateCodeGeneratorRequest` applies it
//! to the `proto_file` entries of the files to generate.
//!
//! protoc serializes the whole `FileDescriptorProto`, parses it as a `DynamicMessage` of the pool's own
//! `google.protobuf.FileDescriptorProto` (so custom options become known fields: merged, packed when packed,
//! written in number order), clears every field whose `retention` is `RETENTION_SOURCE` at any depth (an
//! `*Options` message emptied by that is cleared too), serializes that and parses it back into the compiled-in
//! `FileDescriptorProto`. When the pool has no descriptor.proto, only the compiled-in types strip, and unknown
//! fields stay as they are.
//!
//! The source info (field 9) holds no options; it is carried as opaque bytes, from which the locations under
//! a stripped path are deleted (`StripSourceCodeInfo`).

use crate::options::dynamic::{DynMessage, FieldSchema, Kind, Schema, Val};
use crate::options::{GeneratedPool, PoolSchema};
use crate::pool::{MsgId, Pool, TypeRef};
use crate::wire;

const FILE_DESCRIPTOR_PROTO: &str = "google.protobuf.FileDescriptorProto";
const SOURCE_CODE_INFO: u32 = 9;
const RETENTION: u32 = 17;
const RETENTION_SOURCE: u64 = 2;

/// A pool's schema, with `FileDescriptorProto.source_code_info` read as opaque bytes.
struct OpaqueSourceInfo<'a> {
    inner: PoolSchema<'a>,
    file_descriptor_proto: u32,
}

impl Schema for OpaqueSourceInfo<'_> {
    type Type = u32;

    fn field(&self, message: u32, number: u32) -> Option<FieldSchema<u32>> {
        if message == self.file_descriptor_proto && number == SOURCE_CODE_INFO {
            return Some(FieldSchema {
                kind: Kind::Bytes,
                repeated: false,
                packed: false,
                target: None,
            });
        }
        self.inner.field(message, number)
    }

    fn enum_has_value(&self, enum_type: u32, value: i32) -> bool {
        self.inner.enum_has_value(enum_type, value)
    }
}

/// Parses `bytes` as the pool's `FileDescriptorProto` and re-serializes it (after `edit`); `None` when the
/// pool has no such message or the bytes do not parse.
fn round_trip(
    pool: &Pool,
    bytes: &[u8],
    edit: impl FnOnce(&Pool, &mut DynMessage, MsgId),
) -> Option<Vec<u8>> {
    let root = pool.find_message(FILE_DESCRIPTOR_PROTO)?;
    let schema = OpaqueSourceInfo {
        inner: PoolSchema { pool },
        file_descriptor_proto: root.0,
    };
    let mut message = DynMessage::default();
    message.merge_from(bytes, &schema, root.0).ok()?;
    edit(pool, &mut message, root);
    Some(message.to_bytes())
}

/// Strips a parsed `FileDescriptorProto` and the locations of what was stripped from its source info.
fn strip_file(pool: &Pool, file: &mut DynMessage, ty: MsgId) {
    let mut stripped = Vec::new();
    strip_message(pool, file, ty, &mut Vec::new(), &mut stripped);
    if stripped.is_empty() {
        return;
    }
    if let Some(known) = file.known.get_mut(&SOURCE_CODE_INFO) {
        for value in &mut known.values {
            if let Val::Bytes(info) = value {
                *info = strip_source_code_info(info, &stripped);
            }
        }
    }
}

/// The `proto_file` form of a file to generate: its full descriptor (`CopyTo` + source info + json names)
/// with source-retention options stripped, as protoc writes it into a `CodeGeneratorRequest`.
pub fn strip_source_retention(
    pool: &Pool,
    generated: &GeneratedPool,
    descriptor: &[u8],
) -> Vec<u8> {
    if pool.find_message(FILE_DESCRIPTOR_PROTO).is_some() {
        if let Some(dynamic) = round_trip(pool, descriptor, strip_file) {
            if let Some(back) = round_trip(&generated.pool, &dynamic, |_, _, _| {}) {
                return back;
            }
        }
    }
    round_trip(&generated.pool, descriptor, strip_file).unwrap_or_else(|| descriptor.to_vec())
}

/// retention.cc's `IsOptionsProto`: a message of descriptor.proto whose name ends in `Options`.
fn is_options_proto(pool: &Pool, message: MsgId) -> bool {
    let m = pool.message(message);
    pool.file(m.file).name == "google/protobuf/descriptor.proto" && m.full_name.ends_with("Options")
}

/// retention.cc's `StripMessage`: `path` is the path of `message`, `stripped` collects the paths cleared.
fn strip_message(
    pool: &Pool,
    message: &mut DynMessage,
    ty: MsgId,
    path: &mut Vec<i32>,
    stripped: &mut Vec<Vec<i32>>,
) {
    let numbers: Vec<u32> = message.known.keys().copied().collect();
    for number in numbers {
        let Some(field) = pool
            .find_field_by_number(ty, number as i32)
            .or_else(|| pool.extensions.get(&(ty, number as i32)).copied())
        else {
            continue;
        };
        path.push(number as i32);
        let f = pool.field(field);
        if f.options.msg.get_varint(RETENTION) == Some(RETENTION_SOURCE) {
            message.known.remove(&number);
            stripped.push(path.clone());
        } else if let (TypeRef::Message(target), Some(known)) =
            (f.type_ref, message.known.get_mut(&number))
        {
            if f.label == crate::ir::Label::Repeated {
                for (i, value) in known.values.iter_mut().enumerate() {
                    if let Val::Message(child) | Val::Group(child) = value {
                        path.push(i as i32);
                        strip_message(pool, child, target, path, stripped);
                        path.pop();
                    }
                }
            } else if let Some(Val::Message(child) | Val::Group(child)) = known.values.last_mut() {
                let was_nonempty_options = is_options_proto(pool, target) && !child.is_empty();
                strip_message(pool, child, target, path, stripped);
                if was_nonempty_options && child.is_empty() {
                    message.known.remove(&number);
                    stripped.push(path.clone());
                }
            }
        }
        path.pop();
    }
}

/// `StripSourceCodeInfo`: the `SourceCodeInfo` without the locations whose path starts with a stripped path.
fn strip_source_code_info(info: &[u8], stripped: &[Vec<i32>]) -> Vec<u8> {
    const LOCATION: u32 = 1;
    const PATH: u32 = 1;
    let mut out = Vec::with_capacity(info.len());
    for record in wire::records(info) {
        let Ok(record) = record else {
            return info.to_vec();
        };
        if record.field == LOCATION {
            let mut path = Vec::new();
            for inner in wire::records(record.bytes().unwrap_or_default()).flatten() {
                if inner.field == PATH {
                    let _ = wire::extend_varints(inner.value, &mut path);
                }
            }
            let path: Vec<i32> = path.into_iter().map(|v| v as i32).collect();
            if stripped.iter().any(|s| path.starts_with(s)) {
                continue;
            }
        }
        out.extend_from_slice(record.raw);
    }
    out
}
