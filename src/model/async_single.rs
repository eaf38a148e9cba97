//! `async-single`: tokio's current-thread runtime, one event loop on one thread — the analogue of
//! Python's asyncio. Waiting overlaps; CPU work blocks the loop and runs one task at a time.

use super::async_tasks::{spawn_all, Cpu};
use super::footprint::{Holds, TASK};
use super::{Execution, Job, Lanes, Model};
use std::time::Instant;

pub struct AsyncSingle;

impl Model for AsyncSingle {
    fn about(&self) -> &'static str {
        "tokio current-thread runtime: one event loop, like asyncio; CPU work blocks it"
    }
    fn takes_limit(&self) -> bool {
        false
    }
    fn lanes(&self, tasks: usize, _limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        Lanes {
            in_flight: tasks,
            cpu: 1,
        }
    }
    fn holds(&self, tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        Holds::on_a_loop(vec![(TASK, tasks)])
    }
    fn takes_arrival(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let t = Instant::now();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(spawn_all(rt, t.elapsed(), job, None, Cpu::OnTheLoop))
    }
}
