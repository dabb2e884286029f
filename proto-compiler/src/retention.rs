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
//!
//! When the pool's descriptor.proto is the one protoc has compiled in, the round trip changes nothing but the
//! `*Options` messages (the `CopyTo` bytes are already in that schema's canonical form, and only options carry
//! custom fields or source-retention ones), so only those are round-tripped, in place ([`strip_options`]).

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
/// `compiled_in_schema`: the pool's descriptor.proto is the text protoc has compiled in.
pub fn strip_source_retention(
    pool: &Pool,
    generated: &GeneratedPool,
    descriptor: &[u8],
    compiled_in_schema: bool,
) -> Vec<u8> {
    if compiled_in_schema {
        if let Some(stripped) = strip_options(pool, generated, descriptor) {
            return stripped;
        }
    }
    if pool.find_message(FILE_DESCRIPTOR_PROTO).is_some() {
        if let Some(dynamic) = round_trip(pool, descriptor, strip_file) {
            if let Some(back) = round_trip(&generated.pool, &dynamic, |_, _, _| {}) {
                return back;
            }
        }
    }
    round_trip(&generated.pool, descriptor, strip_file).unwrap_or_else(|| descriptor.to_vec())
}

/// The descriptor messages that hold options: where each nested descriptor is (field number → its kind) and
/// the number of its options field, with that options message's name.
#[derive(Clone, Copy)]
enum Element {
    File,
    Message,
    Field,
    Oneof,
    ExtensionRange,
    Enum,
    EnumValue,
    Service,
    Method,
}

impl Element {
    fn children(self) -> &'static [(u32, Element)] {
        match self {
            Element::File => &[
                (4, Element::Message),
                (5, Element::Enum),
                (6, Element::Service),
                (7, Element::Field),
            ],
            Element::Message => &[
                (2, Element::Field),
                (3, Element::Message),
                (4, Element::Enum),
                (5, Element::ExtensionRange),
                (6, Element::Field),
                (8, Element::Oneof),
            ],
            Element::Enum => &[(2, Element::EnumValue)],
            Element::Service => &[(2, Element::Method)],
            _ => &[],
        }
    }

    fn options(self) -> (u32, &'static str) {
        match self {
            Element::File => (8, "google.protobuf.FileOptions"),
            Element::Message => (7, "google.protobuf.MessageOptions"),
            Element::Field => (8, "google.protobuf.FieldOptions"),
            Element::Oneof => (2, "google.protobuf.OneofOptions"),
            Element::ExtensionRange => (3, "google.protobuf.ExtensionRangeOptions"),
            Element::Enum => (3, "google.protobuf.EnumOptions"),
            Element::EnumValue => (3, "google.protobuf.EnumValueOptions"),
            Element::Service => (3, "google.protobuf.ServiceOptions"),
            Element::Method => (4, "google.protobuf.MethodOptions"),
        }
    }
}

/// The whole-file round trip of [`strip_source_retention`] applied to the `*Options` messages only (what it
/// amounts to when the pool's descriptor.proto is the compiled-in one); `None` if an options message does not
/// parse (the whole-file path then decides).
fn strip_options(pool: &Pool, generated: &GeneratedPool, descriptor: &[u8]) -> Option<Vec<u8>> {
    let mut stripped = Vec::new();
    let mut path = Vec::new();
    let mut out = strip_element(
        pool,
        generated,
        Element::File,
        descriptor,
        &mut path,
        &mut stripped,
    )?;
    if !stripped.is_empty() {
        out = wire::rewrite_field(&out, SOURCE_CODE_INFO, |info| {
            Ok(wire::Edit::Replace(strip_source_code_info(info, &stripped)))
        })
        .ok()?;
    }
    Some(out)
}

/// One descriptor message with its options and those of its nested descriptors round-tripped.
fn strip_element(
    pool: &Pool,
    generated: &GeneratedPool,
    element: Element,
    bytes: &[u8],
    path: &mut Vec<i32>,
    stripped: &mut Vec<Vec<i32>>,
) -> Option<Vec<u8>> {
    let (options_field, options_type) = element.options();
    let mut failed = false;
    let out = wire::rewrite(bytes, |field, index, payload| {
        if failed {
            return Ok(wire::Edit::Keep);
        }
        let edit = if field == options_field {
            path.push(field as i32);
            let edit =
                strip_options_message(pool, generated, options_type, payload, path, stripped);
            path.pop();
            edit
        } else if let Some(&(_, child)) = element.children().iter().find(|(f, _)| *f == field) {
            path.extend([field as i32, index as i32]);
            let edit = strip_element(pool, generated, child, payload, path, stripped)
                .map(wire::Edit::Replace);
            path.truncate(path.len() - 2);
            edit
        } else {
            Some(wire::Edit::Keep)
        };
        Ok(edit.unwrap_or_else(|| {
            failed = true;
            wire::Edit::Keep
        }))
    })
    .ok()?;
    (!failed).then_some(out)
}

/// An options message through the pool's type (stripped) and then the compiled-in one; dropped when stripping
/// emptied it.
fn strip_options_message(
    pool: &Pool,
    generated: &GeneratedPool,
    options_type: &str,
    payload: &[u8],
    path: &mut Vec<i32>,
    stripped: &mut Vec<Vec<i32>>,
) -> Option<wire::Edit> {
    let ty = pool.find_message(options_type)?;
    let mut message = DynMessage::default();
    message
        .merge_from(payload, &PoolSchema { pool }, ty.0)
        .ok()?;
    let was_nonempty = !message.is_empty();
    strip_message(pool, &mut message, ty, path, stripped);
    if was_nonempty && message.is_empty() {
        stripped.push(path.clone());
        return Some(wire::Edit::Drop);
    }
    let generated_ty = generated.pool.find_message(options_type)?;
    let mut back = DynMessage::default();
    back.merge_from(
        &message.to_bytes(),
        &PoolSchema {
            pool: &generated.pool,
        },
        generated_ty.0,
    )
    .ok()?;
    Some(wire::Edit::Replace(back.to_bytes()))
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::options::GeneratedPool;
    use crate::CompileOptions;

    fn protos(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                protos(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "proto") {
                let relative = path.strip_prefix(root).expect("below root");
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    /// The options-only strip gives the bytes of the whole-file round trip on every tree of the repository
    /// (custom options, retention, editions features, extension declarations, MessageSet).
    #[test]
    fn options_only_strip_equals_the_whole_file_round_trip() {
        let trees = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
        let mut roots: Vec<PathBuf> = vec![trees.join("corpus"), trees.join("corpus-extra")];
        for entry in std::fs::read_dir(trees.join("corpus-real")).expect("corpus-real") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                roots.push(path);
            }
        }
        let generated = GeneratedPool::get();
        let mut fast_paths = 0;
        for root in roots {
            let mut files = Vec::new();
            protos(&root, &root, &mut files);
            files.sort();
            let options = CompileOptions {
                include_paths: vec![root.clone()],
                ..CompileOptions::default()
            };
            let linked = match crate::pool::loader::link(&files, &options) {
                Ok(linked) => linked,
                Err(failed) => panic!("{}: {:?}", root.display(), failed.diagnostics),
            };
            if !linked.compiled_in_schema {
                continue;
            }
            for file in &linked.files {
                let whole =
                    super::strip_source_retention(&linked.pool, generated, &file.descriptor, false);
                let options_only = super::strip_options(&linked.pool, generated, &file.descriptor)
                    .expect("parses");
                assert!(whole == options_only, "{}: {}", root.display(), file.name);
                fast_paths += 1;
            }
        }
        assert!(fast_paths > 200);
    }
}
