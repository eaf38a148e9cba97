//! Live counters of the server, read through the control listener. `max_in_flight` is the proof a client
//! model held its bound: the largest number of requests inside their delay at the same instant. The
//! outcomes count what the misbehaviour did (admitted or refused by the rate limit; then ok, slow tail,
//! 500, reset, or cancelled by the client), so a client's own counts can be checked against them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Counters shared by every connection of one server.
#[derive(Debug, Default)]
pub struct Stats {
    served: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    by_status: Mutex<BTreeMap<u16, u64>>,
    admitted: AtomicU64,
    ok: AtomicU64,
    slow_tail: AtomicU64,
    refused_429: AtomicU64,
    failed_500: AtomicU64,
    reset: AtomicU64,
    cancelled: AtomicU64,
}

/// How one data request ended, as `/stats` counts it. Requests refused before routing (400, 404, 405,
/// 431) are in `by_status` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Held its normal delay and answered as its path says.
    Ok,
    /// Held in the delay distribution's tail, then answered as its path says.
    SlowTail,
    /// Beyond the rate limit: 429 at once.
    Refused429,
    /// `--fail …,500`: 500 after the delay.
    Failed500,
    /// `--fail …,reset`: the connection reset after the delay.
    Reset,
}

/// What the misbehaviour did to the data requests, each counted once. Every admitted request ends as
/// one of ok, slow_tail, failed_500, reset or cancelled, or is still in flight.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Outcomes {
    /// Requests the rate limit let through (all of them without `--rate`).
    pub admitted: u64,
    pub ok: u64,
    pub slow_tail: u64,
    pub refused_429: u64,
    pub failed_500: u64,
    pub reset: u64,
    /// Admitted requests whose client went away during the delay, as far as the server noticed (worker
    /// mode notices a closed connection; unbounded mode does not watch it during the delay).
    pub cancelled: u64,
}

/// What `/stats` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsSnapshot {
    /// "workers" or "unbounded".
    pub mode: String,
    /// Sync workers; 0 in unbounded mode.
    pub workers: usize,
    /// Default delay of `/`, in milliseconds.
    pub delay_ms: u64,
    /// Responses sent since start or the last reset.
    pub served: u64,
    /// Requests inside their delay right now.
    pub in_flight: u64,
    /// Most requests inside their delay at one instant since start or the last reset.
    pub max_in_flight: u64,
    /// Responses sent, per status code.
    pub by_status: BTreeMap<u16, u64>,
    /// Data requests by outcome; absent (all zero) from a server older than the field.
    #[serde(default)]
    pub outcomes: Outcomes,
}

/// Marks one request as inside its delay for as long as it lives, so a cancelled request (client gone)
/// still leaves the in-flight count right, and is counted as cancelled unless it was [`finish`]ed.
///
/// [`finish`]: InFlight::finish
pub struct InFlight<'a> {
    stats: &'a Stats,
    finished: bool,
}

impl InFlight<'_> {
    /// The delay is over and the request ends as `outcome`.
    pub fn finish(mut self, outcome: Outcome) {
        self.finished = true;
        self.stats.outcome(outcome);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !self.finished {
            self.stats.cancelled.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Stats {
    /// Enter the delay: counts the request in flight until the guard drops.
    pub fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        self.admitted.fetch_add(1, Ordering::SeqCst);
        InFlight {
            stats: self,
            finished: false,
        }
    }

    /// Count how a data request ended (a refusal never enters: it is counted here alone).
    pub fn outcome(&self, outcome: Outcome) {
        let counter = match outcome {
            Outcome::Ok => &self.ok,
            Outcome::SlowTail => &self.slow_tail,
            Outcome::Refused429 => &self.refused_429,
            Outcome::Failed500 => &self.failed_500,
            Outcome::Reset => &self.reset,
        };
        counter.fetch_add(1, Ordering::SeqCst);
    }

    fn outcomes(&self) -> Outcomes {
        let get = |c: &AtomicU64| c.load(Ordering::SeqCst);
        Outcomes {
            admitted: get(&self.admitted),
            ok: get(&self.ok),
            slow_tail: get(&self.slow_tail),
            refused_429: get(&self.refused_429),
            failed_500: get(&self.failed_500),
            reset: get(&self.reset),
            cancelled: get(&self.cancelled),
        }
    }

    /// Count one response sent with `status`.
    pub fn record(&self, status: u16) {
        self.served.fetch_add(1, Ordering::SeqCst);
        *self.by_status.lock().unwrap().entry(status).or_default() += 1;
    }

    /// Zero the counters; the high-water mark restarts from what is in flight now.
    pub fn reset(&self) {
        let mut by_status = self.by_status.lock().unwrap();
        by_status.clear();
        self.served.store(0, Ordering::SeqCst);
        for c in [
            &self.admitted,
            &self.ok,
            &self.slow_tail,
            &self.refused_429,
            &self.failed_500,
            &self.reset,
            &self.cancelled,
        ] {
            c.store(0, Ordering::SeqCst);
        }
        self.max_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    pub fn snapshot(&self, mode: &str, workers: usize, delay_ms: u64) -> StatsSnapshot {
        StatsSnapshot {
            mode: mode.to_string(),
            workers,
            delay_ms,
            served: self.served.load(Ordering::SeqCst),
            in_flight: self.in_flight.load(Ordering::SeqCst),
            max_in_flight: self.max_in_flight.load(Ordering::SeqCst),
            by_status: self.by_status.lock().unwrap().clone(),
            outcomes: self.outcomes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_dropped_in_its_delay_is_cancelled_and_a_finished_one_is_not() {
        let stats = Stats::default();
        stats.enter().finish(Outcome::SlowTail);
        drop(stats.enter());
        stats.outcome(Outcome::Refused429);
        let o = stats.snapshot("workers", 1, 0).outcomes;
        assert_eq!(
            o,
            Outcomes {
                admitted: 2,
                slow_tail: 1,
                refused_429: 1,
                cancelled: 1,
                ..Outcomes::default()
            }
        );
        stats.reset();
        assert_eq!(
            stats.snapshot("workers", 1, 0).outcomes,
            Outcomes::default()
        );
    }

    #[test]
    fn a_snapshot_without_outcomes_still_reads() {
        let old = r#"{"mode":"workers","workers":3,"delay_ms":1000,"served":15,"in_flight":0,
                      "max_in_flight":3,"by_status":{"200":15}}"#;
        let s: StatsSnapshot = serde_json::from_str(old).unwrap();
        assert_eq!((s.served, s.outcomes), (15, Outcomes::default()));
    }
}
