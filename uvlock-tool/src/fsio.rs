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

/// Writes every `(path, new, old)` whose text changed: all temp files are written first, then
/// renamed over the originals; if a later rename fails, the earlier files are restored. Both or neither.
pub fn write_all_atomic(files: &[(PathBuf, &str, &str)]) -> Result<usize> {
    let changed: Vec<&(PathBuf, &str, &str)> =
        files.iter().filter(|(_, new, old)| new != old).collect();
    let mut temps = Vec::new();
    for (path, new, _) in &changed {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".uvlock-tool.")
            .tempfile_in(dir)
            .map_err(|e| io_err(path, "create a temporary file next to", e))?;
        tmp.write_all(new.as_bytes())
            .map_err(|e| io_err(path, "write a temporary file for", e))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| io_err(path, "sync a temporary file for", e))?;
        if let Ok(meta) = std::fs::metadata(path) {
            let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
        }
        temps.push(tmp);
    }
    let mut done: Vec<&(PathBuf, &str, &str)> = Vec::new();
    for (tmp, entry) in temps.into_iter().zip(&changed) {
        if let Err(e) = tmp.persist(&entry.0) {
            for (path, _, old) in done {
                let _ = std::fs::write(path, old);
            }
            return Err(io_err(&entry.0, "replace", e.error));
        }
        done.push(entry);
    }
    Ok(changed.len())
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
