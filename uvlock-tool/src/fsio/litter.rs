//! Temporary files of runs that were killed before they could remove them. A write creates them only while it
//! holds the service's exclusive lock, so whoever holds that lock (or a shared one) and finds no journal knows
//! they belong to no live run and to no pending replacement.

use std::path::Path;

/// Prefix of the complete new texts waiting to be renamed over their targets.
pub(super) const TEMP_PREFIX: &str = ".uvlock-tool.";
/// Prefix of the journal while it is being written (it is then renamed to [`super::JOURNAL`]).
pub(super) const JOURNAL_TEMP_PREFIX: &str = ".uvlock-tool-journal.";
/// Random characters after the prefix (the `tempfile` crate's default).
pub(super) const RANDOM_LEN: usize = 6;

/// Whether `name` is one of our temporary files: a prefix and exactly [`RANDOM_LEN`] ASCII letters or digits.
pub(super) fn is_temp_name(name: &str) -> bool {
    [TEMP_PREFIX, JOURNAL_TEMP_PREFIX].iter().any(|prefix| {
        name.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() == RANDOM_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        })
    })
}

/// Our temporary files in `dir` (files or links, never directories), sorted. Call only without a pending journal
/// and under the service lock: then they are left over from killed runs.
pub fn stray_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| is_temp_name(n))
        .collect();
    names.sort();
    names
}

/// Removes the [`stray_files`] of `dir` (exclusive lock held, no journal); returns the names removed.
pub fn remove_litter(dir: &Path) -> Vec<String> {
    let removed: Vec<String> = stray_files(dir)
        .into_iter()
        .filter(|n| std::fs::remove_file(dir.join(n)).is_ok())
        .collect();
    if !removed.is_empty() {
        let _ = super::sync_dir(dir);
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_temporary_names_are_litter() {
        assert!(is_temp_name(".uvlock-tool.aB3xY9"));
        assert!(is_temp_name(".uvlock-tool-journal.000000"));
        for other in [
            ".uvlock-tool.journal",
            ".uvlock-tool.abc",
            ".uvlock-tool.abcdefg",
            ".uvlock-tool.ab-def",
            "uvlock-tool.abcdef",
            "pyproject.toml",
        ] {
            assert!(!is_temp_name(other), "{other}");
        }
    }
}
