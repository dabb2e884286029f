//! protoc's own checks after all inputs are built (command_line_interface.cc `Run`): option imports of
//! `debug_redact` markers, the reserved field numbers 19000-19999, and option target constraints
//! (`targets` of each option field set, features included). These lines carry no position.

use std::collections::HashMap;

use crate::options::dynamic::{DynMessage, Val};
use crate::options::{GeneratedPool, PoolSchema};
use crate::pool::visit::{elements, Element};
use crate::pool::{FieldId, FileId, MsgId, OptionsKind, Pool, TypeRef};

/// A file's error: the file and the message.
pub type CliError = (FileId, String);

fn has_debug_redact_enum(pool: &Pool, e: crate::pool::EnumId) -> bool {
    pool.enum_type(e)
        .values
        .iter()
        .any(|&v| pool.value(v).options.msg.get_bool(3))
}

fn has_debug_redact_message(pool: &Pool, m: MsgId, visited: &mut HashMap<MsgId, bool>) -> bool {
    if let Some(&known) = visited.get(&m) {
        return known;
    }
    visited.insert(m, false);
    for &f in &pool.message(m).fields {
        if has_debug_redact_field(pool, f, visited) {
            visited.insert(m, true);
            return true;
        }
    }
    false
}

fn has_debug_redact_field(pool: &Pool, f: FieldId, visited: &mut HashMap<MsgId, bool>) -> bool {
    match pool.field(f).type_ref {
        TypeRef::Enum(e) => has_debug_redact_enum(pool, e),
        TypeRef::Message(m) => has_debug_redact_message(pool, m, visited),
        TypeRef::None => false,
    }
}

/// `FindDebugRedactMarker`: the last extension of a file whose type can mark fields `debug_redact`.
fn debug_redact_marker(pool: &Pool, file: FileId) -> Option<String> {
    let mut visited = HashMap::new();
    let mut found = None;
    for element in elements(pool, file) {
        if let Element::Field(f) = element {
            if pool.field(f).is_extension && has_debug_redact_field(pool, f, &mut visited) {
                found = Some(pool.field(f).full_name.clone());
            }
        }
    }
    found
}

/// `ValidateOptionImports` and the reserved field numbers, for one input.
pub fn check_numbers_and_option_imports(pool: &Pool, file: FileId) -> Vec<CliError> {
    let mut errors = Vec::new();
    for import in &pool.file(file).option_dependencies {
        let Some(dep) = pool.imported_file(import) else {
            continue;
        };
        if let Some(marker) = debug_redact_marker(pool, dep) {
            let name = &pool.file(dep).name;
            errors.push((
                file,
                format!("Option dependency {name} contains a custom option {marker} marked debug_redact, which is used to mark fields that need to be redacted in debug string APIs. Switch to a regular import or remove the debug_redact annotation to avoid potentially leaking sensitive data."),
            ));
            break;
        }
    }
    for element in elements(pool, file) {
        if let Element::Field(f) = element {
            let field = pool.field(f);
            if (19000..=19999).contains(&field.number) {
                errors.push((
                    field.file,
                    "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.".into(),
                ));
            }
        }
    }
    errors
}

fn target_name(kind: OptionsKind) -> (i32, &'static str) {
    match kind {
        OptionsKind::File => (1, "file"),
        OptionsKind::ExtensionRange => (2, "extension range"),
        OptionsKind::Message => (3, "message"),
        OptionsKind::Field => (4, "field"),
        OptionsKind::Oneof => (5, "oneof"),
        OptionsKind::Enum => (6, "enum"),
        OptionsKind::EnumValue => (7, "enum entry"),
        OptionsKind::Service => (8, "service"),
        OptionsKind::Method => (9, "method"),
    }
}

fn check_targets(
    pool: &Pool,
    message_type: MsgId,
    message: &DynMessage,
    target: (i32, &str),
    file: FileId,
    out: &mut Vec<CliError>,
) {
    for (&number, known) in &message.known {
        let field = pool
            .find_field_by_number(message_type, number as i32)
            .or_else(|| pool.extensions.get(&(message_type, number as i32)).copied());
        let Some(field) = field else { continue };
        let f = pool.field(field);
        let targets = f.options.msg.repeated(19);
        let allowed = targets.is_empty()
            || targets
                .iter()
                .any(|v| matches!(v, Val::Varint(t) if *t as i32 == target.0));
        if !allowed {
            out.push((
                file,
                format!(
                    "Option {} cannot be set on an entity of type `{}`.",
                    f.full_name, target.1
                ),
            ));
        }
        if let (TypeRef::Message(m), Some(crate::ir::FieldType::Message)) =
            (f.type_ref, f.effective_type())
        {
            for v in &known.values {
                if let Val::Message(child) = v {
                    check_targets(pool, m, child, target, file, out);
                }
            }
        }
    }
}

/// `ValidateTargetConstraints` over every element of an input (its options as `CopyTo` writes them).
pub fn check_target_constraints(
    pool: &Pool,
    generated: &GeneratedPool,
    file: FileId,
) -> Vec<CliError> {
    let mut errors = Vec::new();
    for element in elements(pool, file) {
        let bytes = crate::encode::options_bytes(pool, file, element);
        let Some(bytes) = bytes else { continue };
        let kind = crate::encode::options_kind(element);
        let (schema, message_type) = match pool.find_message(kind.message_name()) {
            Some(m) => (pool, m),
            None => match generated.pool.find_message(kind.message_name()) {
                Some(m) => (&generated.pool, m),
                None => continue,
            },
        };
        let mut message = DynMessage::default();
        if message
            .merge_from(&bytes, &PoolSchema { pool: schema }, message_type.0)
            .is_ok()
        {
            check_targets(
                schema,
                message_type,
                &message,
                target_name(kind),
                file,
                &mut errors,
            );
        }
    }
    errors
}
