//! JSON names (`CheckFieldJsonNameUniqueness`): default and custom JSON names of a message's fields must
//! differ (a warning where both are default names under `LEGACY_BEST_EFFORT`).

use std::collections::HashMap;

use crate::ir::ErrorLocation;
use crate::pool::builder::Builder;
use crate::pool::names::to_json_name;
use crate::pool::{FieldId, MsgId};

struct JsonName {
    field: FieldId,
    /// Bytes: a custom name is a string literal, UTF-8 or not, compared and quoted as written.
    name: Vec<u8>,
    is_custom: bool,
}

fn json_name_of(b: &Builder<'_>, field: FieldId, use_custom: bool) -> JsonName {
    let f = b.pool.field(field);
    let default = to_json_name(f.name());
    match &f.json_name {
        Some(custom) if use_custom && custom.as_slice() != default.as_bytes() => JsonName {
            field,
            name: custom.clone(),
            is_custom: true,
        },
        _ => JsonName {
            field,
            name: default.into_bytes(),
            is_custom: false,
        },
    }
}

pub fn check_json_name_uniqueness(b: &mut Builder<'_>, message: MsgId) {
    let m = b.pool.message(message);
    // deprecated_legacy_json_field_conflicts (MessageOptions 11)
    if m.options.msg.get_bool(11) {
        return;
    }
    check(b, message, false);
    check(b, message, true);
}

fn check(b: &mut Builder<'_>, message: MsgId, use_custom: bool) {
    let m = b.pool.message(message);
    let legacy_best_effort = m.options.features.legacy_best_effort_json();
    let fields = m.fields.clone();
    let mut by_name: HashMap<Vec<u8>, JsonName> = HashMap::with_capacity(fields.len());
    for field in fields {
        let details = json_name_of(b, field, use_custom);
        let elem = b.pool.field(field).elem;
        if details.is_custom && details.name.starts_with(b"[") && details.name.ends_with(b"]") {
            let message = [
                format!(
                    "The custom JSON name of field \"{}\" (\"",
                    b.pool.field(field).name()
                )
                .as_bytes(),
                &details.name,
                b"\") is invalid: JSON names may not start with '[' and end with ']'.",
            ]
            .concat();
            b.error(elem, ErrorLocation::Name, message);
            continue;
        }
        let Some(existing) = by_name.get(&details.name) else {
            by_name.insert(details.name.clone(), details);
            continue;
        };
        if use_custom && !details.is_custom && !existing.is_custom {
            continue;
        }
        let this_kind = if details.is_custom {
            "custom"
        } else {
            "default"
        };
        let existing_kind = if existing.is_custom {
            "custom"
        } else {
            "default"
        };
        let suffix = if details.name != existing.name {
            [&b" (\""[..], &existing.name, b"\")"].concat()
        } else {
            Vec::new()
        };
        let message = [
            format!(
                "The {this_kind} JSON name of field \"{}\" (\"",
                b.pool.field(field).name()
            )
            .as_bytes(),
            &details.name,
            format!(
                "\") conflicts with the {existing_kind} JSON name of field \"{}\"",
                b.pool.field(existing.field).name()
            )
            .as_bytes(),
            &suffix,
            b".",
        ]
        .concat();
        let involves_default = !details.is_custom || !existing.is_custom;
        if legacy_best_effort && involves_default {
            b.warning(elem, ErrorLocation::Name, message);
        } else {
            b.error(elem, ErrorLocation::Name, message);
        }
    }
}
