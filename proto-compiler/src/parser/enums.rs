//! Enums (values, reserved ranges and names, the parser's `allow_alias` checks) and services (methods and
//! their option blocks).

use super::reserved::ReservedIn;
use super::{path, req, Parser};
use crate::ir::{EnumProto, EnumValueProto, ErrorLocation, MethodProto, OptionValue, ServiceProto};

impl<'a> Parser<'a> {
    /// An enum definition appended to `enums`, the `path_field` list of the parent at `parent_loc`.
    pub(super) fn parse_enum_into(
        &mut self,
        enums: &mut Vec<EnumProto>,
        visibility: Option<i32>,
        parent_loc: usize,
        path_field: i32,
    ) -> bool {
        let loc = self.loc(Some(parent_loc), &[path_field, enums.len() as i32]);
        enums.push(EnumProto::default());
        let Some(enum_type) = enums.last_mut() else {
            return false;
        };
        let ok = self.parse_enum_definition(enum_type, visibility, loc);
        self.end(loc);
        ok
    }

    pub(super) fn parse_enum_definition(
        &mut self,
        enum_type: &mut EnumProto,
        visibility: Option<i32>,
        enum_loc: usize,
    ) -> bool {
        enum_type.id = self.new_id();
        req!(self.consume("enum"));
        {
            let loc = self.loc(Some(enum_loc), &[path::ENUM_NAME]);
            self.record(loc, enum_type.id, ErrorLocation::Name);
            req!(self.consume_identifier(&mut enum_type.name, "Expected enum name."));
            self.end(loc);
        }
        req!(self.parse_enum_block(enum_type, enum_loc));
        req!(self.validate_enum(enum_type));
        enum_type.visibility = visibility;
        true
    }

    /// The parser's `ValidateEnum`: `allow_alias = false`, or `allow_alias = true` without aliases.
    fn validate_enum(&mut self, enum_type: &EnumProto) -> bool {
        let mut has_allow_alias = false;
        let mut allow_alias = false;
        for option in &enum_type.options.uninterpreted {
            // an option whose name failed to parse has no parts; protoc reads past them unharmed
            if option.name.len() != 1 {
                continue;
            }
            if !option.name[0].is_extension && option.name[0].name == "allow_alias" {
                has_allow_alias = true;
                if option.value == OptionValue::Identifier("true".into()) {
                    allow_alias = true;
                }
                break;
            }
        }
        if has_allow_alias && !allow_alias {
            self.error(&format!(
                "\"{}\" declares 'option allow_alias = false;' which has no effect. Please remove the declaration.",
                enum_type.name
            ));
            return false;
        }
        let mut used = std::collections::HashSet::new();
        let has_duplicates = !enum_type.value.iter().all(|v| used.insert(v.number));
        if allow_alias && !has_duplicates {
            self.error(&format!(
                "\"{}\" declares support for enum aliases but no enum values share field numbers. Please remove the unnecessary 'option allow_alias = true;' declaration.",
                enum_type.name
            ));
            return false;
        }
        true
    }

    fn parse_enum_block(&mut self, enum_type: &mut EnumProto, enum_loc: usize) -> bool {
        req!(self.consume_end_of_declaration("{", Some(enum_loc)));
        while !self.try_consume_end_of_declaration("}", None) {
            if self.at_end() {
                self.error("Reached end of input in enum definition (missing '}').");
                return false;
            }
            if !self.parse_enum_statement(enum_type, enum_loc) {
                self.skip_statement();
            }
        }
        true
    }

    fn parse_enum_statement(&mut self, enum_type: &mut EnumProto, enum_loc: usize) -> bool {
        if self.try_consume_end_of_declaration(";", None) {
            true
        } else if self.looking_at("option") {
            let loc = self.loc(Some(enum_loc), &[path::ENUM_OPTIONS]);
            let ok =
                self.parse_option(&mut enum_type.options, loc, super::option::Style::Statement);
            self.end(loc);
            ok
        } else if self.looking_at("reserved") {
            self.parse_reserved(
                &mut enum_type.reserved_name,
                &mut enum_type.reserved_range,
                enum_loc,
                ReservedIn::Enum,
            )
        } else {
            let loc = self.loc(
                Some(enum_loc),
                &[path::ENUM_VALUE, enum_type.value.len() as i32],
            );
            let mut value = EnumValueProto::default();
            let ok = self.parse_enum_constant(&mut value, loc);
            enum_type.value.push(value);
            self.end(loc);
            ok
        }
    }

    fn parse_enum_constant(&mut self, value: &mut EnumValueProto, value_loc: usize) -> bool {
        value.id = self.new_id();
        {
            let loc = self.loc(Some(value_loc), &[path::ENUM_VALUE_NAME]);
            self.record(loc, value.id, ErrorLocation::Name);
            req!(self.consume_identifier(&mut value.name, "Expected enum constant name."));
            self.end(loc);
        }
        req!(self.consume_or("=", "Missing numeric value for enum constant."));
        {
            let loc = self.loc(Some(value_loc), &[path::ENUM_VALUE_NUMBER]);
            self.record(loc, value.id, ErrorLocation::Number);
            req!(self.consume_signed_integer(&mut value.number, "Expected integer."));
            self.end(loc);
        }
        if self.looking_at("[") {
            let loc = self.loc(Some(value_loc), &[path::ENUM_VALUE_OPTIONS]);
            req!(self.consume("["));
            loop {
                req!(self.parse_option(&mut value.options, loc, super::option::Style::Assignment));
                if !self.try_consume(",") {
                    break;
                }
            }
            req!(self.consume("]"));
            self.end(loc);
        }
        req!(self.consume_end_of_declaration(";", Some(value_loc)));
        true
    }

    pub(super) fn parse_service_definition(
        &mut self,
        service: &mut ServiceProto,
        service_loc: usize,
    ) -> bool {
        service.id = self.new_id();
        req!(self.consume("service"));
        {
            let loc = self.loc(Some(service_loc), &[path::SERVICE_NAME]);
            self.record(loc, service.id, ErrorLocation::Name);
            req!(self.consume_identifier(&mut service.name, "Expected service name."));
            self.end(loc);
        }
        req!(self.consume_end_of_declaration("{", Some(service_loc)));
        while !self.try_consume_end_of_declaration("}", None) {
            if self.at_end() {
                self.error("Reached end of input in service definition (missing '}').");
                return false;
            }
            if !self.parse_service_statement(service, service_loc) {
                self.skip_statement();
            }
        }
        true
    }

    fn parse_service_statement(&mut self, service: &mut ServiceProto, service_loc: usize) -> bool {
        if self.try_consume_end_of_declaration(";", None) {
            true
        } else if self.looking_at("option") {
            let loc = self.loc(Some(service_loc), &[path::SERVICE_OPTIONS]);
            let ok = self.parse_option(&mut service.options, loc, super::option::Style::Statement);
            self.end(loc);
            ok
        } else {
            let loc = self.loc(
                Some(service_loc),
                &[path::SERVICE_METHOD, service.method.len() as i32],
            );
            let mut method = MethodProto::default();
            let ok = self.parse_service_method(&mut method, loc);
            service.method.push(method);
            self.end(loc);
            ok
        }
    }

    fn parse_service_method(&mut self, method: &mut MethodProto, method_loc: usize) -> bool {
        method.id = self.new_id();
        req!(self.consume("rpc"));
        {
            let loc = self.loc(Some(method_loc), &[path::METHOD_NAME]);
            self.record(loc, method.id, ErrorLocation::Name);
            req!(self.consume_identifier(&mut method.name, "Expected method name."));
            self.end(loc);
        }
        req!(self.consume("("));
        req!(self.parse_method_type(method, method_loc, true));
        req!(self.consume(")"));
        req!(self.consume("returns"));
        req!(self.consume("("));
        req!(self.parse_method_type(method, method_loc, false));
        req!(self.consume(")"));
        if self.looking_at("{") {
            req!(self.parse_method_options(method, method_loc));
        } else {
            req!(self.consume_end_of_declaration(";", Some(method_loc)));
        }
        true
    }

    /// `[stream] Type` of a method's input (`input` true) or output.
    fn parse_method_type(
        &mut self,
        method: &mut MethodProto,
        method_loc: usize,
        input: bool,
    ) -> bool {
        if self.looking_at("stream") {
            let stream_path = if input {
                path::METHOD_CLIENT_STREAMING
            } else {
                path::METHOD_SERVER_STREAMING
            };
            let loc = self.loc(Some(method_loc), &[stream_path]);
            self.record(loc, method.id, ErrorLocation::Other);
            if input {
                method.client_streaming = true;
            }
            req!(self.consume("stream"));
            if !input {
                method.server_streaming = true;
            }
            self.end(loc);
        }
        let (type_path, kind) = if input {
            (path::METHOD_INPUT, ErrorLocation::InputType)
        } else {
            (path::METHOD_OUTPUT, ErrorLocation::OutputType)
        };
        let loc = self.loc(Some(method_loc), &[type_path]);
        self.record(loc, method.id, kind);
        let mut name = String::new();
        let ok = self.parse_user_defined_type(&mut name);
        if input {
            method.input_type = name;
        } else {
            method.output_type = name;
        }
        req!(ok);
        self.end(loc);
        true
    }

    fn parse_method_options(&mut self, method: &mut MethodProto, method_loc: usize) -> bool {
        // protoc creates the options message as it opens the block, so `{ }` leaves empty options behind
        method.options.present = true;
        self.consume_end_of_declaration("{", Some(method_loc));
        while !self.try_consume_end_of_declaration("}", None) {
            if self.at_end() {
                self.error("Reached end of input in method options (missing '}').");
                return false;
            }
            if self.try_consume_end_of_declaration(";", None) {
                continue;
            }
            let loc = self.loc(Some(method_loc), &[path::METHOD_OPTIONS]);
            if !self.parse_option(&mut method.options, loc, super::option::Style::Statement) {
                self.skip_statement();
            }
            self.end(loc);
        }
        true
    }
}
