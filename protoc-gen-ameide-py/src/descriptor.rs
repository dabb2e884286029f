//! The serialized `FileDescriptorProto` protoc embeds in `_pb2.py`, rebuilt at wire level from the request's
//! raw `proto_file` bytes:
//!
//! * `source_code_info` is dropped;
//! * `json_name` is kept only where the .proto spelled it (it differs from the default, or source info has a
//!   location for it);
//! * every `*Options` message is put in protoc's canonical form ([`crate::retention`]): source-retention fields
//!   stripped at every depth, records sorted by field number (buf writes extensions first and keeps
//!   source-retention fields inside option values);
//! * float/double `default_value` text is re-rendered as protoc's `SimpleFtoa`/`SimpleDtoa` (buf uses Go's).
//!
//! Everything else is copied verbatim; only length prefixes of rewritten sub-messages are re-encoded. On
//! protoc's own requests all of this but the first two steps is a no-op.

use std::collections::HashSet;

use proto_compiler::pool::names::to_json_name;

use crate::floatfmt;
use crate::retention::{types, OptionSchema};
use crate::wire::{self, Edit, WireError};

// FileDescriptorProto
const FILE_MESSAGE_TYPE: u32 = 4;
const FILE_ENUM_TYPE: u32 = 5;
const FILE_SERVICE: u32 = 6;
const FILE_EXTENSION: u32 = 7;
const FILE_OPTIONS: u32 = 8;
pub(crate) const FILE_SOURCE_CODE_INFO: u32 = 9;
// DescriptorProto
const MESSAGE_FIELD: u32 = 2;
const MESSAGE_NESTED_TYPE: u32 = 3;
const MESSAGE_ENUM_TYPE: u32 = 4;
const MESSAGE_EXTENSION_RANGE: u32 = 5;
const MESSAGE_EXTENSION: u32 = 6;
const MESSAGE_OPTIONS: u32 = 7;
const MESSAGE_ONEOF_DECL: u32 = 8;
// FieldDescriptorProto
const FIELD_NAME: u32 = 1;
const FIELD_TYPE: u32 = 5;
const FIELD_DEFAULT_VALUE: u32 = 7;
const FIELD_OPTIONS: u32 = 8;
const FIELD_JSON_NAME: u32 = 10;
const TYPE_DOUBLE: u64 = 1;
const TYPE_FLOAT: u64 = 2;
// Options fields of the other descriptor messages.
const EXTENSION_RANGE_OPTIONS: u32 = 3;
const ONEOF_OPTIONS: u32 = 2;
const ENUM_VALUE: u32 = 2;
const ENUM_OPTIONS: u32 = 3;
const ENUM_VALUE_OPTIONS: u32 = 3;
const SERVICE_METHOD: u32 = 2;
const SERVICE_OPTIONS: u32 = 3;
pub(crate) const METHOD_OPTIONS: u32 = 4;

/// The bytes protoc's Python generator embeds for this `proto_file` entry.
pub fn embedded_descriptor(raw_file: &[u8], schema: &OptionSchema) -> Result<Vec<u8>, WireError> {
    let embedder = Embedder {
        explicit_json_names: explicit_json_name_paths(raw_file)?,
        schema,
    };
    rewrite_elements(raw_file, &embedder)
}

/// Paths of `json_name` locations in `source_code_info`: present iff the .proto spelled `json_name = ...`.
fn explicit_json_name_paths(raw_file: &[u8]) -> Result<HashSet<Vec<u64>>, WireError> {
    let mut paths = HashSet::new();
    let Some(source_info) = wire::last_bytes_field(raw_file, FILE_SOURCE_CODE_INFO)? else {
        return Ok(paths);
    };
    // Files carry tens of thousands of locations; decode each path into one reused buffer and keep only the
    // few that end in `json_name`.
    let mut path = Vec::new();
    for location in wire::records(source_info) {
        let location = location?;
        let Some(location) = location.bytes().filter(|_| location.field == 1) else {
            continue;
        };
        path.clear();
        for record in wire::records(location) {
            let record = record?;
            if record.field == 1 {
                wire::extend_varints(record.value, &mut path)?;
            }
        }
        if path.last() == Some(&u64::from(FIELD_JSON_NAME)) {
            paths.insert(path.clone());
        }
    }
    Ok(paths)
}

struct Embedder<'a> {
    explicit_json_names: HashSet<Vec<u64>>,
    schema: &'a OptionSchema,
}

fn with(path: &[u64], field: u32, index: usize) -> Vec<u64> {
    path.iter()
        .copied()
        .chain([u64::from(field), index as u64])
        .collect()
}

/// What [`rewrite_elements`] does at the elements of a file descriptor (for the embedded descriptor: canonical
/// options, json_name, float defaults).
pub trait ElementRewrite {
    /// The edit of one `*Options` record; `options_type` is its full name (`.google.protobuf.FieldOptions`).
    fn options(&self, options_type: &str, payload: &[u8]) -> Result<Edit, WireError>;

    /// The edit of a record of the file itself that the walk does not descend into (`source_code_info`...).
    fn file_record(&self, _field: u32, _payload: &[u8]) -> Result<Edit, WireError> {
        Ok(Edit::Keep)
    }

    /// A field or extension, its options already rewritten; `path` is its source-info path.
    fn field(&self, raw: Vec<u8>, _path: &[u64]) -> Result<Vec<u8>, WireError> {
        Ok(raw)
    }

    /// A method, its options already rewritten; `path` is its source-info path (`[6, service, 2, method]`).
    fn method(&self, raw: Vec<u8>, _path: &[u64]) -> Result<Vec<u8>, WireError> {
        Ok(raw)
    }
}

/// Rewrites a file's raw descriptor element by element through `hooks`: the options of the file, of every
/// message (at any depth), field, extension, oneof, extension range, enum, enum value, service and method.
/// Everything else is copied verbatim; only length prefixes of rewritten sub-messages are re-encoded.
pub fn rewrite_elements(raw: &[u8], hooks: &impl ElementRewrite) -> Result<Vec<u8>, WireError> {
    let walk = Walk { hooks };
    wire::rewrite(raw, |field, i, payload| {
        let path = [u64::from(field), i as u64];
        Ok(match field {
            FILE_MESSAGE_TYPE => Edit::Replace(walk.message(payload, &path)?),
            FILE_ENUM_TYPE => Edit::Replace(walk.enumeration(payload)?),
            FILE_SERVICE => Edit::Replace(walk.service(payload, &path)?),
            FILE_EXTENSION => Edit::Replace(walk.field(payload, &path)?),
            FILE_OPTIONS => hooks.options(types::FILE, payload)?,
            _ => hooks.file_record(field, payload)?,
        })
    })
}

struct Walk<'a, H> {
    hooks: &'a H,
}

impl<H: ElementRewrite> Walk<'_, H> {
    /// Rewrites only the options record (`options_field`) of a descriptor message.
    fn options_only(
        &self,
        payload: &[u8],
        options_field: u32,
        options_type: &str,
    ) -> Result<Vec<u8>, WireError> {
        wire::rewrite_field(payload, options_field, |options| {
            self.hooks.options(options_type, options)
        })
    }

    fn message(&self, raw: &[u8], path: &[u64]) -> Result<Vec<u8>, WireError> {
        wire::rewrite(raw, |field, i, payload| {
            Ok(match field {
                MESSAGE_FIELD | MESSAGE_EXTENSION => {
                    Edit::Replace(self.field(payload, &with(path, field, i))?)
                }
                MESSAGE_NESTED_TYPE => Edit::Replace(self.message(payload, &with(path, field, i))?),
                MESSAGE_ENUM_TYPE => Edit::Replace(self.enumeration(payload)?),
                MESSAGE_EXTENSION_RANGE => Edit::Replace(self.options_only(
                    payload,
                    EXTENSION_RANGE_OPTIONS,
                    types::EXTENSION_RANGE,
                )?),
                MESSAGE_OPTIONS => self.hooks.options(types::MESSAGE, payload)?,
                MESSAGE_ONEOF_DECL => {
                    Edit::Replace(self.options_only(payload, ONEOF_OPTIONS, types::ONEOF)?)
                }
                _ => Edit::Keep,
            })
        })
    }

    fn enumeration(&self, raw: &[u8]) -> Result<Vec<u8>, WireError> {
        wire::rewrite(raw, |field, _, payload| match field {
            ENUM_OPTIONS => self.hooks.options(types::ENUM, payload),
            ENUM_VALUE => Ok(Edit::Replace(self.options_only(
                payload,
                ENUM_VALUE_OPTIONS,
                types::ENUM_VALUE,
            )?)),
            _ => Ok(Edit::Keep),
        })
    }

    fn service(&self, raw: &[u8], path: &[u64]) -> Result<Vec<u8>, WireError> {
        wire::rewrite(raw, |field, i, payload| match field {
            SERVICE_OPTIONS => self.hooks.options(types::SERVICE, payload),
            SERVICE_METHOD => {
                let method = self.options_only(payload, METHOD_OPTIONS, types::METHOD)?;
                Ok(Edit::Replace(
                    self.hooks.method(method, &with(path, field, i))?,
                ))
            }
            _ => Ok(Edit::Keep),
        })
    }

    fn field(&self, raw: &[u8], path: &[u64]) -> Result<Vec<u8>, WireError> {
        let field = self.options_only(raw, FIELD_OPTIONS, types::FIELD)?;
        self.hooks.field(field, path)
    }
}

impl ElementRewrite for Embedder<'_> {
    /// The canonical options record, or a drop when nothing of it is left.
    fn options(&self, options_type: &str, payload: &[u8]) -> Result<Edit, WireError> {
        Ok(
            match self.schema.canonical_options(options_type, payload)? {
                Some(canonical) => Edit::Replace(canonical),
                None => Edit::Drop,
            },
        )
    }

    fn file_record(&self, field: u32, _payload: &[u8]) -> Result<Edit, WireError> {
        Ok(if field == FILE_SOURCE_CODE_INFO {
            Edit::Drop
        } else {
            Edit::Keep
        })
    }

    /// json_name only where the .proto spelled it; float/double defaults as protoc prints them.
    fn field(&self, raw: Vec<u8>, path: &[u64]) -> Result<Vec<u8>, WireError> {
        let name = wire::last_bytes_field(&raw, FIELD_NAME)?.unwrap_or_default();
        let field_type = wire::last_varint_field(&raw, FIELD_TYPE)?;
        let json_name_path: Vec<u64> = path
            .iter()
            .copied()
            .chain([u64::from(FIELD_JSON_NAME)])
            .collect();
        wire::rewrite(&raw, |field, _, payload| {
            Ok(match field {
                FIELD_JSON_NAME => {
                    let default = to_json_name(&String::from_utf8_lossy(name));
                    let spelled = self.explicit_json_names.contains(&json_name_path);
                    if payload != default.as_bytes() || spelled {
                        Edit::Keep
                    } else {
                        Edit::Drop
                    }
                }
                FIELD_DEFAULT_VALUE if matches!(field_type, Some(TYPE_DOUBLE | TYPE_FLOAT)) => {
                    match std::str::from_utf8(payload)
                        .ok()
                        .and_then(floatfmt::parse_default)
                    {
                        Some(value) if field_type == Some(TYPE_FLOAT) => {
                            Edit::Replace(floatfmt::simple_ftoa(value as f32).into_bytes())
                        }
                        Some(value) => Edit::Replace(floatfmt::simple_dtoa(value).into_bytes()),
                        None => Edit::Keep,
                    }
                }
                _ => Edit::Keep,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_name_default() {
        assert_eq!(to_json_name("legal_name"), "legalName");
        assert_eq!(to_json_name("a__b_"), "aB");
        assert_eq!(to_json_name("_x"), "X");
    }
}
