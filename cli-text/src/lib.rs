//! Terminal text shared by the project's command-line tools (`protoc-gen-ameide-py`, `uvlock-tool`): colored
//! unified diffs and rustc-style source lines with a caret under an error's column.

pub mod color;

/// How many characters of a long source line are shown around the caret.
const WINDOW: usize = 100;

/// The source line `line` (1-based) of `text` with a caret under column `col` (1-based, in characters),
/// rustc-style:
/// ```text
///   4 |   int32 x = 1
///     |              ^
/// ```
/// A line longer than 100 characters is shown as a window of them around the caret, `...` marking the cut
/// ends. Empty when the line does not exist.
pub fn source_snippet(text: &str, line: usize, col: usize) -> String {
    let Some(src) = text.lines().nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let src = src.strip_suffix('\r').unwrap_or(src);
    let chars: Vec<char> = src.chars().collect();
    let caret = col.saturating_sub(1).min(chars.len());
    let (start, end) = if chars.len() <= WINDOW {
        (0, chars.len())
    } else {
        let start = caret.saturating_sub(WINDOW / 2).min(chars.len() - WINDOW);
        (start, start + WINDOW)
    };
    let mut shown: String = chars[start..end].iter().collect();
    let mut pad: String = chars[start..caret]
        .iter()
        .map(|&c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    if start > 0 {
        shown.insert_str(0, "...");
        pad.insert_str(0, "   ");
    }
    if end < chars.len() {
        shown.push_str("...");
    }
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    // tabs before the column stay tabs, so the caret lines up in any terminal
    format!(" {number} | {shown}\n {gutter} | {pad}^\n")
}

#[cfg(test)]
mod window_tests {
    #[test]
    fn long_lines_show_a_window_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let snippet = super::source_snippet(&line, 1, 5001);
        let shown = snippet.lines().next().unwrap_or_default();
        assert!(shown.len() < 130, "{shown}");
        assert!(shown.contains("...aaa") && shown.contains("bbb..."));
        let caret = snippet.lines().nth(1).unwrap_or_default();
        let x = shown.find('X').unwrap_or(0);
        assert_eq!(caret.find('^'), Some(x));
    }
}
