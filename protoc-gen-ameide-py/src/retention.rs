//! Which option fields are source-retention, and the canonical form of `*Options` messages.
//!
//! protoc's `StripSourceRetentionOptions` round-trips every options message through a `DynamicMessage` that
//! knows the custom options: fields with `retention = RETENTION_SOURCE` are cleared at every depth (also inside
//! message-typed option values, which stay present even when emptied), and every message is re-serialised in
//! field-number order. buf strips only top-level source-retention options, writes extensions before known
//! fields, and keeps source-retention fields inside option values (e.g. `features.enforce_naming_style`). This
//! module reproduces protoc's result from either input, using the option types found in the request itself.

use std::collections::HashMap;

use prost_types::{DescriptorProto, FieldDescriptorProto};

use crate::request::Request;
use crate::wire::{self, Value, WireError};

/// The `*Options` message types, by the descriptor field that holds them.
pub mod types {
    pub const FILE: &str = ".google.protobuf.FileOptions";
    pub const MESSAGE: &str = ".google.protobuf.MessageOptions";
    pub const FIELD: &str = ".google.protobuf.FieldOptions";
    pub const ONEOF: &str = ".google.protobuf.OneofOptions";
    pub const ENUM: &str = ".google.protobuf.EnumOptions";
    pub const ENUM_VALUE: &str = ".google.protobuf.EnumValueOptions";
    pub const SERVICE: &str = ".google.protobuf.ServiceOptions";
    pub const METHOD: &str = ".google.protobuf.MethodOptions";
    pub const EXTENSION_RANGE: &str = ".google.protobuf.ExtensionRangeOptions";
    pub const FEATURE_SET: &str = ".google.protobuf.FeatureSet";
}

/// What canonicalisation needs to know of one field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct FieldSchema {
    source_retention: bool,
    /// The full name of the field's message type, for message and group fields.
    message_type: Option<String>,
}

/// Option-relevant schema of every message and extension in a request (plus descriptor.proto's own option
/// fields, which a request lacks when no file imports descriptor.proto).
#[derive(Debug, Default)]
pub struct OptionSchema {
    fields: HashMap<(String, u32), FieldSchema>,
}

// FieldDescriptorProto / DescriptorProto / FileDescriptorProto field numbers.
const FILE_MESSAGE_TYPE: u32 = 4;
const FILE_EXTENSION: u32 = 7;
const MESSAGE_FIELD: u32 = 2;
const MESSAGE_NESTED_TYPE: u32 = 3;
const MESSAGE_EXTENSION: u32 = 6;
const FIELD_NUMBER: u32 = 3;
const FIELD_TYPE: u32 = 5;
const FIELD_TYPE_NAME: u32 = 6;
const FIELD_EXTENDEE: u32 = 2;
const FIELD_OPTIONS: u32 = 8;
const FIELD_OPTIONS_RETENTION: u32 = 17;
const RETENTION_SOURCE: u64 = 2;
const TYPE_GROUP: u64 = 10;
const TYPE_MESSAGE: u64 = 11;

impl OptionSchema {
    /// Indexes the fields of the option messages and of every message an option value can hold (reached
    /// through message-typed fields and extensions, from the `*Options` types), from the raw descriptor bytes
    /// (prost-types' `FieldOptions` has no `retention`). Where two extensions claim one number, the later
    /// file's wins.
    pub fn from_request(request: &Request) -> Result<OptionSchema, WireError> {
        let mut schema = OptionSchema::default();
        schema.add_builtins();
        let mut extensions: HashMap<String, Vec<&[u8]>> = HashMap::new();
        for file in &request.files {
            if has_extensions(&file.proto.extension, &file.proto.message_type) {
                collect_extensions(&file.raw, &mut extensions)?;
            }
        }
        let mut todo: Vec<String> = [
            types::FILE,
            types::MESSAGE,
            types::FIELD,
            types::ONEOF,
            types::ENUM,
            types::ENUM_VALUE,
            types::SERVICE,
            types::METHOD,
            types::EXTENSION_RANGE,
            types::FEATURE_SET,
        ]
        .map(String::from)
        .to_vec();
        let mut seen = std::collections::HashSet::new();
        while let Some(message_type) = todo.pop() {
            if !seen.insert(message_type.clone()) {
                continue;
            }
            let fields = match request.message_bytes(&message_type) {
                Some(message) => wire::bytes_fields(message?, MESSAGE_FIELD)?,
                None => Vec::new(),
            };
            let extending = extensions.get(&message_type).map_or(&[][..], Vec::as_slice);
            for field in fields.iter().chain(extending) {
                if let Some(number) = field_number(field)? {
                    let field_schema = field_schema(field)?;
                    todo.extend(field_schema.message_type.clone());
                    schema
                        .fields
                        .insert((message_type.clone(), number), field_schema);
                }
            }
        }
        Ok(schema)
    }

    /// descriptor.proto's message-typed and source-retention option fields (protoc 35.1).
    fn add_builtins(&mut self) {
        let features = |container: &str, number| {
            (
                (container.to_string(), number),
                FieldSchema {
                    source_retention: false,
                    message_type: Some(types::FEATURE_SET.into()),
                },
            )
        };
        let source = |container: &str, number| {
            (
                (container.to_string(), number),
                FieldSchema {
                    source_retention: true,
                    message_type: None,
                },
            )
        };
        self.fields.extend([
            features(types::FILE, 50),
            features(types::MESSAGE, 12),
            features(types::FIELD, 21),
            features(types::ONEOF, 1),
            features(types::ENUM, 7),
            features(types::ENUM_VALUE, 2),
            features(types::SERVICE, 34),
            features(types::METHOD, 35),
            features(types::EXTENSION_RANGE, 50),
            source(types::EXTENSION_RANGE, 2), // declaration
            source(types::EXTENSION_RANGE, 3), // verification
            source(types::FEATURE_SET, 7),     // enforce_naming_style
            source(types::FEATURE_SET, 8),     // default_symbol_visibility
        ]);
    }

    fn field(&self, message_type: &str, number: u32) -> Option<&FieldSchema> {
        self.fields.get(&(message_type.to_string(), number))
    }

    /// protoc's form of an options message of type `options_type`, or `None` when nothing is left of it (the
    /// options field is then dropped, as protoc drops emptied options).
    pub fn canonical_options(
        &self,
        options_type: &str,
        options: &[u8],
    ) -> Result<Option<Vec<u8>>, WireError> {
        let canonical = self.canonical_message(options_type, options, 0)?;
        Ok(if canonical.is_empty() && !options.is_empty() {
            None
        } else {
            Some(canonical)
        })
    }

    /// Drops source-retention fields (recursing into known message-typed fields, which stay present even when
    /// emptied) and stably sorts the records by field number. Option values nested deeper than
    /// [`wire::MAX_DEPTH`] are an error (prost decodes them opaquely, so nothing bounded them before).
    fn canonical_message(
        &self,
        message_type: &str,
        bytes: &[u8],
        depth: usize,
    ) -> Result<Vec<u8>, WireError> {
        if depth > wire::MAX_DEPTH {
            return Err(WireError::TooDeep(wire::MAX_DEPTH));
        }
        let mut kept: Vec<(u32, Vec<u8>)> = Vec::new();
        for record in wire::records(bytes) {
            let record = record?;
            let schema = self.field(message_type, record.field);
            match (schema, record.value) {
                (Some(s), _) if s.source_retention => {}
                (
                    Some(FieldSchema {
                        message_type: Some(nested_type),
                        ..
                    }),
                    Value::Bytes(payload),
                ) => {
                    let mut rebuilt = Vec::with_capacity(record.raw.len());
                    wire::write_bytes_field(
                        record.field,
                        &self.canonical_message(nested_type, payload, depth + 1)?,
                        &mut rebuilt,
                    );
                    kept.push((record.field, rebuilt));
                }
                _ => kept.push((record.field, record.raw.to_vec())),
            }
        }
        kept.sort_by_key(|(field, _)| *field);
        Ok(kept.into_iter().flat_map(|(_, raw)| raw).collect())
    }
}

/// Whether a file declares any extension, at any depth.
fn has_extensions(extensions: &[FieldDescriptorProto], messages: &[DescriptorProto]) -> bool {
    !extensions.is_empty()
        || messages
            .iter()
            .any(|m| has_extensions(&m.extension, &m.nested_type))
}

/// The extensions of a file by extendee, in the order the request's messages are walked: each message's own
/// extensions before its nested messages', all messages' before the file-level ones.
fn collect_extensions<'a>(
    file: &'a [u8],
    out: &mut HashMap<String, Vec<&'a [u8]>>,
) -> Result<(), WireError> {
    fn message<'a>(
        message_bytes: &'a [u8],
        out: &mut HashMap<String, Vec<&'a [u8]>>,
    ) -> Result<(), WireError> {
        add(wire::bytes_fields(message_bytes, MESSAGE_EXTENSION)?, out)?;
        for nested in wire::bytes_fields(message_bytes, MESSAGE_NESTED_TYPE)? {
            message(nested, out)?;
        }
        Ok(())
    }
    fn add<'a>(
        extensions: Vec<&'a [u8]>,
        out: &mut HashMap<String, Vec<&'a [u8]>>,
    ) -> Result<(), WireError> {
        for extension in extensions {
            let extendee = wire::last_bytes_field(extension, FIELD_EXTENDEE)?.unwrap_or_default();
            out.entry(String::from_utf8_lossy(extendee).into_owned())
                .or_default()
                .push(extension);
        }
        Ok(())
    }
    for message_bytes in wire::bytes_fields(file, FILE_MESSAGE_TYPE)? {
        message(message_bytes, out)?;
    }
    add(wire::bytes_fields(file, FILE_EXTENSION)?, out)
}

fn field_number(field: &[u8]) -> Result<Option<u32>, WireError> {
    Ok(wire::last_varint_field(field, FIELD_NUMBER)?.and_then(|n| u32::try_from(n).ok()))
}

fn field_schema(field: &[u8]) -> Result<FieldSchema, WireError> {
    let field_type = wire::last_varint_field(field, FIELD_TYPE)?;
    let message_type = match field_type {
        Some(TYPE_MESSAGE | TYPE_GROUP) => wire::last_bytes_field(field, FIELD_TYPE_NAME)?
            .map(|n| String::from_utf8_lossy(n).into_owned()),
        _ => None,
    };
    let source_retention = match wire::last_bytes_field(field, FIELD_OPTIONS)? {
        Some(options) => {
            wire::last_varint_field(options, FIELD_OPTIONS_RETENTION)? == Some(RETENTION_SOURCE)
        }
        None => false,
    };
    Ok(FieldSchema {
        source_retention,
        message_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_options_sort_stably_by_field_number() {
        let schema = OptionSchema::default();
        // buf order: extension 50000 first, then idempotency_level (34).
        let buf_order = [0xe8, 0xc7, 0x18, 0x01, 0x90, 0x02, 0x01];
        assert_eq!(
            schema
                .canonical_options(types::METHOD, &buf_order)
                .expect("valid"),
            Some(vec![0x90, 0x02, 0x01, 0xe8, 0xc7, 0x18, 0x01])
        );
        // repeated values of one field keep their order around others
        let repeated = [0x10, 0x02, 0x08, 0x01, 0x10, 0x03];
        assert_eq!(
            schema
                .canonical_options(types::FIELD, &repeated)
                .expect("valid"),
            Some(vec![0x08, 0x01, 0x10, 0x02, 0x10, 0x03])
        );
    }

    #[test]
    fn source_retention_features_are_stripped_and_the_feature_set_stays_present() {
        let mut schema = OptionSchema::default();
        schema.add_builtins();
        // FieldOptions { features (21) { enforce_naming_style (7): STYLE_LEGACY } }
        let buf_bytes = [0xaa, 0x01, 0x02, 0x38, 0x02];
        assert_eq!(
            schema
                .canonical_options(types::FIELD, &buf_bytes)
                .expect("valid"),
            Some(vec![0xaa, 0x01, 0x00])
        );
    }

    #[test]
    fn options_left_empty_are_dropped() {
        let mut schema = OptionSchema::default();
        schema.fields.insert(
            (types::FIELD.into(), 53102),
            FieldSchema {
                source_retention: true,
                message_type: None,
            },
        );
        let only_source = [0xf2, 0xf6, 0x19, 0x01, b'x'];
        assert_eq!(
            schema
                .canonical_options(types::FIELD, &only_source)
                .expect("valid"),
            None
        );
        assert_eq!(
            schema.canonical_options(types::FIELD, &[]).expect("valid"),
            Some(vec![])
        );
    }
}
