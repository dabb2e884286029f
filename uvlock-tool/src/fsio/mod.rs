//! File-system edges: where a service and the local package are (as uv sees them), bounded reads, one run at a
//! time per service ([`lock`]), and the journaled replacement of `pyproject.toml` + `uv.lock` ([`replace`],
//! [`journal`]), written through [`safe_fs`].

mod hooks;
mod journal;
mod litter;
mod lock;
mod read;
mod replace;

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, InputKind};

pub use journal::{check_pending, pending, recover, Recovery, JOURNAL};
pub use litter::{remove_litter, stray_files};
pub use lock::{
    lock_timeout, open_service, Access, Service, DEFAULT_LOCK_TIMEOUT, LOCK_TIMEOUT_ENV,
};
pub use read::{read, read_text, ReadError, MAX_INPUT_BYTES};
pub use replace::{write_all_atomic, Replacement};

fn io_err(label: &str, what: &str, e: std::io::Error) -> Error {
    Error::input(InputKind::Io, format!("{label}: cannot {what}: {e}"))
}

/// `dir/file` as the user would write it (`file` alone when `dir` is `.`).
pub fn join_label(dir: &str, file: &str) -> String {
    if dir == "." {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
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

/// The directory of a service as uv sees it when it runs there (`cd <dir> && uv lock`, `uv --directory <dir>`):
/// every symbolic link resolved, because uv takes its project root from the working directory the OS reports.
/// `None` when `path` is not a directory.
pub fn service_dir(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok().filter(|p| p.is_dir())
}

/// The local package directory `path` (relative to `cwd`, which is physical) as uv records it: lexically
/// normalized, a link to the package kept by its name (`uv add --editable <link>` writes the link's path).
/// Only when lexical normalization would land elsewhere than the OS does (`link/..`) is the physical path used,
/// so that the written path always reaches the package.
pub fn local_package_dir(cwd: &Path, path: &Path) -> PathBuf {
    let given = cwd.join(path);
    let lexical = normalize(&given);
    match (
        std::fs::canonicalize(&given),
        std::fs::canonicalize(&lexical),
    ) {
        (Ok(physical), Ok(via_lexical)) if physical != via_lexical => physical,
        (Ok(physical), Err(_)) => physical,
        _ => lexical,
    }
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
    #[cfg(unix)]
    fn a_link_to_the_local_package_is_kept_unless_dot_dot_follows_it() {
        let root = tempfile::tempdir().expect("tempdir");
        let root = std::fs::canonicalize(root.path()).expect("canonical");
        std::fs::create_dir_all(root.join("elsewhere/deep/sdk")).expect("mkdir");
        std::fs::create_dir_all(root.join("packages")).expect("mkdir");
        std::os::unix::fs::symlink("../elsewhere/deep/sdk", root.join("packages/sdk")).expect("ln");
        assert_eq!(
            local_package_dir(&root, Path::new("packages/sdk")),
            root.join("packages/sdk")
        );
        // `packages/sdk/..` is `elsewhere/deep` for the OS, `packages` lexically.
        std::fs::create_dir_all(root.join("elsewhere/deep/other")).expect("mkdir");
        assert_eq!(
            local_package_dir(&root, Path::new("packages/sdk/../other")),
            root.join("elsewhere/deep/other")
        );
        assert_eq!(
            local_package_dir(&root, Path::new("missing/x")),
            root.join("missing/x")
        );
    }
}
