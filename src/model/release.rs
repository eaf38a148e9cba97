//! The one place a model's submission loop waits for a task's scheduled release (open-loop
//! arrivals, `arrival.rs`). A loop calls [`wait`] (blocking) or [`wait_async`] before handing task i
//! over; with no schedule both return at once, so a batch runs as before. A sender that falls
//! behind does not shift later tasks' times (they are fixed instants from the first submission), and
//! task latency counts from the scheduled instant (`since`), so falling behind shows as latency —
//! the coordinated omission wrk2 and oha avoid.

use super::Job;
use std::time::{Duration, Instant};

/// Task `task`'s scheduled release, from the first submission (zero in a batch).
pub fn since(job: &Job, task: usize) -> Duration {
    job.schedule
        .as_ref()
        .and_then(|s| s.get(task).copied())
        .unwrap_or_default()
}

/// Block this thread until task `task`'s release (`t0` is the first submission).
pub fn wait(job: &Job, t0: Instant, task: usize) {
    if job.schedule.is_none() {
        return;
    }
    let due = t0 + since(job, task);
    let now = Instant::now();
    if due > now {
        std::thread::sleep(due - now);
    }
}

/// Wait on the runtime until task `task`'s release.
pub async fn wait_async(job: &Job, t0: Instant, task: usize) {
    if job.schedule.is_none() {
        return;
    }
    tokio::time::sleep_until((t0 + since(job, task)).into()).await;
}
