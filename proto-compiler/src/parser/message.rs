//! Messages: definitions, blocks, statements, extension ranges, `extend` blocks and oneofs (parser.cc's
//! "Messages" section).

use super::reserved::ReservedIn;
use super::{path, req, Parser};
use crate::ir::{
    ErrorLocation, ExtensionRangeProto, FieldProto, Label, MessageProto, OneofProto, OptionValue,
    Options,
};

/// The parser's placeholder for `max` as a range end until options are known (`kMaxRangeSentinel`).
pub(super) const MAX_RANGE_SENTINEL: i32 = -1;
/// `FieldDescriptor::kMaxNumber`.
pub const MAX_FIELD_NUMBER: i32 = 536_870_911;

fn is_message_set(options: &Options) -> bool {
    options.uninterpreted.iter().any(|o| {
        o.name.len() == 1
            && !o.name[0].is_extension
            && o.name[0].name == "message_set_wire_format"
            && o.value == OptionValue::Identifier("true".into())
    })
}

/// `GenerateSyntheticOneofs`: a `_name` oneof for every proto3 `optional` field.
fn generate_synthetic_oneofs(message: &mut MessageProto) {
    let mut names: std::collections::HashSet<String> =
        message.field.iter().map(|f| f.name.clone()).collect();
    names.extend(message.oneof_decl.iter().map(|o| o.name.clone()));
    for i in 0..message.field.len() {
        if !message.field[i].proto3_optional {
            continue;
        }
        let mut name = message.field[i].name.clone();
        if !name.starts_with('_') {
            name.insert(0, '_');
        }
        while names.contains(&name) {
            name.insert(0, 'X');
        }
        names.insert(name.clone());
        message.field[i].oneof_index = Some(message.oneof_decl.len() as i32);
        message.oneof_decl.push(OneofProto {
            id: 0,
            name,
            options: Options::default(),
        });
    }
}

impl<'a> Parser<'a> {
    pub(super) fn parse_message_definition(
        &mut self,
        message: &mut MessageProto,
        visibility: Option<i32>,
        message_loc: usize,
    ) -> bool {
        self.recursion_depth -= 1;
        let ok = self.parse_message_definition_inner(message, visibility, message_loc);
        self.recursion_depth += 1;
        ok
    }

    fn parse_message_definition_inner(
        &mut self,
        message: &mut MessageProto,
        visibility: Option<i32>,
        message_loc: usize,
    ) -> bool {
        if self.recursion_depth <= 0 {
            self.error("Reached maximum recursion limit for nested messages.");
            return false;
        }
        message.id = self.new_id();
        req!(self.consume("message"));
        let loc = self.loc(Some(message_loc), &[path::MESSAGE_NAME]);
        self.record(loc, message.id, ErrorLocation::Name);
        req!(self.consume_identifier(&mut message.name, "Expected message name."));
        self.end(loc);
        req!(self.parse_message_block(message, message_loc));
        if self.syntax == "proto3" {
            generate_synthetic_oneofs(message);
        }
        message.visibility = visibility;
        true
    }

    pub(super) fn parse_message_block(
        &mut self,
        message: &mut MessageProto,
        message_loc: usize,
    ) -> bool {
        req!(self.consume_end_of_declaration("{", Some(message_loc)));
        while !self.try_consume_end_of_declaration("}", None) {
            if self.at_end() {
                self.error("Reached end of input in message definition (missing '}').");
                return false;
            }
            if !self.parse_message_statement(message, message_loc) {
                self.skip_statement();
            }
        }
        let max = if is_message_set(&message.options) {
            i32::MAX
        } else {
            MAX_FIELD_NUMBER + 1
        };
        for range in &mut message.extension_range {
            if range.end == MAX_RANGE_SENTINEL {
                range.end = max;
            }
        }
        for range in &mut message.reserved_range {
            if range.end == MAX_RANGE_SENTINEL {
                range.end = max;
            }
        }
        // ValidateMessage
        if let Some(option) = message.options.uninterpreted.iter().find(|o| {
            !o.name.is_empty() && !o.name[0].is_extension && o.name[0].name == "map_entry"
        }) {
            let (line, column) = self.table.find(option.id, ErrorLocation::OptionName);
            self.error_at(
                line,
                column,
                "map_entry should not be set explicitly. Use map<KeyType, ValueType> instead.",
            );
            return false;
        }
        true
    }

    /// A message definition appended to `messages`, the `path_field` list of the parent at `parent_loc`.
    pub(super) fn parse_message_into(
        &mut self,
        messages: &mut Vec<MessageProto>,
        visibility: Option<i32>,
        parent_loc: usize,
        path_field: i32,
    ) -> bool {
        let loc = self.loc(Some(parent_loc), &[path_field, messages.len() as i32]);
        messages.push(MessageProto::default());
        let Some(message) = messages.last_mut() else {
            return false;
        };
        let ok = self.parse_message_definition(message, visibility, loc);
        self.end(loc);
        ok
    }

    fn parse_message_statement(&mut self, message: &mut MessageProto, message_loc: usize) -> bool {
        if self.try_consume_end_of_declaration(";", None) {
            return true;
        }
        let mut visibility = None;
        if self.looking_at("export") || self.looking_at("local") {
            req!(self.parse_visibility(&mut visibility));
        }
        if self.looking_at("message") {
            self.parse_message_into(
                &mut message.nested_type,
                visibility,
                message_loc,
                path::MESSAGE_NESTED,
            )
        } else if self.looking_at("enum") {
            let enums = &mut message.enum_type;
            self.parse_enum_into(enums, visibility, message_loc, path::MESSAGE_ENUM)
        } else if self.looking_at("extensions") {
            let loc = self.loc(Some(message_loc), &[path::MESSAGE_EXTENSION_RANGE]);
            let ok = self.parse_extensions(message, loc);
            self.end(loc);
            ok
        } else if self.looking_at("reserved") {
            self.parse_reserved(
                &mut message.reserved_name,
                &mut message.reserved_range,
                message_loc,
                ReservedIn::Message,
            )
        } else if self.looking_at("extend") {
            let loc = self.loc(Some(message_loc), &[path::MESSAGE_EXTENSION]);
            let ok = self.parse_extend(
                &mut message.extension,
                &mut message.nested_type,
                message_loc,
                path::MESSAGE_NESTED,
                loc,
            );
            self.end(loc);
            ok
        } else if self.looking_at("option") {
            let loc = self.loc(Some(message_loc), &[path::MESSAGE_OPTIONS]);
            let ok = self.parse_option(&mut message.options, loc, super::option::Style::Statement);
            self.end(loc);
            ok
        } else if self.looking_at("oneof") {
            let index = message.oneof_decl.len();
            let loc = self.loc(Some(message_loc), &[path::MESSAGE_ONEOF, index as i32]);
            message.oneof_decl.push(OneofProto::default());
            let ok = self.parse_oneof(message, index, loc, message_loc);
            self.end(loc);
            ok
        } else {
            let loc = self.loc(
                Some(message_loc),
                &[path::MESSAGE_FIELD, message.field.len() as i32],
            );
            let mut field = FieldProto::default();
            let ok = self.parse_message_field(
                &mut field,
                &mut message.nested_type,
                message_loc,
                path::MESSAGE_NESTED,
                loc,
            );
            message.field.push(field);
            self.end(loc);
            ok
        }
    }

    fn parse_extensions(&mut self, message: &mut MessageProto, extensions_loc: usize) -> bool {
        req!(self.consume("extensions"));
        let old_range_size = message.extension_range.len();
        loop {
            let loc = self.loc(
                Some(extensions_loc),
                &[message.extension_range.len() as i32],
            );
            let mut range = ExtensionRangeProto {
                id: self.new_id(),
                ..Default::default()
            };
            self.record(loc, range.id, ErrorLocation::Number);
            let mut start = 0;
            let start_token = self.cur();
            let start_loc = self.loc(Some(loc), &[path::RANGE_START]);
            let consumed = self.consume_integer(&mut start, "Expected field number range.");
            message.extension_range.push(range.clone());
            req!(consumed);
            if start == i32::MAX {
                self.error("Field number out of bounds.");
                return false;
            }
            self.end(start_loc);
            let mut end;
            if self.try_consume("to") {
                let end_loc = self.loc(Some(loc), &[path::RANGE_END]);
                if self.try_consume("max") {
                    end = MAX_RANGE_SENTINEL - 1;
                } else {
                    end = 0;
                    req!(self.consume_integer(&mut end, "Expected integer."));
                    if end == i32::MAX {
                        self.error("Field number out of bounds.");
                        return false;
                    }
                }
                self.end(end_loc);
            } else {
                let end_loc = self.loc(Some(loc), &[path::RANGE_END]);
                self.start_at(end_loc, &start_token);
                self.end_at(end_loc, &start_token);
                end = start;
            }
            end += 1;
            range.start = start;
            range.end = end;
            if let Some(last) = message.extension_range.last_mut() {
                *last = range;
            }
            self.end(loc);
            if !self.try_consume(",") {
                break;
            }
        }
        if self.looking_at("[") {
            req!(self.parse_extension_range_options(message, old_range_size, extensions_loc));
        }
        req!(self.consume_end_of_declaration(";", Some(extensions_loc)));
        true
    }

    /// The `[...]` options after extension ranges: parsed for the first range of the statement (into side
    /// locations), copied to the others, and the locations copied for every range.
    fn parse_extension_range_options(
        &mut self,
        message: &mut MessageProto,
        old_range_size: usize,
        extensions_loc: usize,
    ) -> bool {
        let range_number_index = self.path_len(extensions_loc);
        let first_side = self.locs.len();
        let index_loc = self.loc(Some(extensions_loc), &[0]);
        let loc = self.loc(Some(index_loc), &[path::EXTENSION_RANGE_OPTIONS]);
        let mut options = Options::default();
        req!(self.consume("["));
        loop {
            req!(self.parse_option(&mut options, loc, super::option::Style::Assignment));
            if !self.try_consume(",") {
                break;
            }
        }
        req!(self.consume("]"));
        self.end(loc);
        self.end(index_loc);
        for i in old_range_size + 1..message.extension_range.len() {
            let mut copy = options.clone();
            for option in &mut copy.uninterpreted {
                option.id = self.new_id();
            }
            message.extension_range[i].options = copy;
        }
        message.extension_range[old_range_size].options = options;
        let side = self.locs.split_off(first_side);
        for i in old_range_size..message.extension_range.len() {
            for location in &side {
                if location.path.len() == range_number_index + 1 {
                    continue;
                }
                let mut copy = location.clone();
                copy.path[range_number_index] = i as i32;
                self.locs.push_location(&copy);
            }
        }
        true
    }

    pub(super) fn parse_extend(
        &mut self,
        extensions: &mut Vec<FieldProto>,
        messages: &mut Vec<MessageProto>,
        parent_loc: usize,
        nested_path: i32,
        extend_loc: usize,
    ) -> bool {
        req!(self.consume("extend"));
        let extendee_start = self.cur();
        let mut extendee = String::new();
        req!(self.parse_user_defined_type(&mut extendee));
        let extendee_end = *self.lex.previous();
        req!(self.consume_end_of_declaration("{", Some(extend_loc)));
        let mut is_first = true;
        loop {
            if self.at_end() {
                self.error("Reached end of input in extend definition (missing '}').");
                return false;
            }
            let loc = self.loc(Some(extend_loc), &[extensions.len() as i32]);
            let mut field = FieldProto {
                id: self.new_id(),
                ..Default::default()
            };
            let extendee_loc = self.loc(Some(loc), &[path::FIELD_EXTENDEE]);
            self.start_at(extendee_loc, &extendee_start);
            self.end_at(extendee_loc, &extendee_end);
            if is_first {
                self.record(extendee_loc, field.id, ErrorLocation::Extendee);
                is_first = false;
            }
            field.extendee = Some(extendee.clone());
            let ok = self.parse_message_field(&mut field, messages, parent_loc, nested_path, loc);
            extensions.push(field);
            if !ok {
                self.skip_statement();
            }
            self.end(loc);
            if self.try_consume_end_of_declaration("}", None) {
                break;
            }
        }
        true
    }

    fn parse_oneof(
        &mut self,
        message: &mut MessageProto,
        oneof_index: usize,
        oneof_loc: usize,
        message_loc: usize,
    ) -> bool {
        req!(self.consume("oneof"));
        let name_loc = self.loc(Some(oneof_loc), &[path::ONEOF_NAME]);
        let mut name = String::new();
        let ok = self.consume_identifier(&mut name, "Expected oneof name.");
        message.oneof_decl[oneof_index].name = name;
        req!(ok);
        self.end(name_loc);
        req!(self.consume_end_of_declaration("{", Some(oneof_loc)));
        loop {
            if self.at_end() {
                self.error("Reached end of input in oneof definition (missing '}').");
                return false;
            }
            if self.looking_at("option") {
                let option_loc = self.loc(Some(oneof_loc), &[path::ONEOF_OPTIONS]);
                let mut options = std::mem::take(&mut message.oneof_decl[oneof_index].options);
                let ok =
                    self.parse_option(&mut options, option_loc, super::option::Style::Statement);
                message.oneof_decl[oneof_index].options = options;
                req!(ok);
                self.end(option_loc);
                if self.try_consume_end_of_declaration("}", None) {
                    break;
                }
                continue;
            }
            if self.looking_at("required")
                || self.looking_at("optional")
                || self.looking_at("repeated")
            {
                self.error(
                    "Fields in oneofs must not have labels (required / optional / repeated).",
                );
                self.advance();
            }
            let field_loc = self.loc(
                Some(message_loc),
                &[path::MESSAGE_FIELD, message.field.len() as i32],
            );
            let mut field = FieldProto {
                label: Some(Label::Optional),
                oneof_index: Some(oneof_index as i32),
                ..Default::default()
            };
            let ok = self.parse_message_field_no_label(
                &mut field,
                &mut message.nested_type,
                message_loc,
                path::MESSAGE_NESTED,
                field_loc,
            );
            message.field.push(field);
            if !ok {
                self.skip_statement();
            }
            self.end(field_loc);
            if self.try_consume_end_of_declaration("}", None) {
                break;
            }
        }
        true
    }
}
