//! The parser: protoc's `compiler::Parser` (parser.cc). Tokens → [`crate::ir::FileProto`] with uninterpreted
//! options, the `SourceCodeInfo` protoc records (same locations, same order, same comment attachment) and the
//! location table its later errors are positioned by.
//!
//! The structure follows parser.cc function for function, because protoc's error texts, positions and its
//! recovery (skip the statement, go on) are defined by it. A `LocationRecorder` of protoc is a location index
//! here, created by [`Parser::loc`] and ended by [`Parser::end`] where protoc's destructor would run; locations
//! of a parse that fails are never used, so only the successful paths need to end them.
//!
//! Files: this one (driver, tokens, locations, file-level statements), `message.rs` (messages, oneofs, ranges,
//! extend blocks), `field.rs` (fields, maps, groups, defaults, types), `option.rs` (option statements and
//! values), `enums.rs` (enums and services).

mod enums;
mod field;
mod message;

pub use message::MAX_FIELD_NUMBER;
mod option;

use crate::edition::Edition;
use crate::ir::{ElemId, ErrorLocation, FileProto, LocationTable, ParsedFile};
use crate::lexer::{self, Comments, Lexer, Token, TokenKind};
use crate::source_info::LocArena;

/// `DescriptorProto`/`FileDescriptorProto` field numbers used in source paths.
pub(crate) mod path {
    pub const FILE_PACKAGE: i32 = 2;
    pub const FILE_DEPENDENCY: i32 = 3;
    pub const FILE_MESSAGE: i32 = 4;
    pub const FILE_ENUM: i32 = 5;
    pub const FILE_SERVICE: i32 = 6;
    pub const FILE_EXTENSION: i32 = 7;
    pub const FILE_OPTIONS: i32 = 8;
    pub const FILE_PUBLIC_DEPENDENCY: i32 = 10;
    pub const FILE_WEAK_DEPENDENCY: i32 = 11;
    pub const FILE_SYNTAX: i32 = 12;
    pub const FILE_OPTION_DEPENDENCY: i32 = 15;
    pub const MESSAGE_NAME: i32 = 1;
    pub const MESSAGE_FIELD: i32 = 2;
    pub const MESSAGE_NESTED: i32 = 3;
    pub const MESSAGE_ENUM: i32 = 4;
    pub const MESSAGE_EXTENSION_RANGE: i32 = 5;
    pub const MESSAGE_EXTENSION: i32 = 6;
    pub const MESSAGE_OPTIONS: i32 = 7;
    pub const MESSAGE_ONEOF: i32 = 8;
    pub const MESSAGE_RESERVED_RANGE: i32 = 9;
    pub const MESSAGE_RESERVED_NAME: i32 = 10;
    pub const RANGE_START: i32 = 1;
    pub const RANGE_END: i32 = 2;
    pub const EXTENSION_RANGE_OPTIONS: i32 = 3;
    pub const FIELD_NAME: i32 = 1;
    pub const FIELD_EXTENDEE: i32 = 2;
    pub const FIELD_NUMBER: i32 = 3;
    pub const FIELD_LABEL: i32 = 4;
    pub const FIELD_TYPE: i32 = 5;
    pub const FIELD_TYPE_NAME: i32 = 6;
    pub const FIELD_DEFAULT_VALUE: i32 = 7;
    pub const FIELD_OPTIONS: i32 = 8;
    pub const FIELD_JSON_NAME: i32 = 10;
    pub const ONEOF_NAME: i32 = 1;
    pub const ONEOF_OPTIONS: i32 = 2;
    pub const ENUM_NAME: i32 = 1;
    pub const ENUM_VALUE: i32 = 2;
    pub const ENUM_OPTIONS: i32 = 3;
    pub const ENUM_RESERVED_RANGE: i32 = 4;
    pub const ENUM_RESERVED_NAME: i32 = 5;
    pub const ENUM_VALUE_NAME: i32 = 1;
    pub const ENUM_VALUE_NUMBER: i32 = 2;
    pub const ENUM_VALUE_OPTIONS: i32 = 3;
    pub const SERVICE_NAME: i32 = 1;
    pub const SERVICE_METHOD: i32 = 2;
    pub const SERVICE_OPTIONS: i32 = 3;
    pub const METHOD_NAME: i32 = 1;
    pub const METHOD_INPUT: i32 = 2;
    pub const METHOD_OUTPUT: i32 = 3;
    pub const METHOD_OPTIONS: i32 = 4;
    pub const METHOD_CLIENT_STREAMING: i32 = 5;
    pub const METHOD_SERVER_STREAMING: i32 = 6;
    pub const UNINTERPRETED_OPTION: i32 = 999;
    pub const OPTION_NAME: i32 = 2;
    pub const OPTION_IDENTIFIER: i32 = 3;
    pub const OPTION_POSITIVE: i32 = 4;
    pub const OPTION_NEGATIVE: i32 = 5;
    pub const OPTION_DOUBLE: i32 = 6;
    pub const OPTION_STRING: i32 = 7;
    pub const OPTION_AGGREGATE: i32 = 8;
    pub const NAME_PART: i32 = 1;
}

/// Returns `false` from the enclosing parse function when a step fails (protoc's `DO`).
macro_rules! req {
    ($e:expr) => {
        if !$e {
            return false;
        }
    };
}
pub(crate) use req;

/// A message from the tokenizer or parser: error, warning or log line, 0-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseMessage {
    pub severity: crate::diagnostics::Severity,
    pub line: i32,
    pub column: i32,
    /// Bytes: a warning may quote a string literal that is not UTF-8.
    pub message: Vec<u8>,
}

/// The result of parsing one file.
#[derive(Debug)]
pub struct ParseOutcome {
    pub file: ParsedFile,
    /// Tokenizer and parser messages in protoc's order.
    pub messages: Vec<ParseMessage>,
    /// Whether the file parsed without any error (protoc then builds it).
    pub ok: bool,
}

/// The parser's per-file state.
pub(crate) struct Parser<'a> {
    lex: Lexer<'a>,
    messages: Vec<ParseMessage>,
    had_errors: bool,
    locs: LocArena,
    table: LocationTable,
    next_id: ElemId,
    syntax: String,
    edition: Edition,
    upcoming_doc_comments: Vec<u8>,
    upcoming_detached_comments: Vec<Vec<u8>>,
    recursion_depth: i32,
}

/// How deep messages may nest (`internal::cpp::MaxMessageDeclarationNestingDepth`).
pub const MAX_MESSAGE_NESTING: i32 = 32;

/// Parses one file. `name` is its proto name (set as `FileDescriptorProto.name`); `keep` selects the source
/// locations kept (see [`LocArena::into_source_info`]).
pub fn parse(name: &str, source: &[u8], keep: Option<fn(&[i32]) -> bool>) -> ParseOutcome {
    let mut parser = Parser {
        lex: Lexer::new(source),
        messages: Vec::new(),
        had_errors: false,
        locs: LocArena::take(),
        table: LocationTable::default(),
        next_id: 0,
        syntax: String::new(),
        edition: Edition::Unknown,
        upcoming_doc_comments: Vec::new(),
        upcoming_detached_comments: Vec::new(),
        recursion_depth: MAX_MESSAGE_NESTING,
    };
    let mut file = FileProto {
        name: name.to_string(),
        ..FileProto::default()
    };
    file.id = parser.new_id();
    let parsed = parser.parse_file(&mut file);
    parser.drain_lexer();
    let ok = parsed
        && !parser
            .messages
            .iter()
            .any(|m| m.severity == crate::diagnostics::Severity::Error);
    let source_info = if ok {
        parser.locs.into_source_info(keep)
    } else {
        parser.locs.recycle();
        Default::default()
    };
    ParseOutcome {
        file: ParsedFile {
            proto: file,
            source_info,
            locations: parser.table,
        },
        messages: parser.messages,
        ok,
    }
}

impl<'a> Parser<'a> {
    fn new_id(&mut self) -> ElemId {
        self.next_id += 1;
        self.next_id
    }

    // ---- tokens -------------------------------------------------------------------------------------------

    fn cur(&self) -> Token {
        *self.lex.current()
    }
    fn cur_text(&self) -> &'a [u8] {
        self.lex.text(self.lex.current())
    }
    fn looking_at(&self, text: &str) -> bool {
        self.cur_text() == text.as_bytes()
    }
    fn looking_at_kind(&self, kind: TokenKind) -> bool {
        self.lex.current().kind == kind
    }
    fn at_end(&self) -> bool {
        self.looking_at_kind(TokenKind::End)
    }
    fn advance(&mut self) {
        self.lex.next_token();
    }
    fn try_consume(&mut self, text: &str) -> bool {
        if self.looking_at(text) {
            self.advance();
            true
        } else {
            false
        }
    }
    fn consume(&mut self, text: &str) -> bool {
        self.consume_or(text, &format!("Expected \"{text}\"."))
    }
    fn consume_or(&mut self, text: &str, error: &str) -> bool {
        if self.try_consume(text) {
            true
        } else {
            self.error(error);
            false
        }
    }
    fn consume_identifier(&mut self, out: &mut String, error: &str) -> bool {
        if self.looking_at_kind(TokenKind::Identifier) {
            *out = String::from_utf8_lossy(self.cur_text()).into_owned();
            self.advance();
            true
        } else {
            self.error(error);
            false
        }
    }
    /// `ConsumeInteger`: a non-negative int32 ("Integer out of range." keeps parsing).
    fn consume_integer(&mut self, out: &mut i32, error: &str) -> bool {
        if self.looking_at_kind(TokenKind::Integer) {
            let value = lexer::parse_integer(self.cur_text(), i32::MAX as u64);
            if value.is_none() {
                self.error("Integer out of range.");
            }
            *out = value.unwrap_or(0) as i32;
            self.advance();
            true
        } else {
            self.error(error);
            false
        }
    }
    /// `ConsumeSignedInteger`.
    fn consume_signed_integer(&mut self, out: &mut i32, error: &str) -> bool {
        let mut max = i32::MAX as u64;
        let negative = self.try_consume("-");
        if negative {
            max += 1;
        }
        let mut value = 0u64;
        req!(self.consume_integer64(max, &mut value, error));
        *out = if negative {
            (value as i64).wrapping_neg() as i32
        } else {
            value as i32
        };
        true
    }
    /// `ConsumeInteger64`.
    fn consume_integer64(&mut self, max: u64, out: &mut u64, error: &str) -> bool {
        if self.looking_at_kind(TokenKind::Integer) {
            match lexer::parse_integer(self.cur_text(), max) {
                Some(v) => *out = v,
                None => {
                    self.error("Integer out of range.");
                    *out = 0;
                }
            }
            self.advance();
            true
        } else {
            self.error(error);
            false
        }
    }
    /// `ConsumeNumber`: a float or integer token, or `inf` / `nan`.
    fn consume_number(&mut self, out: &mut f64, error: &str) -> bool {
        if self.looking_at_kind(TokenKind::Float) {
            *out = lexer::parse_float(self.cur_text()).0;
            self.advance();
            true
        } else if self.looking_at_kind(TokenKind::Integer) {
            let text = self.cur_text();
            if let Some(v) = lexer::parse_integer(text, u64::MAX) {
                *out = v as f64;
            } else if text.first() == Some(&b'0') {
                self.error("Integer out of range.");
            } else {
                let (value, ok) = lexer::parse_float(text);
                if ok {
                    *out = value;
                } else {
                    self.error("Integer out of range.");
                }
            }
            self.advance();
            true
        } else if self.looking_at("inf") {
            *out = f64::INFINITY;
            self.advance();
            true
        } else if self.looking_at("nan") {
            *out = f64::NAN;
            self.advance();
            true
        } else {
            self.error(error);
            false
        }
    }
    /// `ConsumeString`: one string token, or several adjacent ones concatenated.
    fn consume_string(&mut self, out: &mut Vec<u8>, error: &str) -> bool {
        if self.looking_at_kind(TokenKind::String) {
            out.clear();
            lexer::parse_string_append(self.cur_text(), out);
            self.advance();
            while self.looking_at_kind(TokenKind::String) {
                lexer::parse_string_append(self.cur_text(), out);
                self.advance();
            }
            true
        } else {
            self.error(error);
            false
        }
    }

    /// `TryConsumeEndOfDeclaration`: consumes `text`, reading the comments around the next token and attaching
    /// the pending ones to `location`.
    fn try_consume_end_of_declaration(&mut self, text: &str, location: Option<usize>) -> bool {
        if !self.looking_at(text) {
            return false;
        }
        let mut comments = Comments::default();
        self.lex.next_with_comments(&mut comments);
        let Comments {
            prev_trailing: trailing,
            detached,
            next_leading,
        } = comments;
        let leading = std::mem::replace(&mut self.upcoming_doc_comments, next_leading);
        if let Some(location) = location {
            let detached_now = std::mem::replace(&mut self.upcoming_detached_comments, detached);
            self.locs
                .attach_comments(location, leading, trailing, detached_now);
        } else if text == "}" {
            self.upcoming_detached_comments = detached;
        } else {
            self.upcoming_detached_comments.extend(detached);
        }
        true
    }
    fn consume_end_of_declaration(&mut self, text: &str, location: Option<usize>) -> bool {
        if self.try_consume_end_of_declaration(text, location) {
            true
        } else {
            self.error(&format!("Expected \"{text}\"."));
            false
        }
    }

    /// Moves the tokenizer's errors so far into the message list (they come before any later parser message).
    fn drain_lexer(&mut self) {
        for e in self.lex.errors.drain(..) {
            self.messages.push(ParseMessage {
                severity: crate::diagnostics::Severity::Error,
                line: e.line,
                column: e.column,
                message: e.message.into_bytes(),
            });
        }
    }
    fn error_at(&mut self, line: i32, column: i32, message: impl AsRef<[u8]>) {
        self.drain_lexer();
        self.messages.push(ParseMessage {
            severity: crate::diagnostics::Severity::Error,
            line,
            column,
            message: message.as_ref().to_vec(),
        });
        self.had_errors = true;
    }
    fn error(&mut self, message: &str) {
        let t = self.cur();
        self.error_at(t.line, t.column, message);
    }
    fn warning_at(&mut self, line: i32, column: i32, message: impl Into<Vec<u8>>) {
        self.drain_lexer();
        self.messages.push(ParseMessage {
            severity: crate::diagnostics::Severity::Warning,
            line,
            column,
            message: message.into(),
        });
    }

    // ---- locations (protoc's LocationRecorder) ----------------------------------------------------------

    /// A new location below `parent` (path extended by `path`), starting at the current token.
    fn loc(&mut self, parent: Option<usize>, path: &[i32]) -> usize {
        let t = self.cur();
        self.locs.push(parent, path, t.line, t.column)
    }
    fn add_path(&mut self, loc: usize, component: i32) {
        self.locs.add_path(loc, component);
    }
    /// The end of a LocationRecorder's scope: ends the span at the previous token unless already ended.
    fn end(&mut self, loc: usize) {
        if self.locs.span(loc).len() <= 2 {
            let previous = *self.lex.previous();
            self.end_at(loc, &previous);
        }
    }
    fn start_at(&mut self, loc: usize, token: &Token) {
        self.locs.set_start(loc, token.line, token.column);
    }
    fn start_at_loc(&mut self, loc: usize, other: usize) {
        let (line, column) = (self.locs.span(other)[0], self.locs.span(other)[1]);
        self.locs.set_start(loc, line, column);
    }
    fn end_at(&mut self, loc: usize, token: &Token) {
        self.locs.end_at(loc, token.line, token.end_column);
    }
    fn record(&mut self, loc: usize, elem: ElemId, kind: ErrorLocation) {
        let span = self.locs.span(loc);
        let (line, column) = (span[0], span[1]);
        self.table.add(elem, kind, line, column);
    }
    fn record_import(&mut self, loc: usize, name: &str) {
        let span = self.locs.span(loc);
        let (line, column) = (span[0], span[1]);
        self.table.add_import(name, line, column);
    }
    fn path_len(&self, loc: usize) -> usize {
        self.locs.path(loc).len()
    }

    // ---- statements ---------------------------------------------------------------------------------------

    /// `SkipStatement`.
    fn skip_statement(&mut self) {
        loop {
            if self.at_end() {
                return;
            }
            if self.looking_at_kind(TokenKind::Symbol) {
                if self.try_consume_end_of_declaration(";", None) {
                    return;
                } else if self.try_consume("{") {
                    self.skip_rest_of_block();
                    return;
                } else if self.looking_at("}") {
                    return;
                }
            }
            self.advance();
        }
    }

    /// `SkipRestOfBlock`.
    fn skip_rest_of_block(&mut self) {
        let mut depth = 1usize;
        loop {
            if self.at_end() {
                return;
            }
            if self.looking_at_kind(TokenKind::Symbol) {
                if self.try_consume_end_of_declaration("}", None) {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                } else if self.try_consume("{") {
                    depth += 1;
                }
            }
            self.advance();
        }
    }

    fn next_with_pending_comments(&mut self) {
        let mut comments = Comments::default();
        self.lex.next_with_comments(&mut comments);
        self.upcoming_detached_comments = comments.detached;
        self.upcoming_doc_comments = comments.next_leading;
    }

    /// `Parser::Parse`.
    fn parse_file(&mut self, file: &mut FileProto) -> bool {
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

    fn parse_syntax_identifier(&mut self, file: &FileProto, root: usize) -> bool {
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

    fn parse_top_level_statement(&mut self, file: &mut FileProto, root: usize) -> bool {
        if self.try_consume_end_of_declaration(";", None) {
            return true;
        }
        let mut visibility = None;
        if self.looking_at("export") || self.looking_at("local") {
            req!(self.parse_visibility(&mut visibility));
        }
        if self.looking_at("message") {
            let loc = self.loc(
                Some(root),
                &[path::FILE_MESSAGE, file.message_type.len() as i32],
            );
            self.recursion_depth = MAX_MESSAGE_NESTING;
            file.message_type.push(Default::default());
            let Some(message) = file.message_type.last_mut() else {
                return false;
            };
            let ok = self.parse_message_definition(message, visibility, loc);
            self.end(loc);
            ok
        } else if self.looking_at("enum") {
            let loc = self.loc(Some(root), &[path::FILE_ENUM, file.enum_type.len() as i32]);
            file.enum_type.push(Default::default());
            let Some(enum_type) = file.enum_type.last_mut() else {
                return false;
            };
            let ok = self.parse_enum_definition(enum_type, visibility, loc);
            self.end(loc);
            ok
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

    fn parse_visibility(&mut self, out: &mut Option<i32>) -> bool {
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

    fn parse_package(&mut self, file: &mut FileProto, root: usize) -> bool {
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

    fn parse_import(&mut self, file: &mut FileProto, root: usize) -> bool {
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
            let name = String::from_utf8_lossy(&import_file).into_owned();
            file.option_dependency.push(name.clone());
            self.record_import(loc, &name);
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
            self.record_import(weak, "weak");
            req!(self.consume("weak"));
            self.end(weak);
            file.weak_dependency.push(file.dependency.len() as i32);
        }
        req!(self.consume_string(
            &mut import_file,
            "Expected a string naming the file to import."
        ));
        let name = String::from_utf8_lossy(&import_file).into_owned();
        file.dependency.push(name.clone());
        self.record_import(loc, &name);
        req!(self.consume_end_of_declaration(";", Some(loc)));
        self.end(loc);
        true
    }
}

/// Runs a step that recurses once per nesting level of the input on a stack that grows as needed (on the
/// heap), so that nesting protoc accepts cannot overflow a thread's stack.
pub(crate) fn deep<R>(f: impl FnOnce() -> R) -> R {
    const RED_ZONE: usize = 128 * 1024;
    const SEGMENT: usize = 4 * 1024 * 1024;
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
