//! One run at a time per service: the service directory is opened once ([`safe_fs::Dir`], through which every
//! write goes) and its advisory lock (`flock` on the directory itself) taken, exclusive for a write, shared for
//! `--check`/`--diff` (they must not read a pair while it is being replaced), from before recovery until the
//! last write of that service is done. Locking the directory rather than a lock file leaves nothing in the
//! user's tree and works in read-only directories. The kernel releases the lock when its holder exits, however
//! it exits, so a killed run never blocks the next one.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use safe_fs::{Dir, DirLock};

use super::io_err;
use crate::error::{Error, InputKind, Result};

/// How long a run waits for another run on the same service before giving up, unless [`LOCK_TIMEOUT_ENV`] says
/// otherwise (like uv's `UV_LOCK_TIMEOUT`, in seconds).
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);
pub const LOCK_TIMEOUT_ENV: &str = "UVLOCK_TOOL_LOCK_TIMEOUT";

/// Exclusive for a write, shared for `--check`/`--diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Exclusive,
    Shared,
}

/// An open service directory and its lock (`None` when the file system cannot lock: then runs are not
/// serialized), held while this lives.
#[derive(Debug)]
pub struct Service {
    dir: Dir,
    _lock: Option<DirLock>,
}

impl Service {
    /// The directory handle every write of the service goes through.
    pub fn dir(&self) -> &Dir {
        &self.dir
    }
}

fn try_lock(dir: &Dir, access: Access) -> std::io::Result<Option<DirLock>> {
    match access {
        Access::Exclusive => dir.try_lock(),
        Access::Shared => dir.try_lock_shared(),
    }
}

/// Opens the service directory `path` and locks it, waiting up to `timeout` for another uvlock-tool (reported
/// once on `err`). If the file system does not support locks, warns on `err` and goes on unlocked, as uv does
/// with its own locks.
pub fn open_service(
    path: &Path,
    label: &str,
    access: Access,
    timeout: Duration,
    err: &mut dyn Write,
) -> Result<Service> {
    let dir = Dir::open(path).map_err(|e| io_err(label, "open the directory", e))?;
    let start = Instant::now();
    let mut told = false;
    loop {
        match try_lock(&dir, access) {
            Ok(Some(lock)) => {
                return Ok(Service {
                    dir,
                    _lock: Some(lock),
                })
            }
            Ok(None) => {}
            Err(e) => {
                let _ = writeln!(
                    err,
                    "warning: {label}: cannot lock the directory ({e}); concurrent uvlock-tool runs on it are not detected"
                );
                return Ok(Service { dir, _lock: None });
            }
        }
        if start.elapsed() >= timeout {
            return Err(Error::input(
                InputKind::Io,
                format!(
                    "another uvlock-tool is working on {label}; gave up after {} s (set {LOCK_TIMEOUT_ENV}=<seconds> to wait longer)",
                    timeout.as_secs()
                ),
            ));
        }
        if !told {
            let _ = writeln!(
                err,
                "{label}: waiting for another uvlock-tool working on it (up to {} s)",
                timeout.as_secs()
            );
            told = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The wait from the value of [`LOCK_TIMEOUT_ENV`] (whole seconds), [`DEFAULT_LOCK_TIMEOUT`] when unset.
pub fn lock_timeout(value: Option<&std::ffi::OsStr>) -> Result<Duration> {
    let Some(value) = value else {
        return Ok(DEFAULT_LOCK_TIMEOUT);
    };
    value
        .to_str()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .ok_or_else(|| {
            Error::input(
                InputKind::Usage,
                format!(
                    "{LOCK_TIMEOUT_ENV}={}: expected a whole number of seconds",
                    value.to_string_lossy()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_exclusive_lock_waits_then_fails_and_shared_locks_coexist() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut log = Vec::new();
        let first = open_service(
            dir.path(),
            "svc",
            Access::Exclusive,
            Duration::ZERO,
            &mut log,
        )
        .expect("first lock");
        let second = open_service(
            dir.path(),
            "svc",
            Access::Exclusive,
            Duration::from_millis(120),
            &mut log,
        )
        .expect_err("busy");
        assert!(second
            .to_string()
            .contains("another uvlock-tool is working on svc"));
        assert!(String::from_utf8_lossy(&log)
            .contains("svc: waiting for another uvlock-tool working on it"));
        drop(first);
        let a = open_service(dir.path(), "svc", Access::Shared, Duration::ZERO, &mut log);
        let b = open_service(dir.path(), "svc", Access::Shared, Duration::ZERO, &mut log);
        assert!(a.is_ok() && b.is_ok());
    }

    #[test]
    fn timeout_from_the_environment() {
        assert_eq!(lock_timeout(None).expect("default"), DEFAULT_LOCK_TIMEOUT);
        assert_eq!(
            lock_timeout(Some("3".as_ref())).expect("3"),
            Duration::from_secs(3)
        );
        assert!(lock_timeout(Some("soon".as_ref()))
            .expect_err("bad")
            .to_string()
            .contains("UVLOCK_TOOL_LOCK_TIMEOUT=soon: expected a whole number of seconds"));
    }
}
