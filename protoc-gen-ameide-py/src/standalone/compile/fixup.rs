//! The protox-specific fix-ups that make its raw `FileDescriptorProto` bytes carry what protoc's do (everything
//! else protoc does differently — source-retention stripping, option record order, float/double default text,
//! json_name explicitness — the plugin already canonicalises, because buf differs there too):
//!
//! * **packedness of repeated scalar option values.** protox encodes option values with the file-syntax default
//!   instead of the field's explicit `[packed = ...]` (e.g. `google.api.field_behavior` is `[packed = false]` in
//!   a proto3 file: protoc writes one varint record per value, protox one packed record). Every options message
//!   is re-encoded at wire level with the real packedness of each field, recursively into message values.
//! * **empty method options.** For `rpc X(A) returns (B) {}` protoc records `options {}` (`"\x22\x00"`) and
//!   protox records nothing; the empty options are inserted when the method's source span ends in `}`.

use std::collections::HashMap;

use prost_reflect::{DescriptorPool, Kind, MessageDescriptor, Syntax};

use crate::descriptor::{rewrite_elements, ElementRewrite, FILE_SOURCE_CODE_INFO, METHOD_OPTIONS};
use crate::wire::{self, Edit, Value, WireError};

/// Applies both fix-ups to one file's raw bytes. `source` is the .proto text (for the method bodies).
pub fn fix_file(
    pool: &DescriptorPool,
    raw: &[u8],
    source: Option<&str>,
) -> Result<Vec<u8>, WireError> {
    let fixer = Fixer {
        pool,
        method_spans: method_spans(raw)?,
        source,
        cache: Default::default(),
    };
    rewrite_elements(raw, &fixer)
}

struct Fixer<'a> {
    pool: &'a DescriptorPool,
    /// `(service, method)` → span of the method in source info.
    method_spans: HashMap<(u64, u64), Vec<u64>>,
    source: Option<&'a str>,
    cache: std::cell::RefCell<HashMap<String, Option<MessageDescriptor>>>,
}

impl Fixer<'_> {
    fn options_descriptor(&self, name: &str) -> Option<MessageDescriptor> {
        self.cache
            .borrow_mut()
            .entry(name.to_string())
            .or_insert_with(|| self.pool.get_message_by_name(name))
            .clone()
    }
}

impl ElementRewrite for Fixer<'_> {
    /// Option values re-encoded with each field's real packedness.
    fn options(&self, options_type: &str, payload: &[u8]) -> Result<Edit, WireError> {
        match self.options_descriptor(options_type.trim_start_matches('.')) {
            Some(message) => {
                let fixed = repack(&message, payload)?;
                Ok(if fixed == payload {
                    Edit::Keep
                } else {
                    Edit::Replace(fixed)
                })
            }
            None => Ok(Edit::Keep),
        }
    }

    /// `options {}` for a method declared with a `{ ... }` body and no options.
    fn method(&self, fixed: Vec<u8>, path: &[u64]) -> Result<Vec<u8>, WireError> {
        let has_options = wire::records(&fixed).any(|r| r.is_ok_and(|r| r.field == METHOD_OPTIONS));
        let [_, service, _, method] = path[..] else {
            return Ok(fixed);
        };
        if has_options || !self.has_body(service, method) {
            return Ok(fixed);
        }
        // insert `options {}` in field-number order (after input/output types, before the streaming flags)
        let mut out = Vec::with_capacity(fixed.len() + 2);
        let mut inserted = false;
        for record in wire::records(&fixed) {
            let record = record?;
            if !inserted && record.field > METHOD_OPTIONS {
                out.extend_from_slice(&[0x22, 0x00]);
                inserted = true;
            }
            out.extend_from_slice(record.raw);
        }
        if !inserted {
            out.extend_from_slice(&[0x22, 0x00]);
        }
        Ok(out)
    }
}

impl Fixer<'_> {
    /// Whether the method's declaration ends with a `{ ... }` body rather than `;`.
    fn has_body(&self, service: u64, method: u64) -> bool {
        let (Some(source), Some(span)) = (self.source, self.method_spans.get(&(service, method)))
        else {
            return false;
        };
        let (line, end_col) = match span.as_slice() {
            [line, _, end_col] => (*line, *end_col),
            [_, _, end_line, end_col] => (*end_line, *end_col),
            _ => return false,
        };
        // protox spans count bytes from the line start
        let Some(line_text) = source.split('\n').nth(line as usize) else {
            return false;
        };
        end_col
            .checked_sub(1)
            .and_then(|i| line_text.as_bytes().get(i as usize))
            == Some(&b'}')
    }
}

/// `(service, method)` → span, from the file's source info.
fn method_spans(raw: &[u8]) -> Result<HashMap<(u64, u64), Vec<u64>>, WireError> {
    let mut spans = HashMap::new();
    let Some(info) = wire::last_bytes_field(raw, FILE_SOURCE_CODE_INFO)? else {
        return Ok(spans);
    };
    for location in wire::bytes_fields(info, 1)? {
        let mut path = Vec::new();
        let mut span = Vec::new();
        for record in wire::records(location) {
            let record = record?;
            match record.field {
                1 => wire::extend_varints(record.value, &mut path)?,
                2 => wire::extend_varints(record.value, &mut span)?,
                _ => {}
            }
        }
        if let [6, s, 2, m] = path[..] {
            spans.insert((s, m), span);
        }
    }
    Ok(spans)
}

/// How a scalar is encoded on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Varint,
    Fixed32,
    Fixed64,
}

fn scalar_encoding(kind: &Kind) -> Option<Scalar> {
    Some(match kind {
        Kind::Int32
        | Kind::Int64
        | Kind::Uint32
        | Kind::Uint64
        | Kind::Sint32
        | Kind::Sint64
        | Kind::Bool
        | Kind::Enum(_) => Scalar::Varint,
        Kind::Fixed32 | Kind::Sfixed32 | Kind::Float => Scalar::Fixed32,
        Kind::Fixed64 | Kind::Sfixed64 | Kind::Double => Scalar::Fixed64,
        Kind::String | Kind::Bytes | Kind::Message(_) => return None,
    })
}

/// What re-encoding needs to know of one field (regular or extension).
struct FieldInfo {
    list: bool,
    kind: Kind,
    group: bool,
    packed: bool,
}

fn field_info(message: &MessageDescriptor, number: u32) -> Option<FieldInfo> {
    // protoc: an explicit `packed` wins; otherwise proto3 packs repeated scalars and proto2 does not.
    let packed =
        |explicit: Option<bool>, syntax: Syntax| explicit.unwrap_or(syntax == Syntax::Proto3);
    if let Some(f) = message.get_field(number) {
        let explicit = f
            .field_descriptor_proto()
            .options
            .as_ref()
            .and_then(|o| o.packed);
        return Some(FieldInfo {
            list: f.is_list(),
            group: f.is_group(),
            packed: packed(explicit, f.parent_file().syntax()),
            kind: f.kind(),
        });
    }
    let e = message.get_extension(number)?;
    let explicit = e
        .field_descriptor_proto()
        .options
        .as_ref()
        .and_then(|o| o.packed);
    Some(FieldInfo {
        list: e.is_list(),
        group: e.is_group(),
        packed: packed(explicit, e.parent_file().syntax()),
        kind: e.kind(),
    })
}

/// Re-encodes a message of type `message`: repeated scalars with their real packedness (all values of a field
/// at the place of its first record), message values recursively; everything else verbatim.
pub fn repack(message: &MessageDescriptor, bytes: &[u8]) -> Result<Vec<u8>, WireError> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut done: Vec<u32> = Vec::new();
    let records: Vec<wire::Record> = wire::records(bytes).collect::<Result<_, _>>()?;
    for (i, record) in records.iter().enumerate() {
        let Some(info) = field_info(message, record.field) else {
            out.extend_from_slice(record.raw);
            continue;
        };
        if info.group {
            out.extend_from_slice(record.raw);
            continue;
        }
        if let (Kind::Message(nested), Value::Bytes(payload)) = (&info.kind, record.value) {
            wire::write_bytes_field(record.field, &repack(nested, payload)?, &mut out);
            continue;
        }
        let Some(encoding) = scalar_encoding(&info.kind).filter(|_| info.list) else {
            out.extend_from_slice(record.raw);
            continue;
        };
        if done.contains(&record.field) {
            continue;
        }
        done.push(record.field);
        let mut values: Vec<u8> = Vec::new(); // concatenated encoded values
        let mut count = 0usize;
        for r in records[i..].iter().filter(|r| r.field == record.field) {
            match r.value {
                Value::Bytes(packed) => {
                    let mut pos = 0;
                    while pos < packed.len() {
                        let next = match encoding {
                            Scalar::Varint => wire::read_varint(packed, pos)?.1,
                            Scalar::Fixed32 => pos + 4,
                            Scalar::Fixed64 => pos + 8,
                        };
                        if next > packed.len() {
                            return Err(WireError::Truncated {
                                offset: pos,
                                len: packed.len(),
                            });
                        }
                        values.extend_from_slice(&packed[pos..next]);
                        count += 1;
                        pos = next;
                    }
                }
                Value::Varint(v) => {
                    wire::write_varint(v, &mut values);
                    count += 1;
                }
                Value::Fixed32(b) | Value::Fixed64(b) => {
                    values.extend_from_slice(b);
                    count += 1;
                }
                Value::Group(_) => {}
            }
        }
        if info.packed {
            if count > 0 {
                wire::write_bytes_field(record.field, &values, &mut out);
            }
        } else {
            let wire_type = match encoding {
                Scalar::Varint => 0,
                Scalar::Fixed64 => 1,
                Scalar::Fixed32 => 5,
            };
            let mut pos = 0;
            while pos < values.len() {
                let next = match encoding {
                    Scalar::Varint => wire::read_varint(&values, pos)?.1,
                    Scalar::Fixed32 => pos + 4,
                    Scalar::Fixed64 => pos + 8,
                };
                wire::write_varint(u64::from(record.field) << 3 | wire_type, &mut out);
                out.extend_from_slice(&values[pos..next]);
                pos = next;
            }
        }
    }
    Ok(out)
}
