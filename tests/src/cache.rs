//! On-disk caches under `target/e2e-cache/`, shared by all test processes (file-locked).

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use crate::provision::target_dir;

/// `target/e2e-cache/<sub>`.
pub fn cache_dir(sub: &str) -> PathBuf {
    target_dir().join("e2e-cache").join(sub)
}

/// Takes an exclusive lock on `path` (created if needed); released when the returned file is dropped.
pub fn lock(path: &Path) -> File {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    }
    let file = File::create(path).unwrap_or_else(|e| panic!("create lock {}: {e}", path.display()));
    file.lock()
        .unwrap_or_else(|e| panic!("lock {}: {e}", path.display()));
    file
}

/// A fresh scratch directory `target/e2e-scratch/<name>` (see `provision::scratch_dir`), held exclusively: the
/// returned lock serialises concurrent runs of the same test (several people or test runners in one checkout), which
/// would otherwise delete each other's outputs. Keep the lock alive until the outputs are no longer needed.
pub fn locked_scratch(name: &str) -> (PathBuf, File) {
    let started = std::time::Instant::now();
    let guard = lock(
        &target_dir()
            .join("e2e-scratch")
            .join(format!("{name}.lock")),
    );
    if started.elapsed().as_secs() >= 1 {
        eprintln!(
            "{name}: waited {:.1?} for another run of the same test",
            started.elapsed()
        );
    }
    (crate::provision::scratch_dir(name), guard)
}

/// A stable 128-bit content hash (two FNV-1a 64 lanes), hex-encoded. Not cryptographic; used for cache keys.
#[derive(Debug, Clone)]
pub struct KeyHasher {
    a: u64,
    b: u64,
}

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher {
            a: 0xcbf2_9ce4_8422_2325,
            b: 0x6c62_272e_07bb_0142,
        }
    }
}

impl KeyHasher {
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    pub fn bytes(&mut self, data: &[u8]) -> &mut Self {
        // length first, so that concatenations cannot collide
        for b in (data.len() as u64).to_le_bytes().iter().chain(data) {
            self.a = (self.a ^ u64::from(*b)).wrapping_mul(Self::PRIME);
            self.b = (self.b ^ u64::from(b.rotate_left(3)))
                .wrapping_mul(Self::PRIME)
                .rotate_left(5);
        }
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.a, self.b)
    }
}

/// Returns `<cache_dir(kind)>/<name>-<key>/`, building it first (into a temporary sibling, then renamed) if it is
/// not complete yet. Concurrent callers wait on a per-name lock; other keys of the same name are removed, so that
/// only the current version of a big cache stays on disk.
pub fn cached_dir(kind: &str, name: &str, key: &str, build: impl FnOnce(&Path)) -> PathBuf {
    let base = cache_dir(kind);
    let _guard = lock(&base.join(format!("{name}.lock")));
    let dir = base.join(format!("{name}-{key}"));
    let marker = base.join(format!("{name}-{key}.complete"));
    if marker.exists() && dir.is_dir() {
        return dir;
    }
    // stale versions of this cache (other keys) and any half-built leftovers
    if let Ok(entries) = fs::read_dir(&base) {
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            if is_version_of(&file_name, name) {
                let path = entry.path();
                if path.is_dir() {
                    let _ = fs::remove_dir_all(&path);
                } else {
                    let _ = fs::remove_file(&path);
                }
            }
        }
    }
    let tmp = base.join(format!("{name}-{key}.tmp"));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).unwrap_or_else(|e| panic!("create {}: {e}", tmp.display()));
    build(&tmp);
    fs::rename(&tmp, &dir)
        .unwrap_or_else(|e| panic!("rename {} -> {}: {e}", tmp.display(), dir.display()));
    fs::write(&marker, key).unwrap_or_else(|e| panic!("write {}: {e}", marker.display()));
    dir
}

/// `<name>-<32 hex digits>[.complete|.tmp]`: an entry of [`cached_dir`] for `name` (not for another name that
/// merely starts with `name-`).
fn is_version_of(file_name: &str, name: &str) -> bool {
    let Some(rest) = file_name
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix('-'))
    else {
        return false;
    };
    let (key, suffix) = rest.split_at(rest.len().min(32));
    key.len() == 32
        && key.bytes().all(|b| b.is_ascii_hexdigit())
        && ["", ".complete", ".tmp"].contains(&suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_length_prefixed() {
        let h = KeyHasher::default().str("ab").str("c").hex();
        assert_eq!(h, KeyHasher::default().str("ab").str("c").hex());
        assert_ne!(h, KeyHasher::default().str("a").str("bc").hex());
        assert_eq!(h.len(), 32);
    }

    #[test]
    fn versions_of_a_name() {
        let key = "0123456789abcdef0123456789abcdef";
        assert!(is_version_of(&format!("corpus-{key}"), "corpus"));
        assert!(is_version_of(&format!("corpus-{key}.complete"), "corpus"));
        assert!(is_version_of(&format!("corpus-{key}.tmp"), "corpus"));
        assert!(!is_version_of(&format!("corpus-extra-{key}"), "corpus"));
        assert!(!is_version_of("corpus.lock", "corpus"));
    }
}
