//! File-system edges: lexical path arithmetic and atomic writes (temp file + rename in the same directory).

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, InputKind, Result};

fn io_err(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::input(
        InputKind::Io,
        format!("{}: cannot {what}: {e}", path.display()),
    )
}

pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| io_err(path, "read", e))
}

/// Removes `.` and `x/..` without touching the file system (symlinks are not resolved, as in uv).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `to` relative to the directory `from` (both absolute and normalized), `/`-separated; `.` when equal.
pub fn relative(from: &Path, to: &Path) -> Option<String> {
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), f.len() - common).collect();
    for c in &t[common..] {
        parts.push(c.as_os_str().to_str()?.to_string());
    }
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

/// The journal that makes the replacement of several files in one directory atomic: it exists exactly while
/// complete temporary files are being renamed over their targets, and names them (see [`write_all_atomic`]).
pub const JOURNAL: &str = ".uvlock-tool.journal";
const JOURNAL_HEADER: &str = "uvlock-tool journal 1";
const TEMP_PREFIX: &str = ".uvlock-tool.";

/// Test hook: with `UVLOCK_TOOL_TEST_PAUSE_AT=<stage>`, the process prints `uvlock-tool: paused at <stage>` on
/// stderr at that point of a write and then waits forever, so that a test can kill -9 it exactly there.
/// Stages: `temps-written`, `journal-written`, `renamed-1`, `renamed-all`.
pub const PAUSE_ENV: &str = "UVLOCK_TOOL_TEST_PAUSE_AT";
/// Test hook: with `UVLOCK_TOOL_TEST_FAIL_AT=<step>`, that I/O step fails as on a full disk (`write-temp`,
/// `write-journal`) or as a failed rename (`rename-2`: the second rename of a write).
pub const FAIL_ENV: &str = "UVLOCK_TOOL_TEST_FAIL_AT";

fn checkpoint(stage: &str) {
    if std::env::var(PAUSE_ENV).is_ok_and(|s| s == stage) {
        eprintln!("uvlock-tool: paused at {stage}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

fn injected(step: &str) -> std::io::Result<()> {
    if std::env::var(FAIL_ENV).is_ok_and(|s| s == step) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            format!("No space left on device (injected by {FAIL_ENV}={step})"),
        ));
    }
    Ok(())
}

fn journal_err(dir: &Path, what: &str) -> Error {
    Error::input(
        InputKind::Io,
        format!(
            "{}: {what}; it records an interrupted `uvlock-tool switch`: check pyproject.toml and uv.lock, \
             then delete the journal and any `{TEMP_PREFIX}*` file next to it",
            dir.join(JOURNAL).display()
        ),
    )
}

/// Whether `dir` holds the journal of an interrupted write.
pub fn pending(dir: &Path) -> bool {
    dir.join(JOURNAL).exists()
}

/// Completes a replacement that an interrupted process (killed, power cut) left half-done in `dir`: every
/// temporary file named by the journal that still exists is renamed over its target (they were all complete
/// before the journal was written), then the journal is removed. Returns whether there was a journal.
pub fn recover(dir: &Path) -> Result<bool> {
    let journal = dir.join(JOURNAL);
    let text = match std::fs::read_to_string(&journal) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_err(&journal, "read", e)),
    };
    let mut lines = text.lines();
    if lines.next() != Some(JOURNAL_HEADER) {
        return Err(journal_err(dir, "unknown journal format"));
    }
    let mut pairs = Vec::new();
    for line in lines {
        let Some((tmp, target)) = line.split_once('\t') else {
            return Err(journal_err(dir, "malformed journal line"));
        };
        let plain = |n: &str| !n.is_empty() && !n.contains('/') && n != "." && n != "..";
        if !tmp.starts_with(TEMP_PREFIX) || !plain(tmp) || !plain(target) {
            return Err(journal_err(
                dir,
                "journal names a file outside its directory",
            ));
        }
        pairs.push((dir.join(tmp), dir.join(target)));
    }
    for (tmp, target) in &pairs {
        if tmp.exists() {
            std::fs::rename(tmp, target).map_err(|e| io_err(target, "replace", e))?;
        }
    }
    std::fs::remove_file(&journal).map_err(|e| io_err(&journal, "remove", e))?;
    Ok(true)
}

/// Writes `content` to a new temporary file in `dir` (permissions copied from `like` if it exists). The file is
/// deleted again when the returned path is dropped.
fn write_temp(
    dir: &Path,
    prefix: &str,
    content: &[u8],
    like: &Path,
) -> std::io::Result<tempfile::TempPath> {
    let mut tmp = tempfile::Builder::new().prefix(prefix).tempfile_in(dir)?;
    injected(if prefix == TEMP_PREFIX {
        "write-temp"
    } else {
        "write-journal"
    })?;
    tmp.write_all(content)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(like) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    Ok(tmp.into_temp_path())
}

/// Writes every `(path, new, old)` whose text changed, all or none (the files must share a directory):
///
/// 1. every new text goes to a complete temporary file beside its target (on failure, e.g. a read-only
///    directory or a full disk, the temporary files are removed and nothing else was touched);
/// 2. a journal naming the temporary files is written (itself atomically: temporary file + rename); from then
///    on the replacement is committed;
/// 3. the temporary files are renamed over their targets, and the journal is removed.
///
/// A process killed during step 3 leaves the journal: the next `switch` in that directory completes it
/// ([`recover`]) before anything else, and `--check`/`--diff` refuse to read a half-replaced pair. If a rename
/// fails, the files already replaced are put back (atomically) and the error is returned.
pub fn write_all_atomic(files: &[(PathBuf, &str, &str)]) -> Result<usize> {
    let changed: Vec<&(PathBuf, &str, &str)> =
        files.iter().filter(|(_, new, old)| new != old).collect();
    let Some(first) = changed.first() else {
        return Ok(0);
    };
    let parent = |p: &Path| -> PathBuf {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    };
    let dir = parent(&first.0);
    let mut names = Vec::new();
    for (path, _, _) in &changed {
        let name = path.file_name().and_then(|n| n.to_str());
        match name {
            Some(name) if parent(path) == dir && !name.contains('\t') => names.push(name),
            _ => {
                return Err(Error::input(
                    InputKind::Io,
                    format!(
                        "{}: files replaced together must share a directory and have plain names",
                        path.display()
                    ),
                ))
            }
        }
    }
    if pending(&dir) {
        return Err(journal_err(&dir, "an interrupted write is pending"));
    }
    // 1. complete temporary files
    let mut temps = Vec::new();
    for (path, new, _) in &changed {
        let tmp = write_temp(&dir, TEMP_PREFIX, new.as_bytes(), path)
            .map_err(|e| io_err(path, "write a temporary file next to", e))?;
        temps.push(tmp);
    }
    checkpoint("temps-written");
    // 2. the journal commits the replacement
    let mut journal = format!("{JOURNAL_HEADER}\n");
    for (tmp, name) in temps.iter().zip(&names) {
        let tmp_name = tmp.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        journal.push_str(&format!("{tmp_name}\t{name}\n"));
    }
    let journal_path = dir.join(JOURNAL);
    let journal_tmp = write_temp(
        &dir,
        ".uvlock-tool-journal.",
        journal.as_bytes(),
        Path::new(""),
    )
    .map_err(|e| io_err(&journal_path, "write", e))?;
    journal_tmp
        .persist_noclobber(&journal_path)
        .map_err(|e| io_err(&journal_path, "create", e.error))?;
    let temps: Vec<PathBuf> = temps
        .into_iter()
        .map(|t| t.keep())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| io_err(&dir, "keep a temporary file in", e.error))?;
    checkpoint("journal-written");
    // 3. renames
    for (i, (tmp, entry)) in temps.iter().zip(&changed).enumerate() {
        let renamed = if i == 1 { injected("rename-2") } else { Ok(()) }
            .and_then(|()| std::fs::rename(tmp, &entry.0));
        if let Err(e) = renamed {
            return Err(roll_back(&dir, &changed[..i], &temps[i..], &entry.0, e));
        }
        if i == 0 {
            checkpoint("renamed-1");
        }
    }
    checkpoint("renamed-all");
    let _ = std::fs::remove_file(&journal_path);
    Ok(changed.len())
}

/// After a failed rename: puts the old text back into the files already replaced (each atomically), removes
/// the remaining temporary files and the journal. If putting back fails, the journal stays, so that the next
/// run completes the replacement instead.
fn roll_back(
    dir: &Path,
    replaced: &[&(PathBuf, &str, &str)],
    remaining: &[PathBuf],
    failed: &Path,
    error: std::io::Error,
) -> Error {
    for (path, _, old) in replaced {
        let restored = write_temp(dir, TEMP_PREFIX, old.as_bytes(), path)
            .and_then(|tmp| tmp.persist(path).map_err(|e| e.error));
        if restored.is_err() {
            return Error::input(
                InputKind::Io,
                format!(
                    "{}: cannot replace: {error}; the write is left to complete: run the same `uvlock-tool switch` again (journal {})",
                    failed.display(),
                    dir.join(JOURNAL).display()
                ),
            );
        }
    }
    for tmp in remaining {
        let _ = std::fs::remove_file(tmp);
    }
    let _ = std::fs::remove_file(dir.join(JOURNAL));
    io_err(failed, "replace", error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_like_uv() {
        let svc = Path::new("/r/services/inference");
        assert_eq!(
            relative(svc, Path::new("/r/packages/ameide_sdk_python")).as_deref(),
            Some("../../packages/ameide_sdk_python")
        );
        assert_eq!(
            relative(
                svc,
                &normalize(Path::new(
                    "/r/services/inference/../../packages/./ameide_sdk_python/"
                ))
            )
            .as_deref(),
            Some("../../packages/ameide_sdk_python")
        );
        assert_eq!(relative(svc, svc).as_deref(), Some("."));
        assert_eq!(
            relative(svc, Path::new("/r/services/inference/vendor/x")).as_deref(),
            Some("vendor/x")
        );
    }

    #[test]
    fn atomic_write_replaces_only_changed_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::write(&a, "old a").expect("write");
        std::fs::write(&b, "same").expect("write");
        let n = write_all_atomic(&[(a.clone(), "new a", "old a"), (b.clone(), "same", "same")])
            .expect("write");
        assert_eq!(n, 1);
        assert_eq!(std::fs::read_to_string(&a).expect("read"), "new a");
        let leftovers = std::fs::read_dir(dir.path()).expect("ls").count();
        assert_eq!(leftovers, 2, "no temp files left behind");
    }
}
