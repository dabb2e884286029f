//! A .proto file as a lossless token list: concatenating every token's text gives the file back, so mutations
//! edit tokens and keep everything else (comments, spacing) as it was.

/// What a token is, as far as mutations care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Whitespace and comments.
    Trivia,
    Ident,
    /// Integer or float literal.
    Number,
    /// A quoted string, quotes included.
    Str,
    /// One punctuation character.
    Symbol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
}

impl Token {
    pub fn new(kind: Kind, text: &str) -> Token {
        Token {
            kind,
            text: text.to_string(),
        }
    }

    pub fn is(&self, symbol: &str) -> bool {
        self.kind != Kind::Trivia && self.text == symbol
    }
}

/// Splits `source` into tokens; invalid UTF-8 is replaced (seeds are text files).
pub fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                Kind::Trivia
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                Kind::Trivia
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                Kind::Trivia
            }
            b'"' | b'\'' => {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                Kind::Str
            }
            b'0'..=b'9' => {
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'.'
                        || ((bytes[i] == b'-' || bytes[i] == b'+')
                            && matches!(bytes[i - 1], b'e' | b'E')))
                {
                    i += 1;
                }
                Kind::Number
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Kind::Ident
            }
            _ => {
                // one character, whole (UTF-8 sequences stay intact)
                i += source[i..].chars().next().map_or(1, char::len_utf8);
                Kind::Symbol
            }
        };
        let end = i.min(bytes.len());
        tokens.push(Token::new(kind, &source[start..end]));
        i = end;
    }
    tokens
}

/// The text of a token list.
pub fn render(tokens: &[Token]) -> String {
    tokens.iter().map(|t| t.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_classifies() {
        let src = "syntax = \"proto3\"; // c\nmessage M { int32 a = 0x1F; double d = 1.5e-3 [default = -inf]; }\n/* x */é";
        let tokens = tokenize(src);
        assert_eq!(render(&tokens), src);
        let non_trivia: Vec<(Kind, &str)> = tokens
            .iter()
            .filter(|t| t.kind != Kind::Trivia)
            .map(|t| (t.kind, t.text.as_str()))
            .collect();
        assert_eq!(non_trivia[0], (Kind::Ident, "syntax"));
        assert_eq!(non_trivia[2], (Kind::Str, "\"proto3\""));
        assert!(non_trivia.contains(&(Kind::Number, "0x1F")));
        assert!(non_trivia.contains(&(Kind::Number, "1.5e-3")));
        assert_eq!(non_trivia.last(), Some(&(Kind::Symbol, "é")));
    }
}
