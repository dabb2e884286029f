//! Temporary files of runs that were killed before they could remove them. A write creates them only while it
//! holds the service's exclusive lock, so whoever holds that lock (or a shared one) and finds no journal knows
//! they belong to no live run and to no pending replacement.

use std::ffi::OsStr;

use safe_fs::Dir;

/// Base of the temporary files holding new texts: `.uvlock-tool.<16 hex digits>.ameide-tmp` ([`safe_fs`]).
pub(super) const TEMP_BASE: &str = "uvlock-tool";
/// Base of the journal's temporary file before it is renamed to [`super::JOURNAL`].
pub(super) const JOURNAL_TEMP_BASE: &str = "uvlock-tool-journal";
/// Prefixes of the temporary files of uvlock-tool 0.1 (6 random letters or digits follow).
const OLD_PREFIXES: [&str; 2] = [".uvlock-tool.", ".uvlock-tool-journal."];

/// Whether `name` is a temporary file of uvlock-tool: a [`safe_fs`] temporary name with one of our bases, or
/// the name an earlier uvlock-tool gave them.
pub(super) fn is_ours(name: &str) -> bool {
    let current = safe_fs::is_leftover(OsStr::new(name))
        && [TEMP_BASE, JOURNAL_TEMP_BASE].iter().any(|base| {
            name.strip_prefix('.')
                .and_then(|n| n.strip_prefix(base))
                .is_some_and(|rest| rest.len() == 1 + 16 + safe_fs::TEMP_SUFFIX.len())
        });
    let old = OLD_PREFIXES.iter().any(|prefix| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
    });
    current || old
}

/// Our temporary files in `dir` (files or links, never directories), sorted. Call only without a pending journal
/// and under the service lock: then they are left over from killed runs.
pub fn stray_files(dir: &Dir) -> Vec<String> {
    let mut names: Vec<String> = dir
        .entries()
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, is_dir)| !is_dir)
        .filter_map(|(name, _)| name.into_string().ok())
        .filter(|n| is_ours(n))
        .collect();
    names.sort();
    names
}

/// Removes the [`stray_files`] of `dir` (exclusive lock held, no journal); returns the names removed.
pub fn remove_litter(dir: &Dir) -> Vec<String> {
    let removed: Vec<String> = stray_files(dir)
        .into_iter()
        .filter(|n| dir.remove_file(OsStr::new(n)).is_ok())
        .collect();
    if !removed.is_empty() {
        let _ = dir.sync();
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_temporary_names_are_litter() {
        for ours in [
            ".uvlock-tool.0123456789abcdef.ameide-tmp",
            ".uvlock-tool-journal.0123456789abcdef.ameide-tmp",
            ".uvlock-tool.aB3xY9",
            ".uvlock-tool-journal.000000",
        ] {
            assert!(is_ours(ours), "{ours}");
        }
        for other in [
            ".uvlock-tool.journal",
            ".uvlock-tool.abc",
            ".uvlock-tool.abcdefg",
            ".uvlock-tool.ab-def",
            "uvlock-tool.abcdef",
            ".uv.lock.0123456789abcdef.ameide-tmp",
            ".a_pb2.py.0123456789abcdef.ameide-tmp",
            ".uvlock-tool.x.0123456789abcdef.ameide-tmp",
            "pyproject.toml",
        ] {
            assert!(!is_ours(other), "{other}");
        }
    }
}
