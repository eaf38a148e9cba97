//! `sequential`: one task after the other on the calling thread — the baseline every model is measured
//! against, and the talk's first client. Data a task is handed (payload) is made, used and checked on
//! the same thread: nothing is moved.

use super::{received, timed, Execution, Job, Lanes, Model};
use std::time::{Duration, Instant};

pub struct Sequential;

impl Model for Sequential {
    fn about(&self) -> &'static str {
        "one task after another on one thread"
    }
    fn takes_limit(&self) -> bool {
        false
    }
    fn lanes(&self, _tasks: usize, _limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        Lanes {
            in_flight: 1,
            cpu: 1,
        }
    }
    fn moves_data(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let t0 = Instant::now();
        let w = job.workload.as_ref();
        let moves = job.params.describe().moves_data();
        let records = (0..job.tasks as u64)
            .map(|i| match moves {
                true => timed(t0, || received(w, i, w.blocking_with(i, w.parcel(i)))),
                false => timed(t0, || w.blocking(i)),
            })
            .collect();
        Ok(Execution {
            setup: Duration::ZERO,
            records,
            workers: None,
            pool: None,
            stages: None,
            aggregate: None,
            spawned: None,
            spawn_error: None,
            t0_ns: crate::ledger::clock::instant_ns(t0),
            hops: None,
        })
    }
}
