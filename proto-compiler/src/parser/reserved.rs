//! `reserved` statements of messages and enums (`ParseReserved`, `ParseReservedNames`,
//! `ParseReservedIdentifiers`, `ParseReservedNumbers`): the same grammar, with the enum's numbers signed and
//! end inclusive.

use super::message::MAX_RANGE_SENTINEL;
use super::{path, req, Parser};
use crate::ir::{ErrorLocation, RangeProto};
use crate::lexer::TokenKind;

/// What a `reserved` statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReservedIn {
    Message,
    Enum,
}

impl ReservedIn {
    /// The `reserved_name` and `reserved_range` fields of `DescriptorProto` or `EnumDescriptorProto`.
    fn paths(self) -> (i32, i32) {
        match self {
            ReservedIn::Message => (path::MESSAGE_RESERVED_NAME, path::MESSAGE_RESERVED_RANGE),
            ReservedIn::Enum => (path::ENUM_RESERVED_NAME, path::ENUM_RESERVED_RANGE),
        }
    }

    /// What a reserved name is, in protoc's "Expected ..." errors.
    fn name_kind(self) -> &'static str {
        match self {
            ReservedIn::Message => "field name",
            ReservedIn::Enum => "enum value",
        }
    }
}

impl<'a> Parser<'a> {
    /// A `reserved` statement: names (string literals, or identifiers in editions) or number ranges.
    pub(super) fn parse_reserved(
        &mut self,
        names: &mut Vec<Vec<u8>>,
        ranges: &mut Vec<RangeProto>,
        parent_loc: usize,
        of: ReservedIn,
    ) -> bool {
        let (name_path, range_path) = of.paths();
        let start_token = self.cur();
        req!(self.consume("reserved"));
        if self.looking_at_kind(TokenKind::String) {
            if self.syntax == "editions" {
                self.error("Reserved names must be identifiers in editions, not string literals.");
                return false;
            }
            let loc = self.loc(Some(parent_loc), &[name_path]);
            self.start_at(loc, &start_token);
            let error = format!("Expected {} string literal.", of.name_kind());
            let ok = self.parse_reserved_names(names, loc, &error);
            self.end(loc);
            ok
        } else if self.looking_at_kind(TokenKind::Identifier) {
            if self.syntax != "editions" {
                self.error(
                    "Reserved names must be string literals. (Only editions supports identifiers.)",
                );
                return false;
            }
            let loc = self.loc(Some(parent_loc), &[name_path]);
            self.start_at(loc, &start_token);
            let error = format!("Expected {} identifier.", of.name_kind());
            let ok = self.parse_reserved_identifiers(names, loc, &error);
            self.end(loc);
            ok
        } else {
            let loc = self.loc(Some(parent_loc), &[range_path]);
            self.start_at(loc, &start_token);
            let ok = self.parse_reserved_numbers(ranges, loc, of);
            self.end(loc);
            ok
        }
    }

    fn parse_reserved_names(
        &mut self,
        names: &mut Vec<Vec<u8>>,
        parent: usize,
        error: &str,
    ) -> bool {
        loop {
            let loc = self.loc(Some(parent), &[names.len() as i32]);
            let (line, column) = (self.cur().line, self.cur().column);
            let mut name = Vec::new();
            let consumed = self.consume_string(&mut name, error);
            // protoc adds the name before parsing it (an empty one on failure)
            names.push(name);
            req!(consumed);
            let name = names.last().map(Vec::as_slice).unwrap_or_default();
            if !crate::lexer::is_identifier(name) {
                // quoted as written, UTF-8 or not
                let message = [
                    &b"Reserved name \""[..],
                    name,
                    b"\" is not a valid identifier.",
                ]
                .concat();
                self.warning_at(line, column, message);
            }
            self.end(loc);
            if !self.try_consume(",") {
                break;
            }
        }
        req!(self.consume_end_of_declaration(";", Some(parent)));
        true
    }

    fn parse_reserved_identifiers(
        &mut self,
        names: &mut Vec<Vec<u8>>,
        parent: usize,
        error: &str,
    ) -> bool {
        loop {
            let loc = self.loc(Some(parent), &[names.len() as i32]);
            let mut name = String::new();
            let consumed = self.consume_identifier(&mut name, error);
            names.push(name.into_bytes());
            req!(consumed);
            self.end(loc);
            if !self.try_consume(",") {
                break;
            }
        }
        req!(self.consume_end_of_declaration(";", Some(parent)));
        true
    }

    /// Reserved numbers of a message (end exclusive, unsigned) or an enum (signed, end inclusive).
    fn parse_reserved_numbers(
        &mut self,
        ranges: &mut Vec<RangeProto>,
        parent: usize,
        of: ReservedIn,
    ) -> bool {
        let enum_style = of == ReservedIn::Enum;
        let mut first = true;
        loop {
            let loc = self.loc(Some(parent), &[ranges.len() as i32]);
            let mut range = RangeProto {
                id: self.new_id(),
                ..Default::default()
            };
            self.record(loc, range.id, ErrorLocation::Number);
            ranges.push(range.clone());
            let start_token = self.cur();
            let start_loc = self.loc(Some(loc), &[path::RANGE_START]);
            let mut start = 0;
            if enum_style {
                let error = if first {
                    "Expected enum value or number range."
                } else {
                    "Expected enum number range."
                };
                req!(self.consume_signed_integer(&mut start, error));
            } else {
                let error = if first {
                    "Expected field name or number range."
                } else {
                    "Expected field number range."
                };
                req!(self.consume_integer(&mut start, error));
            }
            self.end(start_loc);
            let mut end = 0;
            if self.try_consume("to") {
                let end_loc = self.loc(Some(loc), &[path::RANGE_END]);
                if self.try_consume("max") {
                    end = if enum_style {
                        i32::MAX
                    } else {
                        MAX_RANGE_SENTINEL - 1
                    };
                } else if enum_style {
                    req!(self.consume_signed_integer(&mut end, "Expected integer."));
                } else {
                    req!(self.consume_integer(&mut end, "Expected integer."));
                }
                self.end(end_loc);
            } else {
                let end_loc = self.loc(Some(loc), &[path::RANGE_END]);
                self.start_at(end_loc, &start_token);
                self.end_at(end_loc, &start_token);
                end = start;
            }
            if !enum_style {
                end = end.wrapping_add(1);
            }
            range.start = start;
            range.end = end;
            if let Some(last) = ranges.last_mut() {
                *last = range;
            }
            first = false;
            self.end(loc);
            if !self.try_consume(",") {
                break;
            }
        }
        req!(self.consume_end_of_declaration(";", Some(parent)));
        true
    }
}
