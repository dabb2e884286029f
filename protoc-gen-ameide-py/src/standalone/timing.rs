//! Phase timings on stderr, for profiling (`AMEIDE_PY_TIMINGS=1`): each line gives the wall time since the
//! first timing call of the process (made when the command starts), the process's CPU time so far and its
//! resident memory.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Starts the clock the phases are timed against (the first call wins).
pub fn start() {
    START.get_or_init(Instant::now);
}

/// With `AMEIDE_PY_TIMINGS` set, prints the end of a phase to stderr.
pub fn timing(phase: &str) {
    let started = *START.get_or_init(Instant::now);
    if std::env::var_os("AMEIDE_PY_TIMINGS").is_none() {
        return;
    }
    // resident memory so far (Linux), beside the time: memory is what the kernel zeroes
    let rss_mb = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(String::new(), |pages| {
            format!(", {} MB resident", (pages * 4096) >> 20)
        });
    // user + system CPU time so far (clock ticks of 10 ms) of the process and of this thread (the work that
    // no other core shares): on a loaded host, wall time says little
    let cpu_seconds = |stat: &str| {
        let s = std::fs::read_to_string(stat).ok()?;
        let fields: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(ticks as f64 / 100.0)
    };
    let cpu = match (
        cpu_seconds("/proc/self/stat"),
        cpu_seconds("/proc/thread-self/stat"),
    ) {
        (Some(all), Some(this)) => format!(", {all:.2} s CPU ({this:.2} s on this thread)"),
        _ => String::new(),
    };
    eprintln!(
        "timing: {phase} done at {:.2?}{cpu}{rss_mb}",
        started.elapsed()
    );
}
