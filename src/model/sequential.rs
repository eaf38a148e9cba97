//! `sequential`: one task after the other on the calling thread — the baseline every model is measured
//! against, and the talk's first client.

use super::{timed, Execution, Job, Lanes, Model};
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
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let t0 = Instant::now();
        let records = (0..job.tasks)
            .map(|i| timed(t0, || job.workload.blocking(i as u64)))
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
        })
    }
}
