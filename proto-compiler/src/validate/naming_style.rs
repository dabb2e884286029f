//! Naming style (`ValidateNamingStyle`, enforced from `enforce_naming_style = STYLE2024`, edition 2024's
//! default): TitleCase types, services and methods, lower_snake_case packages, fields and oneofs,
//! UPPER_SNAKE_CASE enum values.

use crate::features;
use crate::ir::{ElemId, ErrorLocation};
use crate::pool::builder::Builder;
use crate::pool::visit::{elements, Element};
use crate::pool::{MsgId, OptionsSlot};

const OPT_OUT: &str =
    " (features.enforce_naming_style = STYLE_LEGACY can be used to opt out of this check)";
const COLLISIONS_OPT_OUT: &str =
    " (features.enforce_naming_style = STYLE2024 can be used to opt out of this check)";

fn bad_underscores(name: &str) -> bool {
    let b = name.as_bytes();
    if b.is_empty() {
        return false;
    }
    if b[0] == b'_' || b[b.len() - 1] == b'_' {
        return true;
    }
    b.windows(2)
        .any(|w| w[0] == b'_' && !w[1].is_ascii_alphabetic())
}

fn title_case(name: &str) -> Result<(), &'static str> {
    if !name.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Err("should be TitleCase");
    }
    if !name.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
        return Err("should begin with a capital letter");
    }
    Ok(())
}

fn lower_snake_case(name: &str) -> Result<(), &'static str> {
    if !name
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'.')
    {
        return Err("should be lower_snake_case");
    }
    if !name.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
        return Err("should begin with a lower case letter");
    }
    if bad_underscores(name) {
        return Err("contains style violating underscores");
    }
    Ok(())
}

fn upper_snake_case(name: &str) -> Result<(), &'static str> {
    if !name
        .bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
    {
        return Err("should be UPPER_SNAKE_CASE");
    }
    if !name.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
        return Err("should begin with an upper case letter");
    }
    if bad_underscores(name) {
        return Err("contains style violating underscores");
    }
    Ok(())
}

/// `IsValidFieldNonCollisionName` (STYLE2026).
fn non_collision(b: &Builder<'_>, name: &str, message: Option<MsgId>) -> Result<(), String> {
    if let Some(m) = message {
        let exists = |n: &str| {
            b.pool.find_field_by_name(m, n).is_some()
                || b.pool
                    .message(m)
                    .oneofs
                    .iter()
                    .any(|&o| b.pool.oneof(o).name() == n)
        };
        for prefix in ["has_", "get_", "set_", "clear_"] {
            if let Some(rest) = name.strip_prefix(prefix) {
                if exists(rest) {
                    return Err(format!("should not begin with {prefix} if a field named {rest} exists. This can cause collisions in generated code."));
                }
            }
        }
        if let Some(rest) = name.strip_suffix("_value") {
            if exists(rest) {
                return Err(format!("should not end with _value if a field named {rest} exists. This can cause collisions in generated code."));
            }
        }
    }
    if name == "descriptor" {
        return Err(
            "should not be named descriptor. This can cause collisions in generated code.".into(),
        );
    }
    Ok(())
}

fn style_at_least(style: i32, wanted: i32) -> bool {
    style >= wanted && style != 2
}

/// A naming rule: `Err` with what is wrong.
type Rule = fn(&str) -> Result<(), &'static str>;

/// A named element as the naming rules see it.
struct Named {
    style: i32,
    elem: ElemId,
    /// What it is, as protoc's messages start ("Message name").
    kind: &'static str,
    name: String,
    rule: Rule,
    /// The message whose members a field or oneof must not collide with.
    containing: Option<MsgId>,
}

fn named(options: &OptionsSlot, elem: ElemId, kind: &'static str, name: &str, rule: Rule) -> Named {
    Named {
        style: options.features.naming_style(),
        elem,
        kind,
        name: name.to_string(),
        rule,
        containing: None,
    }
}

/// The element's name and the rule for it; `None` for what has no checked name (an extension range, the
/// file without a package).
fn named_element(b: &Builder<'_>, element: Element) -> Option<Named> {
    let pool = &*b.pool;
    let named = match element {
        Element::File => {
            let f = b.file_desc();
            if f.package.is_empty() {
                return None;
            }
            named(
                &f.options,
                f.elem,
                "Package name",
                &f.package,
                lower_snake_case,
            )
        }
        Element::Message(m) => {
            let d = pool.message(m);
            named(&d.options, d.elem, "Message name", d.name(), title_case)
        }
        Element::Oneof(o) => {
            let d = pool.oneof(o);
            Named {
                containing: Some(d.containing_type),
                ..named(&d.options, d.elem, "Oneof name", d.name(), lower_snake_case)
            }
        }
        Element::Field(f) => {
            let d = pool.field(f);
            Named {
                containing: if d.is_extension {
                    None
                } else {
                    d.containing_type
                },
                ..named(&d.options, d.elem, "Field name", d.name(), lower_snake_case)
            }
        }
        Element::Enum(e) => {
            let d = pool.enum_type(e);
            named(&d.options, d.elem, "Enum name", d.name(), title_case)
        }
        Element::Value(v) => {
            let d = pool.value(v);
            named(
                &d.options,
                d.elem,
                "Enum value name",
                d.name(),
                upper_snake_case,
            )
        }
        Element::Service(s) => {
            let d = &pool.services[s.idx()];
            named(&d.options, d.elem, "Service name", d.name(), title_case)
        }
        Element::Method(m) => {
            let d = &pool.methods[m.idx()];
            named(&d.options, d.elem, "Method name", d.name(), title_case)
        }
        Element::ExtensionRange(..) => return None,
    };
    Some(named)
}

pub fn validate(b: &mut Builder<'_>) {
    for element in elements(b.pool, b.file) {
        let Some(Named {
            style,
            elem,
            kind,
            name,
            rule,
            containing,
        }) = named_element(b, element)
        else {
            continue;
        };
        if !style_at_least(style, features::STYLE2024) {
            continue;
        }
        if let Err(error) = rule(&name) {
            b.error(
                elem,
                ErrorLocation::Name,
                format!("{kind} {name} {error}{OPT_OUT}"),
            );
        }
        let collisions = matches!(element, Element::Field(_) | Element::Oneof(_));
        if collisions && style_at_least(style, features::STYLE2026) {
            if let Err(error) = non_collision(b, &name, containing) {
                b.error(
                    elem,
                    ErrorLocation::Name,
                    format!("{kind} {name} {error}{COLLISIONS_OPT_OUT}"),
                );
            }
        }
    }
}
