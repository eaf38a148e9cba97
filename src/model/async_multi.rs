//! `async`: tokio's multi-thread runtime, one spawned task per task, all joined — the talk's
//! asyncio.gather, with as many event-loop threads as CPUs.

use super::async_tasks::{multi_thread, runtime_threads, spawn_all, Cpu};
use super::footprint::{Holds, TASK};
use super::{Execution, Job, Lanes, Model};

pub struct AsyncMulti;

impl Model for AsyncMulti {
    fn about(&self) -> &'static str {
        "tokio multi-thread runtime, one task per task, join all"
    }
    fn takes_limit(&self) -> bool {
        false
    }
    fn lanes(&self, tasks: usize, _limit: usize, _per_worker: usize, cores: usize) -> Lanes {
        Lanes {
            in_flight: tasks,
            cpu: runtime_threads(cores).min(tasks),
        }
    }
    fn holds(&self, tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        Holds::on_a_loop(vec![(TASK, tasks)])
    }
    fn runs_stages(&self) -> bool {
        true
    }
    fn takes_arrival(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        if job.workload.stages().is_some() {
            return super::stages::on_tasks(job);
        }
        let (rt, setup) = multi_thread()?;
        Ok(spawn_all(rt, setup, job, None, Cpu::OnTheLoop))
    }
}
