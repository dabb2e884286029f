//! Token-level steps of protoc's parser: looking at and consuming tokens (`Consume*`, `TryConsume*`), and
//! recording errors and warnings at a position.

use super::{req, ParseMessage, Parser};
use crate::lexer::{self, Comments, Token, TokenKind};

impl<'a> Parser<'a> {
    pub(super) fn cur(&self) -> Token {
        *self.lex.current()
    }
    pub(super) fn cur_text(&self) -> &'a [u8] {
        self.lex.text(self.lex.current())
    }
    pub(super) fn looking_at(&self, text: &str) -> bool {
        self.cur_text() == text.as_bytes()
    }
    pub(super) fn looking_at_kind(&self, kind: TokenKind) -> bool {
        self.lex.current().kind == kind
    }
    pub(super) fn at_end(&self) -> bool {
        self.looking_at_kind(TokenKind::End)
    }
    pub(super) fn advance(&mut self) {
        self.lex.next_token();
    }
    pub(super) fn try_consume(&mut self, text: &str) -> bool {
        if self.looking_at(text) {
            self.advance();
            true
        } else {
            false
        }
    }
    pub(super) fn consume(&mut self, text: &str) -> bool {
        self.consume_or(text, &format!("Expected \"{text}\"."))
    }
    pub(super) fn consume_or(&mut self, text: &str, error: &str) -> bool {
        if self.try_consume(text) {
            true
        } else {
            self.error(error);
            false
        }
    }
    pub(super) fn consume_identifier(&mut self, out: &mut String, error: &str) -> bool {
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
    pub(super) fn consume_integer(&mut self, out: &mut i32, error: &str) -> bool {
        let mut value = 0u64;
        req!(self.consume_integer64(i32::MAX as u64, &mut value, error));
        *out = value as i32;
        true
    }
    /// `ConsumeSignedInteger`.
    pub(super) fn consume_signed_integer(&mut self, out: &mut i32, error: &str) -> bool {
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
    pub(super) fn consume_integer64(&mut self, max: u64, out: &mut u64, error: &str) -> bool {
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
    pub(super) fn consume_number(&mut self, out: &mut f64, error: &str) -> bool {
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
    pub(super) fn consume_string(&mut self, out: &mut Vec<u8>, error: &str) -> bool {
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
    pub(super) fn try_consume_end_of_declaration(
        &mut self,
        text: &str,
        location: Option<usize>,
    ) -> bool {
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
    pub(super) fn consume_end_of_declaration(
        &mut self,
        text: &str,
        location: Option<usize>,
    ) -> bool {
        if self.try_consume_end_of_declaration(text, location) {
            true
        } else {
            self.error(&format!("Expected \"{text}\"."));
            false
        }
    }

    /// Moves the tokenizer's errors so far into the message list (they come before any later parser message).
    pub(super) fn drain_lexer(&mut self) {
        for e in self.lex.errors.drain(..) {
            self.messages.push(ParseMessage {
                severity: crate::diagnostics::Severity::Error,
                line: e.line,
                column: e.column,
                message: e.message.into_bytes(),
            });
        }
    }
    pub(super) fn error_at(&mut self, line: i32, column: i32, message: impl AsRef<[u8]>) {
        self.drain_lexer();
        self.messages.push(ParseMessage {
            severity: crate::diagnostics::Severity::Error,
            line,
            column,
            message: message.as_ref().to_vec(),
        });
        self.had_errors = true;
    }
    pub(super) fn error(&mut self, message: &str) {
        let t = self.cur();
        self.error_at(t.line, t.column, message);
    }
    pub(super) fn warning_at(&mut self, line: i32, column: i32, message: impl Into<Vec<u8>>) {
        self.drain_lexer();
        self.messages.push(ParseMessage {
            severity: crate::diagnostics::Severity::Warning,
            line,
            column,
            message: message.into(),
        });
    }
}
