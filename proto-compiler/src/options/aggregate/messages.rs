//! The messages a message literal builds, as protoc's dynamic messages behave: how a new one starts, the map
//! entry fields always written, and the required fields reported missing (`FindInitializationErrors`).

use super::TextParser;
use crate::ir::FieldType;
use crate::options::dynamic::{DynMessage, Val};
use crate::options::interpret::Side;
use crate::pool::{FieldDesc, MsgId, Pool, TypeRef};

impl TextParser<'_, '_> {
    /// `FindInitializationErrors`: the paths of required fields that are not set.
    pub(super) fn missing_required(
        &self,
        side: Side,
        message_type: MsgId,
        message: &DynMessage,
        prefix: &str,
        out: &mut Vec<String>,
    ) {
        let pool = self.pool_of(side);
        for &f in &pool.message(message_type).fields {
            let d = pool.field(f);
            if d.is_required() && !message.has(d.number as u32) {
                out.push(format!("{prefix}{}", d.name()));
            }
        }
        // the set fields in number order (`ListFields`), extensions included
        for &number in message.known.keys() {
            let field = pool
                .find_field_by_number(message_type, number as i32)
                .or_else(|| pool.extensions.get(&(message_type, number as i32)).copied());
            let Some(d) = field.map(|f| pool.field(f)) else {
                continue;
            };
            let TypeRef::Message(m) = d.type_ref else {
                continue;
            };
            // `SubMessagePrefix`
            let name = if d.is_extension {
                format!("({})", d.full_name)
            } else {
                d.name().to_string()
            };
            for (i, v) in message.repeated(number).iter().enumerate() {
                if let Val::Message(child) | Val::Group(child) = v {
                    let p = if d.is_repeated() {
                        format!("{prefix}{name}[{i}].")
                    } else {
                        format!("{prefix}{name}.")
                    };
                    self.missing_required(side, m, child, &p, out);
                }
            }
        }
    }
}

/// A new message as protoc's dynamic message starts: a MessageSet or not; in a map entry, a field without
/// presence has no has-bit, so it counts as set from the start when its default is not zero (an enum value
/// whose first value is not 0: an error protoc reports only after options).
pub(super) fn new_message(pool: &Pool, message_type: MsgId) -> DynMessage {
    let m = pool.message(message_type);
    let mut message = DynMessage {
        message_set: m.options.msg.get_bool(1),
        ..DynMessage::default()
    };
    if m.map_entry {
        for &f in &m.fields {
            let d = pool.field(f);
            let default = entry_default(pool, d);
            if !d.has_presence() && !is_zero(&default) {
                message.set(d.number as u32, default);
            }
        }
    }
    message
}

/// Zero as `HasField` sees a field without presence: a float's zero is +0.0 only, by its bits.
pub(super) fn is_zero(value: &Val) -> bool {
    matches!(value, Val::Varint(0) | Val::Fixed32(0) | Val::Fixed64(0))
        || matches!(value, Val::Bytes(b) if b.is_empty())
}

/// The default of a map entry's key or value (they have no explicit defaults; an enum's is its first value).
fn entry_default(pool: &Pool, d: &FieldDesc) -> Val {
    match d.effective_type() {
        Some(FieldType::Fixed32 | FieldType::Sfixed32 | FieldType::Float) => Val::Fixed32(0),
        Some(FieldType::Fixed64 | FieldType::Sfixed64 | FieldType::Double) => Val::Fixed64(0),
        Some(FieldType::String | FieldType::Bytes) => Val::Bytes(Vec::new()),
        Some(FieldType::Message) => Val::Message(DynMessage::default()),
        Some(FieldType::Group) => Val::Group(DynMessage::default()),
        Some(FieldType::Enum) => {
            let first = match d.type_ref {
                TypeRef::Enum(e) => pool.enum_type(e).values.first().copied(),
                _ => None,
            };
            Val::Varint(first.map_or(0, |v| pool.value(v).number as i64 as u64))
        }
        _ => Val::Varint(0),
    }
}

/// protoc writes both fields of a map entry even where the literal leaves one out: an absent key or value is
/// written with its default (and stays unset for the required-field check).
pub(super) fn fill_map_entry(pool: &Pool, entry: MsgId, message: &mut DynMessage) {
    for &f in &pool.message(entry).fields {
        let d = pool.field(f);
        if !message.has(d.number as u32) {
            message
                .written_unset
                .insert(d.number as u32, entry_default(pool, d));
        }
    }
}
