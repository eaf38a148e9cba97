//! `async-blocking-pool`: the multi-thread runtime of `async`, with each task's CPU work handed to
//! tokio's blocking pool (`spawn_blocking`), so the event loops keep serving other tasks' waits and
//! requests while the counting runs on threads of its own — the usual fix for "do not block the event
//! loop" (Effective Python item 62), measured.

use super::async_tasks::{multi_thread, spawn_all, Cpu};
use super::footprint::{Holds, TASK, THREAD};
use super::{Execution, Job, Lanes, Model};

pub struct AsyncBlockingPool;

/// tokio's default cap on blocking-pool threads.
const BLOCKING_POOL_MAX: usize = 512;

impl Model for AsyncBlockingPool {
    fn about(&self) -> &'static str {
        "tokio multi-thread runtime, one task per task, CPU work in spawn_blocking"
    }
    fn takes_limit(&self) -> bool {
        false
    }
    fn lanes(&self, tasks: usize, _limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        // The blocking pool grows a thread per waiting CPU part (up to 512): as many lanes as tasks,
        // which the cores then bound.
        Lanes {
            in_flight: tasks,
            cpu: tasks,
        }
    }
    fn holds(&self, tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        // Requests are made on the loop; only CPU parts go to the blocking pool's threads.
        Holds::on_a_loop(vec![(TASK, tasks), (THREAD, tasks.min(BLOCKING_POOL_MAX))])
    }
    fn takes_arrival(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let (rt, setup) = multi_thread()?;
        Ok(spawn_all(rt, setup, job, None, Cpu::Offloaded))
    }
}
