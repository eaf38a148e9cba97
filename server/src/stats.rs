//! Live counters of the server, read through the control listener. `max_in_flight` is the proof a client
//! model held its bound: the largest number of requests inside their delay at the same instant.

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
}

/// Marks one request as inside its delay for as long as it lives, so a cancelled request (client gone)
/// still leaves the in-flight count right.
pub struct InFlight<'a>(&'a Stats);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Stats {
    /// Enter the delay: counts the request in flight until the guard drops.
    pub fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
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
        }
    }
}
