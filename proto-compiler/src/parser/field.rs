//! Fields: labels, types, map fields (and their generated entry messages), groups, `[default = ...]`,
//! `[json_name = ...]` and field options.

use super::{path, req, Parser};
use crate::edition::Edition;
use crate::ir::{ErrorLocation, FieldProto, FieldType, Label, MessageProto, Options};

/// The key and value types of a `map<K, V>` field.
#[derive(Default)]
struct MapField {
    is_map: bool,
    key_type: Option<FieldType>,
    key_type_name: String,
    value_type: Option<FieldType>,
    value_type_name: String,
}

/// `MapEntryName`: `foo_bar` → `FooBarEntry`.
pub fn map_entry_name(field_name: &str) -> String {
    let mut result = String::with_capacity(field_name.len() + 5);
    let mut cap_next = true;
    for c in field_name.chars() {
        if c == '_' {
            cap_next = true;
        } else if cap_next {
            result.push(c.to_ascii_uppercase());
            cap_next = false;
        } else {
            result.push(c);
        }
    }
    result.push_str("Entry");
    result
}

/// The `fixed32` → `uint32`-style replacement protoc suggests in unstable editions.
fn numeric_type_replacement(word: &[u8]) -> Option<&'static str> {
    Some(match word {
        b"fixed32" => "uint32",
        b"fixed64" => "uint64",
        b"sfixed32" => "int32",
        b"sfixed64" => "int64",
        b"sint32" => "zigzag32",
        b"sint64" => "zigzag64",
        _ => return None,
    })
}

/// The type table of unstable editions (`GetTypeNameTableWithFixedWireForIntTypes`).
fn unstable_type(word: &[u8]) -> Option<FieldType> {
    Some(match word {
        b"double" => FieldType::Double,
        b"float" => FieldType::Float,
        b"uint64" => FieldType::Fixed64,
        b"bool" => FieldType::Bool,
        b"string" => FieldType::String,
        b"group" => FieldType::Group,
        b"bytes" => FieldType::Bytes,
        b"uint32" => FieldType::Fixed32,
        b"int32" => FieldType::Sfixed32,
        b"int64" => FieldType::Sfixed64,
        b"varint32" => FieldType::Int32,
        b"varint64" => FieldType::Int64,
        b"uvarint32" => FieldType::Uint32,
        b"uvarint64" => FieldType::Uint64,
        b"zigzag32" => FieldType::Sint32,
        b"zigzag64" => FieldType::Sint64,
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    fn default_to_optional_fields(&self) -> bool {
        self.syntax == "proto3" || self.syntax == "editions"
    }

    pub(super) fn parse_message_field(
        &mut self,
        field: &mut FieldProto,
        messages: &mut Vec<MessageProto>,
        parent_loc: usize,
        nested_path: i32,
        field_loc: usize,
    ) -> bool {
        if let Some(label) = self.parse_label(field_loc) {
            field.label = Some(label);
            if label == Label::Optional && self.syntax == "proto3" {
                field.proto3_optional = true;
            }
        }
        self.parse_message_field_no_label(field, messages, parent_loc, nested_path, field_loc)
    }

    pub(super) fn parse_message_field_no_label(
        &mut self,
        field: &mut FieldProto,
        messages: &mut Vec<MessageProto>,
        parent_loc: usize,
        nested_path: i32,
        field_loc: usize,
    ) -> bool {
        if field.id == 0 {
            field.id = self.new_id();
        }
        let mut map_field = MapField::default();
        req!(self.parse_field_type(field, &mut map_field, field_loc));
        let name_token = self.cur();
        {
            let loc = self.loc(Some(field_loc), &[path::FIELD_NAME]);
            self.record(loc, field.id, ErrorLocation::Name);
            req!(self.consume_identifier(&mut field.name, "Expected field name."));
            self.end(loc);
        }
        req!(self.consume_or("=", "Missing field number."));
        {
            let loc = self.loc(Some(field_loc), &[path::FIELD_NUMBER]);
            self.record(loc, field.id, ErrorLocation::Number);
            let mut number = 0;
            req!(self.consume_integer(&mut number, "Expected field number."));
            field.number = Some(number);
            self.end(loc);
        }
        req!(self.parse_field_options(field, field_loc));
        if field.field_type == Some(FieldType::Group) {
            req!(self.parse_group(
                field,
                messages,
                parent_loc,
                nested_path,
                field_loc,
                name_token
            ));
        } else {
            req!(self.consume_end_of_declaration(";", Some(field_loc)));
        }
        if map_field.is_map {
            generate_map_entry(&map_field, field, messages);
        }
        true
    }

    /// The field's type: a `map<K, V>`, or a scalar type or type name (after the label protoc requires
    /// before it, defaulted where the syntax allows).
    fn parse_field_type(
        &mut self,
        field: &mut FieldProto,
        map_field: &mut MapField,
        field_loc: usize,
    ) -> bool {
        let loc = self.loc(Some(field_loc), &[]);
        self.record(loc, field.id, ErrorLocation::Type);
        let mut type_parsed = false;
        let mut field_type = FieldType::Int32;
        let mut type_name = String::new();
        if self.try_consume("map") {
            if self.looking_at("<") {
                map_field.is_map = true;
                req!(self.parse_map_type(map_field, field, loc));
            } else {
                type_parsed = true;
                type_name = "map".into();
            }
        }
        if !map_field.is_map {
            if field.label.is_none() && self.default_to_optional_fields() {
                field.label = Some(Label::Optional);
            }
            if field.label.is_none() {
                self.error("Expected \"required\", \"optional\", or \"repeated\".");
                field.label = Some(Label::Optional);
            }
            if !type_parsed {
                req!(self.parse_type(&mut field_type, &mut type_name));
            }
            if type_name.is_empty() {
                self.add_path(loc, path::FIELD_TYPE);
                field.field_type = Some(field_type);
            } else {
                self.add_path(loc, path::FIELD_TYPE_NAME);
                field.type_name = Some(type_name);
            }
        }
        self.end(loc);
        true
    }

    fn parse_group(
        &mut self,
        field: &mut FieldProto,
        messages: &mut Vec<MessageProto>,
        parent_loc: usize,
        nested_path: i32,
        field_loc: usize,
        name_token: crate::lexer::Token,
    ) -> bool {
        let group_loc = self.loc(Some(parent_loc), &[]);
        self.start_at_loc(group_loc, field_loc);
        self.add_path(group_loc, nested_path);
        self.add_path(group_loc, messages.len() as i32);
        let mut group = MessageProto {
            id: self.new_id(),
            name: field.name.clone(),
            ..Default::default()
        };
        {
            let loc = self.loc(Some(group_loc), &[path::MESSAGE_NAME]);
            self.start_at(loc, &name_token);
            self.end_at(loc, &name_token);
            self.record(loc, group.id, ErrorLocation::Name);
        }
        {
            let loc = self.loc(Some(field_loc), &[path::FIELD_TYPE_NAME]);
            self.start_at(loc, &name_token);
            self.end_at(loc, &name_token);
        }
        if !group
            .name
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_uppercase)
        {
            self.error_at(
                name_token.line,
                name_token.column,
                "Group names must start with a capital letter.",
            );
        }
        field.name.make_ascii_lowercase();
        field.type_name = Some(group.name.clone());
        if self.looking_at("{") {
            // protoc recurses here without a depth limit (only message definitions have one)
            let ok = super::deep(|| self.parse_message_block(&mut group, group_loc));
            messages.push(group);
            req!(ok);
        } else {
            messages.push(group);
            self.error("Missing group body.");
            return false;
        }
        self.end(group_loc);
        true
    }

    fn parse_map_type(
        &mut self,
        map: &mut MapField,
        field: &mut FieldProto,
        type_name_loc: usize,
    ) -> bool {
        if field.oneof_index.is_some() {
            self.error("Map fields are not allowed in oneofs.");
            return false;
        }
        if field.label.is_some() {
            self.error("Field labels (required/optional/repeated) are not allowed on map fields.");
            return false;
        }
        if field.extendee.is_some() {
            self.error("Map fields are not allowed to be extensions.");
            return false;
        }
        field.label = Some(Label::Repeated);
        req!(self.consume("<"));
        let mut key_type = FieldType::Int32;
        req!(self.parse_type(&mut key_type, &mut map.key_type_name));
        map.key_type = Some(key_type);
        req!(self.consume(","));
        let mut value_type = FieldType::Int32;
        req!(self.parse_type(&mut value_type, &mut map.value_type_name));
        map.value_type = Some(value_type);
        req!(self.consume(">"));
        self.add_path(type_name_loc, path::FIELD_TYPE_NAME);
        true
    }

    fn parse_field_options(&mut self, field: &mut FieldProto, field_loc: usize) -> bool {
        if !self.looking_at("[") {
            return true;
        }
        let loc = self.loc(Some(field_loc), &[path::FIELD_OPTIONS]);
        req!(self.consume("["));
        loop {
            if self.looking_at("default") {
                req!(self.parse_default_assignment(field, field_loc));
            } else if self.looking_at("json_name") {
                req!(self.parse_json_name(field, field_loc));
            } else {
                req!(self.parse_option(&mut field.options, loc, super::option::Style::Assignment));
            }
            if !self.try_consume(",") {
                break;
            }
        }
        req!(self.consume("]"));
        self.end(loc);
        true
    }

    fn parse_default_assignment(&mut self, field: &mut FieldProto, field_loc: usize) -> bool {
        if field.default_value.is_some() {
            self.error("Already set option \"default\".");
            field.default_value = None;
        }
        req!(self.consume("default"));
        req!(self.consume("="));
        let loc = self.loc(Some(field_loc), &[path::FIELD_DEFAULT_VALUE]);
        self.record(loc, field.id, ErrorLocation::DefaultValue);
        let mut value = Vec::new();
        let Some(field_type) = field.field_type else {
            value.extend_from_slice(self.cur_text());
            field.default_value = Some(value);
            self.advance();
            self.end(loc);
            return true;
        };
        let ok = self.parse_default_value(field_type, &mut value);
        field.default_value = Some(value);
        req!(ok);
        self.end(loc);
        true
    }

    fn parse_default_value(&mut self, field_type: FieldType, value: &mut Vec<u8>) -> bool {
        use FieldType as T;
        match field_type {
            T::Int32 | T::Int64 | T::Sint32 | T::Sint64 | T::Sfixed32 | T::Sfixed64 => {
                let mut max = if matches!(field_type, T::Int32 | T::Sint32 | T::Sfixed32) {
                    i32::MAX as u64
                } else {
                    i64::MAX as u64
                };
                if self.try_consume("-") {
                    value.push(b'-');
                    max += 1;
                }
                let mut v = 0u64;
                req!(self.consume_integer64(
                    max,
                    &mut v,
                    "Expected integer for field default value."
                ));
                value.extend_from_slice(v.to_string().as_bytes());
            }
            T::Uint32 | T::Uint64 | T::Fixed32 | T::Fixed64 => {
                let max = if matches!(field_type, T::Uint32 | T::Fixed32) {
                    u32::MAX as u64
                } else {
                    u64::MAX
                };
                if self.try_consume("-") {
                    self.error("Unsigned field can't have negative default value.");
                }
                let mut v = 0u64;
                req!(self.consume_integer64(
                    max,
                    &mut v,
                    "Expected integer for field default value."
                ));
                value.extend_from_slice(v.to_string().as_bytes());
            }
            T::Float | T::Double => {
                if self.try_consume("-") {
                    value.push(b'-');
                }
                let mut v = 0.0;
                req!(self.consume_number(&mut v, "Expected number."));
                value.extend_from_slice(crate::floatfmt::simple_dtoa(v).as_bytes());
            }
            T::Bool => {
                if self.try_consume("true") {
                    *value = b"true".to_vec();
                } else if self.try_consume("false") {
                    *value = b"false".to_vec();
                } else {
                    self.error("Expected \"true\" or \"false\".");
                    return false;
                }
            }
            T::String => {
                req!(self.consume_string(value, "Expected string for field default value."));
            }
            T::Bytes => {
                req!(self.consume_string(value, "Expected string."));
                *value = crate::cescape::c_escape(value).into_bytes();
            }
            T::Enum => {
                let mut name = String::new();
                req!(self.consume_identifier(
                    &mut name,
                    "Expected enum identifier for field default value."
                ));
                *value = name.into_bytes();
            }
            T::Message | T::Group => {
                self.error("Messages can't have default values.");
                return false;
            }
        }
        true
    }

    fn parse_json_name(&mut self, field: &mut FieldProto, field_loc: usize) -> bool {
        if field.json_name.is_some() {
            self.error("Already set option \"json_name\".");
            field.json_name = None;
        }
        let loc = self.loc(Some(field_loc), &[path::FIELD_JSON_NAME]);
        self.record(loc, field.id, ErrorLocation::OptionName);
        req!(self.consume("json_name"));
        req!(self.consume("="));
        let value_loc = self.loc(Some(loc), &[]);
        self.record(value_loc, field.id, ErrorLocation::OptionValue);
        let mut name = Vec::new();
        let ok = self.consume_string(&mut name, "Expected string for JSON name.");
        field.json_name = Some(name);
        req!(ok);
        self.end(value_loc);
        self.end(loc);
        true
    }

    /// `ParseLabel`: a label keyword if there is one.
    fn parse_label(&mut self, field_loc: usize) -> Option<Label> {
        if !self.looking_at("optional")
            && !self.looking_at("repeated")
            && !self.looking_at("required")
        {
            return None;
        }
        if self.looking_at("optional") && self.syntax == "editions" {
            self.error("Label \"optional\" is not supported in editions. By default, all singular fields have presence unless features.field_presence is set.");
        }
        if self.looking_at("required") && self.syntax == "editions" {
            self.error("Label \"required\" is not supported in editions, use features.field_presence = LEGACY_REQUIRED.");
        }
        let loc = self.loc(Some(field_loc), &[path::FIELD_LABEL]);
        let label = if self.try_consume("optional") {
            Label::Optional
        } else if self.try_consume("repeated") {
            Label::Repeated
        } else {
            self.consume("required");
            Label::Required
        };
        self.end(loc);
        Some(label)
    }

    fn use_fixed_wire_for_int_types(&self) -> bool {
        self.syntax == "editions" && self.edition == Edition::Unstable
    }

    fn parse_type(&mut self, field_type: &mut FieldType, type_name: &mut String) -> bool {
        let word = self.cur_text();
        let known = if self.use_fixed_wire_for_int_types() {
            unstable_type(word)
        } else {
            FieldType::from_keyword(word)
        };
        if let Some(t) = known {
            if self.syntax == "editions" && t == FieldType::Group {
                self.error("Group syntax is no longer supported in editions. To get group behavior you can specify features.message_encoding = DELIMITED on a message field.");
            }
            *field_type = t;
            self.advance();
        } else if let Some(replacement) =
            numeric_type_replacement(word).filter(|_| self.use_fixed_wire_for_int_types())
        {
            let text = String::from_utf8_lossy(word).into_owned();
            self.error(&format!(
                "Type '{text}' is obsolete in unstable editions, use '{replacement}' instead."
            ));
            self.advance();
        } else {
            req!(self.parse_user_defined_type(type_name));
        }
        true
    }

    pub(super) fn parse_user_defined_type(&mut self, type_name: &mut String) -> bool {
        type_name.clear();
        if FieldType::from_keyword(self.cur_text()).is_some() {
            self.error("Expected message type.");
            *type_name = String::from_utf8_lossy(self.cur_text()).into_owned();
            self.advance();
            return true;
        }
        if self.try_consume(".") {
            type_name.push('.');
        }
        let mut identifier = String::new();
        req!(self.consume_identifier(&mut identifier, "Expected type name."));
        type_name.push_str(&identifier);
        while self.try_consume(".") {
            type_name.push('.');
            req!(self.consume_identifier(&mut identifier, "Expected identifier."));
            type_name.push_str(&identifier);
        }
        true
    }
}

/// A key or value field of a map entry: a scalar type, or the type name to resolve.
fn map_entry_field(
    name: &str,
    number: i32,
    field_type: Option<FieldType>,
    type_name: &str,
) -> FieldProto {
    let mut field = FieldProto {
        name: name.into(),
        label: Some(Label::Optional),
        number: Some(number),
        ..Default::default()
    };
    if type_name.is_empty() {
        field.field_type = field_type;
    } else {
        field.type_name = Some(type_name.to_string());
    }
    field
}

/// `GenerateMapEntry`: the `XxxEntry` message of a map field (key = 1, value = 2), with the field's
/// `features` (and `enforce_utf8` for string key/values) copied onto key and value.
fn generate_map_entry(map: &MapField, field: &mut FieldProto, messages: &mut Vec<MessageProto>) {
    let entry_name = map_entry_name(&field.name);
    field.type_name = Some(entry_name.clone());
    let mut key = map_entry_field("key", 1, map.key_type, &map.key_type_name);
    let mut value = map_entry_field("value", 2, map.value_type, &map.value_type_name);
    for original in &field.options.uninterpreted {
        // copies: protoc's location table does not know them
        let option = crate::ir::UninterpretedOption {
            id: 0,
            ..original.clone()
        };
        let first = &option.name[0];
        if option.name.len() == 1 && first.name == "enforce_utf8" && !first.is_extension {
            if key.field_type == Some(FieldType::String) {
                key.options.add(option.clone());
            }
            if value.field_type == Some(FieldType::String) {
                value.options.add(option.clone());
            }
        }
        if first.name == "features" && !first.is_extension {
            key.options.add(option.clone());
            value.options.add(option);
        }
    }
    messages.push(MessageProto {
        name: entry_name,
        field: vec![key, value],
        options: Options {
            present: true,
            uninterpreted: Vec::new(),
            map_entry: true,
        },
        ..Default::default()
    });
}
