//! Option interpretation (`DescriptorBuilder::OptionInterpreter`): uninterpreted options → the options
//! messages protoc writes, and the source paths `UpdateSourceCodeInfo` rewrites.
//!
//! * [`dynamic`]: a message as protoc's C++ objects keep it (known fields in number order, unknown raw).
//! * [`interpret`]: option names → fields, the "already set" check, the two passes.
//! * [`value`]: `SetOptionValue` (scalar values, enum values, range checks).
//! * [`aggregate`]: `{ ... }` values, through the text format parser of [`crate::textformat`].
//!
//! protoc interprets options into unknown fields and re-parses them with the options messages compiled
//! into protoc ([`GeneratedPool`]: the bundled descriptor.proto of 35.1 and the feature extensions protoc
//! links): fields it knows become real fields written in number order; custom options stay unknown fields,
//! in the order they were interpreted.

pub mod aggregate;
pub mod dynamic;
pub mod interpret;
pub mod value;

use std::sync::OnceLock;

use crate::ir::{FieldType, Label};
use crate::pool::{FieldId, MsgId, Pool, TypeRef};
use dynamic::{FieldSchema, Kind, Schema};

/// An options message (or any message value) as protoc holds it.
pub type OptionsMsg = dynamic::DynMessage;

/// The descriptors compiled into protoc: what option messages protoc knows without any import.
pub struct GeneratedPool {
    pub pool: Pool,
}

/// The files protoc 35.1 (grpcio-tools) has compiled in, whose extensions it knows when it re-parses options.
const GENERATED_FILES: &[&str] = &[
    "google/protobuf/descriptor.proto",
    "google/protobuf/cpp_features.proto",
];

impl GeneratedPool {
    /// The compiled-in pool, built once per process from the bundled sources.
    pub fn get() -> &'static GeneratedPool {
        static POOL: OnceLock<GeneratedPool> = OnceLock::new();
        POOL.get_or_init(|| GeneratedPool {
            pool: crate::pool::loader::build_bootstrap(GENERATED_FILES),
        })
    }
}

/// The kind of wire encoding of a field type.
pub fn kind_of(field_type: FieldType) -> Kind {
    match field_type {
        FieldType::Double | FieldType::Fixed64 | FieldType::Sfixed64 => Kind::Fixed64,
        FieldType::Float | FieldType::Fixed32 | FieldType::Sfixed32 => Kind::Fixed32,
        FieldType::String | FieldType::Bytes => Kind::Bytes,
        FieldType::Message => Kind::Message,
        FieldType::Group => Kind::Group,
        FieldType::Enum => Kind::Enum,
        _ => Kind::Varint,
    }
}

/// Whether a field type can be packed (`is_packable`: repeated scalars other than strings and messages).
pub fn is_packable_type(field_type: FieldType) -> bool {
    !matches!(
        field_type,
        FieldType::String | FieldType::Bytes | FieldType::Message | FieldType::Group
    )
}

/// The schema a pool gives: its message fields and the extensions registered for each message.
pub struct PoolSchema<'a> {
    pub pool: &'a Pool,
}

impl PoolSchema<'_> {
    fn field_schema(&self, field: FieldId) -> Option<FieldSchema<u32>> {
        let f = self.pool.field(field);
        let field_type = f.effective_type()?;
        let repeated = f.label == Label::Repeated;
        let packed = field_is_packed(self.pool, field);
        let target = match f.type_ref {
            TypeRef::Message(m) => Some(m.0),
            TypeRef::Enum(e) => Some(e.0),
            TypeRef::None => None,
        };
        let mut kind = kind_of(field_type);
        if kind == Kind::Enum && !self.pool.enum_is_closed(crate::pool::EnumId(target?)) {
            kind = Kind::Varint;
        }
        Some(FieldSchema {
            kind,
            repeated,
            packed,
            target,
        })
    }
}

/// Whether a repeated field is written packed: a packable type with the resolved repeated field encoding
/// `PACKED` (which `[packed = ...]` sets in proto2/proto3).
pub fn field_is_packed(pool: &Pool, field: FieldId) -> bool {
    let f = pool.field(field);
    f.label == Label::Repeated
        && f.effective_type().is_some_and(is_packable_type)
        && f.options.features.packed()
}

impl Schema for PoolSchema<'_> {
    type Type = u32;

    fn field(&self, message: u32, number: u32) -> Option<FieldSchema<u32>> {
        let message = MsgId(message);
        let field = self
            .pool
            .find_field_by_number(message, number as i32)
            .or_else(|| self.pool.extensions.get(&(message, number as i32)).copied())?;
        self.field_schema(field)
    }

    fn enum_has_value(&self, enum_type: u32, value: i32) -> bool {
        self.pool
            .find_value_by_number(crate::pool::EnumId(enum_type), value)
            .is_some()
    }
}
