//! The tokenizer: protoc's `io::Tokenizer` (tokenizer.cc) over the bytes of one file.
//!
//! Bytes, not chars: protoc reads a .proto file as bytes, counts columns in bytes (a tab advances to the next
//! multiple of 8) and reports its errors at its own current position, which this port keeps exactly, since the
//! position is part of every message.
//!
//! * [`literals`]: scanning string and number tokens, and decoding their text.
//! * [`comments`]: skipping comments, and the collector deciding which comments become leading, trailing or
//!   detached comments of the declarations (`NextWithComments`).

mod comments;
mod literals;

use comments::CommentStart;
pub use comments::Comments;
pub use literals::{parse_float, parse_integer, parse_string_append};

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Start,
    End,
    Identifier,
    Integer,
    Float,
    String,
    Symbol,
}

/// One token: kind, its bytes in the source, 0-based line, column and end column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    pub line: i32,
    pub column: i32,
    pub end_column: i32,
}

impl Token {
    const START: Token = Token {
        kind: TokenKind::Start,
        start: 0,
        end: 0,
        line: 0,
        column: 0,
        end_column: 0,
    };
}

/// An error the tokenizer reports at a 0-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub line: i32,
    pub column: i32,
    pub message: String,
}

const TAB_WIDTH: i32 = 8;

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\t' | b'\r' | 0x0b | 0x0c)
}
fn is_unprintable(c: u8) -> bool {
    (1..b' ').contains(&c)
}
fn is_letter(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
fn is_alphanumeric(c: u8) -> bool {
    is_letter(c) || c.is_ascii_digit()
}
fn is_octal(c: u8) -> bool {
    (b'0'..=b'7').contains(&c)
}
fn is_escape(c: u8) -> bool {
    b"abfnrtv\\?'\"".contains(&c)
}

/// The tokenizer state over one file.
pub struct Lexer<'a> {
    buf: &'a [u8],
    pos: usize,
    line: i32,
    column: i32,
    current: Token,
    previous: Token,
    pub errors: Vec<LexError>,
    /// `SH_COMMENT_STYLE` (`#` to the end of the line, `/` a symbol), as protoc's text format parser sets it;
    /// otherwise `CPP_COMMENT_STYLE` (`//` and `/* */`).
    sh_comments: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(buf: &'a [u8]) -> Lexer<'a> {
        Lexer {
            buf,
            pos: 0,
            line: 0,
            column: 0,
            current: Token::START,
            previous: Token::START,
            errors: Vec::new(),
            sh_comments: false,
        }
    }

    /// The tokenizer as protoc's text format parser configures it (aggregate option values): `#` comments.
    pub fn for_text_format(buf: &'a [u8]) -> Lexer<'a> {
        Lexer {
            sh_comments: true,
            ..Lexer::new(buf)
        }
    }

    pub fn current(&self) -> &Token {
        &self.current
    }
    pub fn previous(&self) -> &Token {
        &self.previous
    }
    pub fn text(&self, token: &Token) -> &'a [u8] {
        &self.buf[token.start..token.end]
    }

    fn eof(&self) -> bool {
        self.pos >= self.buf.len()
    }
    fn ch(&self) -> u8 {
        self.buf.get(self.pos).copied().unwrap_or(0)
    }

    fn next_char(&mut self) {
        match self.ch() {
            b'\n' => {
                self.line += 1;
                self.column = 0;
            }
            b'\t' => self.column += TAB_WIDTH - self.column % TAB_WIDTH,
            _ => self.column += 1,
        }
        if !self.eof() {
            self.pos += 1;
        }
    }

    fn error(&mut self, message: &str) {
        self.errors.push(LexError {
            line: self.line,
            column: self.column,
            message: message.to_string(),
        });
    }

    fn try_consume(&mut self, c: u8) -> bool {
        if !self.eof() && self.ch() == c {
            self.next_char();
            true
        } else {
            false
        }
    }
    fn try_consume_one(&mut self, class: fn(u8) -> bool) -> bool {
        if !self.eof() && class(self.ch()) {
            self.next_char();
            true
        } else {
            false
        }
    }
    fn looking_at(&self, class: fn(u8) -> bool) -> bool {
        !self.eof() && class(self.ch())
    }
    fn consume_zero_or_more(&mut self, class: fn(u8) -> bool) {
        while self.looking_at(class) {
            self.next_char();
        }
    }
    fn consume_one_or_more(&mut self, class: fn(u8) -> bool, error: &str) {
        if !self.looking_at(class) {
            self.error(error);
        } else {
            self.consume_zero_or_more(class);
        }
    }

    fn start_token(&mut self) {
        self.current = Token {
            kind: TokenKind::Start,
            start: self.pos,
            end: self.pos,
            line: self.line,
            column: self.column,
            end_column: self.column,
        };
    }
    fn end_token(&mut self) {
        self.current.end = self.pos;
        self.current.end_column = self.column;
    }

    /// Advances to the next token (comments skipped); `false` at the end of input.
    pub fn next_token(&mut self) -> bool {
        self.previous = self.current;
        while !self.eof() {
            self.consume_zero_or_more(is_whitespace);
            match self.try_consume_comment_start() {
                CommentStart::Line => {
                    self.consume_line_comment(None);
                    continue;
                }
                CommentStart::Block => {
                    self.consume_block_comment(None);
                    continue;
                }
                CommentStart::SlashNotComment => return true,
                CommentStart::None => {}
            }
            if self.eof() {
                break;
            }
            if is_unprintable(self.ch()) || self.ch() == 0 {
                self.error("Invalid control characters encountered in text.");
                self.next_char();
                while self.try_consume_one(is_unprintable) || self.try_consume(0) {}
            } else {
                self.start_token();
                self.current.kind = self.consume_token();
                self.end_token();
                return true;
            }
        }
        self.current = Token {
            kind: TokenKind::End,
            start: self.pos,
            end: self.pos,
            line: self.line,
            column: self.column,
            end_column: self.column,
        };
        false
    }

    fn consume_token(&mut self) -> TokenKind {
        if self.try_consume_one(is_letter) {
            self.consume_zero_or_more(is_alphanumeric);
            TokenKind::Identifier
        } else if self.try_consume(b'0') {
            self.consume_number(true, false)
        } else if self.try_consume(b'.') {
            if self.try_consume_one(|c| c.is_ascii_digit()) {
                if self.previous.kind == TokenKind::Identifier
                    && self.current.line == self.previous.line
                    && self.current.column == self.previous.end_column
                {
                    self.errors.push(LexError {
                        line: self.line,
                        column: self.column - 2,
                        message: "Need space between identifier and decimal point.".into(),
                    });
                }
                self.consume_number(false, true)
            } else {
                TokenKind::Symbol
            }
        } else if self.try_consume_one(|c| c.is_ascii_digit()) {
            self.consume_number(false, false)
        } else if self.try_consume(b'"') {
            self.consume_string(b'"');
            TokenKind::String
        } else if self.try_consume(b'\'') {
            self.consume_string(b'\'');
            TokenKind::String
        } else {
            if self.ch() & 0x80 != 0 {
                let message = format!("Interpreting non ascii codepoint {}.", self.ch());
                self.errors.push(LexError {
                    line: self.line,
                    column: self.column,
                    message,
                });
            }
            self.next_char();
            TokenKind::Symbol
        }
    }
}

/// protoc's `Tokenizer::IsIdentifier`.
pub fn is_identifier(text: &[u8]) -> bool {
    matches!(text.first(), Some(&c) if is_letter(c))
        && text[1..].iter().all(|&c| is_alphanumeric(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<(TokenKind, String, i32, i32)> {
        let mut lexer = Lexer::new(src.as_bytes());
        let mut out = Vec::new();
        while lexer.next_token() {
            let t = *lexer.current();
            out.push((
                t.kind,
                String::from_utf8_lossy(lexer.text(&t)).into_owned(),
                t.line,
                t.column,
            ));
        }
        out
    }

    #[test]
    fn tokens_and_positions() {
        let t = tokens("message A {\n\tint32 x = 0x1f; // c\n}");
        assert_eq!(t[0], (TokenKind::Identifier, "message".into(), 0, 0));
        assert_eq!(t[3], (TokenKind::Identifier, "int32".into(), 1, 8));
        assert_eq!(t[6], (TokenKind::Integer, "0x1f".into(), 1, 18));
        assert_eq!(t.last().map(|t| t.1.clone()), Some("}".into()));
    }

    #[test]
    fn integers_and_strings() {
        assert_eq!(parse_integer(b"0x10", u64::MAX), Some(16));
        assert_eq!(parse_integer(b"010", u64::MAX), Some(8));
        assert_eq!(parse_integer(b"18446744073709551616", u64::MAX), None);
        assert_eq!(parse_integer(b"2147483648", i32::MAX as u64), None);
        let mut s = Vec::new();
        parse_string_append(br#""a\n\x41\101\u00e9""#, &mut s);
        assert_eq!(s, "a\nAA\u{e9}".as_bytes());
    }
}
