//! Extension ranges and declarations: `ValidateExtensionRangeOptions` / `ValidateExtensionDeclaration` on the
//! extended message, and an extension checked against its range's declaration.

use std::collections::HashSet;

use crate::ir::ErrorLocation;
use crate::options::dynamic::{DynMessage, Val};
use crate::pool::builder::Builder;
use crate::pool::{ExtensionRange, FieldId, MsgId, TypeRef};

/// ExtensionRangeOptions: declaration = 2, verification = 3; Declaration: number 1, full_name 2, type 3,
/// reserved 5, repeated 6.
const DECLARATION: u32 = 2;
const VERIFICATION: u32 = 3;

/// `IsReadyForCheckingDescriptorExtDecl`: extensions of these are not checked against declarations.
const OPTIONS: [&str; 9] = [
    "EnumOptions",
    "EnumValueOptions",
    "ExtensionRangeOptions",
    "FieldOptions",
    "FileOptions",
    "MessageOptions",
    "MethodOptions",
    "OneofOptions",
    "ServiceOptions",
];

const NON_MESSAGE_TYPES: [&str; 16] = [
    "double", "float", "int64", "uint64", "int32", "fixed32", "fixed64", "bool", "string", "bytes",
    "uint32", "enum", "sfixed32", "sfixed64", "sint32", "sint64",
];

/// A declaration's strings are bytes: compared and quoted as written, UTF-8 or not.
struct Declaration {
    number: i32,
    full_name: Option<Vec<u8>>,
    type_name: Option<Vec<u8>>,
    reserved: bool,
    repeated: bool,
}

fn declarations(options: &DynMessage) -> Vec<Declaration> {
    options
        .repeated(DECLARATION)
        .iter()
        .filter_map(|v| match v {
            Val::Message(d) => Some(Declaration {
                number: d.get_varint(1).unwrap_or(0) as i32,
                full_name: d.get_bytes(2).map(<[u8]>::to_vec),
                type_name: d.get_bytes(3).map(<[u8]>::to_vec),
                reserved: d.get_bool(5),
                repeated: d.get_bool(6),
            }),
            _ => None,
        })
        .collect()
}

fn validate_qualified_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .split(|&c| c == b'.')
            .all(|p| !p.is_empty() && p.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_'))
}

/// `"symbol"` followed by `rest`, the symbol's bytes as written.
fn quoted(before: &str, symbol: &[u8], rest: &str) -> Vec<u8> {
    [before.as_bytes(), b"\"", symbol, b"\"", rest.as_bytes()].concat()
}

fn symbol_for_declaration(symbol: &[u8]) -> Option<Vec<u8>> {
    match symbol.strip_prefix(b".") {
        None => Some(quoted(
            "",
            symbol,
            " must have a leading dot to indicate the fully-qualified scope.",
        )),
        Some(rest) if !validate_qualified_name(rest) => {
            Some(quoted("", symbol, " contains invalid identifiers."))
        }
        Some(_) => None,
    }
}

pub fn validate_extension_range_options(b: &mut Builder<'_>, message: MsgId) {
    let m = b.pool.message(message).clone();
    let max = if m.options.msg.get_bool(1) {
        i64::from(i32::MAX)
    } else {
        i64::from(crate::parser::MAX_FIELD_NUMBER)
    };
    let mut full_names: HashSet<Vec<u8>> = HashSet::new();
    for range in &m.extension_ranges {
        if i64::from(range.end) > max + 1 {
            b.error(
                m.elem,
                ErrorLocation::Number,
                format!("Extension numbers cannot be greater than {max}."),
            );
        }
        let declared = declarations(&range.options.msg);
        if declared.is_empty() {
            continue;
        }
        if range.options.msg.get_varint(VERIFICATION) == Some(1) {
            b.error(
                range.elem,
                ErrorLocation::Extendee,
                "Cannot mark the extension range as UNVERIFIED when it has extension(s) declared.",
            );
            return;
        }
        let mut numbers = HashSet::new();
        for d in &declared {
            if !validate_declaration(b, range, d, &mut numbers, &mut full_names) {
                return;
            }
        }
    }
}

/// One declaration of an extension range: its number in the range and declared once, its full name
/// declared once and a valid symbol, its type a valid symbol; `false` where protoc stops validating the
/// message.
fn validate_declaration(
    b: &mut Builder<'_>,
    range: &ExtensionRange,
    d: &Declaration,
    numbers: &mut HashSet<i32>,
    full_names: &mut HashSet<Vec<u8>>,
) -> bool {
    if d.number < range.start || d.number >= range.end {
        b.error(
            range.elem,
            ErrorLocation::Number,
            format!(
                "Extension declaration number {} is not in the extension range.",
                d.number
            ),
        );
    }
    if !numbers.insert(d.number) {
        b.error(
            range.elem,
            ErrorLocation::Number,
            format!(
                "Extension declaration number {} is declared multiple times.",
                d.number
            ),
        );
    }
    match (&d.full_name, &d.type_name) {
        (Some(full_name), Some(type_name)) => {
            if !full_names.insert(full_name.clone()) {
                b.error(
                    range.elem,
                    ErrorLocation::Name,
                    quoted(
                        "Extension field name ",
                        full_name,
                        " is declared multiple times.",
                    ),
                );
                return false;
            }
            if let Some(error) = symbol_for_declaration(full_name) {
                b.error(range.elem, ErrorLocation::Name, error);
            }
            if !is_non_message_type(type_name) {
                if let Some(error) = symbol_for_declaration(type_name) {
                    b.error(range.elem, ErrorLocation::Name, error);
                }
            }
        }
        (full_name, type_name) => {
            if full_name.is_some() != type_name.is_some() || !d.reserved {
                b.error(
                    range.elem,
                    ErrorLocation::Extendee,
                    format!("Extension declaration #{} should have both \"full_name\" and \"type\" set.", d.number),
                );
            }
        }
    }
    true
}

/// An extension of a range with declarations must match its declaration (protoc enforces this for
/// extensions of everything but descriptor.proto's own messages).
pub fn validate_declared_extension(b: &mut Builder<'_>, field: FieldId) {
    if !b.pool.field(field).is_extension {
        return;
    }
    let f = b.pool.field(field).clone();
    let (true, Some(extendee)) = (f.is_extension, f.containing_type) else {
        return;
    };
    let m = b.pool.message(extendee).clone();
    if m.full_name.starts_with("google.protobuf.")
        && m.full_name.ends_with("Options")
        && OPTIONS.contains(&m.full_name[16..].as_ref())
    {
        return;
    }
    if b.pool.file(m.file).name == "google/protobuf/descriptor.proto" {
        return;
    }
    let Some(index) = b.pool.extension_range_containing(extendee, f.number) else {
        return;
    };
    let range = &m.extension_ranges[index];
    let declared = declarations(&range.options.msg);
    if let Some(d) = declared.iter().find(|d| d.number == f.number) {
        if d.reserved {
            b.error(
                f.elem,
                ErrorLocation::Extendee,
                format!(
                    "Cannot use number {} for extension field {}, as it is reserved in the extension declarations for message {}.",
                    f.number, f.full_name, m.full_name
                ),
            );
            return;
        }
        check_declaration(b, field, &m.full_name, d);
        return;
    }
    if !declared.is_empty() || range.options.msg.get_varint(VERIFICATION) == Some(0) {
        b.error(
            f.elem,
            ErrorLocation::Extendee,
            format!(
                "Missing extension declaration for field {} with number {} in extendee message {}. An extension range must declare for all extension fields if its verification state is DECLARATION or there's any declaration in the range already. Otherwise, consider splitting up the range.",
                f.full_name, f.number, m.full_name
            ),
        );
    }
}

fn is_non_message_type(name: &[u8]) -> bool {
    NON_MESSAGE_TYPES.iter().any(|t| t.as_bytes() == name)
}

fn check_declaration(b: &mut Builder<'_>, field: FieldId, extendee: &str, d: &Declaration) {
    let f = b.pool.field(field).clone();
    let expected_to = |what: &str, expected: &[u8], actual: &str| {
        quoted(
            &format!(
                "\"{extendee}\" extension field {} is expected to {what} ",
                f.number
            ),
            expected,
            &format!(", not \"{actual}\"."),
        )
    };
    if let Some(expected) = d.type_name.as_deref().filter(|t| !t.is_empty()) {
        if !b.had_errors {
            let actual = match f.type_ref {
                TypeRef::Message(m) => format!(".{}", b.pool.message(m).full_name),
                TypeRef::Enum(e) => format!(".{}", b.pool.enum_type(e).full_name),
                TypeRef::None => type_keyword(f.effective_type()).to_string(),
            };
            let expected = if !is_non_message_type(expected) && !expected.starts_with(b".") {
                [b".", expected].concat()
            } else {
                expected.to_vec()
            };
            if expected != actual.as_bytes() {
                let message = expected_to("be type", &expected, &actual);
                b.error(f.elem, ErrorLocation::Extendee, message);
            }
        }
    }
    if let Some(expected) = d.full_name.as_deref().filter(|n| !n.is_empty()) {
        let actual = format!(".{}", f.full_name);
        if expected != actual.as_bytes() {
            let message = expected_to("have field name", expected, &actual);
            b.error(f.elem, ErrorLocation::Extendee, message);
        }
    }
    if d.repeated != f.is_repeated() {
        let expected = if d.repeated { "repeated" } else { "optional" };
        b.error(
            f.elem,
            ErrorLocation::Extendee,
            format!(
                "\"{extendee}\" extension field {} is expected to be {expected}.",
                f.number
            ),
        );
    }
}

/// `FieldDescriptor::type_name()` of scalar types.
fn type_keyword(t: Option<crate::ir::FieldType>) -> &'static str {
    use crate::ir::FieldType as T;
    match t {
        Some(T::Double) => "double",
        Some(T::Float) => "float",
        Some(T::Int64) => "int64",
        Some(T::Uint64) => "uint64",
        Some(T::Int32) => "int32",
        Some(T::Fixed64) => "fixed64",
        Some(T::Fixed32) => "fixed32",
        Some(T::Bool) => "bool",
        Some(T::String) => "string",
        Some(T::Group) => "group",
        Some(T::Message) => "message",
        Some(T::Bytes) => "bytes",
        Some(T::Uint32) => "uint32",
        Some(T::Enum) => "enum",
        Some(T::Sfixed32) => "sfixed32",
        Some(T::Sfixed64) => "sfixed64",
        Some(T::Sint32) => "sint32",
        Some(T::Sint64) => "sint64",
        None => "",
    }
}
