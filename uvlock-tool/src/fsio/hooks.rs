//! Fault hooks for the crash-safety tests, compiled only with the `test-hooks` feature (on for `cargo test`
//! through the crate's dev-dependency on itself, never in a release build). Without it both functions are empty.
//!
//! * `UVLOCK_TOOL_TEST_PAUSE_AT=<stage>`: at that point of a write the process prints
//!   `uvlock-tool: paused at <stage>` on stderr and waits until its stdin is closed, so that a test can kill -9
//!   it exactly there, or let a second run meet it. Stages: `temps-written`, `journal-written`, `renamed-1`,
//!   `renamed-all`.
//! * `UVLOCK_TOOL_TEST_FAIL_AT=<step>`: that I/O step fails as on a full disk (`write-temp`, `write-journal`) or
//!   as a failed rename (`rename-2`: the second rename of a write).

#[cfg(feature = "test-hooks")]
pub(super) fn checkpoint(stage: &str) {
    if std::env::var("UVLOCK_TOOL_TEST_PAUSE_AT").is_ok_and(|s| s == stage) {
        eprintln!("uvlock-tool: paused at {stage}");
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
    }
}

#[cfg(feature = "test-hooks")]
pub(super) fn injected(step: &str) -> std::io::Result<()> {
    if std::env::var("UVLOCK_TOOL_TEST_FAIL_AT").is_ok_and(|s| s == step) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            format!("No space left on device (injected at {step})"),
        ));
    }
    Ok(())
}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub(super) fn checkpoint(_stage: &str) {}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub(super) fn injected(_step: &str) -> std::io::Result<()> {
    Ok(())
}
