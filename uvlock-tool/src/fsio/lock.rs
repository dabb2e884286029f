//! One run at a time per service: an advisory lock (`flock`) on the service directory itself, held from before
//! recovery until the last write of that service is done. A write takes it exclusively, `--check`/`--diff`
//! shared (they must not read a pair while it is being replaced). Locking the directory rather than a lock file
//! leaves nothing in the user's tree and works in read-only directories. The kernel releases the lock when its
//! holder exits, however it exits, so a killed run never blocks the next one.

use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

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

/// Held while it lives; `None` inside when the file system cannot lock (then runs are not serialized).
#[derive(Debug)]
pub struct ServiceLock {
    _dir: Option<File>,
}

fn try_lock(dir: &File, access: Access) -> std::result::Result<(), TryLockError> {
    match access {
        Access::Exclusive => dir.try_lock(),
        Access::Shared => dir.try_lock_shared(),
    }
}

/// Locks the service directory `dir`, waiting up to `timeout` for another uvlock-tool (reported once on `err`).
/// If the file system does not support locks, warns on `err` and goes on unlocked, as uv does with its own locks.
pub fn lock_service(
    dir: &Path,
    label: &str,
    access: Access,
    timeout: Duration,
    err: &mut dyn Write,
) -> Result<ServiceLock> {
    let unlocked = |err: &mut dyn Write, e: &dyn std::fmt::Display| {
        let _ = writeln!(
            err,
            "warning: {label}: cannot lock the directory ({e}); concurrent uvlock-tool runs on it are not detected"
        );
        ServiceLock { _dir: None }
    };
    let file = match File::open(dir) {
        Ok(file) => file,
        Err(e) => return Ok(unlocked(err, &e)),
    };
    let start = Instant::now();
    let mut told = false;
    loop {
        match try_lock(&file, access) {
            Ok(()) => return Ok(ServiceLock { _dir: Some(file) }),
            Err(TryLockError::Error(e)) => return Ok(unlocked(err, &e)),
            Err(TryLockError::WouldBlock) => {}
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
        let first = lock_service(
            dir.path(),
            "svc",
            Access::Exclusive,
            Duration::ZERO,
            &mut log,
        )
        .expect("first lock");
        let second = lock_service(
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
        let a = lock_service(dir.path(), "svc", Access::Shared, Duration::ZERO, &mut log);
        let b = lock_service(dir.path(), "svc", Access::Shared, Duration::ZERO, &mut log);
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
