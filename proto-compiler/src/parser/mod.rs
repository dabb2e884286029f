//! The parser: protoc's `compiler::Parser` (parser.cc). Tokens → [`crate::ir::FileProto`] with uninterpreted
//! options, the `SourceCodeInfo` protoc records (same locations, same order, same comment attachment) and the
//! location table its later errors are positioned by.
//!
//! The structure follows parser.cc function for function, because protoc's error texts, positions and its
//! recovery (skip the statement, go on) are defined by it. A `LocationRecorder` of protoc is a location index
//! here, created by [`Parser::loc`] and ended by [`Parser::end`] where protoc's destructor would run; locations
//! of a parse that fails are never used, so only the successful paths need to end them.
//!
//! Files: this one (driver, locations, statement skipping), `tokens.rs` (consuming tokens, errors),
//! `file.rs` (syntax, package, import and the other file-level statements), `message.rs` (messages, oneofs,
//! extension ranges, extend blocks), `reserved.rs` (reserved names and ranges of messages and enums), `field.rs`
//! (fields, maps, groups, defaults, types), `option.rs` (option statements and values), `enums.rs` (enums and
//! services).

mod enums;
mod field;
mod file;
mod message;

pub use message::MAX_FIELD_NUMBER;
mod option;
mod reserved;
mod tokens;

use crate::edition::Edition;
use crate::ir::{ElemId, ErrorLocation, FileProto, LocationTable, ParsedFile};
use crate::lexer::{Comments, Lexer, Token, TokenKind};
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
    fn record_import(&mut self, loc: usize, name: &[u8]) {
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
}

/// Runs a step that recurses once per nesting level of the input on a stack that grows as needed (on the
/// heap), so that nesting protoc accepts cannot overflow a thread's stack.
pub(crate) fn deep<R>(f: impl FnOnce() -> R) -> R {
    const RED_ZONE: usize = 128 * 1024;
    const SEGMENT: usize = 4 * 1024 * 1024;
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
