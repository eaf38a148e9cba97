//! The load-curve suite (issue 26): GETs released at a constant offered rate, swept from well below
//! a model's capacity to past it, for threads, thread-pool, async-semaphore and async, against the
//! server's 3 workers and against the unbounded server. Each case offers its rate for `WINDOW` (N =
//! R × WINDOW tasks), and its latency counts from each task's scheduled release, so past the knee
//! (capacity = min(k, W) / d) the queue and the latency grow over the run — the hockey stick. About
//! 75 s of measuring at one repetition. Part of the plan (tests/layers.rs places it there).

use super::IoParams;
use crate::arrival::Arrival;
use crate::model::ModelKind::{self, *};
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::{Params, ServerPlan};
use std::time::Duration;

/// Each request's delay at the server.
pub const DELAY: Duration = Duration::from_millis(50);
/// How long each case offers its rate.
pub const WINDOW: Duration = Duration::from_secs(2);
/// The bounded models' limit against the unbounded server (their capacity there: 8 / 50 ms = 160/s).
pub const LIMIT: usize = 8;

/// The servers and the offered rates swept against each, per second: the knee of W = 3 at 50 ms is
/// 60/s; of k = 8 on the unbounded server, 160/s (threads and async have none there).
pub const SWEEPS: [(usize, [f64; 4]); 2] = [(3, [20.0, 40.0, 60.0, 90.0]), (0, [40.0, 80.0, 160.0, 240.0])];

/// The models, each with its limit against a server of `workers` (0: unbounded).
pub fn models(workers: usize) -> [(ModelKind, Option<usize>); 4] {
    // Against 3 workers the bounded models hold the server's own number (the talk's semaphore).
    let k = if workers == 0 { LIMIT } else { workers };
    [
        (Threads, None),
        (ThreadPool, Some(k)),
        (AsyncSemaphore, Some(k)),
        (Async, None),
    ]
}

pub struct LoadCurve;

impl SuiteCases for LoadCurve {
    fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for (workers, rates) in SWEEPS {
            for (model, limit) in models(workers) {
                for per_s in rates {
                    let tasks = (per_s * WINDOW.as_secs_f64()).round() as usize;
                    let io = IoParams::new(ServerPlan {
                        workers,
                        delay: DELAY,
                    });
                    let case = Case::new(Group::LoadCurve, model, tasks, limit, Params::Io(io));
                    cases.push(Case {
                        arrival: Arrival::Constant { per_s },
                        // A rate's ideal is not a batch's: no ledger.
                        ledger: false,
                        ..case.reps(1, 0)
                    });
                }
            }
        }
        cases
    }
}
