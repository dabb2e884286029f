//! Options: `option name = value;` statements and `[name = value]` assignments, kept uninterpreted
//! (`ParseOption`, `ParseOptionNamePart`, `ParseUninterpretedBlock`).

use super::{path, req, Parser};
use crate::ir::{ErrorLocation, NamePart, OptionValue, Options, UninterpretedOption};
use crate::lexer::{self, TokenKind};

/// Statement (`option x = 1;`) or assignment inside brackets (`[x = 1]`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Statement,
    Assignment,
}

impl<'a> Parser<'a> {
    pub(super) fn parse_option(
        &mut self,
        options: &mut Options,
        options_loc: usize,
        style: Style,
    ) -> bool {
        let loc = self.loc(
            Some(options_loc),
            &[
                path::UNINTERPRETED_OPTION,
                options.uninterpreted.len() as i32,
            ],
        );
        if style == Style::Statement {
            req!(self.consume("option"));
        }
        let mut option = UninterpretedOption {
            id: self.new_id(),
            name: Vec::new(),
            value: OptionValue::Identifier(String::new()),
        };
        let ok = self.parse_option_body(&mut option, loc);
        options.add(option);
        req!(ok);
        if style == Style::Statement {
            req!(self.consume_end_of_declaration(";", Some(loc)));
        }
        self.end(loc);
        true
    }

    fn parse_option_body(&mut self, option: &mut UninterpretedOption, loc: usize) -> bool {
        {
            let name_loc = self.loc(Some(loc), &[path::OPTION_NAME]);
            self.record(name_loc, option.id, ErrorLocation::OptionName);
            let part_loc = self.loc(Some(name_loc), &[option.name.len() as i32]);
            req!(self.parse_option_name_part(option, part_loc));
            self.end(part_loc);
            while self.looking_at(".") {
                req!(self.consume("."));
                let part_loc = self.loc(Some(name_loc), &[option.name.len() as i32]);
                req!(self.parse_option_name_part(option, part_loc));
                self.end(part_loc);
            }
            self.end(name_loc);
        }
        req!(self.consume("="));
        let value_loc = self.loc(Some(loc), &[]);
        self.record(value_loc, option.id, ErrorLocation::OptionValue);
        let negative = self.try_consume("-");
        match self.cur().kind {
            TokenKind::Start | TokenKind::End => {
                self.error("Unexpected end of stream while parsing option value.");
                return false;
            }
            TokenKind::Identifier => {
                self.add_path(value_loc, path::OPTION_IDENTIFIER);
                let mut value = String::new();
                req!(self.consume_identifier(&mut value, "Expected identifier."));
                if negative {
                    match value.as_str() {
                        "inf" => option.value = OptionValue::Double(f64::NEG_INFINITY),
                        "nan" => option.value = OptionValue::Double(f64::NAN),
                        _ => {
                            self.error("Identifier after '-' symbol must be inf or nan.");
                            return false;
                        }
                    }
                } else {
                    option.value = OptionValue::Identifier(value);
                }
            }
            TokenKind::Integer | TokenKind::Float => {
                req!(self.parse_number_value(option, value_loc, negative))
            }
            TokenKind::String => {
                self.add_path(value_loc, path::OPTION_STRING);
                if negative {
                    self.error("Invalid '-' symbol before string.");
                    return false;
                }
                let mut value = Vec::new();
                req!(self.consume_string(&mut value, "Expected string."));
                option.value = OptionValue::String(value);
            }
            TokenKind::Symbol => {
                if self.looking_at("{") {
                    self.add_path(value_loc, path::OPTION_AGGREGATE);
                    let mut value = Vec::new();
                    req!(self.parse_uninterpreted_block(&mut value));
                    option.value = OptionValue::Aggregate(value);
                } else {
                    self.error("Expected option value.");
                    return false;
                }
            }
        }
        self.end(value_loc);
        true
    }

    /// An integer (falling back to a double when it does not fit 64 bits) or a float value.
    fn parse_number_value(
        &mut self,
        option: &mut UninterpretedOption,
        value_loc: usize,
        negative: bool,
    ) -> bool {
        if self.looking_at_kind(TokenKind::Integer) {
            let max = if negative {
                i64::MAX as u64 + 1
            } else {
                u64::MAX
            };
            if let Some(value) = lexer::parse_integer(self.cur_text(), max) {
                self.advance();
                if negative {
                    self.add_path(value_loc, path::OPTION_NEGATIVE);
                    option.value = OptionValue::Negative((0u64.wrapping_sub(value)) as i64);
                } else {
                    self.add_path(value_loc, path::OPTION_POSITIVE);
                    option.value = OptionValue::Positive(value);
                }
                return true;
            }
        }
        self.add_path(value_loc, path::OPTION_DOUBLE);
        let mut value = 0.0;
        req!(self.consume_number(&mut value, "Expected number."));
        option.value = OptionValue::Double(if negative { -value } else { value });
        true
    }

    fn parse_option_name_part(
        &mut self,
        option: &mut UninterpretedOption,
        part_loc: usize,
    ) -> bool {
        let mut identifier = String::new();
        if self.looking_at("(") {
            req!(self.consume("("));
            let mut name = String::new();
            let mut has_name = false;
            {
                let loc = self.loc(Some(part_loc), &[path::NAME_PART]);
                if self.looking_at_kind(TokenKind::Identifier) {
                    req!(self.consume_identifier(&mut identifier, "Expected identifier."));
                    name.push_str(&identifier);
                    has_name = true;
                }
                while self.looking_at(".") {
                    req!(self.consume("."));
                    name.push('.');
                    has_name = true;
                    req!(self.consume_identifier(&mut identifier, "Expected identifier."));
                    name.push_str(&identifier);
                }
                self.end(loc);
            }
            req!(self.consume(")"));
            option.name.push(NamePart {
                name,
                is_extension: true,
                has_name,
            });
        } else {
            let loc = self.loc(Some(part_loc), &[path::NAME_PART]);
            req!(self.consume_identifier(&mut identifier, "Expected identifier."));
            self.end(loc);
            option.name.push(NamePart {
                name: identifier,
                is_extension: false,
                has_name: true,
            });
        }
        true
    }

    /// The text of an aggregate value `{ ... }`: its tokens joined by single spaces, braces excluded; bytes,
    /// since a string token keeps the file's bytes, UTF-8 or not.
    fn parse_uninterpreted_block(&mut self, value: &mut Vec<u8>) -> bool {
        req!(self.consume("{"));
        let mut depth = 1;
        while !self.at_end() {
            if self.looking_at("{") {
                depth += 1;
            } else if self.looking_at("}") {
                depth -= 1;
                if depth == 0 {
                    self.advance();
                    return true;
                }
            }
            if !value.is_empty() {
                value.push(b' ');
            }
            value.extend_from_slice(self.cur_text());
            self.advance();
        }
        self.error("Unexpected end of stream while parsing aggregate value.");
        false
    }
}
