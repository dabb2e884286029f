//! Whether Python would parse a piece of source. mypy-protobuf keeps a comment as a deprecation message only if
//! `ast.parse('"""' + comment + '"""')` succeeds; a small tokenizer decides the cases comments produce (bad
//! escapes, quotes that end the string early). Where only Python's parser could tell, the answer is `None`.

use crate::naming::is_keyword;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Str,
    /// An identifier that is not a keyword.
    Name,
    Keyword,
    Number,
    Op,
    Newline,
}

/// Why tokenizing stopped.
#[derive(Debug, PartialEq, Eq)]
enum Stop {
    /// Python's tokenizer fails here too (an unterminated string, a bad escape, a stray character).
    Invalid,
    /// Beyond this tokenizer (string prefixes, `\N{name}` escapes, NUL bytes).
    Undecided,
}

/// Whether Python parses `"""{body}"""`, or `None` where that cannot be decided here.
pub fn parses_as_docstring(body: &str) -> Option<bool> {
    let text: Vec<char> = format!("\"\"\"{body}\"\"\"").chars().collect();
    let tokens = match tokenize(&text) {
        Ok(tokens) => tokens,
        Err(Stop::Invalid) => return Some(false),
        Err(Stop::Undecided) => return None,
    };
    // The docstring ended early if more tokens follow: more string literals (implicit concatenation, or
    // statements of their own) still parse; two atoms in a row never do.
    if tokens
        .iter()
        .all(|t| matches!(t, Token::Str | Token::Newline))
    {
        return Some(true);
    }
    let atom = |t: &Token| matches!(t, Token::Str | Token::Name | Token::Number);
    let adjacent_atoms = tokens.windows(2).any(|pair| {
        atom(&pair[0]) && atom(&pair[1]) && !(pair[0] == Token::Str && pair[1] == Token::Str)
    });
    adjacent_atoms.then_some(false)
}

fn tokenize(text: &[char]) -> Result<Vec<Token>, Stop> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        match c {
            '\0' => return Err(Stop::Undecided),
            ' ' | '\t' | '\x0c' => i += 1,
            '\n' | '\r' => {
                tokens.push(Token::Newline);
                i += 1;
            }
            '#' => {
                while text.get(i).is_some_and(|c| !matches!(c, '\n' | '\r')) {
                    i += 1;
                }
            }
            '\\' => match text.get(i + 1) {
                Some('\n' | '\r') => i += 2,
                _ => return Err(Stop::Invalid),
            },
            '"' | '\'' => {
                i = string_end(text, i)?;
                tokens.push(Token::Str);
            }
            c if c == '_' || c.is_alphabetic() => {
                let start = i;
                while text
                    .get(i)
                    .is_some_and(|&c| c == '_' || c.is_alphanumeric())
                {
                    i += 1;
                }
                let word: String = text[start..i].iter().collect();
                if matches!(text.get(i), Some('"' | '\'')) && is_string_prefix(&word) {
                    // `r"…"`, `b'…'`, `f"…"`: prefixed literals have rules of their own
                    return Err(Stop::Undecided);
                }
                tokens.push(if is_keyword(&word) {
                    Token::Keyword
                } else {
                    Token::Name
                });
            }
            c if c.is_ascii_digit() => {
                while text
                    .get(i)
                    .is_some_and(|&c| c == '.' || c == '_' || c.is_alphanumeric())
                {
                    i += 1;
                }
                tokens.push(Token::Number);
            }
            c if c.is_ascii_punctuation() && !matches!(c, '$' | '?' | '`') => {
                tokens.push(Token::Op);
                i += 1;
            }
            _ => return Err(Stop::Invalid),
        }
    }
    Ok(tokens)
}

/// `r`, `b`, `f`, … (any case, any order): what may precede a string literal's quote.
fn is_string_prefix(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "r" | "u" | "b" | "br" | "rb" | "f" | "fr" | "rf" | "t" | "tr" | "rt"
    )
}

/// The index after the string literal starting at `start` (a quote).
fn string_end(text: &[char], start: usize) -> Result<usize, Stop> {
    let quote = text[start];
    let triple = text.get(start + 1) == Some(&quote) && text.get(start + 2) == Some(&quote);
    let mut i = if triple { start + 3 } else { start + 1 };
    loop {
        match text.get(i) {
            None => return Err(Stop::Invalid),
            Some('\\') => i = escape_end(text, i + 1)?,
            Some('\n' | '\r') if !triple => return Err(Stop::Invalid),
            Some(&c) if c == quote => {
                if !triple {
                    return Ok(i + 1);
                }
                if text.get(i + 1) == Some(&quote) && text.get(i + 2) == Some(&quote) {
                    return Ok(i + 3);
                }
                i += 1;
            }
            Some('\0') => return Err(Stop::Undecided),
            Some(_) => i += 1,
        }
    }
}

/// The index after the escape whose character (after the backslash) is at `i`.
fn escape_end(text: &[char], i: usize) -> Result<usize, Stop> {
    let width = match text.get(i) {
        None => return Err(Stop::Invalid),
        Some('x') => 2,
        Some('u') => 4,
        Some('U') => 8,
        Some('N') if text.get(i + 1) == Some(&'{') => return Err(Stop::Undecided),
        Some('N') => return Err(Stop::Invalid),
        Some(_) => 0,
    };
    if width > 0 {
        let digits: String = text
            .get(i + 1..i + 1 + width)
            .ok_or(Stop::Invalid)?
            .iter()
            .collect();
        let value = (digits.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(&digits, 16).ok())
            .flatten();
        if value.is_none_or(|v| v > 0x10_ffff) {
            return Err(Stop::Invalid);
        }
    }
    Ok(i + 1 + width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecation_messages_python_would_parse() {
        for (body, parses) in [
            ("plain text", Some(true)),
            ("ends with a quote\"", Some(false)),
            ("ends with two quotes\"\"", Some(true)),
            ("ends with a backslash\\", Some(false)),
            ("two backslashes\\\\", Some(true)),
            ("escaped \\\"\"\" quotes", Some(true)),
            ("bad \\x4g escape", Some(false)),
            ("good \\x41 and \\u00e9 and \\d", Some(true)),
            ("too big \\U00110000", Some(false)),
            ("named \\N{BULLET}", None),
            ("bad \\N escape", Some(false)),
            ("ends\\n\"\"\" early and continues", Some(false)),
            ("two \"\"\"x\"\"\" literals", Some(false)),
            ("closed \"\"\" \"\"\"and reopened", Some(true)),
            ("commented \"\"\" # out", Some(true)),
            ("concatenated \"\"\" + \"\"\"x", None),
            ("prefixed \"\"\" f\"\"\"x", None),
            ("NUL \0", None),
        ] {
            assert_eq!(parses_as_docstring(body), parses, "{body}");
        }
    }
}
