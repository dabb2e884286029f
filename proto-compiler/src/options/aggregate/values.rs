//! Field values of a message literal: scalars as protoc's text format parser reads them (integers by range,
//! doubles, bools, enums by name or number), nested messages, and how each is stored.

use super::messages::{fill_map_entry, is_zero, new_message};
use super::{TextParser, RECURSION_LIMIT};
use crate::ir::{FieldType, Label};
use crate::lexer::{self, TokenKind};
use crate::options::dynamic::{DynMessage, Val};
use crate::options::interpret::Side;
use crate::pool::{FieldDesc, FieldId, MsgId, TypeRef};

impl TextParser<'_, '_> {
    pub(super) fn consume_value(
        &mut self,
        side: Side,
        field: FieldId,
        desc: &FieldDesc,
        message: &mut DynMessage,
    ) -> bool {
        if let TypeRef::Message(m) = desc.type_ref {
            return self.consume_message_value(side, m, desc, message);
        }
        let Some(value) = self.consume_scalar(side, desc) else {
            return false;
        };
        // a field without presence holding its zero is not set (`HasField` is false, nothing is written)
        if is_zero(&value) && !desc.is_repeated() && !desc.has_presence() {
            message.take(desc.number as u32);
            return true;
        }
        let packed = desc.label == Label::Repeated
            && crate::options::field_is_packed(self.pool_of(side), field);
        push(message, desc, value, packed);
        true
    }

    /// A message or group value in `{ }` or `< >`, merged into the one already set for a singular field.
    fn consume_message_value(
        &mut self,
        side: Side,
        m: MsgId,
        desc: &FieldDesc,
        message: &mut DynMessage,
    ) -> bool {
        self.recursion -= 1;
        if self.recursion < 0 {
            return self.report(format!(
                "Message is too deep, the parser exceeded the configured recursion limit of {RECURSION_LIMIT}."
            ));
        }
        let delimiter = if self.try_consume("<") {
            ">"
        } else if self.consume("{") {
            "}"
        } else {
            return false;
        };
        let number = desc.number as u32;
        let mut child = new_message(self.pool_of(side), m);
        let existing = (desc.label != Label::Repeated)
            .then(|| message.known.remove(&number))
            .flatten();
        if let Some(Val::Message(m) | Val::Group(m)) =
            existing.and_then(|f| f.values.into_iter().last())
        {
            child = m;
        }
        if !self.consume_message(side, m, &mut child, delimiter) {
            return false;
        }
        if self.pool_of(side).message(m).map_entry {
            fill_map_entry(self.pool_of(side), m, &mut child);
        }
        self.recursion += 1;
        let value = if desc.effective_type() == Some(FieldType::Group) {
            Val::Group(child)
        } else {
            Val::Message(child)
        };
        push(message, desc, value, false);
        true
    }

    /// A scalar or enum value of the field's type; `None` after an error.
    fn consume_scalar(&mut self, side: Side, desc: &FieldDesc) -> Option<Val> {
        let field_type = desc.effective_type()?;
        let value = match field_type {
            FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => {
                encode_int(field_type, self.consume_signed(i32::MAX as u64)?)
            }
            FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => {
                encode_int(field_type, self.consume_signed(i64::MAX as u64)?)
            }
            FieldType::Uint32 | FieldType::Fixed32 => {
                encode_int(field_type, self.consume_unsigned(u32::MAX as u64)? as i64)
            }
            FieldType::Uint64 | FieldType::Fixed64 => {
                encode_int(field_type, self.consume_unsigned(u64::MAX)? as i64)
            }
            FieldType::Float => {
                let v = self.consume_double()?;
                Val::Fixed32(crate::floatfmt::safe_double_to_float(v).to_bits())
            }
            FieldType::Double => Val::Fixed64(self.consume_double()?.to_bits()),
            FieldType::String | FieldType::Bytes => {
                if self.kind() != TokenKind::String {
                    self.report_token("Expected string, got: ", "");
                    return None;
                }
                let mut s = Vec::new();
                while self.kind() == TokenKind::String {
                    lexer::parse_string_append(self.lexer.text(self.lexer.current()), &mut s);
                    self.next();
                }
                Val::Bytes(s)
            }
            FieldType::Bool => self.consume_bool(desc)?,
            FieldType::Enum => Val::Varint(self.consume_enum(side, desc)? as i64 as u64),
            FieldType::Message | FieldType::Group => return None,
        };
        Some(value)
    }

    /// A boolean: 0 or 1, or one of text format's spellings of true and false.
    fn consume_bool(&mut self, desc: &FieldDesc) -> Option<Val> {
        if self.kind() == TokenKind::Integer {
            return self.consume_unsigned(1).map(Val::Varint);
        }
        if self.kind() != TokenKind::Identifier {
            self.report_token("Expected identifier, got: ", "");
            return None;
        }
        let value = self.text();
        self.next();
        match value.as_str() {
            "true" | "True" | "t" => Some(Val::Varint(1)),
            "false" | "False" | "f" => Some(Val::Varint(0)),
            _ => {
                self.report(format!(
                    "Invalid value for boolean field \"{}\". Value: \"{value}\".",
                    desc.name()
                ));
                None
            }
        }
    }

    fn consume_enum(&mut self, side: Side, desc: &FieldDesc) -> Option<i32> {
        let TypeRef::Enum(enum_type) = desc.type_ref else {
            return None;
        };
        let (value_text, found, int_value) = if self.kind() == TokenKind::Identifier {
            let name = self.text();
            self.next();
            let pool = self.pool_of(side);
            let found = pool
                .find_value_by_name(enum_type, &name)
                .map(|v| pool.value(v).number);
            (name, found, None)
        } else if self.looking_at("-") || self.kind() == TokenKind::Integer {
            let v = self.consume_signed(i32::MAX as u64)?;
            let pool = self.pool_of(side);
            let found = pool
                .find_value_by_number(enum_type, v as i32)
                .map(|x| pool.value(x).number);
            (v.to_string(), found, Some(v))
        } else {
            self.report_token("Expected integer or identifier, got: ", "");
            return None;
        };
        if let Some(v) = found {
            return Some(v);
        }
        if let Some(v) = int_value {
            if !self.pool_of(side).enum_is_closed(enum_type) {
                return Some(v as i32);
            }
        }
        self.report(format!(
            "Unknown enumeration value of \"{value_text}\" for field \"{}\".",
            desc.name()
        ));
        None
    }

    fn consume_unsigned(&mut self, max: u64) -> Option<u64> {
        if self.kind() != TokenKind::Integer {
            self.report_token("Expected integer, got: ", "");
            return None;
        }
        let text = self.text();
        match lexer::parse_integer(text.as_bytes(), max) {
            Some(v) => {
                self.next();
                Some(v)
            }
            None => {
                self.report(format!("Integer out of range ({text})"));
                None
            }
        }
    }

    fn consume_signed(&mut self, max: u64) -> Option<i64> {
        let negative = self.try_consume("-");
        let v = self.consume_unsigned(if negative { max + 1 } else { max })?;
        Some(if negative {
            (v as i64).wrapping_neg()
        } else {
            v as i64
        })
    }

    fn consume_double(&mut self) -> Option<f64> {
        let negative = self.try_consume("-");
        let value = match self.kind() {
            TokenKind::Integer => {
                let text = self.text();
                let hex_or_octal = text.len() > 1 && text.starts_with('0');
                if hex_or_octal {
                    self.report(format!("Expect a decimal number, got: {text}"));
                    return None;
                }
                let v = lexer::parse_integer(text.as_bytes(), u64::MAX)
                    .map_or_else(|| lexer::parse_float(text.as_bytes()).0, |v| v as f64);
                self.next();
                v
            }
            TokenKind::Float => {
                let v = lexer::parse_float(self.lexer.text(self.lexer.current())).0;
                self.next();
                v
            }
            TokenKind::Identifier => {
                let text = self.text().to_ascii_lowercase();
                let v = match text.as_str() {
                    "inf" | "infinity" => f64::INFINITY,
                    "nan" => f64::NAN,
                    _ => {
                        self.report(format!("Expected double, got: {text}"));
                        return None;
                    }
                };
                self.next();
                v
            }
            _ => {
                self.report_token("Expected double, got: ", "");
                return None;
            }
        };
        Some(if negative { -value } else { value })
    }
}

fn encode_int(field_type: FieldType, v: i64) -> Val {
    match field_type {
        FieldType::Sfixed32 | FieldType::Fixed32 => Val::Fixed32(v as u32),
        FieldType::Sfixed64 | FieldType::Fixed64 => Val::Fixed64(v as u64),
        FieldType::Sint32 => {
            Val::Varint(u64::from((((v as i32) << 1) ^ ((v as i32) >> 31)) as u32))
        }
        FieldType::Sint64 => Val::Varint(((v << 1) ^ (v >> 63)) as u64),
        FieldType::Uint32 => Val::Varint(u64::from(v as u32)),
        FieldType::Int32 => Val::Varint(v as i32 as i64 as u64),
        _ => Val::Varint(v as u64),
    }
}

fn push(message: &mut DynMessage, desc: &FieldDesc, value: Val, packed: bool) {
    let field = message.known.entry(desc.number as u32).or_default();
    if desc.label == Label::Repeated {
        field.packed = packed;
        field.values.push(value);
    } else {
        field.values = vec![value];
    }
}
