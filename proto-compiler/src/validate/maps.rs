//! Map fields: the generated entry message checked (`ValidateMapEntry`), and name clashes of entries with
//! other nested declarations (`DetectMapConflicts`, only run once a file has errors).

use std::collections::HashMap;

use crate::ir::{ErrorLocation, FieldType, Label};
use crate::pool::builder::Builder;
use crate::pool::names::to_camel_case;
use crate::pool::{FieldId, MsgId, TypeRef};

/// `ValidateMapEntry`: `false` if the entry message is not one the parser generates.
pub fn validate_map_entry(b: &mut Builder<'_>, field: FieldId) -> bool {
    let f = b.pool.field(field).clone();
    let TypeRef::Message(entry) = f.type_ref else {
        return false;
    };
    let m = b.pool.message(entry).clone();
    if !m.extensions.is_empty()
        || f.label != Label::Repeated
        || !m.extension_ranges.is_empty()
        || !m.nested.is_empty()
        || !m.enums.is_empty()
        || m.fields.len() != 2
        || m.name() != format!("{}Entry", to_camel_case(f.name(), false))
        || f.containing_type != m.parent
    {
        return false;
    }
    let key = b.pool.field(m.fields[0]).clone();
    let value = b.pool.field(m.fields[1]).clone();
    // protoc compares `label_`, which `PostProcessFieldFeatures` has made required under an inherited
    // `field_presence = LEGACY_REQUIRED`
    let optional = |f: &crate::pool::FieldDesc| f.label == Label::Optional && !f.resolved_required;
    if !optional(&key) || key.number != 1 || key.name() != "key" {
        return false;
    }
    if !optional(&value) || value.number != 2 || value.name() != "value" {
        return false;
    }
    match key.effective_type() {
        Some(FieldType::Enum) => b.error(
            f.elem,
            ErrorLocation::Type,
            "Key in map fields cannot be enum types.",
        ),
        Some(
            FieldType::Float
            | FieldType::Double
            | FieldType::Message
            | FieldType::Group
            | FieldType::Bytes,
        ) => b.error(
            f.elem,
            ErrorLocation::Type,
            "Key in map fields cannot be float/double, bytes or message types.",
        ),
        _ => {}
    }
    if let TypeRef::Enum(e) = value.type_ref {
        let first = b
            .pool
            .enum_type(e)
            .values
            .first()
            .map(|&v| b.pool.value(v).number);
        if first.is_some_and(|n| n != 0) {
            b.error(
                f.elem,
                ErrorLocation::Type,
                "Enum value in map must define 0 as the first value.",
            );
        }
    }
    true
}

pub fn detect_map_conflicts(b: &mut Builder<'_>) {
    let messages = b.file_desc().messages.clone();
    for m in messages {
        detect(b, m);
    }
}

fn detect(b: &mut Builder<'_>, message: MsgId) {
    let m = b.pool.message(message).clone();
    let mut seen: HashMap<String, MsgId> = HashMap::new();
    for &nested in &m.nested {
        let n = b.pool.message(nested);
        let name = n.name().to_string();
        match seen.get(&name) {
            Some(&other) if b.pool.message(other).map_entry || n.map_entry => {
                b.error(
                    m.elem,
                    ErrorLocation::Name,
                    format!("Expanded map entry type {name} conflicts with an existing nested message type."),
                );
                break;
            }
            Some(_) => {}
            None => {
                seen.insert(name, nested);
            }
        }
        detect(b, nested);
    }
    let check = |b: &mut Builder<'_>, name: &str, what: &str| {
        if let Some(&other) = seen.get(name) {
            if b.pool.message(other).map_entry {
                let entry = b.pool.message(other).name().to_string();
                b.error(
                    m.elem,
                    ErrorLocation::Name,
                    format!("Expanded map entry type {entry} conflicts with an existing {what}."),
                );
            }
        }
    };
    for &f in &m.fields {
        let name = b.pool.field(f).name().to_string();
        check(b, &name, "field");
    }
    for &e in &m.enums {
        let name = b.pool.enum_type(e).name().to_string();
        check(b, &name, "enum type");
    }
    for &o in &m.oneofs {
        let name = b.pool.oneof(o).name().to_string();
        check(b, &name, "oneof type");
    }
}
