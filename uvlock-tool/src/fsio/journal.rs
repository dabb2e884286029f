//! The journal that makes the replacement of several files in one directory atomic: it exists exactly while
//! complete temporary files are being renamed over their targets, and records, in rename order, each temporary
//! file, its target and the SHA-256 of the target's text before and after. Recovery replays it only when every
//! file is exactly in a state the interrupted write could have left; anything else is someone's edit, and is
//! refused without touching a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::hooks::{checkpoint, injected};
use super::litter::{is_temp_name, JOURNAL_TEMP_PREFIX, RANDOM_LEN, TEMP_PREFIX};
use super::read::read_bounded;
use super::{io_err, join_label, sync_dir};
use crate::error::{Error, InputKind, Result};

pub const JOURNAL: &str = ".uvlock-tool.journal";
const HEADER: &str = "uvlock-tool journal 2";
const ANY_HEADER: &str = "uvlock-tool journal ";

/// One file of a write: where it is, how errors name it, its new text and the text it was read with.
#[derive(Debug, Clone)]
pub struct Replacement<'a> {
    pub path: PathBuf,
    pub label: String,
    pub new: &'a str,
    pub old: &'a str,
}

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

struct Entry {
    temp: String,
    target: String,
    before: String,
    after: String,
}

fn digest(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn journal_err(dir_label: &str, what: &str) -> Error {
    let journal = join_label(dir_label, JOURNAL);
    Error::input(
        InputKind::Io,
        format!(
            "{journal}: {what}; nothing was changed. It records an interrupted `uvlock-tool switch`: check \
             pyproject.toml and uv.lock, then delete {journal} (the next switch removes the `{TEMP_PREFIX}*` \
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
        if !temp.starts_with(TEMP_PREFIX) || !is_temp_name(temp) || !plain(target) {
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
pub fn pending(dir: &Path) -> bool {
    dir.join(JOURNAL).symlink_metadata().is_ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Before,
    After,
    Changed,
}

fn state_of(dir: &Path, dir_label: &str, e: &Entry) -> Result<State> {
    match read_bounded(&dir.join(&e.target)) {
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
fn temp_is_complete(dir: &Path, e: &Entry) -> bool {
    read_bounded(&dir.join(&e.temp)).is_ok_and(|bytes| digest(&bytes) == e.after)
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
fn assess(dir: &Path, dir_label: &str) -> Result<Option<Pending>> {
    let text = match read_bounded(&dir.join(JOURNAL)) {
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
pub fn check_pending(dir: &Path, dir_label: &str) -> Result<bool> {
    Ok(assess(dir, dir_label)?.is_some())
}

/// Completes or drops the replacement that an interrupted process (killed, power cut) left in `dir` (see
/// [`assess`]); a state the write cannot have left is refused and nothing is touched. The caller holds the
/// service's exclusive lock, so the journal's writer is dead.
pub fn recover(dir: &Path, dir_label: &str) -> Result<Recovery> {
    match assess(dir, dir_label)? {
        None => Ok(Recovery::Nothing),
        Some(Pending::Complete(rest)) => {
            for e in rest {
                std::fs::rename(dir.join(&e.temp), dir.join(&e.target))
                    .map_err(|err| io_err(&join_label(dir_label, &e.target), "replace", err))?;
            }
            finish(dir, dir_label)?;
            Ok(Recovery::Completed)
        }
        Some(Pending::Discard(entries)) => {
            for e in entries {
                let _ = std::fs::remove_file(dir.join(&e.temp));
            }
            finish(dir, dir_label)?;
            Ok(Recovery::Discarded)
        }
    }
}

/// Makes the renames durable, then removes the journal (durably too).
fn finish(dir: &Path, dir_label: &str) -> Result<()> {
    sync_dir(dir).map_err(|e| io_err(dir_label, "sync the directory", e))?;
    let journal = dir.join(JOURNAL);
    std::fs::remove_file(&journal)
        .map_err(|e| io_err(&join_label(dir_label, JOURNAL), "remove", e))?;
    let _ = sync_dir(dir);
    Ok(())
}

/// Writes `content` to a new temporary file in `dir` (created exclusively under a random name), with the
/// permissions of `like` if given, and syncs it to disk. The file is deleted again when the path is dropped.
fn write_temp(
    dir: &Path,
    prefix: &str,
    content: &[u8],
    like: Option<&Path>,
) -> std::io::Result<tempfile::TempPath> {
    let mut tmp = tempfile::Builder::new()
        .prefix(prefix)
        .rand_bytes(RANDOM_LEN)
        .tempfile_in(dir)?;
    injected(if prefix == TEMP_PREFIX {
        "write-temp"
    } else {
        "write-journal"
    })?;
    tmp.write_all(content)?;
    if let Some(meta) = like.and_then(|p| std::fs::metadata(p).ok()) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.as_file().sync_all()?;
    Ok(tmp.into_temp_path())
}

/// Checks that the files of one write share a directory, have plain names, are not links and that no journal
/// is pending; returns the directory.
fn check_targets(changed: &[&Replacement], dir_label: &str) -> Result<PathBuf> {
    let parent = |p: &Path| -> PathBuf {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    };
    let dir = parent(&changed[0].path);
    for r in changed {
        let name = r.path.file_name().and_then(|n| n.to_str());
        if parent(&r.path) != dir || name.is_none_or(|n| n.contains(['\t', '\n'])) {
            return Err(Error::input(
                InputKind::Io,
                format!(
                    "{}: files replaced together must share a directory and have plain names",
                    r.label
                ),
            ));
        }
        if r.path.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
            return Err(Error::input(
                InputKind::Io,
                format!(
                    "{}: is a symbolic link; uvlock-tool replaces pyproject.toml and uv.lock atomically in their \
                     directory and does not write through links: switch the directory that holds the files",
                    r.label
                ),
            ));
        }
    }
    if pending(&dir) {
        return Err(journal_err(dir_label, "an interrupted write is pending"));
    }
    Ok(dir)
}

/// Writes every file whose text changed, all or none (the files must share the directory `dir_label` names, and
/// the caller holds its exclusive lock):
///
/// 1. every new text goes to a complete, synced temporary file beside its target (on failure, e.g. a read-only
///    directory or a full disk, the temporary files are removed and nothing else was touched); a file that no
///    longer holds the text it was read with stops the write here;
/// 2. the journal (temporary files, targets, SHA-256 before and after) is written, synced and renamed into
///    place, and the directory synced: from then on the replacement is committed, even across a power loss;
/// 3. the temporary files are renamed over their targets, the directory is synced, the journal removed.
///
/// A process killed during step 3 leaves the journal for [`recover`]. If a rename fails, the files already
/// replaced are put back (atomically) and the error is returned.
pub fn write_all_atomic(dir_label: &str, files: &[Replacement]) -> Result<usize> {
    let changed: Vec<&Replacement> = files.iter().filter(|r| r.new != r.old).collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let dir = check_targets(&changed, dir_label)?;
    // 1. complete temporary files
    let mut temps = Vec::new();
    for r in &changed {
        let tmp = write_temp(&dir, TEMP_PREFIX, r.new.as_bytes(), Some(&r.path))
            .map_err(|e| io_err(&r.label, "write a temporary file next to", e))?;
        temps.push(tmp);
    }
    checkpoint("temps-written");
    for r in &changed {
        if !read_bounded(&r.path).is_ok_and(|now| now == r.old.as_bytes()) {
            return Err(Error::input(
                InputKind::Io,
                format!(
                    "{}: changed while uvlock-tool was working on it; nothing was written: run the switch again",
                    r.label
                ),
            ));
        }
    }
    // 2. the journal commits the replacement
    let mut journal = format!("{HEADER}\n");
    for (tmp, r) in temps.iter().zip(&changed) {
        let temp = tmp.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let target = r
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let (before, after) = (digest(r.old.as_bytes()), digest(r.new.as_bytes()));
        journal.push_str(&format!("{temp}\t{target}\t{before}\t{after}\n"));
    }
    let journal_path = dir.join(JOURNAL);
    let journal_label = join_label(dir_label, JOURNAL);
    write_temp(&dir, JOURNAL_TEMP_PREFIX, journal.as_bytes(), None)
        .map_err(|e| io_err(&journal_label, "write", e))?
        .persist_noclobber(&journal_path)
        .map_err(|e| io_err(&journal_label, "create", e.error))?;
    if let Err(e) = sync_dir(&dir) {
        let _ = std::fs::remove_file(&journal_path);
        return Err(io_err(dir_label, "sync the directory", e));
    }
    let temps: Vec<PathBuf> = temps
        .into_iter()
        .map(|t| t.keep())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| io_err(dir_label, "keep a temporary file in", e.error))?;
    checkpoint("journal-written");
    // 3. renames
    for (i, (tmp, r)) in temps.iter().zip(&changed).enumerate() {
        let renamed = if i == 1 { injected("rename-2") } else { Ok(()) }
            .and_then(|()| std::fs::rename(tmp, &r.path));
        if let Err(e) = renamed {
            return Err(roll_back(
                &dir,
                dir_label,
                &changed[..i],
                &temps[i..],
                &r.label,
                e,
            ));
        }
        if i == 0 {
            checkpoint("renamed-1");
        }
    }
    sync_dir(&dir).map_err(|e| io_err(dir_label, "sync the directory", e))?;
    checkpoint("renamed-all");
    let _ = std::fs::remove_file(&journal_path);
    let _ = sync_dir(&dir);
    Ok(changed.len())
}

/// After a failed rename: puts the old text back into the files already replaced (each atomically), removes
/// the remaining temporary files and the journal. If putting back fails, the journal stays, so that the next
/// run completes the replacement instead.
fn roll_back(
    dir: &Path,
    dir_label: &str,
    replaced: &[&Replacement],
    remaining: &[PathBuf],
    failed: &str,
    error: std::io::Error,
) -> Error {
    for r in replaced {
        let restored = write_temp(dir, TEMP_PREFIX, r.old.as_bytes(), Some(&r.path))
            .and_then(|tmp| tmp.persist(&r.path).map_err(|e| e.error));
        if restored.is_err() {
            return Error::input(
                InputKind::Io,
                format!(
                    "{failed}: cannot replace: {error}; the write is left to complete: run the same `uvlock-tool switch` again (journal {})",
                    join_label(dir_label, JOURNAL)
                ),
            );
        }
    }
    let _ = sync_dir(dir);
    for tmp in remaining {
        let _ = std::fs::remove_file(tmp);
    }
    let _ = std::fs::remove_file(dir.join(JOURNAL));
    let _ = sync_dir(dir);
    io_err(failed, "replace", error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacement<'a>(dir: &Path, name: &str, new: &'a str, old: &'a str) -> Replacement<'a> {
        Replacement {
            path: dir.join(name),
            label: name.into(),
            new,
            old,
        }
    }

    #[test]
    fn atomic_write_replaces_only_changed_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a"), "old a").expect("write");
        std::fs::write(dir.path().join("b"), "same").expect("write");
        let n = write_all_atomic(
            "d",
            &[
                replacement(dir.path(), "a", "new a", "old a"),
                replacement(dir.path(), "b", "same", "same"),
            ],
        )
        .expect("write");
        assert_eq!(n, 1);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a")).expect("read"),
            "new a"
        );
        let leftovers = std::fs::read_dir(dir.path()).expect("ls").count();
        assert_eq!(leftovers, 2, "no temp files left behind");
    }

    #[test]
    fn a_file_changed_after_it_was_read_stops_the_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a"), "edited").expect("write");
        let err = write_all_atomic("d", &[replacement(dir.path(), "a", "new", "old")])
            .expect_err("stale");
        assert!(err
            .to_string()
            .contains("a: changed while uvlock-tool was working on it"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a")).expect("read"),
            "edited"
        );
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn journals_of_other_formats_are_refused() {
        for (text, what) in [
            (
                "uvlock-tool journal 1\n.uvlock-tool.abcdef\ta\n",
                "another version",
            ),
            ("garbage\n", "unknown journal format"),
            ("uvlock-tool journal 2\n", "names no file"),
            (
                "uvlock-tool journal 2\n../x\ta\t0\t0\n",
                "outside its directory",
            ),
            (
                "uvlock-tool journal 2\n.uvlock-tool.abcdef\ta\tzz\tzz\n",
                "malformed",
            ),
        ] {
            let err = parse(text, "svc")
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(what), "{text:?}: {err}");
            assert!(err.contains("svc/.uvlock-tool.journal: "), "{err}");
        }
    }
}
