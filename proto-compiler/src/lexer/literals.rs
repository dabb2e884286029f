//! String and number literals: scanning them as tokens (`ConsumeString`, `ConsumeNumber`), and decoding
//! their text (`ParseInteger`, `ParseFloat`, `ParseStringAppend`).

use super::{is_escape, is_letter, is_octal, Lexer, TokenKind};

impl<'a> Lexer<'a> {
    pub(super) fn consume_string(&mut self, delimiter: u8) {
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

    pub(super) fn consume_number(
        &mut self,
        started_with_zero: bool,
        started_with_dot: bool,
    ) -> TokenKind {
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
