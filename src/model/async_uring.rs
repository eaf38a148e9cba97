//! `async-uring`: one event loop on io_uring (compio's runtime), a task per task, joined — what
//! `async-single` is on tokio's epoll loop, with completion-based I/O instead of readiness: the
//! kernel does the connect, write and read and the loop is woken with their results. Waiting
//! overlaps; CPU work blocks the loop, as on any single loop.
//!
//! compio rather than monoio or tokio-uring: it is the one of the three still released often (0.17
//! to 0.19.2 and a 0.20 beta at the time of writing, where monoio's last release is 0.2.4 and
//! tokio-uring's 0.5.0), it catches a task's panic in its join handle, and it has a timer and TCP
//! with bind-before-connect (the harness's source addresses). Only its io_uring driver is built: on a
//! kernel or sandbox that refuses io_uring the model fails to start and says so, never running on
//! epoll unnoticed.
//!
//! Its loop cannot poll tokio's futures, so it runs a task's plain steps ([`Workload::steps`]: a wait,
//! the direct client's GET on compio's sockets, a count) and refuses workloads that are more than
//! that.

use super::aggregate::Joined;
use super::footprint::{Holds, TASK};
use super::steps;
use super::watched::Watched;
use super::{Execution, Job, Lanes, Model, TaskRecord};
use crate::client::Req;
use crate::names::FailureKind;
use crate::workload::{Params, TaskResult, Workload};
use std::time::Instant;

pub struct AsyncUring;

impl Model for AsyncUring {
    fn about(&self) -> &'static str {
        "one event loop on io_uring (compio), like async-single with completion-based I/O"
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
    fn refuses(&self, params: &Params) -> Option<String> {
        steps::refuses("async-uring", params)
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        if let Some(why) = self.refuses(&job.params) {
            anyhow::bail!(why);
        }
        let t = Instant::now();
        let rt = compio::runtime::Runtime::new().map_err(|e| {
            anyhow::anyhow!("async-uring: cannot start an io_uring runtime here ({e})")
        })?;
        let setup = t.elapsed();
        let t0 = Instant::now();
        let t0_ns = crate::ledger::clock::instant_ns(t0);
        let watch = crate::ledger::enabled();
        let (records, aggregate, spawning) = rt.block_on(async {
            let handles: Vec<_> = (0..job.tasks as u64)
                .map(|task| {
                    let workload = job.workload.clone();
                    let future = async move {
                        let start = t0.elapsed();
                        let result = steps(&*workload, task).await;
                        TaskRecord {
                            start,
                            end: t0.elapsed(),
                            result,
                            attempts: 1,
                            marks: Default::default(),
                        }
                    };
                    match watch {
                        true => compio::runtime::spawn(Watched::new(future, t0_ns)),
                        false => compio::runtime::spawn(future),
                    }
                })
                .collect();
            let spawning = t0.elapsed();
            let mut joined = Joined::new(job);
            for handle in handles {
                // A panicking task fails alone (compio catches it in the task).
                let record = handle.await;
                joined.add(record.unwrap_or_else(|_| TaskRecord::panicked(t0.elapsed())));
            }
            let (records, aggregate) = joined.finish();
            (records, aggregate, spawning)
        });
        drop(rt);
        Ok(Execution {
            aggregate,
            spawned: Some((job.tasks, spawning)),
            t0_ns,
            ..Execution::of(setup, records)
        })
    }
}

/// Task `task`'s steps on the loop: wait, GET, count.
async fn steps(workload: &dyn Workload, task: u64) -> TaskResult {
    let Some(steps) = workload.steps(task) else {
        // refuses() keeps such workloads out; a workload built by hand that has no steps fails.
        return steps::failed(FailureKind::Io);
    };
    if !steps.wait.is_zero() {
        compio::time::sleep(steps.wait).await;
    }
    let got = match steps.get {
        Some(get) => {
            let sent = Instant::now();
            let answer = get.get_uring(Req::first(task)).await;
            Some((answer, sent.elapsed()))
        }
        None => None,
    };
    // Counted on the loop's own thread: while it counts, no other task advances.
    steps.finish(got)
}
