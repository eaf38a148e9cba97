//! `async-semaphore`: the multi-thread runtime with k permits, so at most k tasks are past their permit
//! at once — the talk's `asyncio.Semaphore(3)`, kind to a server with 3 workers.

use super::async_tasks::{multi_thread, runtime_threads, spawn_all, Cpu};
use super::footprint::{Holds, TASK};
use super::{Execution, Job, Lanes, Model};

pub struct AsyncSemaphore;

impl Model for AsyncSemaphore {
    fn about(&self) -> &'static str {
        "tokio multi-thread runtime, a task per task, k semaphore permits (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn lanes(&self, tasks: usize, limit: usize, _per_worker: usize, cores: usize) -> Lanes {
        let k = limit.min(tasks);
        Lanes {
            in_flight: k,
            cpu: k.min(runtime_threads(cores)),
        }
    }
    fn holds(&self, tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        Holds::on_a_loop(vec![(TASK, tasks)])
    }
    fn takes_arrival(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let (rt, setup) = multi_thread()?;
        Ok(spawn_all(rt, setup, job, Some(job.limit), Cpu::OnTheLoop))
    }
}
