//! The journal that makes the replacement of several files in one directory atomic: it exists exactly while
//! complete temporary files are being renamed over their targets, and records, in rename order, each temporary
//! file, its target and the SHA-256 of the target's text before and after. Recovery replays it only when every
//! file is exactly in a state the interrupted write could have left; anything else is someone's edit, and is
//! refused without touching a file. The writing side is [`super::replace`].

use std::ffi::OsStr;

use safe_fs::Dir;
use sha2::{Digest, Sha256};

use super::litter::{is_ours, TEMP_BASE};
use super::read::{read_bounded, Links};
use super::{io_err, join_label};
use crate::error::{Error, InputKind, Result};

pub const JOURNAL: &str = ".uvlock-tool.journal";
const HEADER: &str = "uvlock-tool journal 2";
const ANY_HEADER: &str = "uvlock-tool journal ";

/// What [`recover`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// No journal.
    Nothing,
    /// The interrupted replacement was completed: every file has its new text.
    Completed,
    /// The interrupted write had replaced nothing (or had put everything back): the journal was dropped.
    Discarded,
}

/// One line of the journal.
pub(super) struct Entry {
    pub(super) temp: String,
    pub(super) target: String,
    pub(super) before: String,
    pub(super) after: String,
}

pub(super) fn digest(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The journal's text: the header, then one tab-separated line per entry, in rename order.
pub(super) fn format(entries: &[Entry]) -> String {
    let mut text = format!("{HEADER}\n");
    for e in entries {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            e.temp, e.target, e.before, e.after
        ));
    }
    text
}

pub(super) fn journal_err(dir_label: &str, what: &str) -> Error {
    let journal = join_label(dir_label, JOURNAL);
    Error::input(
        InputKind::Io,
        format!(
            "{journal}: {what}; nothing was changed. It records an interrupted `uvlock-tool switch`: check \
             pyproject.toml and uv.lock, then delete {journal} (the next switch removes the `.{TEMP_BASE}.*` \
             temporary files)"
        ),
    )
}

fn parse(text: &str, dir_label: &str) -> Result<Vec<Entry>> {
    let mut lines = text.lines();
    match lines.next() {
        Some(HEADER) => {}
        Some(h) if h.starts_with(ANY_HEADER) => return Err(journal_err(
            dir_label,
            "was written by another version of uvlock-tool, whose journal this one cannot check",
        )),
        _ => return Err(journal_err(dir_label, "unknown journal format")),
    }
    let plain = |n: &str| !n.is_empty() && !n.contains('/') && n != "." && n != "..";
    let hash = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
    let mut entries = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let [temp, target, before, after] = fields[..] else {
            return Err(journal_err(dir_label, "malformed journal line"));
        };
        let temp_ok = temp.starts_with(&format!(".{TEMP_BASE}.")) && is_ours(temp);
        if !temp_ok || !plain(target) {
            return Err(journal_err(
                dir_label,
                "journal names a file outside its directory",
            ));
        }
        if !hash(before) || !hash(after) {
            return Err(journal_err(dir_label, "malformed journal line"));
        }
        entries.push(Entry {
            temp: temp.into(),
            target: target.into(),
            before: before.into(),
            after: after.into(),
        });
    }
    if entries.is_empty() {
        return Err(journal_err(dir_label, "the journal names no file"));
    }
    Ok(entries)
}

/// Whether `dir` holds the journal of an interrupted write.
pub fn pending(dir: &Dir) -> bool {
    dir.path().join(JOURNAL).symlink_metadata().is_ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Before,
    After,
    Changed,
}

fn state_of(dir: &Dir, dir_label: &str, e: &Entry) -> Result<State> {
    match read_bounded(&dir.path().join(&e.target), Links::Follow) {
        Ok(bytes) => {
            let d = digest(&bytes);
            Ok(if d == e.before {
                State::Before
            } else if d == e.after {
                State::After
            } else {
                State::Changed
            })
        }
        Err(err) if err.is_not_found() => Ok(State::Changed),
        Err(err) => Err(err.into_error(&join_label(dir_label, &e.target))),
    }
}

/// Whether the temporary file of `e` still holds its complete new text.
fn temp_is_complete(dir: &Dir, e: &Entry) -> bool {
    read_bounded(&dir.path().join(&e.temp), Links::Refuse)
        .is_ok_and(|bytes| digest(&bytes) == e.after)
}

/// What the next write does with a pending journal.
enum Pending {
    /// Rename these (the entries not yet replaced) over their targets.
    Complete(Vec<Entry>),
    /// Nothing was replaced: remove these entries' temporary files and the journal.
    Discard(Vec<Entry>),
}

/// Reads the journal of `dir` (if any) and the files it names, and decides, touching nothing. Replays only when
/// the files are exactly as the write could have left them: in rename order, the first ones with their new text,
/// the others with their old text and a complete temporary file. When every file has its old text and a
/// temporary file is gone, the write had been rolled back and the journal is dropped. Any other state is an error.
fn assess(dir: &Dir, dir_label: &str) -> Result<Option<Pending>> {
    let text = match read_bounded(&dir.path().join(JOURNAL), Links::Refuse) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into_error(&join_label(dir_label, JOURNAL))),
    };
    let mut entries = parse(&text, dir_label)?;
    let states: Vec<State> = entries
        .iter()
        .map(|e| state_of(dir, dir_label, e))
        .collect::<Result<_>>()?;
    if let Some((e, _)) = entries
        .iter()
        .zip(&states)
        .find(|(_, s)| **s == State::Changed)
    {
        return Err(journal_err(
            dir_label,
            &format!(
                "{} has changed since that switch was interrupted (it is neither the text before nor the text after it)",
                join_label(dir_label, &e.target)
            ),
        ));
    }
    let replaced = states.iter().take_while(|s| **s == State::After).count();
    if states[replaced..].contains(&State::After) {
        return Err(journal_err(
            dir_label,
            "the files were replaced in another order than the interrupted switch replaces them",
        ));
    }
    let rest = entries.split_off(replaced);
    if rest.iter().all(|e| temp_is_complete(dir, e)) {
        return Ok(Some(Pending::Complete(rest)));
    }
    if replaced == 0 {
        return Ok(Some(Pending::Discard(rest)));
    }
    Err(journal_err(
        dir_label,
        "a temporary file holding a new text is missing or incomplete, and some files were already replaced",
    ))
}

/// For `--check`/`--diff`: whether a journal that the next write would complete or drop is pending in `dir`;
/// the error [`recover`] would give when it would refuse it. Touches nothing.
pub fn check_pending(dir: &Dir, dir_label: &str) -> Result<bool> {
    Ok(assess(dir, dir_label)?.is_some())
}

/// Completes or drops the replacement that an interrupted process (killed, power cut) left in `dir` (see
/// [`assess`]); a state the write cannot have left is refused and nothing is touched. The caller holds the
/// service's exclusive lock, so the journal's writer is dead.
pub fn recover(dir: &Dir, dir_label: &str) -> Result<Recovery> {
    match assess(dir, dir_label)? {
        None => Ok(Recovery::Nothing),
        Some(Pending::Complete(rest)) => {
            for e in rest {
                dir.rename(OsStr::new(&e.temp), dir, OsStr::new(&e.target))
                    .map_err(|err| io_err(&join_label(dir_label, &e.target), "replace", err))?;
            }
            finish(dir, dir_label)?;
            Ok(Recovery::Completed)
        }
        Some(Pending::Discard(entries)) => {
            for e in entries {
                let _ = dir.remove_file(OsStr::new(&e.temp));
            }
            finish(dir, dir_label)?;
            Ok(Recovery::Discarded)
        }
    }
}

/// Makes the renames durable, then removes the journal (durably too).
fn finish(dir: &Dir, dir_label: &str) -> Result<()> {
    dir.sync()
        .map_err(|e| io_err(dir_label, "sync the directory", e))?;
    dir.remove_file(OsStr::new(JOURNAL))
        .map_err(|e| io_err(&join_label(dir_label, JOURNAL), "remove", e))?;
    let _ = dir.sync();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journals_of_other_formats_are_refused() {
        let h = "0".repeat(64);
        for (text, what) in [
            (
                "uvlock-tool journal 1\n.uvlock-tool.abcdef\ta\n".to_string(),
                "another version",
            ),
            ("garbage\n".into(), "unknown journal format"),
            ("uvlock-tool journal 2\n".into(), "names no file"),
            (
                format!("uvlock-tool journal 2\n../x\ta\t{h}\t{h}\n"),
                "outside its directory",
            ),
            (
                format!("uvlock-tool journal 2\n.uvlock-tool.0123456789abcdef.ameide-tmp\t../a\t{h}\t{h}\n"),
                "outside its directory",
            ),
            (
                "uvlock-tool journal 2\n.uvlock-tool.0123456789abcdef.ameide-tmp\ta\tzz\tzz\n".into(),
                "malformed",
            ),
        ] {
            let err = parse(&text, "svc")
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(what), "{text:?}: {err}");
            assert!(err.contains("svc/.uvlock-tool.journal: "), "{err}");
        }
    }
}
