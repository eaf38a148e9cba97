//! `concbench-child MS`: the program the `subprocess` workload starts, one per task (Effective Python's
//! item 52 starts `sleep`). It reads the monotonic clock first thing, says so, sleeps MS milliseconds,
//! and says that it did:
//!
//! ```text
//! concbench-child <pid> started <CLOCK_MONOTONIC, ns>
//! concbench-child <pid> slept <MS>
//! ```
//!
//! The task reads both lines (src/workload/subprocess/output.rs; a change here is a change there): the
//! first gives the start cost, spawn call → this program running, on the clock both processes share;
//! the second, with the pid, shows the child did its work. The first line is written before the sleep
//! so a child killed at its timeout has said when it started.
//!
//! Std and libc's clock only, so what a task pays to start it is what starting a small program costs:
//! no runtime, no harness.

use std::time::Duration;

/// CLOCK_MONOTONIC in nanoseconds: the clock the parent read right before its spawn call (the same
/// clock for every process of the machine).
fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn main() {
    let started = monotonic_ns();
    let args: Vec<String> = std::env::args().collect();
    let ms = match (args.len(), args.get(1).map(|a| a.parse::<u64>())) {
        (2, Some(Ok(ms))) => ms,
        _ => {
            eprintln!("usage: concbench-child MS (sleeps MS milliseconds, printing two lines)");
            std::process::exit(2)
        }
    };
    let pid = std::process::id();
    // Stdout is line-buffered: each line reaches the pipe as it is printed.
    println!("concbench-child {pid} started {started}");
    std::thread::sleep(Duration::from_millis(ms));
    println!("concbench-child {pid} slept {ms}");
}
