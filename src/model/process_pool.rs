//! `process-pool`: k worker processes (this binary in worker mode), fed one task at a time over pipes,
//! like `multiprocessing.Pool(k).map`. One dispatcher thread per worker sends a task (with the data
//! it makes for it, written down the pipe), waits for its answer (and the data it hands back, read
//! from the pipe and checked) and sends the next. A worker that dies is noticed at once (its pipe ends), its task counts as
//! `worker-lost`, and a fresh worker takes its place; `retries` resubmits failed tasks.

use super::footprint::{Holds, PROCESS};
use super::worker_process::{run_pool, Queue, Records, Worker};
use super::{received, Execution, Job, Lanes, Marks, Model, TaskRecord};
use crate::results::WorkerUsage;
use crate::workload::{FailureKind, TaskResult};
use std::time::{Duration, Instant};

pub struct ProcessPool;

impl Model for ProcessPool {
    fn about(&self) -> &'static str {
        "k worker processes fed over pipes, one task at a time each (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn moves_data(&self) -> bool {
        true
    }
    fn lanes(&self, tasks: usize, limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        Lanes::bounded(tasks, limit)
    }
    fn holds(&self, _tasks: usize, limit: usize, _per_worker: usize) -> Holds {
        Holds::blocking(vec![(PROCESS, limit)])
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let exec = run_pool(job, false, dispatch)?;
        // k processes started and ready to take a task: the pool's setup, and its spawn cost per
        // process (exec of this binary included, as a fresh `multiprocessing` worker pays it too).
        Ok(Execution {
            spawned: Some((job.limit, exec.setup)),
            ..exec
        })
    }
}

/// Feed one worker until the queue is empty, replacing it if it dies; returns the usage of every
/// process this dispatcher owned. The worker is spawned and reaped by the same dispatcher's lifetime.
fn dispatch(
    mut worker: Worker,
    job: &Job,
    t0: Instant,
    queue: &Queue,
    records: &Records,
) -> anyhow::Result<WorkerUsage> {
    let mut usage = WorkerUsage::default();
    loop {
        let Some((task, attempt)) = queue.lock().unwrap().pop_front() else {
            break;
        };
        let start = t0.elapsed();
        let parcel = job.workload.parcel(task);
        let answer = worker.run(task, &parcel);
        drop(parcel);
        let answer = answer.map(|(done, ran)| (received(job.workload.as_ref(), task, done), ran));
        let end = t0.elapsed();
        // The hop, measured as queue-workers measures it: the dispatcher's wait beyond the worker's
        // own run time.
        let mut hop = None;
        let mut marks = Marks::default();
        let result = match answer {
            Ok((result, ran)) => {
                hop = ran
                    .s
                    .map(|r| (end - start).saturating_sub(Duration::from_secs_f64(r)));
                marks.run_delay = ran.run_delay;
                marks.run = ran.run;
                // The worker's clock and this one are the machine's CLOCK_MONOTONIC.
                let t0_ns = crate::ledger::clock::instant_ns(t0);
                marks.done = ran
                    .done_ns
                    .map(|d| Duration::from_nanos(d.saturating_sub(t0_ns)).clamp(start, end));
                result
            }
            Err(_) => {
                // The pipe ended: the worker is gone. Reap it and start a fresh one in its place.
                usage.add(&worker.reap());
                worker = Worker::spawn(job, false)?;
                TaskResult::failed(FailureKind::WorkerLost)
            }
        };
        let resubmit = result.outcome.is_err_and(|kind| job.resubmits(kind));
        if resubmit && (attempt as usize) <= job.retries {
            queue.lock().unwrap().push_back((task, attempt + 1));
            continue;
        }
        let record = TaskRecord {
            start,
            end,
            result,
            marks,
            attempts: attempt,
        };
        records.lock().unwrap()[task as usize] = Some((record, hop));
    }
    usage.add(&worker.finish());
    Ok(usage)
}
