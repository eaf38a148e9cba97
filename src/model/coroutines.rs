//! `coroutines`: a stackful coroutine per task on may's scheduler (one worker thread per allowed CPU,
//! coroutines stolen between them), written as blocking code: a wait, a GET on may's sockets, a
//! count, each of which parks the coroutine instead of its thread — Go's goroutines' shape in Rust.
//! Beside `threads` it shows what a stack of one's own costs without a kernel thread; beside `async`,
//! what a stack costs over a future's state machine.
//!
//! may's scheduler is configured once per process, before its first coroutine (workers: the allowed
//! CPUs then; a stack of [`STACK_WORDS`] words each) and started in the setup, so the makespan does
//! not include starting its threads. may pins its workers to CPUs (its default, kept). It runs a
//! task's plain steps (`Workload::steps`), as async-uring does; its GET comes from the kernel's
//! source address only (see `client/coroutine.rs`).

use super::aggregate::Joined;
use super::footprint::{Holds, COROUTINE};
use super::steps;
use super::{Execution, Job, Lanes, Model, TaskRecord};
use crate::client::Req;
use crate::names::FailureKind;
use crate::workload::{Params, TaskResult, Workload};
use std::sync::{Arc, Once};
use std::time::Instant;

pub struct Coroutines;

/// Each coroutine's stack, in words (8 bytes): twice may's default of 0x1000 (32 KiB), headroom for
/// the client's parsing in an unoptimised build (a coroutine's stack does not grow); it is mapped,
/// and only the pages a task touches count in its memory.
pub const STACK_WORDS: usize = 0x2000;

/// may's scheduler: configured once, before its first coroutine.
static CONFIGURED: Once = Once::new();

impl Model for Coroutines {
    fn about(&self) -> &'static str {
        "a stackful coroutine per task (may), blocking-style code on its sockets, a worker per core"
    }
    fn takes_limit(&self) -> bool {
        false
    }
    fn lanes(&self, tasks: usize, _limit: usize, _per_worker: usize, cores: usize) -> Lanes {
        Lanes {
            in_flight: tasks,
            cpu: cores.min(tasks).max(1),
        }
    }
    fn holds(&self, tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        Holds::on_a_loop(vec![(COROUTINE, tasks)])
    }
    fn refuses(&self, params: &Params) -> Option<String> {
        steps::refuses("coroutines", params)
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        if let Some(why) = self.refuses(&job.params) {
            anyhow::bail!(why);
        }
        let t = Instant::now();
        CONFIGURED.call_once(|| {
            let cores = crate::measure::machine::allowed_cpus().len().max(1);
            may::config().set_workers(cores).set_stack_size(STACK_WORDS);
        });
        // The scheduler starts its threads with the first coroutine: here, in the setup.
        spawn(|| ()).join().map_err(|_| {
            anyhow::anyhow!("coroutines: may's scheduler did not run a first coroutine")
        })?;
        let setup = t.elapsed();
        let t0 = Instant::now();
        let t0_ns = crate::ledger::clock::instant_ns(t0);
        let handles: Vec<_> = (0..job.tasks as u64)
            .map(|task| {
                let workload = job.workload.clone();
                spawn(move || {
                    let start = t0.elapsed();
                    let result = run_steps(&workload, task);
                    TaskRecord {
                        start,
                        end: t0.elapsed(),
                        result,
                        attempts: 1,
                        marks: Default::default(),
                    }
                })
            })
            .collect();
        let spawning = t0.elapsed();
        let mut joined = Joined::new(job);
        for handle in handles {
            // A panicking coroutine fails alone (may recovers it in its join).
            let record = handle.join();
            joined.add(record.unwrap_or_else(|_| TaskRecord::panicked(t0.elapsed())));
        }
        let (records, aggregate) = joined.finish();
        Ok(Execution {
            aggregate,
            spawned: Some((job.tasks, spawning)),
            t0_ns,
            ..Execution::of(setup, records)
        })
    }
}

/// Start a coroutine.
fn spawn<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> may::coroutine::JoinHandle<T> {
    // SAFETY: may's spawn is unsafe because a coroutine may resume on another worker thread, so a
    // thread-local borrowed across a parking call would be another thread's. A task's steps hold no
    // thread-local across its waits (the ledger's marks, the only thread-local a task could reach, are
    // not taken on this path).
    unsafe { may::coroutine::spawn(f) }
}

/// Task `task`'s steps in its coroutine: wait, GET, count, each parking only the coroutine.
fn run_steps(workload: &Arc<dyn Workload>, task: u64) -> TaskResult {
    let Some(steps) = workload.steps(task) else {
        return steps::failed(FailureKind::Io);
    };
    if !steps.wait.is_zero() {
        may::coroutine::sleep(steps.wait);
    }
    let got = steps.get.map(|get| {
        let sent = Instant::now();
        let answer = get.get_coroutine(Req::first(task));
        (answer, sent.elapsed())
    });
    steps.finish(got)
}
