//! `rayon`: a dedicated k-thread rayon pool running the tasks as a parallel iterator, one task per job
//! (`with_max_len(1)`) so idle threads steal single tasks rather than halves of the range.

use super::footprint::{Holds, THREAD};
use super::{timed, Execution, Job, Lanes, Model};
use rayon::prelude::*;
use std::time::Instant;

pub struct RayonPool;

impl Model for RayonPool {
    fn about(&self) -> &'static str {
        "a dedicated k-thread rayon pool, par_iter over the tasks (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn lanes(&self, tasks: usize, limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        Lanes::bounded(tasks, limit)
    }
    fn holds(&self, _tasks: usize, limit: usize, _per_worker: usize) -> Holds {
        Holds::blocking(vec![(THREAD, limit)])
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let setup_start = Instant::now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(job.limit)
            .thread_name(|i| format!("rayon-{i}"))
            .build()?;
        let setup = setup_start.elapsed();
        let t0 = Instant::now();
        let records = pool.install(|| {
            (0..job.tasks)
                .into_par_iter()
                .with_max_len(1)
                .map(|i| timed(t0, || job.workload.blocking(i as u64)))
                .collect()
        });
        Ok(Execution {
            setup,
            records,
            workers: None,
            pool: Some(job.limit),
            stages: None,
            aggregate: None,
            spawned: None,
            spawn_error: None,
            t0_ns: crate::ledger::clock::instant_ns(t0),
            hops: None,
        })
    }
}
