//! `cpu`: a counting loop (the 003 article's `for i in range(status * 100_000): r += 1`). `black_box`
//! on every step keeps the optimiser from replacing the loop by its result, so the time is real work.
//! The async form runs it inline: an event loop that does CPU work is blocked by it, which is the point.

use super::{TaskFuture, TaskResult, Workload, WorkloadKind};
use std::hint::black_box;

/// Iterations per task.
pub struct Cpu(pub u64);

/// Count to `iters` one step at a time; returns the count, which the harness checks.
pub fn count_to(iters: u64) -> u64 {
    let mut r = 0u64;
    for _ in 0..black_box(iters) {
        r = black_box(r + 1);
    }
    r
}

impl Workload for Cpu {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Cpu
    }

    fn blocking(&self) -> TaskResult {
        TaskResult::ok(count_to(self.0))
    }

    fn run_async(&self) -> TaskFuture<'_> {
        Box::pin(async move { TaskResult::ok(count_to(self.0)) })
    }
}
