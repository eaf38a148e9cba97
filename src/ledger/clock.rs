//! The one clock of the ledger: CLOCK_MONOTONIC, the clock the server stamps with (the test server
//! runs on the same machine), so a task's marks and the server's stamps compare directly. `Instant`
//! reads the same clock on Linux but does not say its value: [`instant_ns`] maps one through an
//! anchor taken once. Whether marks are taken at all is one switch for the process (`--ledger off`
//! turns it off, to measure what the marks cost).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Whether tasks take their marks (on unless the run said `--ledger off`).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Turn the marks on or off for this process (a case process, from its spec, before its tasks).
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// The environment variable that carries the switch to a process the case starts (pool workers):
/// `off` turns the marks off there.
pub const SWITCH_ENV: &str = "CONCBENCH_LEDGER";

/// Take the switch from [`SWITCH_ENV`], when set (a pool worker, at its start).
pub fn switch_from_env() {
    if let Ok(v) = std::env::var(SWITCH_ENV) {
        set_enabled(v != "off");
    }
}

/// CLOCK_MONOTONIC now, nanoseconds: the server's own reading of it, so both sides stamp alike.
pub use concbench_server::stamp::now_ns;

/// `at` on CLOCK_MONOTONIC, nanoseconds (through an (Instant, now_ns) pair read once, back to
/// back: off by at most the few tens of nanoseconds between the two reads).
pub fn instant_ns(at: Instant) -> u64 {
    static ANCHOR: OnceLock<(Instant, u64)> = OnceLock::new();
    let (i0, n0) = *ANCHOR.get_or_init(|| (Instant::now(), now_ns()));
    match at.checked_duration_since(i0) {
        Some(after) => n0 + after.as_nanos() as u64,
        None => n0.saturating_sub(i0.duration_since(at).as_nanos() as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_maps_between_the_clock_reads_around_it() {
        let before = now_ns();
        let at = Instant::now();
        let after = now_ns();
        // The anchor may be taken after `at`: mapping backwards must hold too.
        let mapped = instant_ns(at);
        assert!(
            mapped + 1_000 >= before && mapped <= after + 1_000,
            "{before} ≤ {mapped} ≤ {after}"
        );
    }
}
