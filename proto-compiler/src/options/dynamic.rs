//! A message as protoc's C++ objects hold options: known fields (by the schema the message was parsed with)
//! kept as values and written in field-number order, everything else kept as raw unknown records in the
//! order they came. Serializing one reproduces what protoc's `SerializeToString` writes.

use std::collections::BTreeMap;

use crate::wire::{self, Value as WireValue};

/// One value of a known field, with the wire encoding it is written in.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Varint(u64),
    Fixed32(u32),
    Fixed64(u64),
    Bytes(Vec<u8>),
    Message(DynMessage),
    Group(DynMessage),
}

/// A known field's values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KnownField {
    pub values: Vec<Val>,
    pub packed: bool,
}

/// A message: known fields by number, unknown records raw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DynMessage {
    pub known: BTreeMap<u32, KnownField>,
    pub unknown: Vec<u8>,
    /// `message_set_wire_format`: extensions are written as MessageSet items.
    pub message_set: bool,
    /// Fields written although not set, with their default: a map entry's key and value are always written
    /// (wire_format.cc: "Map entry fields always need to be serialized").
    pub written_unset: BTreeMap<u32, Val>,
}

/// How a known field is encoded, from the schema a message is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Varint,
    /// A closed enum: values outside `allowed` go to the unknown fields, as in C++.
    Enum,
    Fixed32,
    Fixed64,
    Bytes,
    Message,
    Group,
}

/// What the parser knows about one field number of a message.
#[derive(Debug, Clone, Copy)]
pub struct FieldSchema<T: Copy> {
    pub kind: Kind,
    pub repeated: bool,
    pub packed: bool,
    /// The message type of message/group fields, the enum of enum fields.
    pub target: Option<T>,
}

/// The schema messages are parsed with.
pub trait Schema {
    type Type: Copy;
    fn field(&self, message: Self::Type, number: u32) -> Option<FieldSchema<Self::Type>>;
    fn enum_has_value(&self, enum_type: Self::Type, value: i32) -> bool;
}

impl DynMessage {
    pub fn is_empty(&self) -> bool {
        self.known.is_empty() && self.unknown.is_empty()
    }

    pub fn has(&self, number: u32) -> bool {
        self.known
            .get(&number)
            .is_some_and(|f| !f.values.is_empty())
    }

    /// The last value of a singular known field.
    pub fn get(&self, number: u32) -> Option<&Val> {
        self.known.get(&number).and_then(|f| f.values.last())
    }

    pub fn get_varint(&self, number: u32) -> Option<u64> {
        match self.get(number) {
            Some(Val::Varint(v)) => Some(*v),
            _ => None,
        }
    }

    pub fn get_bool(&self, number: u32) -> bool {
        self.get_varint(number).is_some_and(|v| v != 0)
    }

    pub fn get_message(&self, number: u32) -> Option<&DynMessage> {
        match self.get(number) {
            Some(Val::Message(m) | Val::Group(m)) => Some(m),
            _ => None,
        }
    }

    pub fn get_bytes(&self, number: u32) -> Option<&[u8]> {
        match self.get(number) {
            Some(Val::Bytes(b)) => Some(b),
            _ => None,
        }
    }

    pub fn repeated(&self, number: u32) -> &[Val] {
        self.known.get(&number).map_or(&[], |f| &f.values)
    }

    pub fn set(&mut self, number: u32, value: Val) {
        self.known.insert(
            number,
            KnownField {
                values: vec![value],
                packed: false,
            },
        );
    }

    pub fn take(&mut self, number: u32) -> Option<KnownField> {
        self.known.remove(&number)
    }

    /// Writes the message as C++ serializes it.
    pub fn serialize(&self, out: &mut Vec<u8>) {
        if !self.written_unset.is_empty() {
            let mut all = self.clone();
            for (number, value) in std::mem::take(&mut all.written_unset) {
                all.known.entry(number).or_insert(KnownField {
                    values: vec![value],
                    packed: false,
                });
            }
            all.serialize(out);
            return;
        }
        if self.message_set {
            self.serialize_message_set(out);
            return;
        }
        for (&number, field) in &self.known {
            if field.packed && !field.values.is_empty() {
                let mut payload = Vec::new();
                for v in &field.values {
                    match v {
                        Val::Varint(x) => wire::write_varint(*x, &mut payload),
                        Val::Fixed32(x) => payload.extend_from_slice(&x.to_le_bytes()),
                        Val::Fixed64(x) => payload.extend_from_slice(&x.to_le_bytes()),
                        _ => {}
                    }
                }
                wire::write_bytes_field(number, &payload, out);
                continue;
            }
            for v in &field.values {
                write_value(number, v, out);
            }
        }
        out.extend_from_slice(&self.unknown);
    }

    /// A MessageSet: each extension as an item group `{ type_id = 2, message = 3 }`.
    fn serialize_message_set(&self, out: &mut Vec<u8>) {
        for (&number, field) in &self.known {
            for v in &field.values {
                let payload = match v {
                    Val::Message(m) => m.to_bytes(),
                    Val::Bytes(b) => b.clone(),
                    _ => continue,
                };
                wire::write_varint(1 << 3 | 3, out);
                wire::write_varint(2 << 3, out);
                wire::write_varint(u64::from(number), out);
                wire::write_bytes_field(3, &payload, out);
                wire::write_varint(1 << 3 | 4, out);
            }
        }
        out.extend_from_slice(&self.unknown);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.serialize(&mut out);
        out
    }

    /// Parses `bytes` into this message (merging, as `MergeFromString`), known fields per `schema`.
    pub fn merge_from<S: Schema>(
        &mut self,
        bytes: &[u8],
        schema: &S,
        message: S::Type,
    ) -> Result<(), wire::WireError> {
        for record in wire::records(bytes) {
            let record = record?;
            match schema.field(message, record.field) {
                Some(f) if self.merge_known(&record, f, schema)? => {}
                _ => self.unknown.extend_from_slice(record.raw),
            }
        }
        Ok(())
    }

    /// Merges a record of a known field; `false` when its wire type does not fit (then it is unknown).
    fn merge_known<S: Schema>(
        &mut self,
        record: &wire::Record<'_>,
        f: FieldSchema<S::Type>,
        schema: &S,
    ) -> Result<bool, wire::WireError> {
        let number = record.field;
        let mut scalars: Vec<Val> = Vec::new();
        match (f.kind, record.value) {
            (Kind::Varint | Kind::Enum, WireValue::Varint(v)) => scalars.push(Val::Varint(v)),
            (Kind::Fixed32, WireValue::Fixed32(b)) => {
                scalars.push(Val::Fixed32(u32::from_le_bytes(fixed(b))))
            }
            (Kind::Fixed64, WireValue::Fixed64(b)) => {
                scalars.push(Val::Fixed64(u64::from_le_bytes(fixed(b))))
            }
            (Kind::Bytes, WireValue::Bytes(b)) => scalars.push(Val::Bytes(b.to_vec())),
            (Kind::Varint | Kind::Enum | Kind::Fixed32 | Kind::Fixed64, WireValue::Bytes(b))
                if f.repeated =>
            {
                scalars.extend(unpack(f.kind, b)?);
            }
            (Kind::Message, WireValue::Bytes(b)) => {
                let Some(target) = f.target else {
                    return Ok(false);
                };
                let field = self.known.entry(number).or_default();
                if f.repeated || field.values.is_empty() {
                    field.values.push(Val::Message(DynMessage::default()));
                }
                if let Some(Val::Message(m)) = field.values.last_mut() {
                    m.merge_from(b, schema, target)?;
                }
                return Ok(true);
            }
            (Kind::Group, WireValue::Group(g)) => {
                let Some(target) = f.target else {
                    return Ok(false);
                };
                let body = group_body(g);
                let field = self.known.entry(number).or_default();
                if f.repeated || field.values.is_empty() {
                    field.values.push(Val::Group(DynMessage::default()));
                }
                if let Some(Val::Group(m)) = field.values.last_mut() {
                    m.merge_from(body, schema, target)?;
                }
                return Ok(true);
            }
            _ => return Ok(false),
        }
        for value in scalars {
            if f.kind == Kind::Enum {
                let ok = match (&value, f.target) {
                    (Val::Varint(v), Some(e)) => schema.enum_has_value(e, *v as i32),
                    _ => true,
                };
                if !ok {
                    if let Val::Varint(v) = value {
                        wire::write_varint(u64::from(number) << 3, &mut self.unknown);
                        wire::write_varint(v, &mut self.unknown);
                    }
                    continue;
                }
            }
            let field = self.known.entry(number).or_default();
            field.packed = f.packed;
            if f.repeated {
                field.values.push(value);
            } else {
                field.values = vec![value];
            }
        }
        Ok(true)
    }
}

fn fixed<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&b[..N]);
    a
}

/// The records inside a raw group record (its start and end tags dropped).
fn group_body(group: &[u8]) -> &[u8] {
    let start = wire::read_varint(group, 0).map_or(0, |(_, next)| next);
    let mut end = group.len();
    while end > start {
        end -= 1;
        if end == start || group[end - 1] & 0x80 == 0 {
            break;
        }
    }
    &group[start..end]
}

fn unpack(kind: Kind, payload: &[u8]) -> Result<Vec<Val>, wire::WireError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < payload.len() {
        match kind {
            Kind::Fixed32 => {
                let b = payload
                    .get(pos..pos + 4)
                    .ok_or(wire::WireError::Truncated {
                        offset: pos,
                        len: payload.len(),
                    })?;
                out.push(Val::Fixed32(u32::from_le_bytes(fixed(b))));
                pos += 4;
            }
            Kind::Fixed64 => {
                let b = payload
                    .get(pos..pos + 8)
                    .ok_or(wire::WireError::Truncated {
                        offset: pos,
                        len: payload.len(),
                    })?;
                out.push(Val::Fixed64(u64::from_le_bytes(fixed(b))));
                pos += 8;
            }
            _ => {
                let (v, next) = wire::read_varint(payload, pos)?;
                out.push(Val::Varint(v));
                pos = next;
            }
        }
    }
    Ok(out)
}

/// Writes one value of field `number`.
pub fn write_value(number: u32, value: &Val, out: &mut Vec<u8>) {
    let tag = |wire_type: u64, out: &mut Vec<u8>| {
        wire::write_varint(u64::from(number) << 3 | wire_type, out)
    };
    match value {
        Val::Varint(v) => {
            tag(0, out);
            wire::write_varint(*v, out);
        }
        Val::Fixed64(v) => {
            tag(1, out);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Val::Bytes(b) => wire::write_bytes_field(number, b, out),
        Val::Message(m) => wire::write_bytes_field(number, &m.to_bytes(), out),
        Val::Group(m) => {
            tag(3, out);
            m.serialize(out);
            tag(4, out);
        }
        Val::Fixed32(v) => {
            tag(5, out);
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}
