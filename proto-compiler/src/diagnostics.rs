//! Diagnostics: what the compiler reports, and the one place that renders protoc's stderr line for it.
//!
//! protoc (command_line_interface.cc, `ErrorPrinter`) prints `file:line:col: message` for a positioned error,
//! `file: message` for one without a position, and puts `warning: ` before the message of a warning. Lines and
//! columns are 1-based; a column counts bytes, a tab advancing to the next multiple of 8 (the tokenizer's
//! `kTabWidth`). `file` is the name protoc prints: the file's path on disk when it was found through an include
//! directory, else the name as given. Names and messages are bytes: protoc prints the names and strings it quotes as
//! written, also when they are not UTF-8 (a string literal may hold any byte through escapes).

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// A line protoc's logging library prints (absl `LOG(WARNING)`), not through its error collector; the
    /// message is the whole line.
    Log,
}

/// A 1-based position as protoc prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    /// From protoc's 0-based tokenizer line and column; `None` for its "unknown" line (-1).
    pub(crate) fn from_zero_based(line: i32, column: i32) -> Option<Position> {
        (line >= 0).then(|| Position {
            line: line as u32 + 1,
            column: column.max(0) as u32 + 1,
        })
    }

    /// The byte offset in `source` this position points at (protoc's columns expand tabs to multiples of 8),
    /// clamped to the end of its line; `None` if the line does not exist.
    pub fn byte_offset(&self, source: &[u8]) -> Option<usize> {
        let mut line_start = 0usize;
        for _ in 1..self.line {
            let newline = source[line_start..].iter().position(|&b| b == b'\n')?;
            line_start += newline + 1;
        }
        if line_start > source.len() {
            return None;
        }
        let mut column = 0u32;
        let target = self.column.saturating_sub(1);
        for (i, &b) in source[line_start..].iter().enumerate() {
            if column >= target || b == b'\n' {
                return Some(line_start + i);
            }
            column = if b == b'\t' {
                column + 8 - column % 8
            } else {
                column + 1
            };
        }
        Some(source.len())
    }
}

/// One error or warning, in protoc's words.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file name protoc prints (for protoc's own command-line lines, the text before the first `": "`).
    /// Bytes: for an import that is not found it is the import's name, which may be any bytes.
    pub file: Vec<u8>,
    pub position: Option<Position>,
    /// protoc's bytes (UTF-8 unless it quotes a string literal that is not).
    pub message: Vec<u8>,
}

impl Diagnostic {
    pub fn error(
        file: impl Into<Vec<u8>>,
        position: Option<Position>,
        message: impl Into<Vec<u8>>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            position,
            message: message.into(),
        }
    }

    pub fn warning(
        file: impl Into<Vec<u8>>,
        position: Option<Position>,
        message: impl Into<Vec<u8>>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            file: file.into(),
            position,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One of protoc's own command-line lines (`head: rest`, no position).
    pub fn line(line: String) -> Self {
        let (file, message) = line.split_once(": ").unwrap_or(("", &line));
        Diagnostic::error(file, None, message)
    }
}

impl Diagnostic {
    /// Exactly protoc's stderr line (without the newline), byte for byte.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.file.len() + self.message.len() + 24);
        if self.severity != Severity::Log {
            out.extend_from_slice(&self.file);
            if let Some(p) = self.position {
                out.extend_from_slice(format!(":{}:{}", p.line, p.column).as_bytes());
            }
            out.extend_from_slice(match self.severity {
                Severity::Warning => b": warning: ",
                Severity::Error | Severity::Log => b": ",
            });
        }
        out.extend_from_slice(&self.message);
        out
    }
}

impl fmt::Display for Diagnostic {
    /// protoc's stderr line (without the newline); bytes that are not UTF-8 shown as U+FFFD (`to_bytes` has
    /// them raw).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_protoc_lines() {
        let at = Position { line: 3, column: 7 };
        assert_eq!(
            Diagnostic::error("a.proto", Some(at), "Expected \";\".").to_string(),
            "a.proto:3:7: Expected \";\"."
        );
        assert_eq!(
            Diagnostic::error("a.proto", None, "File not found.").to_string(),
            "a.proto: File not found."
        );
        assert_eq!(
            Diagnostic::warning("a.proto", Some(at), "Import b.proto is unused.").to_string(),
            "a.proto:3:7: warning: Import b.proto is unused."
        );
        let raw = Diagnostic::warning("a.proto", None, b"Reserved name \"\xff\"".to_vec());
        assert_eq!(raw.to_bytes(), b"a.proto: warning: Reserved name \"\xff\"");
        assert_eq!(
            raw.to_string(),
            "a.proto: warning: Reserved name \"\u{fffd}\""
        );
        let line = "Could not make proto path relative: x: No such file or directory";
        assert_eq!(Diagnostic::line(line.to_string()).to_string(), line);
        assert_eq!(
            Diagnostic::error("", None, "File not found.").to_string(),
            ": File not found."
        );
    }

    #[test]
    fn byte_offset_expands_tabs() {
        let src = b"a\n\tb c\n";
        assert_eq!(Position { line: 2, column: 9 }.byte_offset(src), Some(3));
        assert_eq!(
            Position {
                line: 2,
                column: 11
            }
            .byte_offset(src),
            Some(5)
        );
        assert_eq!(Position { line: 1, column: 1 }.byte_offset(src), Some(0));
        assert_eq!(Position { line: 9, column: 1 }.byte_offset(src), None);
    }
}
