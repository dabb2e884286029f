//! proto3 rules (`ValidateProto3`): extensions only for options, no required fields, defaults, closed
//! enums, groups, extension ranges or message sets.

use crate::ir::{ErrorLocation, FieldType};
use crate::pool::builder::Builder;
use crate::pool::{FieldId, MsgId, TypeRef};

const OPTION_EXTENDEES: [&str; 9] = [
    "FileOptions",
    "MessageOptions",
    "FieldOptions",
    "EnumOptions",
    "EnumValueOptions",
    "ServiceOptions",
    "MethodOptions",
    "OneofOptions",
    "ExtensionRangeOptions",
];

/// `IsCustomOptionExtension`: an extension of one of descriptor.proto's options messages.
pub fn is_custom_option_extension(b: &Builder<'_>, field: FieldId) -> bool {
    let f = b.pool.field(field);
    let Some(extendee) = f.containing_type.filter(|_| f.is_extension) else {
        return false;
    };
    let name = &b.pool.message(extendee).full_name;
    OPTION_EXTENDEES.iter().any(|o| {
        name.strip_prefix("google.protobuf.")
            .or_else(|| name.strip_prefix("proto2."))
            == Some(o)
    })
}

pub fn validate_file(b: &mut Builder<'_>) {
    let file = b.file_desc().clone();
    for &e in &file.extensions {
        validate_field(b, e);
    }
    for &m in &file.messages {
        validate_message(b, m);
    }
}

fn validate_message(b: &mut Builder<'_>, message: MsgId) {
    let m = b.pool.message(message).clone();
    for &n in &m.nested {
        validate_message(b, n);
    }
    for &f in m.fields.iter().chain(&m.extensions) {
        validate_field(b, f);
    }
    if let Some(range) = m.extension_ranges.first() {
        b.error(
            range.elem,
            ErrorLocation::Number,
            "Extension ranges are not allowed in proto3.",
        );
    }
    if m.options.msg.get_bool(1) {
        b.error(
            m.elem,
            ErrorLocation::Name,
            "MessageSet is not supported in proto3.",
        );
    }
}

fn validate_field(b: &mut Builder<'_>, field: FieldId) {
    let f = b.pool.field(field).clone();
    if f.is_extension && !is_custom_option_extension(b, field) {
        b.error(
            f.elem,
            ErrorLocation::Extendee,
            "Extensions in proto3 are only allowed for defining options.",
        );
    }
    if f.is_required() {
        b.error(
            f.elem,
            ErrorLocation::Type,
            "Required fields are not allowed in proto3.",
        );
    }
    if f.default_value.is_some() {
        b.error(
            f.elem,
            ErrorLocation::DefaultValue,
            "Explicit default values are not allowed in proto3.",
        );
    }
    if let TypeRef::Enum(e) = f.type_ref {
        if b.pool.enum_is_closed(e) {
            let enum_name = b.pool.enum_type(e).full_name.clone();
            let containing = f
                .containing_type
                .map(|m| b.pool.message(m).full_name.clone())
                .unwrap_or_default();
            b.error(
                f.elem,
                ErrorLocation::Type,
                format!("Enum type \"{enum_name}\" is not an open enum, but is used in \"{containing}\" which is a proto3 message type."),
            );
        }
    }
    if f.effective_type() == Some(FieldType::Group) {
        b.error(
            f.elem,
            ErrorLocation::Type,
            "Groups are not supported in proto3 syntax.",
        );
    }
}
