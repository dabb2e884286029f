//! Colored unified diffs: only when stdout is a terminal and `NO_COLOR` is unset or empty (no-color.org).

use std::io::IsTerminal;

/// Whether to color what goes to stdout.
pub fn stdout_wants_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// ANSI colors for the lines of unified diffs in `text` (headers bold, hunks cyan, removals red, additions
/// green); other lines unchanged.
pub fn diff(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let style = if body.starts_with("+++ ") || body.starts_with("--- ") {
            Some("\x1b[1m")
        } else if body.starts_with("@@") {
            Some("\x1b[36m")
        } else if body.starts_with('+') {
            Some("\x1b[32m")
        } else if body.starts_with('-') {
            Some("\x1b[31m")
        } else {
            None
        };
        match style {
            Some(s) => {
                out.push_str(s);
                out.push_str(body);
                out.push_str("\x1b[0m");
                out.push_str(nl);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn colors_diff_lines_only() {
        let text =
            "stale: a.py\n--- a.py (on disk)\n+++ a.py (generated)\n@@ -1 +1 @@\n-x\n+y\n z\n";
        assert_eq!(
            super::diff(text),
            "stale: a.py\n\x1b[1m--- a.py (on disk)\x1b[0m\n\x1b[1m+++ a.py (generated)\x1b[0m\n\
             \x1b[36m@@ -1 +1 @@\x1b[0m\n\x1b[31m-x\x1b[0m\n\x1b[32m+y\x1b[0m\n z\n"
        );
        let text = "error: x\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\n z\n";
        assert_eq!(
            super::diff(text),
            "error: x\n\x1b[1m--- a/a.py\x1b[0m\n\x1b[1m+++ b/a.py\x1b[0m\n\
             \x1b[36m@@ -1 +1 @@\x1b[0m\n\x1b[31m-x\x1b[0m\n\x1b[32m+y\x1b[0m\n z\n"
        );
    }
}
