//! Line and column of a byte offset, as Python and editors count them.

/// A 1-based line and a 1-based column in characters (a UTF-8 byte-order mark is not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The position of `offset` in `src`: lines end at `\n`, `\r\n` or `\r`.
pub fn position(src: &[u8], offset: usize) -> Position {
    let before = &src[..offset.min(src.len())];
    let mut line = 1;
    let mut line_start = 0;
    for at in memchr::memchr2_iter(b'\n', b'\r', before) {
        if before[at] == b'\r' && src.get(at + 1) == Some(&b'\n') {
            continue;
        }
        line += 1;
        line_start = at + 1;
    }
    if line == 1 && before.starts_with(b"\xef\xbb\xbf") {
        line_start = 3;
    }
    let column = before[line_start..]
        .iter()
        .filter(|&&b| !(0x80..0xc0).contains(&b))
        .count()
        + 1;
    Position { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let src = "a\r\nb\rcé = d\nx".as_bytes();
        let at = |needle: &str| {
            let n = needle.as_bytes();
            src.windows(n.len()).position(|w| w == n).expect("present")
        };
        assert_eq!(position(src, 0), Position { line: 1, column: 1 });
        assert_eq!(position(src, at("b")), Position { line: 2, column: 1 });
        assert_eq!(position(src, at("d")), Position { line: 3, column: 6 });
        assert_eq!(position(src, at("x")), Position { line: 4, column: 1 });
        assert_eq!(
            position("\u{feff}ab".as_bytes(), 4),
            Position { line: 1, column: 2 }
        );
    }
}
