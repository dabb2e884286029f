//! Aggregate option values `{ ... }` (`SetAggregateOption`): the text parsed by protoc's text format parser
//! (text_format.cc `ParserImpl`, as protoc configures it: no unknown fields, singular fields at most once)
//! into a message of the option's type, serialized as a dynamic message serializes (fields in number
//! order, extensions included). Extensions `[name]` are looked up by the builder's scope rules relative to
//! the message being parsed.

use super::dynamic::{DynMessage, Val};
use super::interpret::{OptionField, Side};
use crate::ir::{ErrorLocation, FieldType, Label, OptionValue, UninterpretedOption};
use crate::lexer::{self, Lexer, TokenKind};
use crate::pool::builder::Builder;
use crate::pool::lookup::ResolveMode;
use crate::pool::{FieldDesc, FieldId, MsgId, Symbol, TypeRef};
use crate::wire;

mod messages;
mod values;

use messages::new_message;

const RECURSION_LIMIT: i32 = 100;

impl<'p> Builder<'p> {
    /// `SetAggregateOption`.
    pub fn set_aggregate_option(
        &mut self,
        leaf: OptionField,
        f: &FieldDesc,
        option: &UninterpretedOption,
        out: &mut Vec<u8>,
    ) -> bool {
        let OptionValue::Aggregate(text) = &option.value else {
            let message = format!(
                "Option \"{}\" is a message. To set the entire message, use syntax like \"{} = {{ <proto text format> }}\". To set fields within it, use syntax like \"{}.foo = value\".",
                f.full_name,
                f.name(),
                f.name()
            );
            self.error(option.id, ErrorLocation::OptionValue, message);
            return false;
        };
        let TypeRef::Message(message_type) = f.type_ref else {
            return true;
        };
        let mut parser = TextParser {
            builder: self,
            lexer: Lexer::for_text_format(text),
            errors: Vec::new(),
            recursion: RECURSION_LIMIT,
        };
        parser.lexer.next_token();
        let mut message = new_message(parser.pool_of(leaf.side), message_type);
        let mut ok = parser.parse_all(leaf.side, message_type, &mut message);
        if ok {
            let mut missing = Vec::new();
            parser.missing_required(leaf.side, message_type, &message, "", &mut missing);
            if !missing.is_empty() {
                parser.report(format!(
                    "Message missing required fields: {}",
                    missing.join(", ")
                ));
                ok = false;
            }
        }
        let errors = std::mem::take(&mut parser.errors);
        if !ok {
            let mut message =
                format!("Error while parsing option value for \"{}\": ", f.name()).into_bytes();
            message.extend(errors.join(&b"; "[..]));
            self.error(option.id, ErrorLocation::OptionValue, message);
            return false;
        }
        if f.effective_type() == Some(FieldType::Group) {
            wire::write_varint(u64::from(f.number as u32) << 3 | 3, out);
            message.serialize(out);
            wire::write_varint(u64::from(f.number as u32) << 3 | 4, out);
        } else {
            wire::write_bytes_field(f.number as u32, &message.to_bytes(), out);
        }
        true
    }
}

/// A text format parse of one aggregate value.
struct TextParser<'b, 'p> {
    builder: &'b mut Builder<'p>,
    lexer: Lexer<'b>,
    /// Bytes: a message may quote a token of a file that is not UTF-8.
    errors: Vec<Vec<u8>>,
    recursion: i32,
}

impl<'b, 'p> TextParser<'b, 'p> {
    fn text(&self) -> String {
        String::from_utf8_lossy(self.lexer.text(self.lexer.current())).into_owned()
    }
    fn looking_at(&self, s: &str) -> bool {
        self.lexer.text(self.lexer.current()) == s.as_bytes()
    }
    fn kind(&self) -> TokenKind {
        self.lexer.current().kind
    }
    fn next(&mut self) {
        self.lexer.next_token();
        self.lexer
            .errors
            .drain(..)
            .for_each(|e| self.errors.push(e.message.into_bytes()));
    }
    fn report(&mut self, message: impl Into<Vec<u8>>) -> bool {
        self.errors.push(message.into());
        false
    }
    /// `before`, then the current token's text as written (protoc quotes its bytes), then `after`.
    fn report_token(&mut self, before: &str, after: &str) -> bool {
        let token = self.lexer.text(self.lexer.current());
        let message = [before.as_bytes(), token, after.as_bytes()].concat();
        self.report(message)
    }
    fn try_consume(&mut self, s: &str) -> bool {
        if self.looking_at(s) {
            self.next();
            true
        } else {
            false
        }
    }
    fn consume(&mut self, s: &str) -> bool {
        if self.try_consume(s) {
            return true;
        }
        self.report_token(&format!("Expected \"{s}\", found \""), "\".")
    }

    fn pool_of(&self, side: Side) -> &crate::pool::Pool {
        self.builder.side_pool(side)
    }

    fn parse_all(&mut self, side: Side, message_type: MsgId, message: &mut DynMessage) -> bool {
        while self.kind() != TokenKind::End {
            if !self.consume_field(side, message_type, message) {
                return false;
            }
        }
        self.errors.is_empty()
    }

    fn consume_message(
        &mut self,
        side: Side,
        message_type: MsgId,
        message: &mut DynMessage,
        delimiter: &str,
    ) -> bool {
        while !self.looking_at(">") && !self.looking_at("}") {
            if self.kind() == TokenKind::End {
                return self.report_token(&format!("Expected \"{delimiter}\", found \""), "\".");
            }
            if !self.consume_field(side, message_type, message) {
                return false;
            }
        }
        self.consume(delimiter)
    }

    /// `[name]` or `[prefix/type.Name]`: the text between the brackets, spaces removed.
    fn consume_bracketed_name(&mut self) -> Option<(String, String)> {
        if !self.consume("[") {
            return None;
        }
        // protoc reads the name in its tokenizer's URL mode: runs of URL characters, whitespace skipped
        let is_url_char = |c: u8| c.is_ascii_alphanumeric() || b"_-.~!$&()*+,;=%/".contains(&c);
        let mut text = String::new();
        loop {
            let token = self.lexer.text(self.lexer.current());
            if self.kind() == TokenKind::End
                || token.is_empty()
                || !token.iter().all(|&c| is_url_char(c))
            {
                break;
            }
            text.push_str(&String::from_utf8_lossy(token));
            self.next();
        }
        if !self.looking_at("]") {
            let token = self.lexer.text(self.lexer.current());
            let found = match self.kind() {
                TokenKind::String => &token[..1],
                _ => token,
            };
            let message = [&b"Expected \"]\", found \""[..], found, b"\"."].concat();
            self.report(message);
            return None;
        }
        self.next();
        let (prefix, name) = match text.rfind('/') {
            None => (String::new(), text),
            Some(slash) => (text[..=slash].to_string(), text[slash + 1..].to_string()),
        };
        if prefix == "/" {
            self.report("Type URL prefix is empty");
            return None;
        }
        if prefix.starts_with('/') {
            self.report("Type URL starts with \"/\"");
            return None;
        }
        for identifier in name.split('.') {
            if !lexer::is_identifier(identifier.as_bytes()) {
                self.report(format!(
                    "Invalid identifier in type name, got: \"{identifier}\""
                ));
                return None;
            }
        }
        Some((prefix, name))
    }

    fn find_extension(&mut self, side: Side, message_type: MsgId, name: &str) -> Option<FieldId> {
        let scope = self.pool_of(side).message(message_type).full_name.clone();
        match self.builder.lookup_symbol(name, &scope, ResolveMode::All) {
            Some(Symbol::Field(f)) if side == Side::Current => Some(f),
            Some(Symbol::Message(foreign)) if side == Side::Current => {
                let message_set = self
                    .builder
                    .pool
                    .message(message_type)
                    .options
                    .msg
                    .get_bool(1);
                if !message_set {
                    return None;
                }
                let pool = &*self.builder.pool;
                // protoc compares `type()` and `label_` as feature post-processing left them (a delimited
                // extension is a group, an inherited `LEGACY_REQUIRED` one required)
                pool.message(foreign).extensions.iter().copied().find(|&e| {
                    let d = pool.field(e);
                    d.containing_type == Some(message_type)
                        && d.effective_type() == Some(FieldType::Message)
                        && d.label == Label::Optional
                        && !d.resolved_required
                        && d.type_ref == TypeRef::Message(foreign)
                })
            }
            _ => None,
        }
    }

    fn consume_field(&mut self, side: Side, message_type: MsgId, message: &mut DynMessage) -> bool {
        let full_name = self.pool_of(side).message(message_type).full_name.clone();
        if self.looking_at("[") && full_name == "google.protobuf.Any" {
            return self.consume_any(message);
        }
        let Some((field, field_name)) = self.consume_field_name(side, message_type, &full_name)
        else {
            return false;
        };
        let desc = self.pool_of(side).field(field).clone();
        if !self.check_field_not_set(side, &desc, &field_name, message) {
            return false;
        }
        let is_message = matches!(desc.type_ref, TypeRef::Message(_));
        if is_message {
            self.try_consume(":");
        } else if !self.consume(":") {
            return false;
        }
        if desc.label == Label::Repeated && self.try_consume("[") {
            if !self.try_consume("]") {
                loop {
                    if !self.consume_value(side, field, &desc, message) {
                        return false;
                    }
                    if self.try_consume("]") {
                        break;
                    }
                    if !self.consume(",") {
                        return false;
                    }
                }
            }
        } else if !self.consume_value(side, field, &desc, message) {
            return false;
        }
        let _ = self.try_consume(";") || self.try_consume(",");
        true
    }

    /// A field's name: `[extension]` or an identifier (a group's type name too, as protoc accepts); the
    /// field and the name as written, or `None` after the error.
    fn consume_field_name(
        &mut self,
        side: Side,
        message_type: MsgId,
        full_name: &str,
    ) -> Option<(FieldId, String)> {
        if self.looking_at("[") {
            let (prefix, name) = self.consume_bracketed_name()?;
            if !prefix.is_empty() {
                self.report("Extension name contains \"/\"");
                return None;
            }
            return match self.find_extension(side, message_type, &name) {
                Some(f) => Some((f, name)),
                None => {
                    self.report(format!(
                        "Extension \"{name}\" is not defined or is not an extension of \"{full_name}\"."
                    ));
                    None
                }
            };
        }
        if self.kind() != TokenKind::Identifier {
            self.report_token("Expected identifier, got: ", "");
            return None;
        }
        let name = self.text();
        self.next();
        let pool = self.pool_of(side);
        let mut field = pool.find_field_by_name(message_type, &name);
        if field.is_none() {
            field = pool.find_field_by_name(message_type, &name.to_ascii_lowercase()).filter(|&f| {
                let d = pool.field(f);
                d.effective_type() == Some(FieldType::Group)
                    && matches!(d.type_ref, TypeRef::Message(m) if pool.message(m).name() == name)
            });
        }
        match field {
            Some(f) => Some((f, name)),
            None => {
                self.report(format!(
                    "Message type \"{full_name}\" has no field named \"{name}\"."
                ));
                None
            }
        }
    }

    /// A singular field given twice, or a second member of a oneof; `false` after the error.
    fn check_field_not_set(
        &mut self,
        side: Side,
        desc: &FieldDesc,
        field_name: &str,
        message: &DynMessage,
    ) -> bool {
        if desc.label != Label::Repeated && message.has(desc.number as u32) {
            return self.report(format!(
                "Non-repeated field \"{field_name}\" is specified multiple times."
            ));
        }
        if let Some(oneof) = desc.oneof {
            let pool = self.pool_of(side);
            let other = pool
                .oneof(oneof)
                .fields
                .iter()
                .copied()
                .find(|&o| message.has(pool.field(o).number as u32));
            if let Some(other) = other {
                let other_name = pool.field(other).name().to_string();
                let oneof_name = pool.oneof(oneof).name().to_string();
                return self.report(format!(
                    "Field \"{field_name}\" is specified along with field \"{other_name}\", another member of oneof \"{oneof_name}\"."
                ));
            }
        }
        true
    }

    /// `[type.googleapis.com/pkg.Type] { ... }` inside a `google.protobuf.Any`.
    fn consume_any(&mut self, message: &mut DynMessage) -> bool {
        let Some((prefix, name)) = self.consume_bracketed_name() else {
            return false;
        };
        if prefix.is_empty() {
            return self.report("Type URL prefix is missing");
        }
        let url = format!("{prefix}{name}");
        self.try_consume(":");
        let value_type = if prefix == "type.googleapis.com/" || prefix == "type.googleprod.com/" {
            match self.builder.find_symbol(&name) {
                Some(Symbol::Message(m)) => Some(m),
                _ => None,
            }
        } else {
            None
        };
        let Some(value_type) = value_type else {
            return self.report(format!(
                "Could not find type \"{url}\" stored in google.protobuf.Any."
            ));
        };
        let delimiter = if self.try_consume("<") {
            ">"
        } else if self.consume("{") {
            "}"
        } else {
            return false;
        };
        let mut value = new_message(&*self.builder.pool, value_type);
        if !self.consume_message(Side::Current, value_type, &mut value, delimiter) {
            return false;
        }
        let mut missing = Vec::new();
        self.missing_required(Side::Current, value_type, &value, "", &mut missing);
        if !missing.is_empty() {
            let type_name = self.builder.pool.message(value_type).full_name.clone();
            return self.report(format!(
                "Value of type \"{type_name}\" stored in google.protobuf.Any has missing required fields: {}",
                missing.join(", ")
            ));
        }
        if message.has(1) || message.has(2) {
            return self.report("Non-repeated Any specified multiple times.");
        }
        message.set(1, Val::Bytes(url.into_bytes()));
        // `value` is a proto3 bytes field: an empty message leaves it unset
        let value = value.to_bytes();
        if !value.is_empty() {
            message.set(2, Val::Bytes(value));
        }
        let _ = self.try_consume(";") || self.try_consume(",");
        true
    }
}
