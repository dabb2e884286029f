//! Enums: reserved ranges and names (checked as `BuildEnum` builds), and `ValidateOptions(EnumDescriptor)`:
//! prefix-stripped name conflicts, zero first value of open enums, aliases without `allow_alias`.

use std::collections::{HashMap, HashSet};

use crate::ir::{self, ErrorLocation};
use crate::pool::builder::Builder;
use crate::pool::EnumId;

/// The checks at the end of `BuildEnum`.
pub fn check_reserved(b: &mut Builder<'_>, proto: &ir::EnumProto, id: EnumId) {
    let ranges = &proto.reserved_range;
    for (i, r1) in ranges.iter().enumerate() {
        for r2 in &ranges[i + 1..] {
            if r1.end >= r2.start && r2.end >= r1.start {
                b.error(
                    r1.id,
                    ErrorLocation::Number,
                    format!(
                        "Reserved range {} to {} overlaps with already-defined range {} to {}.",
                        r2.start, r2.end, r1.start, r1.end
                    ),
                );
            }
        }
    }
    let mut names = HashSet::new();
    for name in &proto.reserved_name {
        if !names.insert(name.as_slice()) {
            b.error(
                proto.id,
                ErrorLocation::Name,
                [
                    &b"Enum value \""[..],
                    name,
                    b"\" is reserved multiple times.",
                ]
                .concat(),
            );
        }
    }
    let values = b.pool.enum_type(id).values.clone();
    for (value, vproto) in values.iter().zip(&proto.value) {
        let number = b.pool.value(*value).number;
        for range in ranges {
            if range.start <= number && number <= range.end {
                b.error(
                    range.id,
                    ErrorLocation::Number,
                    format!(
                        "Enum value \"{}\" uses reserved number {number}.",
                        vproto.name
                    ),
                );
            }
        }
        if names.contains(vproto.name.as_bytes()) {
            b.error(
                vproto.id,
                ErrorLocation::Name,
                format!("Enum value \"{}\" is reserved.", vproto.name),
            );
        }
    }
}

/// `EnumValueToPascalCase`.
fn pascal_case(input: &str) -> String {
    let mut next_upper = true;
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if c == '_' {
            next_upper = true;
        } else {
            out.push(if next_upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            });
            next_upper = false;
        }
    }
    out
}

/// `PrefixRemover::MaybeRemove`: the value name without the enum name as prefix (case and `_` ignored).
fn remove_prefix(prefix: &str, name: &str) -> String {
    let prefix: Vec<u8> = prefix
        .bytes()
        .filter(|&c| c != b'_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let s = name.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < s.len() && j < prefix.len() {
        if s[i] == b'_' {
            i += 1;
            continue;
        }
        if s[i].to_ascii_lowercase() != prefix[j] {
            return name.to_string();
        }
        i += 1;
        j += 1;
    }
    if j < prefix.len() {
        return name.to_string();
    }
    while i < s.len() && s[i] == b'_' {
        i += 1;
    }
    if i == s.len() {
        return name.to_string();
    }
    name[i..].to_string()
}

pub fn validate_enum(b: &mut Builder<'_>, id: EnumId) {
    check_value_uniqueness(b, id);
    let e = b.pool.enum_type(id).clone();
    let closed = b.pool.enum_is_closed(id);
    if let Some(&first) = e.values.first() {
        let v = b.pool.value(first);
        if !closed && v.number != 0 {
            let elem = v.elem;
            b.error(
                elem,
                ErrorLocation::Number,
                "The first enum value must be zero for open enums.",
            );
        }
    }
    let allow_alias = e.options.msg.get_bool(2);
    if allow_alias {
        return;
    }
    let mut used: HashMap<i32, String> = HashMap::new();
    let numbers: HashSet<i64> = e
        .values
        .iter()
        .map(|&v| i64::from(b.pool.value(v).number))
        .collect();
    for &value in &e.values {
        let v = b.pool.value(value).clone();
        if let Some(existing) = used.get(&v.number) {
            let mut next = i64::from(v.number) + 1;
            while numbers.contains(&next) {
                next += 1;
            }
            let mut message = format!(
                "\"{}\" uses the same enum value as \"{existing}\". If this is intended, set 'option allow_alias = true;' to the enum definition.",
                v.full_name
            );
            if next < i64::from(i32::MAX) {
                message.push_str(&format!(" The next available enum value is {next}."));
            }
            b.error(v.elem, ErrorLocation::Number, message);
        } else {
            used.insert(v.number, v.full_name.clone());
        }
    }
}

/// `CheckEnumValueUniqueness`: values equal after stripping the enum name and PascalCasing must share a
/// number (a warning in proto2 with legacy JSON conflicts allowed).
fn check_value_uniqueness(b: &mut Builder<'_>, id: EnumId) {
    let e = b.pool.enum_type(id).clone();
    let legacy = e.options.msg.get_bool(6) && b.edition == crate::edition::Edition::Proto2;
    let mut seen: HashMap<String, crate::pool::ValueId> = HashMap::new();
    for &value in &e.values {
        let v = b.pool.value(value).clone();
        let stripped = pascal_case(&remove_prefix(e.name(), v.name()));
        match seen.get(&stripped) {
            None => {
                seen.insert(stripped, value);
            }
            Some(&other) => {
                let o = b.pool.value(other);
                if o.name() != v.name() && o.number != v.number {
                    let message = format!(
                        "Enum name {} has the same name as {} if you ignore case and strip out the enum name prefix (if any). (If you are using allow_alias, please assign the same number to each enum value name.)",
                        v.name(),
                        o.name()
                    );
                    if legacy {
                        b.warning(v.elem, ErrorLocation::Name, message);
                    } else {
                        b.error(v.elem, ErrorLocation::Name, message);
                    }
                }
            }
        }
    }
}
