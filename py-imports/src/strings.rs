//! Where a string literal ends: plain, raw, bytes, triple-quoted, and f-/t-strings whose replacement fields hold
//! whole expressions (PEP 701: nested strings with the same quote, nested f-strings, comments and line breaks
//! inside fields, format specs with nested fields, `!r` conversions, `=` debugging, `\N{...}` escapes).
//!
//! Code that Python 3.11 accepts is scanned the same way under these rules: before PEP 701 a field could not
//! contain the quote of its string, so the string's end is found at the same place.

use crate::tokenizer::{name_end, newline_len, string_prefix, LexError, LexErrorKind};

/// What a string prefix says about the body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `r`: backslashes are kept (they still keep a quote from ending the string).
    pub raw: bool,
    /// `f` or `t`: `{...}` are replacement fields.
    pub format: bool,
    /// `b`.
    pub bytes: bool,
}

/// CPython's limit on nested f-strings.
const MAX_NESTING: usize = 150;

/// The closing bracket of an opening one.
pub(crate) fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// One string being scanned.
#[derive(Clone, Copy)]
struct Quote {
    /// Where the token starts (its prefix), for errors.
    start: usize,
    quote: u8,
    triple: bool,
    flags: Flags,
    depth: usize,
}

impl Quote {
    fn unterminated(&self) -> LexError {
        LexError {
            offset: self.start,
            kind: if self.triple {
                LexErrorKind::UnterminatedTripleString
            } else {
                LexErrorKind::UnterminatedString
            },
        }
    }

    /// The end of the closing quote when one starts at `i`.
    fn closes_at(&self, src: &[u8], i: usize) -> Option<usize> {
        if src[i] != self.quote {
            return None;
        }
        if !self.triple {
            return Some(i + 1);
        }
        (src.get(i + 1) == Some(&self.quote) && src.get(i + 2) == Some(&self.quote))
            .then_some(i + 3)
    }

    /// Past a backslash at `i` in a literal part: the escaped character is skipped (a quote, a backslash, a
    /// line end), except a brace in an f-string (`\{` is a backslash before a field); `\N{...}` in a non-raw
    /// f-string is a named character, not a field.
    fn after_backslash(&self, src: &[u8], i: usize) -> usize {
        match src.get(i + 1) {
            None => i + 1,
            Some(b'{' | b'}') if self.flags.format => i + 1,
            Some(b'N') if self.flags.format && !self.flags.raw && src.get(i + 2) == Some(&b'{') => {
                memchr::memchr(b'}', &src[i + 3..]).map_or(src.len(), |n| i + 3 + n + 1)
            }
            Some(_) => i + 1 + newline_len(src, i + 1).max(1),
        }
    }
}

/// The end of the string literal whose token starts at `start` and whose opening quote is at `quote_pos`.
pub(crate) fn scan(
    src: &[u8],
    start: usize,
    quote_pos: usize,
    flags: Flags,
    depth: usize,
) -> Result<usize, LexError> {
    let quote = src[quote_pos];
    let triple = src.get(quote_pos + 1) == Some(&quote) && src.get(quote_pos + 2) == Some(&quote);
    let q = Quote {
        start,
        quote,
        triple,
        flags,
        depth,
    };
    let body = quote_pos + if triple { 3 } else { 1 };
    if flags.format {
        if depth >= MAX_NESTING {
            return Err(LexError {
                offset: start,
                kind: LexErrorKind::FStringTooDeep,
            });
        }
        format_body(src, body, &q)
    } else {
        plain_body(src, body, &q)
    }
}

fn plain_body(src: &[u8], mut i: usize, q: &Quote) -> Result<usize, LexError> {
    loop {
        // the next byte that can end or escape anything
        let n = if q.triple {
            memchr::memchr2(q.quote, b'\\', &src[i..])
        } else {
            memchr::memchr3(q.quote, b'\\', b'\n', &src[i..])
                .map(|n| memchr::memchr(b'\r', &src[i..i + n]).unwrap_or(n))
                .or_else(|| memchr::memchr(b'\r', &src[i..]))
        }
        .ok_or_else(|| q.unterminated())?;
        i += n;
        match src[i] {
            b'\\' => i = q.after_backslash(src, i),
            b'\n' | b'\r' => return Err(q.unterminated()),
            _ => match q.closes_at(src, i) {
                Some(end) => return Ok(end),
                None => i += 1,
            },
        }
    }
}

/// The literal part of an f-string, from `i` to its closing quote.
fn format_body(src: &[u8], mut i: usize, q: &Quote) -> Result<usize, LexError> {
    loop {
        let Some(&c) = src.get(i) else {
            return Err(q.unterminated());
        };
        match c {
            b'\\' => i = q.after_backslash(src, i),
            b'\n' | b'\r' if !q.triple => return Err(q.unterminated()),
            b'{' if src.get(i + 1) == Some(&b'{') => i += 2,
            b'{' => i = field(src, i + 1, q)?,
            b'}' if src.get(i + 1) == Some(&b'}') => i += 2,
            b'}' => {
                return Err(LexError {
                    offset: i,
                    kind: LexErrorKind::FStringSingleBrace,
                })
            }
            _ => match q.closes_at(src, i) {
                Some(end) => return Ok(end),
                None => i += 1,
            },
        }
    }
}

/// A replacement field from just after its `{`: an expression, then optionally `!conversion` and `:spec`;
/// returns the end of its closing `}`.
fn field(src: &[u8], mut i: usize, q: &Quote) -> Result<usize, LexError> {
    let mut brackets: Vec<u8> = Vec::new();
    let expecting = |offset| LexError {
        offset,
        kind: LexErrorKind::FStringExpectingBrace,
    };
    loop {
        let Some(&c) = src.get(i) else {
            return Err(q.unterminated());
        };
        match c {
            b' ' | b'\t' | 0x0c | b'\n' | b'\r' => i += 1,
            b'#' => {
                i = memchr::memchr2(b'\n', b'\r', &src[i..]).map_or(src.len(), |n| i + n);
            }
            b'\\' => match newline_len(src, i + 1) {
                0 => {
                    return Err(LexError {
                        offset: i,
                        kind: LexErrorKind::BadContinuation,
                    })
                }
                n => i += 1 + n,
            },
            b'"' | b'\'' => {
                i = scan(src, i, i, Flags::default(), q.depth + 1)?;
            }
            b'(' | b'[' | b'{' => {
                brackets.push(c);
                i += 1;
            }
            b')' | b']' => match brackets.pop() {
                Some(open) if closing(open) == c => i += 1,
                _ => return Err(expecting(i)),
            },
            b'}' => match brackets.pop() {
                None => return Ok(i + 1),
                Some(b'{') => i += 1,
                Some(_) => return Err(expecting(i)),
            },
            b':' if brackets.is_empty() => return format_spec(src, i + 1, q),
            b'!' if brackets.is_empty() && src.get(i + 1) != Some(&b'=') => i += 1,
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                let end = name_end(src, i);
                match (src.get(end), string_prefix(&src[i..end])) {
                    (Some(b'"' | b'\''), Some(flags)) => {
                        i = scan(src, i, end, flags, q.depth + 1)?;
                    }
                    _ => i = end,
                }
            }
            _ => i += 1,
        }
    }
}

/// A format spec from just after its `:` (literal text with nested fields); returns the end of the field's
/// closing `}`.
fn format_spec(src: &[u8], mut i: usize, q: &Quote) -> Result<usize, LexError> {
    loop {
        let Some(&c) = src.get(i) else {
            return Err(q.unterminated());
        };
        match c {
            b'{' => i = field(src, i + 1, q)?,
            b'}' => return Ok(i + 1),
            b'\\' => i = q.after_backslash(src, i),
            b'\n' | b'\r' if !q.triple => return Err(q.unterminated()),
            _ if q.closes_at(src, i).is_some() => {
                return Err(LexError {
                    offset: i,
                    kind: LexErrorKind::FStringExpectingBrace,
                })
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::tokenizer::{tokenize, TokenKind};

    /// The source's tokens must be one string spanning it all (and a zero-width NEWLINE).
    fn one_string(src: &str) {
        let tokens = tokenize(src.as_bytes());
        assert_eq!(tokens.error, None, "{src}");
        assert_eq!(tokens.tokens.len(), 2, "{src}: {:?}", tokens.tokens);
        assert_eq!(tokens.tokens[0].kind, TokenKind::String, "{src}");
        assert_eq!(tokens.tokens[0].end, src.len(), "{src}");
    }

    #[test]
    fn fstrings() {
        for src in [
            "f'{x}'",
            "f'{{}}'",
            "f'{x!r:>{width}.{prec}}'",
            "f'{x=}'",
            "f'{x!=y}'",
            "f'{a[\"k\"]}'",
            "f'{\"}\"}'",
            "f'{x:%Y-%m-%d}'",
            "f'{ {1: 2}[1] }'",
            "f'{(lambda: 1)()}'",
            "f\"\\N{BULLET} {x}\"",
            "rf'\\{x}'",
            "f'''{\nx # comment\n}'''",
            // PEP 701: the same quote inside a field, nested f-strings
            "f'{'a'}'",
            "f'{f'{f'{x}'}'}'",
            "f\"{'\\n'.join(xs)}\"",
            "f'{x\n}'",
            "t'{x}'",
            "f'{x:{'>'}10}'",
        ] {
            one_string(src);
        }
    }

    #[test]
    fn fstring_errors() {
        let kind = |src: &str| tokenize(src.as_bytes()).error.map(|e| e.kind.to_string());
        assert_eq!(
            kind("f'}'"),
            Some("f-string: single '}' is not allowed".into())
        );
        assert_eq!(kind("f'{x'"), Some("unterminated string literal".into()));
        assert_eq!(kind("f'{x:'"), Some("f-string: expecting '}'".into()));
        assert_eq!(kind("f'{x)}'"), Some("f-string: expecting '}'".into()));
        let deep = "f'{".repeat(200) + &"}'".repeat(200);
        assert_eq!(
            kind(&deep),
            Some("f-string: too many nested f-strings".into())
        );
    }
}
