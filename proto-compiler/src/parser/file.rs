//! File-level statements (`Parser::Parse`, `ParseSyntaxIdentifier`, `ParseTopLevelStatement`, `ParsePackage`,
//! `ParseImport`).

use super::{option, path, req, ParseMessage, Parser, MAX_MESSAGE_NESTING};
use crate::edition::Edition;
use crate::ir::{ErrorLocation, FileProto};
use crate::lexer::TokenKind;

impl<'a> Parser<'a> {
    /// `Parser::Parse`.
    pub(super) fn parse_file(&mut self, file: &mut FileProto) -> bool {
        if self.looking_at_kind(TokenKind::Start) {
            self.next_with_pending_comments();
        }
        let root = self.loc(None, &[]);
        self.record(root, file.id, ErrorLocation::Other);
        if self.looking_at("syntax") || self.looking_at("edition") {
            if !self.parse_syntax_identifier(file, root) {
                return false;
            }
            file.syntax = Some(self.syntax.clone());
            if self.syntax == "editions" {
                file.edition = Some(self.edition.number());
            }
        } else {
            self.drain_lexer();
            self.messages.push(ParseMessage {
                severity: crate::diagnostics::Severity::Log,
                line: -1,
                column: 0,
                message: format!(
                    "No edition or syntax specified for the proto file: {}. Please use 'edition = \"YYYY\";'  to specify a valid edition version. (Defaulted to \"syntax = \"proto2\";\".)",
                    file.name
                )
                .into_bytes(),
            });
            self.syntax = "proto2".into();
        }
        while !self.at_end() {
            if !self.parse_top_level_statement(file, root) {
                self.skip_statement();
                if self.looking_at("}") {
                    self.error("Unmatched \"}\".");
                    self.next_with_pending_comments();
                }
            }
        }
        self.end(root);
        !self.had_errors
    }

    pub(super) fn parse_syntax_identifier(&mut self, file: &FileProto, root: usize) -> bool {
        let loc = self.loc(Some(root), &[path::FILE_SYNTAX]);
        self.record(loc, file.id, ErrorLocation::Editions);
        let has_edition = self.try_consume("edition");
        if !has_edition {
            req!(self.consume_or(
                "syntax",
                "File must begin with an edition or syntax statement, e.g. 'edition = \"2023\";'."
            ));
        }
        req!(self.consume("="));
        let syntax_token = self.cur();
        let mut syntax = Vec::new();
        req!(self.consume_string(&mut syntax, "Expected syntax identifier."));
        req!(self.consume_end_of_declaration(";", Some(loc)));
        self.end(loc);
        // quoted in errors as written, UTF-8 or not
        let quoted = |before: &[u8], after: &[u8]| [before, &syntax, after].concat();
        if has_edition {
            match std::str::from_utf8(&syntax)
                .ok()
                .and_then(Edition::from_name)
            {
                Some(edition)
                    if !matches!(
                        edition,
                        Edition::Proto2 | Edition::Proto3 | Edition::Unknown
                    ) =>
                {
                    self.edition = edition;
                    self.syntax = "editions".into();
                    true
                }
                _ => {
                    self.error_at(
                        syntax_token.line,
                        syntax_token.column,
                        quoted(b"Unknown edition \"", b"\"."),
                    );
                    false
                }
            }
        } else {
            self.syntax = String::from_utf8_lossy(&syntax).into_owned();
            if syntax != b"proto2" && syntax != b"proto3" {
                self.error_at(
                    syntax_token.line,
                    syntax_token.column,
                    quoted(
                        b"Unrecognized syntax identifier \"",
                        b"\".  This parser only recognizes \"proto2\" and \"proto3\".",
                    ),
                );
                return false;
            }
            true
        }
    }

    pub(super) fn parse_top_level_statement(&mut self, file: &mut FileProto, root: usize) -> bool {
        if self.try_consume_end_of_declaration(";", None) {
            return true;
        }
        let mut visibility = None;
        if self.looking_at("export") || self.looking_at("local") {
            req!(self.parse_visibility(&mut visibility));
        }
        if self.looking_at("message") {
            self.recursion_depth = MAX_MESSAGE_NESTING;
            let messages = &mut file.message_type;
            self.parse_message_into(messages, visibility, root, path::FILE_MESSAGE)
        } else if self.looking_at("enum") {
            self.parse_enum_into(&mut file.enum_type, visibility, root, path::FILE_ENUM)
        } else if self.looking_at("service") {
            let loc = self.loc(Some(root), &[path::FILE_SERVICE, file.service.len() as i32]);
            file.service.push(Default::default());
            let Some(service) = file.service.last_mut() else {
                return false;
            };
            let ok = self.parse_service_definition(service, loc);
            self.end(loc);
            ok
        } else if self.looking_at("extend") {
            let loc = self.loc(Some(root), &[path::FILE_EXTENSION]);
            let ok = self.parse_extend(
                &mut file.extension,
                &mut file.message_type,
                root,
                path::FILE_MESSAGE,
                loc,
            );
            self.end(loc);
            ok
        } else if self.looking_at("import") {
            self.parse_import(file, root)
        } else if self.looking_at("package") {
            self.parse_package(file, root)
        } else if self.looking_at("option") {
            let loc = self.loc(Some(root), &[path::FILE_OPTIONS]);
            let ok = self.parse_option(&mut file.options, loc, option::Style::Statement);
            self.end(loc);
            ok
        } else {
            self.error("Expected top-level statement (e.g. \"message\").");
            false
        }
    }

    pub(super) fn parse_visibility(&mut self, out: &mut Option<i32>) -> bool {
        if self.edition <= Edition::E2023 {
            return true;
        }
        if self.try_consume("export") {
            *out = Some(2);
        } else if self.try_consume("local") {
            *out = Some(1);
        }
        if out.is_some() && !self.looking_at("message") && !self.looking_at("enum") {
            self.error(
                "'local' and 'export' visibility modifiers are valid only on 'message' and 'enum'",
            );
            return false;
        }
        true
    }

    pub(super) fn parse_package(&mut self, file: &mut FileProto, root: usize) -> bool {
        if file.package.is_some() {
            self.error("Multiple package definitions.");
            file.package = None;
        }
        let loc = self.loc(Some(root), &[path::FILE_PACKAGE]);
        self.record(loc, file.id, ErrorLocation::Name);
        req!(self.consume("package"));
        loop {
            let mut identifier = String::new();
            // the package exists once its first identifier is read (protoc appends to it part by part)
            req!(self.consume_identifier(&mut identifier, "Expected identifier."));
            let package = file.package.get_or_insert_with(String::new);
            package.push_str(&identifier);
            if !self.try_consume(".") {
                break;
            }
            package.push('.');
        }
        req!(self.consume_end_of_declaration(";", Some(loc)));
        self.end(loc);
        true
    }

    pub(super) fn parse_import(&mut self, file: &mut FileProto, root: usize) -> bool {
        let import_start = self.cur();
        req!(self.consume("import"));
        let mut import_file = Vec::new();
        if self.looking_at("option") {
            if self.edition < Edition::E2024 {
                self.error("option import is not supported before edition 2024.");
            }
            let loc = self.loc(
                Some(root),
                &[
                    path::FILE_OPTION_DEPENDENCY,
                    file.option_dependency.len() as i32,
                ],
            );
            self.start_at(loc, &import_start);
            req!(self.consume("option"));
            req!(self.consume_string(
                &mut import_file,
                "Expected a string naming the file to import."
            ));
            self.record_import(loc, &import_file);
            file.option_dependency.push(import_file);
            req!(self.consume_end_of_declaration(";", Some(loc)));
            self.end(loc);
            return true;
        }
        let loc = self.loc(
            Some(root),
            &[path::FILE_DEPENDENCY, file.dependency.len() as i32],
        );
        self.start_at(loc, &import_start);
        if !file.option_dependency.is_empty() {
            self.error(
                "imports should precede any option imports to ensure proto files can roundtrip.",
            );
        }
        if self.looking_at("public") {
            let public = self.loc(
                Some(root),
                &[
                    path::FILE_PUBLIC_DEPENDENCY,
                    file.public_dependency.len() as i32,
                ],
            );
            req!(self.consume("public"));
            self.end(public);
            file.public_dependency.push(file.dependency.len() as i32);
        } else if self.looking_at("weak") {
            if self.edition >= Edition::E2024 {
                self.error("weak import is not supported in edition 2024 and above. Consider using option import instead.");
            }
            let weak = self.loc(
                Some(root),
                &[
                    path::FILE_WEAK_DEPENDENCY,
                    file.weak_dependency.len() as i32,
                ],
            );
            self.record_import(weak, b"weak");
            req!(self.consume("weak"));
            self.end(weak);
            file.weak_dependency.push(file.dependency.len() as i32);
        }
        req!(self.consume_string(
            &mut import_file,
            "Expected a string naming the file to import."
        ));
        self.record_import(loc, &import_file);
        file.dependency.push(import_file);
        req!(self.consume_end_of_declaration(";", Some(loc)));
        self.end(loc);
        true
    }
}
