//! The journaled replacement of several files of one directory, all or none (the journal's format and its
//! recovery: [`super::journal`]). Every file is created and renamed through the service's [`Dir`] handle:
//! exclusively, under an unpredictable name, never through a link.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStringExt;

use safe_fs::Dir;

use super::hooks::{checkpoint, injected};
use super::journal::{self, digest, journal_err, Entry, JOURNAL};
use super::litter::{JOURNAL_TEMP_BASE, TEMP_BASE};
use super::read::{read_bounded, Links};
use super::{io_err, join_label};
use crate::error::{Error, InputKind, Result};

/// One file of a write: its name in the directory, how errors name it, its new text and the text it was read
/// with.
#[derive(Debug, Clone)]
pub struct Replacement<'a> {
    pub name: &'a str,
    pub label: String,
    pub new: &'a str,
    pub old: &'a str,
}

/// Temporary files of a write not yet committed: removed when dropped, unless [`Temps::keep`] hands them over
/// to the journal.
struct Temps<'d> {
    dir: &'d Dir,
    names: Vec<OsString>,
}

impl Temps<'_> {
    fn keep(mut self) -> Vec<OsString> {
        std::mem::take(&mut self.names)
    }
}

impl Drop for Temps<'_> {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = self.dir.remove_file(name);
        }
    }
}

/// Writes `content` to a new temporary file in `dir` (see [`safe_fs::Dir::create_temp_file_with`]) with the
/// permission bits `mode`, if any, and syncs it to disk; returns its name.
fn write_temp(
    dir: &Dir,
    base: &str,
    content: &[u8],
    mode: Option<u32>,
) -> std::io::Result<OsString> {
    injected(if base == TEMP_BASE {
        "write-temp"
    } else {
        "write-journal"
    })?;
    let name = OsString::from_vec(dir.create_temp_file_with(OsStr::new(base), content, mode)?);
    if let Err(e) = dir.sync_file(&name) {
        let _ = dir.remove_file(&name);
        return Err(e);
    }
    Ok(name)
}

/// The permission bits of the file `name` in `dir`, which its replacement keeps.
fn mode_of(dir: &Dir, name: &str) -> Option<u32> {
    dir.file_mode(OsStr::new(name)).ok().flatten()
}

/// Checks that the files of one write have plain names and are not links, and that no journal is pending.
fn check_targets(dir: &Dir, changed: &[&Replacement], dir_label: &str) -> Result<()> {
    for r in changed {
        let plain = !r.name.is_empty() && !r.name.contains(['/', '\t', '\n']);
        if !plain {
            return Err(Error::input(
                InputKind::Io,
                format!("{}: files replaced together must have plain names", r.label),
            ));
        }
        let path = dir.path().join(r.name);
        if path.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
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
    if journal::pending(dir) {
        return Err(journal_err(dir_label, "an interrupted write is pending"));
    }
    Ok(())
}

/// Steps 1 and 2 of [`write_all_atomic`]: complete temporary files, then the journal; returns the temporary
/// files' names, which from now on belong to the journal.
fn commit(dir: &Dir, dir_label: &str, changed: &[&Replacement]) -> Result<Vec<OsString>> {
    let mut temps = Temps {
        dir,
        names: Vec::new(),
    };
    for r in changed {
        let name = write_temp(dir, TEMP_BASE, r.new.as_bytes(), mode_of(dir, r.name))
            .map_err(|e| io_err(&r.label, "write a temporary file next to", e))?;
        temps.names.push(name);
    }
    checkpoint("temps-written");
    for r in changed {
        let now = read_bounded(&dir.path().join(r.name), Links::Follow);
        if !now.is_ok_and(|now| now == r.old.as_bytes()) {
            return Err(Error::input(
                InputKind::Io,
                format!(
                    "{}: changed while uvlock-tool was working on it; nothing was written: run the switch again",
                    r.label
                ),
            ));
        }
    }
    let entries: Vec<Entry> = temps
        .names
        .iter()
        .zip(changed)
        .map(|(temp, r)| Entry {
            temp: temp.to_string_lossy().into_owned(),
            target: r.name.to_string(),
            before: digest(r.old.as_bytes()),
            after: digest(r.new.as_bytes()),
        })
        .collect();
    let journal_label = join_label(dir_label, JOURNAL);
    let tmp = write_temp(
        dir,
        JOURNAL_TEMP_BASE,
        journal::format(&entries).as_bytes(),
        None,
    )
    .map_err(|e| io_err(&journal_label, "write", e))?;
    if let Err(e) = dir.rename_new(&tmp, dir, OsStr::new(JOURNAL)) {
        let _ = dir.remove_file(&tmp);
        return Err(io_err(&journal_label, "create", e));
    }
    if let Err(e) = dir.sync() {
        let _ = dir.remove_file(OsStr::new(JOURNAL));
        return Err(io_err(dir_label, "sync the directory", e));
    }
    Ok(temps.keep())
}

/// Writes every file whose text changed, all or none (the caller holds the directory's exclusive lock):
///
/// 1. every new text goes to a complete, synced temporary file beside its target (on failure, e.g. a read-only
///    directory or a full disk, the temporary files are removed and nothing else was touched); a file that no
///    longer holds the text it was read with stops the write here;
/// 2. the journal (temporary files, targets, SHA-256 before and after) is written, synced and renamed into
///    place, and the directory synced: from then on the replacement is committed, even across a power loss;
/// 3. the temporary files are renamed over their targets, the directory is synced, the journal removed.
///
/// A process killed during step 3 leaves the journal for [`journal::recover`]. If a rename fails, the files
/// already replaced are put back (atomically) and the error is returned.
pub fn write_all_atomic(dir: &Dir, dir_label: &str, files: &[Replacement]) -> Result<usize> {
    let changed: Vec<&Replacement> = files.iter().filter(|r| r.new != r.old).collect();
    if changed.is_empty() {
        return Ok(0);
    }
    check_targets(dir, &changed, dir_label)?;
    let temps = commit(dir, dir_label, &changed)?;
    checkpoint("journal-written");
    for (i, (tmp, r)) in temps.iter().zip(&changed).enumerate() {
        let renamed = if i == 1 { injected("rename-2") } else { Ok(()) }
            .and_then(|()| dir.rename(tmp, dir, OsStr::new(r.name)));
        if let Err(e) = renamed {
            return Err(roll_back(
                dir,
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
    dir.sync()
        .map_err(|e| io_err(dir_label, "sync the directory", e))?;
    checkpoint("renamed-all");
    let _ = dir.remove_file(OsStr::new(JOURNAL));
    let _ = dir.sync();
    Ok(changed.len())
}

/// After a failed rename: puts the old text back into the files already replaced (each atomically), removes
/// the remaining temporary files and the journal. If putting back fails, the journal stays, so that the next
/// run completes the replacement instead.
fn roll_back(
    dir: &Dir,
    dir_label: &str,
    replaced: &[&Replacement],
    remaining: &[OsString],
    failed: &str,
    error: std::io::Error,
) -> Error {
    for r in replaced {
        let restored = write_temp(dir, TEMP_BASE, r.old.as_bytes(), mode_of(dir, r.name))
            .and_then(|tmp| dir.rename(&tmp, dir, OsStr::new(r.name)));
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
    let _ = dir.sync();
    for tmp in remaining {
        let _ = dir.remove_file(tmp);
    }
    let _ = dir.remove_file(OsStr::new(JOURNAL));
    let _ = dir.sync();
    io_err(failed, "replace", error)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn replacement<'a>(name: &'a str, new: &'a str, old: &'a str) -> Replacement<'a> {
        Replacement {
            name,
            label: name.into(),
            new,
            old,
        }
    }

    #[test]
    fn atomic_write_replaces_only_changed_files_and_keeps_their_mode() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join("a"), "old a").expect("write");
        std::fs::set_permissions(tmp.path().join("a"), std::fs::Permissions::from_mode(0o640))
            .expect("chmod");
        std::fs::write(tmp.path().join("b"), "same").expect("write");
        let dir = Dir::open(tmp.path()).expect("open");
        let n = write_all_atomic(
            &dir,
            "d",
            &[
                replacement("a", "new a", "old a"),
                replacement("b", "same", "same"),
            ],
        )
        .expect("write");
        assert_eq!(n, 1);
        let a = tmp.path().join("a");
        assert_eq!(std::fs::read_to_string(&a).expect("read"), "new a");
        let mode = std::fs::metadata(&a).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let leftovers = std::fs::read_dir(tmp.path()).expect("ls").count();
        assert_eq!(leftovers, 2, "no temp files left behind");
    }

    #[test]
    fn a_file_changed_after_it_was_read_stops_the_write() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join("a"), "edited").expect("write");
        let dir = Dir::open(tmp.path()).expect("open");
        let err =
            write_all_atomic(&dir, "d", &[replacement("a", "new", "old")]).expect_err("stale");
        assert!(err
            .to_string()
            .contains("a: changed while uvlock-tool was working on it"));
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("a")).expect("read"),
            "edited"
        );
        assert_eq!(std::fs::read_dir(tmp.path()).expect("ls").count(), 1);
    }
}
