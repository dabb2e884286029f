//! Phase timings on stderr, for profiling (`AMEIDE_PY_TIMINGS=1`).

/// With `AMEIDE_PY_TIMINGS` set, prints the time since `started` for a phase to stderr.
pub fn timing(phase: &str, started: std::time::Instant) {
    if std::env::var_os("AMEIDE_PY_TIMINGS").is_some() {
        // resident memory so far (Linux), beside the time: memory is what the kernel zeroes
        let rss_mb = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map_or(String::new(), |pages| {
                format!(", {} MB resident", (pages * 4096) >> 20)
            });
        eprintln!("timing: {phase} done at {:.2?}{rss_mb}", started.elapsed());
    }
}
