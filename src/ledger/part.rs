//! A task's CPU part, measured where it runs. The probe beside a repetition says how long a CPU part
//! takes (t₁), but on a shared machine the vCPU's speed moves within seconds: this project's VM has
//! run the same count at 0.3× to 1.8× the probe's time inside one case. So each CPU part reads its
//! thread's schedstat before and after it — a count runs without yielding, so its thread is its own
//! for that span even on an event loop — and the task carries its run time and the time it was
//! preempted. The ledger then knows the speed the case's CPU parts actually ran at.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A CPU part's time on a CPU and its time runnable but preempted, nanoseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PartRun {
    pub run_ns: u64,
    pub run_delay_ns: u64,
    /// Run on another thread than its task's (tokio's blocking pool): on its event loop the task
    /// was away, not polled and not waiting for the loop, for the part's run and preemption.
    #[serde(default)]
    pub offloaded: bool,
}

/// Run `part` (a CPU part: it does not yield) on this thread and, with the ledger on, its schedstat
/// over it (None with the ledger off or no schedstat here).
pub fn measured<T>(part: impl FnOnce() -> T) -> (T, Option<PartRun>) {
    measured_if(super::enabled(), part)
}

fn measured_if<T>(on: bool, part: impl FnOnce() -> T) -> (T, Option<PartRun>) {
    let before = on.then(super::schedstat::this_thread).flatten();
    let value = part();
    let after = before.and(super::schedstat::this_thread());
    let run = before.zip(after).map(|(b, a)| PartRun {
        run_ns: a.run_ns.saturating_sub(b.run_ns),
        run_delay_ns: a.run_delay_ns.saturating_sub(b.run_delay_ns),
        offloaded: false,
    });
    (value, run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_is_measured_with_the_ledger_on_and_not_with_it_off() {
        let t = std::time::Instant::now();
        let (n, run) = measured_if(true, || {
            (0..std::hint::black_box(20_000_000u64)).fold(0u64, |r, _| std::hint::black_box(r + 1))
        });
        let wall = t.elapsed().as_nanos() as u64;
        assert_eq!(n, 20_000_000);
        let run = run.expect("schedstat on this kernel");
        // On a CPU or preempted: together no more than the wall time around them (a tick's lag).
        assert!(
            run.run_ns > 0 && run.run_ns + run.run_delay_ns <= wall + 10_000_000,
            "{run:?}"
        );
        assert_eq!(measured_if(false, || 1), (1, None));
    }
}
