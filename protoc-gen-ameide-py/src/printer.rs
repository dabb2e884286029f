//! The code printer shared by all generators: indentation with protoc's `io::Printer` semantics, and the two
//! C escapings protoc uses for Python bytes literals.

/// Accumulates generated text. Indentation is applied at the start of every non-empty line, so text may be
/// printed in pieces and empty lines are never indented (as protoc's and grpc's printers do).
#[derive(Debug)]
pub struct Printer {
    out: String,
    unit: &'static str,
    depth: usize,
}

impl Printer {
    /// A printer whose indentation step is `unit` (four spaces for pyi, two for grpc).
    pub fn new(unit: &'static str) -> Self {
        Printer {
            out: String::new(),
            unit,
            depth: 0,
        }
    }

    /// Prints `text`, indenting each line that starts here and is not empty.
    pub fn print(&mut self, text: &str) {
        for piece in text.split_inclusive('\n') {
            if self.at_line_start() && piece != "\n" {
                for _ in 0..self.depth {
                    self.out.push_str(self.unit);
                }
            }
            self.out.push_str(piece);
        }
    }

    /// Prints `text` followed by a newline.
    pub fn line(&mut self, text: &str) {
        self.print(text);
        self.out.push('\n');
    }

    /// Prints an empty line.
    pub fn blank(&mut self) {
        self.out.push('\n');
    }

    pub fn indent(&mut self) {
        self.depth += 1;
    }

    pub fn outdent(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// `absl::CHexEscape`: the escaping of the serialized descriptor literal. Non-printable bytes become `\xNN`,
/// and a hex digit right after a `\xNN` escape is escaped too (otherwise C would read it as part of the
/// escape; protoc keeps the rule for Python output).
pub fn c_hex_escape(data: &[u8]) -> String {
    escape(data, true)
}

/// `absl::CEscape`: the escaping of `_serialized_options` literals: non-printable bytes as three-digit octal,
/// no chaining.
pub fn c_escape(data: &[u8]) -> String {
    escape(data, false)
}

fn escape(data: &[u8], hex: bool) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(data.len() * 2);
    let mut last_was_hex = false;
    for &byte in data {
        let mut is_hex = false;
        match byte {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            _ if !(0x20..0x7f).contains(&byte) || (last_was_hex && byte.is_ascii_hexdigit()) => {
                out.push('\\');
                if hex {
                    out.push('x');
                    out.push(char::from(DIGITS[usize::from(byte >> 4)]));
                    out.push(char::from(DIGITS[usize::from(byte & 15)]));
                    is_hex = true;
                } else {
                    out.push(char::from(DIGITS[usize::from(byte >> 6)]));
                    out.push(char::from(DIGITS[usize::from((byte >> 3) & 7)]));
                    out.push(char::from(DIGITS[usize::from(byte & 7)]));
                }
            }
            _ => out.push(char::from(byte)),
        }
        last_was_hex = is_hex;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_escape_chains_hex_digits_after_an_escape() {
        assert_eq!(c_hex_escape(b"\x12\x1bameide"), "\\x12\\x1b\\x61meide");
        assert_eq!(
            c_hex_escape(b"\x01\x32\x1a.google"),
            "\\x01\\x32\\x1a.google"
        );
        assert_eq!(c_hex_escape(b"2\x1a.g"), "2\\x1a.g");
        assert_eq!(c_hex_escape(b"\n\x06Marker"), "\\n\\x06Marker");
        assert_eq!(c_hex_escape(b"\x07\x30.3"), "\\x07\\x30.3");
    }

    #[test]
    fn hex_escape_named_escapes_and_utf8() {
        assert_eq!(c_hex_escape(b"\t\r\n\"'\\"), "\\t\\r\\n\\\"\\'\\\\");
        assert_eq!(c_hex_escape("ü".as_bytes()), "\\xc3\\xbc");
        // A named escape breaks the chain: the digit after `\n` stays literal.
        assert_eq!(c_hex_escape(b"\xff\n1"), "\\xff\\n1");
    }

    #[test]
    fn octal_escape_never_chains() {
        assert_eq!(c_escape(b"\x18\x01"), "\\030\\001");
        assert_eq!(
            c_escape(b"\xca\xc1\x18\x0bagents-team"),
            "\\312\\301\\030\\013agents-team"
        );
        assert_eq!(c_escape(b"8\x01"), "8\\001");
    }

    #[test]
    fn printer_indents_non_empty_lines_only() {
        let mut p = Printer::new("    ");
        p.line("class A:");
        p.indent();
        p.print("x: int\n\ny: int\n");
        p.outdent();
        p.line("z");
        assert_eq!(p.finish(), "class A:\n    x: int\n\n    y: int\nz\n");
    }
}
