//! Python's lexical grammar (3.12, with PEP 701 f-strings and 3.14 t-strings) on bytes: names, numbers,
//! strings, operators, comments and line ends, each with its exact byte span. Whitespace, line continuations
//! and indentation produce no token (nothing here needs INDENT/DEDENT). A string token spans prefix to closing
//! quote; an f-string is one token, its replacement fields scanned by [`crate::strings`] so that quotes,
//! brackets and comments inside them end nothing early.
//!
//! Bytes, not text: every encoding Python accepts for source is ASCII-compatible, and every byte ≥ 0x80 is
//! taken as part of an identifier (Python would reject some of them; nothing here depends on it).

use thiserror::Error;

use crate::strings;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Name,
    Number,
    /// A whole string literal, prefix and quotes included (f- and t-strings too).
    String,
    Op,
    Comment,
    /// The end of a logical line (Python's NEWLINE; zero-width at the end of a file without a final newline).
    Newline,
    /// A line end inside brackets, or ending a blank or comment-only line (Python's NL).
    Nl,
}

/// One token: its kind and byte span in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// Why the source is not Python, in CPython's words where it has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LexErrorKind {
    #[error("unterminated string literal")]
    UnterminatedString,
    #[error("unterminated triple-quoted string literal")]
    UnterminatedTripleString,
    #[error("f-string: single '}}' is not allowed")]
    FStringSingleBrace,
    #[error("f-string: expecting '}}'")]
    FStringExpectingBrace,
    #[error("f-string: too many nested f-strings")]
    FStringTooDeep,
    #[error("unexpected character after line continuation character")]
    BadContinuation,
    #[error("unexpected end of file after line continuation character")]
    EofAfterContinuation,
    #[error("unmatched '{0}'")]
    Unmatched(char),
    #[error("closing parenthesis '{0}' does not match opening parenthesis '{1}'")]
    Mismatched(char, char),
    #[error("'{0}' was never closed")]
    NeverClosed(char),
    #[error("invalid character (byte 0x{0:02x})")]
    InvalidCharacter(u8),
}

/// A lexical error and where it is (a byte offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexError {
    pub offset: usize,
    pub kind: LexErrorKind,
}

/// The tokens of a source, up to its first lexical error if it has one.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub tokens: Vec<Token>,
    pub error: Option<LexError>,
}

/// Tokenizes `src` (a UTF-8 byte-order mark is skipped).
pub fn tokenize(src: &[u8]) -> Tokens {
    let mut out = Tokens::default();
    for token in Lexer::new(src) {
        match token {
            Ok(token) => out.tokens.push(token),
            Err(e) => out.error = Some(e),
        }
    }
    out
}

/// The length of the line end at `pos` (`\n`, `\r\n` or `\r`), 0 when there is none.
pub(crate) fn newline_len(src: &[u8], pos: usize) -> usize {
    match src.get(pos) {
        Some(b'\n') => 1,
        Some(b'\r') if src.get(pos + 1) == Some(&b'\n') => 2,
        Some(b'\r') => 1,
        _ => 0,
    }
}

/// The bytes of identifiers: ASCII letters, digits, `_`, and every byte of a non-ASCII character.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        c += 1;
    }
    table
};

pub(crate) fn is_name_byte(c: u8) -> bool {
    NAME_BYTES[usize::from(c)]
}

fn is_name_start(c: u8) -> bool {
    is_name_byte(c) && !c.is_ascii_digit()
}

/// The end of the identifier starting at `pos`.
pub(crate) fn name_end(src: &[u8], pos: usize) -> usize {
    pos + src[pos..].iter().take_while(|&&c| is_name_byte(c)).count()
}

/// The end of the spaces, tabs and form feeds starting at `pos`.
fn blank_end(src: &[u8], pos: usize) -> usize {
    pos + src[pos..]
        .iter()
        .take_while(|&&c| matches!(c, b' ' | b'\t' | 0x0c))
        .count()
}

/// The string flags of `prefix` when it is a string prefix (`rb`, `F`, `tr`, ...).
pub(crate) fn string_prefix(prefix: &[u8]) -> Option<strings::Flags> {
    let kind = |c: u8| match c.to_ascii_lowercase() {
        b'b' => Some(strings::Flags {
            bytes: true,
            ..Default::default()
        }),
        b'f' | b't' => Some(strings::Flags {
            format: true,
            ..Default::default()
        }),
        _ => None,
    };
    match prefix {
        [c] => match c.to_ascii_lowercase() {
            b'r' => Some(strings::Flags {
                raw: true,
                ..Default::default()
            }),
            b'u' => Some(strings::Flags::default()),
            _ => kind(*c),
        },
        [a, b] => {
            let other = if a.eq_ignore_ascii_case(&b'r') {
                *b
            } else if b.eq_ignore_ascii_case(&b'r') {
                *a
            } else {
                return None;
            };
            kind(other).map(|flags| strings::Flags { raw: true, ..flags })
        }
        _ => None,
    }
}

/// Python's operators and delimiters, longest first within each length.
const OPERATORS_3: [&[u8]; 5] = [b"**=", b"//=", b">>=", b"<<=", b"..."];
const OPERATORS_2: [&[u8]; 20] = [
    b"!=", b"%=", b"&=", b"**", b"*=", b"+=", b"-=", b"->", b"//", b"/=", b":=", b"<<", b"<=",
    b"==", b">=", b">>", b"@=", b"^=", b"|=", b"<>",
];
const OPERATORS_1: &[u8] = b"%&()*+,-./:;<=>@[]^{|}~";

/// The length of the operator at the start of `rest`, 0 when there is none.
pub(crate) fn operator_len(rest: &[u8]) -> usize {
    if rest.len() >= 3 && OPERATORS_3.contains(&&rest[..3]) {
        3
    } else if rest.len() >= 2 && OPERATORS_2.contains(&&rest[..2]) {
        2
    } else if rest.first().is_some_and(|c| OPERATORS_1.contains(c)) {
        1
    } else {
        0
    }
}

/// The end of the number starting at `pos` (a digit, or `.` before a digit).
fn number_end(src: &[u8], pos: usize) -> usize {
    let at = |i: usize| src.get(i).copied().unwrap_or(0);
    // digits with single underscores between them
    let digits = |mut i: usize, ok: fn(u8) -> bool| {
        while ok(at(i)) || (at(i) == b'_' && ok(at(i + 1))) {
            i += 1;
        }
        i
    };
    if at(pos) == b'0' && matches!(at(pos + 1), b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
        let ok: fn(u8) -> bool = match at(pos + 1).to_ascii_lowercase() {
            b'x' => |c| c.is_ascii_hexdigit(),
            b'o' => |c| (b'0'..=b'7').contains(&c),
            _ => |c| c == b'0' || c == b'1',
        };
        // `0x_1f`: an underscore may follow the base letter
        let start = if at(pos + 2) == b'_' {
            pos + 3
        } else {
            pos + 2
        };
        return digits(start, ok).max(pos + 2);
    }
    let mut i = digits(pos, |c| c.is_ascii_digit());
    if at(i) == b'.' {
        i = digits(i + 1, |c| c.is_ascii_digit());
    }
    if matches!(at(i), b'e' | b'E') {
        let sign = usize::from(matches!(at(i + 1), b'+' | b'-'));
        if at(i + 1 + sign).is_ascii_digit() {
            i = digits(i + 1 + sign, |c| c.is_ascii_digit());
        }
    }
    if matches!(at(i), b'j' | b'J') {
        i += 1;
    }
    i
}

/// The tokens of a source one by one, up to its first error (the last item then); nothing is kept.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Open brackets and where they are.
    brackets: Vec<(u8, usize)>,
    /// Whether the current logical line has a token other than a comment.
    line_has_token: bool,
    done: bool,
}

impl Iterator for Lexer<'_> {
    type Item = Result<Token, LexError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_token();
        if !matches!(next, Some(Ok(_))) {
            self.done = true;
        }
        next
    }
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `src` (after a UTF-8 byte-order mark).
    pub fn new(src: &'a [u8]) -> Self {
        Lexer {
            src,
            pos: if src.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            },
            brackets: Vec::new(),
            line_has_token: false,
            done: false,
        }
    }

    fn token(
        &mut self,
        kind: TokenKind,
        start: usize,
        end: usize,
    ) -> Option<Result<Token, LexError>> {
        if !matches!(
            kind,
            TokenKind::Comment | TokenKind::Nl | TokenKind::Newline
        ) {
            self.line_has_token = true;
        }
        self.pos = end;
        Some(Ok(Token { kind, start, end }))
    }

    fn error(&self, offset: usize, kind: LexErrorKind) -> Option<Result<Token, LexError>> {
        Some(Err(LexError { offset, kind }))
    }

    fn string(
        &mut self,
        start: usize,
        quote: usize,
        flags: strings::Flags,
    ) -> Option<Result<Token, LexError>> {
        match strings::scan(self.src, start, quote, flags, 0) {
            Ok(end) => self.token(TokenKind::String, start, end),
            Err(e) => Some(Err(e)),
        }
    }

    fn next_token(&mut self) -> Option<Result<Token, LexError>> {
        let src = self.src;
        while let Some(&c) = src.get(self.pos) {
            let pos = self.pos;
            return match c {
                b' ' | b'\t' | 0x0c => {
                    self.pos = blank_end(src, pos);
                    continue;
                }
                b'\n' | b'\r' => {
                    let kind = if self.brackets.is_empty() && self.line_has_token {
                        TokenKind::Newline
                    } else {
                        TokenKind::Nl
                    };
                    self.line_has_token = false;
                    self.token(kind, pos, pos + newline_len(src, pos))
                }
                b'#' => {
                    let end =
                        memchr::memchr2(b'\n', b'\r', &src[pos..]).map_or(src.len(), |n| pos + n);
                    self.token(TokenKind::Comment, pos, end)
                }
                b'\\' => match newline_len(src, pos + 1) {
                    0 if pos + 1 == src.len() => {
                        self.error(pos, LexErrorKind::EofAfterContinuation)
                    }
                    0 => self.error(pos, LexErrorKind::BadContinuation),
                    n => {
                        self.pos += 1 + n;
                        continue;
                    }
                },
                b'"' | b'\'' => self.string(pos, pos, strings::Flags::default()),
                b'0'..=b'9' => self.token(TokenKind::Number, pos, number_end(src, pos)),
                b'.' if src.get(pos + 1).is_some_and(u8::is_ascii_digit) => {
                    self.token(TokenKind::Number, pos, number_end(src, pos))
                }
                c if is_name_start(c) => {
                    let end = name_end(src, pos);
                    let prefix = match src.get(end) {
                        Some(b'"' | b'\'') => string_prefix(&src[pos..end]),
                        _ => None,
                    };
                    match prefix {
                        Some(flags) => self.string(pos, end, flags),
                        None => self.token(TokenKind::Name, pos, end),
                    }
                }
                _ => self.operator(pos),
            };
        }
        if let Some(&(open, at)) = self.brackets.first() {
            return self.error(at, LexErrorKind::NeverClosed(char::from(open)));
        }
        if self.line_has_token {
            self.line_has_token = false;
            return self.token(TokenKind::Newline, src.len(), src.len());
        }
        None
    }

    fn operator(&mut self, pos: usize) -> Option<Result<Token, LexError>> {
        let src = self.src;
        let len = operator_len(&src[pos..]);
        if len == 0 {
            return self.error(pos, LexErrorKind::InvalidCharacter(src[pos]));
        }
        match src[pos] {
            c @ (b'(' | b'[' | b'{') => self.brackets.push((c, pos)),
            c @ (b')' | b']' | b'}') => match self.brackets.pop() {
                None => return self.error(pos, LexErrorKind::Unmatched(char::from(c))),
                Some((open, _)) if strings::closing(open) != c => {
                    return self.error(
                        pos,
                        LexErrorKind::Mismatched(char::from(c), char::from(open)),
                    )
                }
                Some(_) => {}
            },
            _ => {}
        }
        self.token(TokenKind::Op, pos, pos + len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        let tokens = tokenize(src.as_bytes());
        assert_eq!(tokens.error, None, "{src:?}");
        tokens
            .tokens
            .iter()
            .map(|t| (t.kind, &src[t.start..t.end]))
            .collect()
    }

    fn error(src: &str) -> (usize, std::string::String) {
        let e = tokenize(src.as_bytes()).error.expect("an error");
        (e.offset, e.kind.to_string())
    }

    use TokenKind::*;

    #[test]
    fn lines_comments_and_continuations() {
        assert_eq!(
            kinds("import a \\\n .b  # c\n\n(x,\n y)"),
            [
                (Name, "import"),
                (Name, "a"),
                (Op, "."),
                (Name, "b"),
                (Comment, "# c"),
                (Newline, "\n"),
                (Nl, "\n"),
                (Op, "("),
                (Name, "x"),
                (Op, ","),
                (Nl, "\n"),
                (Name, "y"),
                (Op, ")"),
                (Newline, ""),
            ]
        );
        assert_eq!(
            kinds("a\r\nb\rc"),
            [
                (Name, "a"),
                (Newline, "\r\n"),
                (Name, "b"),
                (Newline, "\r"),
                (Name, "c"),
                (Newline, "")
            ]
        );
        assert_eq!(kinds("\u{feff}x"), [(Name, "x"), (Newline, "")]);
    }

    #[test]
    fn numbers_and_operators() {
        assert_eq!(
            kinds("1if x else 0x_1f+1_0.5e-3j**=...1..real"),
            [
                (Number, "1"),
                (Name, "if"),
                (Name, "x"),
                (Name, "else"),
                (Number, "0x_1f"),
                (Op, "+"),
                (Number, "1_0.5e-3j"),
                (Op, "**="),
                (Op, "..."),
                (Number, "1."),
                (Op, "."),
                (Name, "real"),
                (Newline, ""),
            ]
        );
    }

    #[test]
    fn string_prefixes() {
        for s in [
            "'a'",
            "\"a\"",
            "r'\\''",
            "Rb'x'",
            "bR'x'",
            "u'x'",
            "f'{x}'",
            "rF'{x}'",
            "t'{x}'",
            "'''a\n'b'''",
            "\"\"\"\"\"\"",
        ] {
            assert_eq!(kinds(s), [(String, s), (Newline, "")], "{s}");
        }
        // not prefixes: names followed by a string
        assert_eq!(kinds("ub'x'")[0], (Name, "ub"));
        assert_eq!(kinds("bf'x'")[0], (Name, "bf"));
        assert_eq!(kinds("rr'x'")[0], (Name, "rr"));
    }

    #[test]
    fn errors() {
        assert_eq!(
            error("x = 'abc\n"),
            (4, "unterminated string literal".into())
        );
        assert_eq!(
            error("x = '''abc\n"),
            (4, "unterminated triple-quoted string literal".into())
        );
        assert_eq!(error("f(\n"), (1, "'(' was never closed".into()));
        assert_eq!(error("x)"), (1, "unmatched ')'".into()));
        assert_eq!(
            error("(]"),
            (
                1,
                "closing parenthesis ']' does not match opening parenthesis '('".into()
            )
        );
        assert_eq!(
            error("a \\ b"),
            (
                2,
                "unexpected character after line continuation character".into()
            )
        );
        assert_eq!(error("a $"), (2, "invalid character (byte 0x24)".into()));
    }
}
