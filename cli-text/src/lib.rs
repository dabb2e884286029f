//! Terminal text shared by the project's command-line tools (`protoc-gen-ameide-py`, `uvlock-tool`): colored
//! unified diffs and rustc-style source lines with a caret under an error's column.

pub mod color;

/// The source line `line` (1-based) of `text` with a caret under column `col` (1-based, in characters),
/// rustc-style:
/// ```text
///   4 |   int32 x = 1
///     |              ^
/// ```
/// Empty when the line does not exist.
pub fn source_snippet(text: &str, line: usize, col: usize) -> String {
    let Some(src) = text.lines().nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let src = src.strip_suffix('\r').unwrap_or(src);
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    // tabs before the column stay tabs, so the caret lines up in any terminal
    let pad: String = src
        .chars()
        .take(col.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!(" {number} | {src}\n {gutter} | {pad}^\n")
}
