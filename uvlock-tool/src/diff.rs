//! Unified diffs (`similar`, 3 lines of context, `a/` and `b/` headers).

use similar::TextDiff;

/// The unified diff from `old` to `new` for `path`, or an empty string when they are equal.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
