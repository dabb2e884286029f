//! The tokenizer: protoc's `io::Tokenizer` (tokenizer.cc) over the bytes of one file.
//!
//! Bytes, not chars: protoc reads a .proto file as bytes, counts columns in bytes (a tab advances to the next
//! multiple of 8) and reports its errors at its own current position, which this port keeps exactly, since the
//! position is part of every message. The comment collector decides which comments become leading, trailing or
//! detached comments of the declarations (`NextWithComments`).

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

/// Comments gathered around a token by [`Lexer::next_with_comments`].
#[derive(Debug, Default)]
pub struct Comments {
    pub prev_trailing: Vec<u8>,
    pub detached: Vec<Vec<u8>>,
    pub next_leading: Vec<u8>,
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

enum CommentStart {
    Line,
    Block,
    SlashNotComment,
    None,
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

    fn consume_string(&mut self, delimiter: u8) {
        loop {
            if self.eof() || self.ch() == 0 {
                self.error("Unexpected end of string.");
                return;
            }
            match self.ch() {
                b'\n' => {
                    self.error("Multiline strings are not allowed. Did you miss a \"?.");
                    return;
                }
                b'\\' => {
                    self.next_char();
                    self.consume_escape();
                }
                c => {
                    self.next_char();
                    if c == delimiter {
                        return;
                    }
                }
            }
        }
    }

    fn consume_escape(&mut self) {
        let hex = |c: u8| c.is_ascii_hexdigit();
        if self.try_consume_one(is_escape) || self.try_consume_one(is_octal) {
        } else if self.try_consume(b'x') || self.try_consume(b'X') {
            if !self.try_consume_one(hex) {
                self.error("Expected hex digits for escape sequence.");
            }
        } else if self.try_consume(b'u') {
            if !(0..4).all(|_| self.try_consume_one(hex)) {
                self.error("Expected four hex digits for \\u escape sequence.");
            }
        } else if self.try_consume(b'U') {
            let ok = self.try_consume(b'0')
                && self.try_consume(b'0')
                && (self.try_consume(b'0') || self.try_consume(b'1'))
                && (0..5).all(|_| self.try_consume_one(hex));
            if !ok {
                self.error("Expected eight hex digits up to 10ffff for \\U escape sequence");
            }
        } else {
            self.error("Invalid escape sequence in string literal.");
        }
    }

    fn consume_number(&mut self, started_with_zero: bool, started_with_dot: bool) -> TokenKind {
        let mut is_float = false;
        if started_with_zero && (self.try_consume(b'x') || self.try_consume(b'X')) {
            self.consume_one_or_more(
                |c| c.is_ascii_hexdigit(),
                "\"0x\" must be followed by hex digits.",
            );
        } else if started_with_zero && self.looking_at(|c| c.is_ascii_digit()) {
            self.consume_zero_or_more(is_octal);
            if self.looking_at(|c| c.is_ascii_digit()) {
                self.error("Numbers starting with leading zero must be in octal.");
                self.consume_zero_or_more(|c| c.is_ascii_digit());
            }
        } else {
            if started_with_dot {
                is_float = true;
                self.consume_zero_or_more(|c| c.is_ascii_digit());
            } else {
                self.consume_zero_or_more(|c| c.is_ascii_digit());
                if self.try_consume(b'.') {
                    is_float = true;
                    self.consume_zero_or_more(|c| c.is_ascii_digit());
                }
            }
            if self.try_consume(b'e') || self.try_consume(b'E') {
                is_float = true;
                let _ = self.try_consume(b'-') || self.try_consume(b'+');
                self.consume_one_or_more(
                    |c| c.is_ascii_digit(),
                    "\"e\" must be followed by exponent.",
                );
            }
        }
        if self.looking_at(is_letter) {
            self.error("Need space between number and identifier.");
        } else if !self.eof() && self.ch() == b'.' {
            if is_float {
                self.error("Already saw decimal point or exponent; can't have another one.");
            } else {
                self.error("Hex and octal numbers must be integers.");
            }
        }
        if is_float {
            TokenKind::Float
        } else {
            TokenKind::Integer
        }
    }

    fn consume_line_comment(&mut self, content: Option<&mut Vec<u8>>) {
        let start = self.pos;
        while !self.eof() && self.ch() != 0 && self.ch() != b'\n' {
            self.next_char();
        }
        self.try_consume(b'\n');
        if let Some(content) = content {
            content.extend_from_slice(&self.buf[start..self.pos]);
        }
    }

    fn consume_block_comment(&mut self, mut content: Option<&mut Vec<u8>>) {
        let start_line = self.line;
        let start_column = self.column - 2;
        let mut record_start = self.pos;
        loop {
            while !self.eof() && !matches!(self.ch(), 0 | b'*' | b'/' | b'\n') {
                self.next_char();
            }
            if self.try_consume(b'\n') {
                if let Some(c) = content.as_deref_mut() {
                    c.extend_from_slice(&self.buf[record_start..self.pos]);
                }
                self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
                if self.try_consume(b'*') && self.try_consume(b'/') {
                    break;
                }
                record_start = self.pos;
            } else if self.try_consume(b'*') && self.try_consume(b'/') {
                if let Some(c) = content.as_deref_mut() {
                    c.extend_from_slice(&self.buf[record_start..self.pos - 2]);
                }
                break;
            } else if self.try_consume(b'/') && !self.eof() && self.ch() == b'*' {
                self.error("\"/*\" inside block comment.  Block comments cannot be nested.");
            } else if self.eof() || self.ch() == 0 {
                self.error("End-of-file inside block comment.");
                self.errors.push(LexError {
                    line: start_line,
                    column: start_column,
                    message: "  Comment started here.".to_string(),
                });
                if let Some(c) = content.as_deref_mut() {
                    c.extend_from_slice(&self.buf[record_start..self.pos]);
                }
                break;
            }
        }
    }

    fn try_consume_comment_start(&mut self) -> CommentStart {
        if self.sh_comments {
            return if self.try_consume(b'#') {
                CommentStart::Line
            } else {
                CommentStart::None
            };
        }
        if self.try_consume(b'/') {
            if self.try_consume(b'/') {
                CommentStart::Line
            } else if self.try_consume(b'*') {
                CommentStart::Block
            } else {
                self.current = Token {
                    kind: TokenKind::Symbol,
                    start: self.pos - 1,
                    end: self.pos,
                    line: self.line,
                    column: self.column - 1,
                    end_column: self.column,
                };
                CommentStart::SlashNotComment
            }
        } else {
            CommentStart::None
        }
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

    /// Advances like [`Lexer::next`], collecting the comments between the previous token and the next one the
    /// way protoc attaches them. A file starting with 0xEF that is not a UTF-8 BOM is an error, and the current
    /// token stays the start token (as in protoc).
    pub fn next_with_comments(&mut self, comments: &mut Comments) -> bool {
        let mut collector = Collector::new(comments);
        let mut prev_line = self.line;
        let mut trailing_comment_end_line = -1;
        if self.current.kind == TokenKind::Start {
            if self.try_consume(0xEF) && !(self.try_consume(0xBB) && self.try_consume(0xBF)) {
                self.error("Proto file starts with 0xEF but not UTF-8 BOM. Only UTF-8 is accepted for proto file.");
                collector.finish();
                return false;
            }
            collector.can_attach_to_prev = false;
            prev_line = -1;
        } else {
            self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
            match self.try_consume_comment_start() {
                CommentStart::Line => {
                    trailing_comment_end_line = self.line;
                    self.consume_line_comment(Some(collector.buffer_for_line_comment()));
                    collector.flush();
                }
                CommentStart::Block => {
                    self.consume_block_comment(Some(collector.buffer_for_block_comment()));
                    trailing_comment_end_line = self.line;
                    self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
                    collector.flush();
                }
                CommentStart::SlashNotComment => {
                    collector.finish();
                    return true;
                }
                CommentStart::None => {
                    if !self.try_consume(b'\n') {
                        collector.finish();
                        return self.next_token();
                    }
                }
            }
        }
        loop {
            self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
            match self.try_consume_comment_start() {
                CommentStart::Line => {
                    self.consume_line_comment(Some(collector.buffer_for_line_comment()));
                }
                CommentStart::Block => {
                    self.consume_block_comment(Some(collector.buffer_for_block_comment()));
                    self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
                    self.try_consume(b'\n');
                }
                CommentStart::SlashNotComment => {
                    collector.finish();
                    return true;
                }
                CommentStart::None => {
                    if self.try_consume(b'\n') {
                        collector.flush();
                        collector.can_attach_to_prev = false;
                    } else {
                        let result = self.next_token();
                        let text = self.text(&self.current);
                        if !result || text == b"}" || text == b"]" || text == b")" {
                            collector.flush();
                        }
                        if result
                            && (prev_line == self.line || trailing_comment_end_line == self.line)
                        {
                            collector.maybe_detach();
                        }
                        collector.finish();
                        return result;
                    }
                }
            }
        }
    }
}

/// protoc's `CommentCollector`: buffers the latest comment until it is known where it belongs.
struct Collector<'c> {
    out: &'c mut Comments,
    buffer: Vec<u8>,
    num_comments: usize,
    has_trailing_comment: bool,
    has_comment: bool,
    is_line_comment: bool,
    can_attach_to_prev: bool,
}

impl<'c> Collector<'c> {
    fn new(out: &'c mut Comments) -> Self {
        out.prev_trailing.clear();
        out.detached.clear();
        out.next_leading.clear();
        Collector {
            out,
            buffer: Vec::new(),
            num_comments: 0,
            has_trailing_comment: false,
            has_comment: false,
            is_line_comment: false,
            can_attach_to_prev: true,
        }
    }

    fn buffer_for_line_comment(&mut self) -> &mut Vec<u8> {
        if self.has_comment && !self.is_line_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line_comment = true;
        &mut self.buffer
    }

    fn buffer_for_block_comment(&mut self) -> &mut Vec<u8> {
        if self.has_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line_comment = false;
        &mut self.buffer
    }

    fn flush(&mut self) {
        if self.has_comment {
            let comment = std::mem::take(&mut self.buffer);
            if self.can_attach_to_prev {
                self.out.prev_trailing.extend_from_slice(&comment);
                self.has_trailing_comment = true;
                self.can_attach_to_prev = false;
            } else {
                self.out.detached.push(comment);
            }
            self.has_comment = false;
            self.num_comments += 1;
        }
    }

    fn maybe_detach(&mut self) {
        let count = self.num_comments + usize::from(self.has_comment);
        if count == 1 {
            if self.has_trailing_comment {
                let trail = std::mem::take(&mut self.out.prev_trailing);
                self.out.detached.insert(0, trail);
            }
            self.flush();
        }
    }

    /// The collector's destructor: whatever is still buffered leads the next token.
    fn finish(self) {
        if self.has_comment {
            self.out.next_leading = self.buffer;
        }
    }
}

/// protoc's `Tokenizer::ParseInteger`: decimal, hex (`0x`) or octal (leading `0`) text of an integer token,
/// `None` if it overflows `max` (or is not a valid integer token).
pub fn parse_integer(text: &[u8], max: u64) -> Option<u64> {
    let (base, digits): (u64, &[u8]) = match text {
        [b'0', b'x' | b'X', rest @ ..] => (16, rest),
        [b'0', ..] => (8, text),
        _ => (10, text),
    };
    let mut result: u64 = 0;
    for &c in digits {
        let digit = u64::from(match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'z' => c - b'a' + 10,
            b'A'..=b'Z' => c - b'A' + 10,
            _ => return None,
        });
        if digit >= base {
            return None;
        }
        result = result.checked_mul(base)?.checked_add(digit)?;
    }
    (result <= max).then_some(result)
}

/// protoc's `Tokenizer::ParseFloat` / `TryParseFloat` on a float (or out-of-range integer) token: the value and
/// whether the whole text was a number (a trailing `e`, `e-` or `f` is accepted as the tokenizer may produce it).
pub fn parse_float(text: &[u8]) -> (f64, bool) {
    let s = std::str::from_utf8(text).unwrap_or("");
    let (value, mut end) = crate::floatfmt::strtod_prefix(s);
    let bytes = s.as_bytes();
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        end += 1;
        if matches!(bytes.get(end), Some(b'-' | b'+')) {
            end += 1;
        }
    }
    if matches!(bytes.get(end), Some(b'f' | b'F')) {
        end += 1;
    }
    (value, end == bytes.len() && !s.starts_with('-'))
}

/// protoc's `Tokenizer::ParseStringAppend`: the value of a string token (quotes and escapes removed).
pub fn parse_string_append(text: &[u8], out: &mut Vec<u8>) {
    let Some(&quote) = text.first() else { return };
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0);
    let mut i = 1;
    while i < text.len() {
        let c = text[i];
        if c == b'\\' && i + 1 < text.len() {
            i += 1;
            let e = text[i];
            if is_octal(e) {
                let mut code = digit(e);
                if is_octal(at(i + 1)) {
                    i += 1;
                    code = code * 8 + digit(text[i]);
                }
                if is_octal(at(i + 1)) {
                    i += 1;
                    code = code * 8 + digit(text[i]);
                }
                out.push(code as u8);
            } else if e == b'x' || e == b'X' {
                let mut code = 0;
                if at(i + 1).is_ascii_hexdigit() {
                    i += 1;
                    code = digit(text[i]);
                }
                if at(i + 1).is_ascii_hexdigit() {
                    i += 1;
                    code = code * 16 + digit(text[i]);
                }
                out.push(code as u8);
            } else if e == b'u' || e == b'U' {
                match fetch_unicode_point(text, i) {
                    Some((code_point, next)) => {
                        append_utf8(code_point, out);
                        i = next - 1;
                    }
                    None => out.push(e),
                }
            } else {
                out.push(match e {
                    b'a' => 7,
                    b'b' => 8,
                    b'f' => 12,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'v' => 11,
                    b'\\' | b'?' | b'\'' | b'"' => e,
                    _ => b'?',
                });
            }
        } else if c == quote && i + 1 == text.len() {
            // the closing quote
        } else {
            out.push(c);
        }
        i += 1;
    }
}

fn read_hex_digits(text: &[u8], start: usize, len: usize) -> Option<u32> {
    let digits = text.get(start..start + len)?;
    digits.iter().try_fold(0u32, |acc, &c| {
        // protoc accepts any byte here (DigitValue), stopping only at NUL; the tokenizer already validated.
        (c != 0).then(|| (acc << 4).wrapping_add((c as char).to_digit(36).unwrap_or(36)))
    })
}

/// `FetchUnicodePoint`: the code point of the `\u`/`\U` escape whose letter is at `i`, and the index after it.
fn fetch_unicode_point(text: &[u8], i: usize) -> Option<(u32, usize)> {
    let len = if text[i] == b'u' { 4 } else { 8 };
    let mut code_point = read_hex_digits(text, i + 1, len)?;
    let mut p = i + 1 + len;
    if (0xd800..0xdc00).contains(&code_point)
        && text.get(p) == Some(&b'\\')
        && text.get(p + 1) == Some(&b'u')
    {
        if let Some(trail) = read_hex_digits(text, p + 2, 4) {
            if (0xdc00..0xe000).contains(&trail) {
                code_point = 0x10000 + (((code_point - 0xd800) << 10) | (trail - 0xdc00));
                p += 6;
            }
        }
    }
    Some((code_point, p))
}

fn append_utf8(code_point: u32, out: &mut Vec<u8>) {
    let c = code_point;
    if c <= 0x7f {
        out.push(c as u8);
    } else if c <= 0x7ff {
        out.extend_from_slice(&[0xc0 | (c >> 6) as u8, 0x80 | (c & 0x3f) as u8]);
    } else if c <= 0xffff {
        out.extend_from_slice(&[
            0xe0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3f) as u8,
            0x80 | (c & 0x3f) as u8,
        ]);
    } else if c <= 0x10ffff {
        out.extend_from_slice(&[
            0xf0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3f) as u8,
            0x80 | ((c >> 6) & 0x3f) as u8,
            0x80 | (c & 0x3f) as u8,
        ]);
    } else {
        out.extend_from_slice(format!("\\U{c:08x}").as_bytes());
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
