//! `async-process-pool`: k worker processes, each running up to c tasks at once on its own tokio
//! current-thread event loop — the aiomultiprocess shape (its default c is 16). Each worker builds its
//! workload and HTTP client once when it starts (a per-worker initializer: resources that cannot cross
//! processes are made in the worker). One dispatcher thread per worker keeps c tasks in flight in it
//! (or an even share of the job, when that is fewer): it sends that many task numbers, and one more
//! each time an answer comes back. A task that fails is
//! resubmitted up to `retries` times; a worker that dies takes its in-flight tasks with it (each counted
//! `worker-lost`, or resubmitted) and a fresh worker takes its place.

use super::footprint::{Holds, PROCESS, TASK};
use super::worker_process::{run_pool, Queue, Records, Worker};
use super::{received, Execution, Job, Lanes, Marks, Model, TaskRecord};
use crate::results::WorkerUsage;
use crate::workload::{FailureKind, TaskResult};
use std::collections::HashMap;
use std::time::{Duration, Instant};

pub struct AsyncProcessPool;

impl Model for AsyncProcessPool {
    fn about(&self) -> &'static str {
        "k worker processes, each an event loop running up to 16 tasks at once (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn moves_data(&self) -> bool {
        true
    }
    /// aiomultiprocess's default: a worker per CPU.
    fn default_limit(&self, cores: usize) -> Option<usize> {
        Some(cores)
    }
    fn loops_in_workers(&self) -> bool {
        true
    }
    fn lanes(&self, tasks: usize, limit: usize, per_worker: usize, _cores: usize) -> Lanes {
        let k = limit.min(tasks);
        Lanes {
            in_flight: (k * per_worker.max(1)).min(tasks),
            // CPU work runs on each worker's one loop thread.
            cpu: k,
        }
    }
    fn holds(&self, tasks: usize, limit: usize, per_worker: usize) -> Holds {
        // Its workers' event loops hold c tasks each; the rest wait in the harness as numbers.
        Holds::on_a_loop(vec![
            (PROCESS, limit),
            (TASK, tasks.min(limit.saturating_mul(per_worker))),
        ])
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        run_pool(job, true, dispatch)
    }
}

/// A task in a worker: when it was sent, and its submission number.
struct InFlight {
    start: Duration,
    attempt: u32,
}

/// Keep `job.per_worker` tasks in flight in one worker until the queue is empty and every answer is
/// in, replacing the worker if it dies; returns the usage of every process this dispatcher owned.
fn dispatch(
    mut worker: Worker,
    job: &Job,
    t0: Instant,
    queue: &Queue,
    records: &Records,
) -> anyhow::Result<WorkerUsage> {
    let mut usage = WorkerUsage::default();
    let mut in_flight: HashMap<u64, InFlight> = HashMap::new();
    let t0_ns = crate::ledger::clock::instant_ns(t0);
    // Record a task's outcome, or put it back for another attempt.
    let settle = |task: u64, f: InFlight, result: TaskResult, marks: Marks| {
        let resubmit = result.outcome.is_err_and(|kind| job.resubmits(kind));
        if resubmit && (f.attempt as usize) <= job.retries {
            queue.lock().unwrap().push_back((task, f.attempt + 1));
            return;
        }
        let end = t0.elapsed();
        let record = TaskRecord {
            start: f.start,
            end,
            result,
            marks: Marks {
                done: marks.done.map(|d| d.clamp(f.start, end)),
                ..marks
            },
            attempts: f.attempt,
        };
        records.lock().unwrap()[task as usize] = Some((record, None));
    };
    // Up to c tasks in flight, but no more than an even share: otherwise the first dispatcher to
    // start would take all of a small job (12 tasks, c = 16) and leave the other workers idle.
    let share = job.tasks.div_ceil(job.limit.max(1));
    let most = job.per_worker.clamp(1, share.max(1));
    loop {
        while in_flight.len() < most {
            let Some((task, attempt)) = queue.lock().unwrap().pop_front() else {
                break;
            };
            let start = t0.elapsed();
            if worker.send(task, &job.workload.parcel(task)).is_err() {
                // Its stdin is gone: it died. The answer loop below sees the pipe end.
                in_flight.insert(task, InFlight { start, attempt });
                break;
            }
            in_flight.insert(task, InFlight { start, attempt });
        }
        if in_flight.is_empty() {
            break;
        }
        match worker.receive() {
            Ok((
                super::pool_worker::FromWorker::Done {
                    task,
                    result,
                    run_delay_ns,
                    done_ns,
                    polled_ns,
                    ..
                },
                back,
            )) => {
                let f = in_flight
                    .remove(&task)
                    .ok_or_else(|| anyhow::anyhow!("a worker answered task {task}, never sent"))?;
                // The worker's marks: its loop's wait and its polls, and when it was done on the
                // machine's CLOCK_MONOTONIC, which this process reads too.
                let marks = Marks {
                    run_delay: Duration::from_nanos(run_delay_ns),
                    polled: polled_ns.map(Duration::from_nanos),
                    done: (done_ns > 0)
                        .then(|| Duration::from_nanos(done_ns.saturating_sub(t0_ns))),
                    ..Marks::default()
                };
                settle(
                    task,
                    f,
                    received(job.workload.as_ref(), task, (result, back)),
                    marks,
                );
            }
            Ok((other, _)) => anyhow::bail!("a worker answered {other:?} mid-run"),
            Err(_) => {
                // The pipe ended: the worker is gone, and with it every task it held.
                usage.add(&worker.reap());
                worker = Worker::spawn(job, true)?;
                let lost = TaskResult::failed(FailureKind::WorkerLost);
                for (task, f) in in_flight.drain() {
                    settle(task, f, lost, Marks::default());
                }
            }
        }
    }
    usage.add(&worker.finish());
    Ok(usage)
}
