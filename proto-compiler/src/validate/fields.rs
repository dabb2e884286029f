//! Field options (`ValidateOptions(FieldDescriptor)`): ctype in 2024, lazy, packed, message sets, lite
//! extensions, map entries, jstype, json_name on extensions and NUL in json names.

use crate::edition::Edition;
use crate::ir::{ElemId, ErrorLocation, FieldType, Label};
use crate::options::is_packable_type;
use crate::pool::builder::Builder;
use crate::pool::{FieldId, FileId, MsgId, TypeRef};

/// FieldOptions field numbers.
const CTYPE: u32 = 1;
const PACKED: u32 = 2;
const LAZY: u32 = 5;
const JSTYPE: u32 = 6;
const UNVERIFIED_LAZY: u32 = 15;

/// `is_packable`: a repeated scalar.
pub fn is_packable(b: &Builder<'_>, field: FieldId) -> bool {
    let f = b.pool.field(field);
    f.label == Label::Repeated && f.effective_type().is_some_and(is_packable_type)
}

pub fn validate_field_options(b: &mut Builder<'_>, field: FieldId) {
    // what the checks read, taken up front (every field of a large tree passes here, and errors need `b`)
    let f = b.pool.field(field);
    let options = &f.options.msg;
    let (has_ctype, lazy, unverified_lazy, packed) = (
        options.has(CTYPE),
        options.get_bool(LAZY),
        options.get_bool(UNVERIFIED_LAZY),
        options.get_bool(PACKED),
    );
    let (elem, file, is_extension, containing_type, type_ref) = (
        f.elem,
        f.file,
        f.is_extension,
        f.containing_type,
        f.type_ref,
    );
    let is_message = f.effective_type() == Some(FieldType::Message);
    let optional_message = !f.is_required() && !f.is_repeated() && is_message;
    let json_name = f.json_name.as_deref();
    let custom_json_name = is_extension
        && json_name.is_some_and(|j| j != crate::pool::names::to_json_name(f.name()).as_bytes());
    let json_name_has_null = json_name.is_some_and(|j| j.contains(&0));
    if b.edition >= Edition::E2024 && has_ctype {
        b.error(
            elem,
            ErrorLocation::Type,
            "ctype option is not allowed under edition 2024 and beyond. Use the feature string_type = VIEW|CORD|STRING|... instead.",
        );
    }
    if lazy || unverified_lazy {
        validate_lazy(b, elem, is_message, unverified_lazy && is_extension);
    }
    if packed && !is_packable(b, field) {
        b.error(
            elem,
            ErrorLocation::Type,
            "[packed = true] can only be specified for repeated primitive fields.",
        );
    }
    if let Some(containing) = containing_type {
        validate_containing_type(b, elem, file, is_extension, optional_message, containing);
    }
    if let TypeRef::Message(m) = type_ref {
        if b.pool.message(m).map_entry && !super::maps::validate_map_entry(b, field) {
            b.error(
                elem,
                ErrorLocation::Type,
                "map_entry should not be set explicitly. Use map<KeyType, ValueType> instead.",
            );
        }
    }
    validate_jstype(b, field);
    if is_extension && custom_json_name {
        b.error(
            elem,
            ErrorLocation::OptionName,
            "option json_name is not allowed on extension fields.",
        );
    }
    if json_name_has_null {
        b.error(
            elem,
            ErrorLocation::OptionName,
            "json_name cannot have embedded null characters.",
        );
    }
}

/// `[lazy = true]` or `[unverified_lazy = true]`: only on a message field, `unverified_lazy` never on an
/// extension.
fn validate_lazy(b: &mut Builder<'_>, elem: ElemId, is_message: bool, unverified_extension: bool) {
    if !is_message {
        b.error(
            elem,
            ErrorLocation::Type,
            "[lazy = true] can only be specified for submessage fields.",
        );
    }
    if unverified_extension {
        b.error(
            elem,
            ErrorLocation::Type,
            "Extensions cannot be marked as unverified_lazy.",
        );
    }
}

/// The rules a field's containing message imposes: a MessageSet has only optional message extensions; a
/// lite file extends only lite messages.
fn validate_containing_type(
    b: &mut Builder<'_>,
    elem: ElemId,
    file: FileId,
    is_extension: bool,
    optional_message: bool,
    containing: MsgId,
) {
    let message_set = {
        let m = b.pool.message(containing);
        m.options.present && m.options.msg.get_bool(1)
    };
    if message_set {
        if is_extension {
            if !optional_message {
                b.error(
                    elem,
                    ErrorLocation::Type,
                    "Extensions of MessageSets must be optional messages.",
                );
            }
        } else {
            b.error(
                elem,
                ErrorLocation::Name,
                "MessageSets cannot have fields, only extensions.",
            );
        }
    }
    let containing_file = b.pool.message(containing).file;
    if super::files::is_lite(b, file) && !super::files::is_lite(b, containing_file) {
        b.error(
            elem,
            ErrorLocation::Extendee,
            "Extensions to non-lite types can only be declared in non-lite files.  Note that you cannot extend a non-lite type to contain a lite type, but the reverse is allowed.",
        );
    }
}

/// `ValidateJSType`.
fn validate_jstype(b: &mut Builder<'_>, field: FieldId) {
    if b.pool
        .field(field)
        .options
        .msg
        .get_varint(JSTYPE)
        .unwrap_or(0)
        == 0
    {
        return;
    }
    let f = b.pool.field(field).clone();
    let jstype = f.options.msg.get_varint(JSTYPE).unwrap_or(0);
    match f.effective_type() {
        Some(
            FieldType::Uint64
            | FieldType::Int64
            | FieldType::Sint64
            | FieldType::Fixed64
            | FieldType::Sfixed64,
        ) => {
            if jstype != 1 && jstype != 2 {
                let name = match jstype {
                    0 => "JS_NORMAL",
                    1 => "JS_STRING",
                    2 => "JS_NUMBER",
                    _ => "",
                };
                b.error(
                    f.elem,
                    ErrorLocation::Type,
                    format!("Illegal jstype for int64, uint64, sint64, fixed64 or sfixed64 field: {name}"),
                );
            }
        }
        _ => b.error(
            f.elem,
            ErrorLocation::Type,
            "jstype is only allowed on int64, uint64, sint64, fixed64 or sfixed64 fields.",
        ),
    }
}
