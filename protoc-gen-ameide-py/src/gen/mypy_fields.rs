//! Fields as mypy-protobuf sees them: what it reads from their options beyond prost's view (field presence,
//! the `(mypy_protobuf.options)` extensions), and the Python type it gives them (its `python_type`).

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::FieldDescriptorProto;

use super::mypy_stub::StubWriter;
use super::{FileContext, GenerateError};
use crate::wire::{self, Value, WireError};

/// `options` of a file or field descriptor.
const OPTIONS: u32 = 8;
/// `features` in FileOptions and in FieldOptions; `field_presence` in FeatureSet.
pub const FILE_FEATURES: u32 = 50;
const FIELD_FEATURES: u32 = 21;
const FEATURE_FIELD_PRESENCE: u32 = 1;
/// `FeatureSet.FieldPresence.IMPLICIT`.
pub const IMPLICIT_PRESENCE: u64 = 2;
/// `(mypy_protobuf.options)` and the legacy `(mypy_protobuf.casttype)`, `keytype`, `valuetype` (1151–1153).
const MYPY_OPTIONS: u32 = 1154;
const MYPY_LEGACY_CASTTYPE: u32 = 1151;

/// What mypy-protobuf reads from a field's options beyond prost's view.
#[derive(Debug, Default)]
pub struct RawOptions {
    pub presence: Option<u64>,
    pub casttype: String,
    pub keytype: String,
    pub valuetype: String,
}

/// A field with its raw options.
pub struct Field<'a> {
    pub proto: &'a FieldDescriptorProto,
    pub options: RawOptions,
}

impl<'a> Field<'a> {
    pub fn new(
        ctx: &FileContext,
        proto: &'a FieldDescriptorProto,
        raw: &[u8],
    ) -> Result<Self, GenerateError> {
        Ok(Field {
            proto,
            options: raw_options(ctx, raw, FIELD_FEATURES)?,
        })
    }

    pub fn name(&self) -> &'a str {
        self.proto.name()
    }

    pub fn repeated(&self) -> bool {
        self.proto.label() == Label::Repeated
    }

    pub fn deprecated(&self) -> bool {
        self.proto.options.as_ref().is_some_and(|o| o.deprecated())
    }
}

pub fn is_scalar(field: &FieldDescriptorProto) -> bool {
    !matches!(field.r#type(), Type::Message | Type::Group)
}

fn descriptor_error(ctx: &FileContext, source: WireError) -> GenerateError {
    GenerateError::Descriptor {
        file: ctx.name().to_string(),
        source,
    }
}

/// The raw records of a repeated message field, which must match prost's view of it.
pub fn children<'r>(
    ctx: &FileContext,
    raw: &'r [u8],
    field: u32,
    expected: usize,
) -> Result<Vec<&'r [u8]>, GenerateError> {
    let found = wire::bytes_fields(raw, field).map_err(|e| descriptor_error(ctx, e))?;
    if found.len() == expected {
        Ok(found)
    } else {
        Err(descriptor_error(
            ctx,
            WireError::MissingPath {
                field,
                index: found.len(),
            },
        ))
    }
}

/// Field presence (`features`, field number `features`) and the mypy-protobuf extensions from the `options`
/// (field 8 of a file or field descriptor), merged over repeated records as protobuf merges them.
pub fn raw_options(
    ctx: &FileContext,
    raw: &[u8],
    features: u32,
) -> Result<RawOptions, GenerateError> {
    let mut out = RawOptions::default();
    let mut legacy = RawOptions::default();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let read = |out: &mut RawOptions, legacy: &mut RawOptions| -> Result<(), WireError> {
        for options in wire::bytes_fields(raw, OPTIONS)? {
            for record in wire::records(options) {
                let record = record?;
                let Value::Bytes(bytes) = record.value else {
                    continue;
                };
                match record.field {
                    n if n == features => {
                        if let Some(p) = wire::last_varint_field(bytes, FEATURE_FIELD_PRESENCE)? {
                            out.presence = Some(p);
                        }
                    }
                    MYPY_OPTIONS => {
                        for inner in wire::records(bytes) {
                            let inner = inner?;
                            if let Value::Bytes(s) = inner.value {
                                match inner.field {
                                    1 => out.casttype = text(s),
                                    2 => out.keytype = text(s),
                                    3 => out.valuetype = text(s),
                                    _ => {}
                                }
                            }
                        }
                    }
                    n if n == MYPY_LEGACY_CASTTYPE => legacy.casttype = text(bytes),
                    n if n == MYPY_LEGACY_CASTTYPE + 1 => legacy.keytype = text(bytes),
                    n if n == MYPY_LEGACY_CASTTYPE + 2 => legacy.valuetype = text(bytes),
                    _ => {}
                }
            }
        }
        Ok(())
    };
    read(&mut out, &mut legacy).map_err(|e| descriptor_error(ctx, e))?;
    for (new, old) in [
        (&mut out.casttype, legacy.casttype),
        (&mut out.keytype, legacy.keytype),
        (&mut out.valuetype, legacy.valuetype),
    ] {
        if new.is_empty() {
            *new = old;
        }
    }
    Ok(out)
}

impl StubWriter<'_, '_> {
    /// mypy-protobuf's `python_type`: the field's value type, or with `generic` the type `__init__` accepts.
    pub fn python_type(&mut self, field: &Field, generic: bool) -> Result<String, GenerateError> {
        if !field.options.casttype.is_empty() {
            return self.cast_type(&field.options.casttype);
        }
        let proto = field.proto;
        let value = match proto.r#type() {
            Type::Double | Type::Float => self.builtin("float"),
            Type::Bool => self.builtin("bool"),
            Type::String => self.builtin("str"),
            Type::Bytes => self.builtin("bytes"),
            Type::Enum => self.message(proto.type_name(), true)?,
            Type::Message | Type::Group => self.message(proto.type_name(), false)?,
            _ => self.builtin("int"),
        };
        if !field.repeated() {
            return Ok(value);
        }
        if is_scalar(proto) {
            let container = if generic {
                self.import("collections.abc", "Iterable")
            } else {
                self.import(
                    "google.protobuf.internal.containers",
                    "RepeatedScalarFieldContainer",
                )
            };
            return Ok(format!("{container}[{value}]"));
        }
        let message = self.ctx.request.message(proto.type_name()).ok_or_else(|| {
            GenerateError::UnknownType {
                file: self.ctx.name().to_string(),
                type_name: proto.type_name().to_string(),
            }
        })?;
        if message.options.as_ref().is_some_and(|o| o.map_entry()) {
            let [key, value, ..] = message.field.as_slice() else {
                return Err(GenerateError::UnknownType {
                    file: self.ctx.name().to_string(),
                    type_name: proto.type_name().to_string(),
                });
            };
            let container = match (generic, is_scalar(value)) {
                (true, _) => self.import("collections.abc", "Mapping"),
                (false, true) => self.import("google.protobuf.internal.containers", "ScalarMap"),
                (false, false) => self.import("google.protobuf.internal.containers", "MessageMap"),
            };
            let key = self.entry_type(&field.options.keytype, key)?;
            let value = self.entry_type(&field.options.valuetype, value)?;
            return Ok(format!("{container}[{key}, {value}]"));
        }
        let container = if generic {
            self.import("collections.abc", "Iterable")
        } else {
            self.import(
                "google.protobuf.internal.containers",
                "RepeatedCompositeFieldContainer",
            )
        };
        Ok(format!("{container}[{value}]"))
    }

    /// A map's key or value type: its `keytype` / `valuetype` option, else the entry field's type.
    fn entry_type(
        &mut self,
        cast: &str,
        field: &FieldDescriptorProto,
    ) -> Result<String, GenerateError> {
        if !cast.is_empty() {
            return self.cast_type(cast);
        }
        let field = Field {
            proto: field,
            options: RawOptions::default(),
        };
        self.python_type(&field, false)
    }

    /// A `casttype` / `keytype` / `valuetype` option, `path/to/module.Type`.
    fn cast_type(&mut self, cast: &str) -> Result<String, GenerateError> {
        match cast.split('.').collect::<Vec<_>>().as_slice() {
            [module, name] => Ok(self.import(&module.replace('/', "."), name)),
            _ => Err(GenerateError::MypyProtobuf {
                file: self.ctx.name().to_string(),
                message: format!(
                    "mypy_protobuf casttype/keytype/valuetype `{cast}` is expected to be of format \
                     path/to/file.TypeInFile"
                ),
            }),
        }
    }
}
