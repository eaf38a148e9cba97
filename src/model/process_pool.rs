//! `process-pool`: k worker processes (this binary in worker mode), fed one task at a time over pipes,
//! like `multiprocessing.Pool(k).map`. One dispatcher thread per worker sends a task, waits for its
//! answer and sends the next. A worker that dies is noticed at once (its pipe ends), its task counts as
//! `worker-lost`, and a fresh worker takes its place; `retries` resubmits failed tasks.

use super::worker_process::Worker;
use super::{Execution, Job, Lanes, Model, TaskRecord};
use crate::results::WorkerUsage;
use crate::workload::{FailureKind, TaskResult};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

pub struct ProcessPool;

impl Model for ProcessPool {
    fn about(&self) -> &'static str {
        "k worker processes fed over pipes, one task at a time each (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn lanes(&self, tasks: usize, limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        Lanes::bounded(tasks, limit)
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let setup_start = Instant::now();
        let workers = (0..job.limit)
            .map(|_| Worker::spawn(job, false))
            .collect::<anyhow::Result<Vec<_>>>()?;
        // k processes started and ready to take a task: the pool's setup, and its spawn cost per
        // process (exec of this binary included, as a fresh `multiprocessing` worker pays it too).
        let setup = setup_start.elapsed();
        let t0 = Instant::now();
        let queue = Mutex::new((0..job.tasks).map(|i| (i, 1u32)).collect::<VecDeque<_>>());
        let records = Mutex::new(vec![None; job.tasks]);
        let usage = std::thread::scope(|s| {
            let handles: Vec<_> = workers
                .into_iter()
                .map(|w| s.spawn(|| dispatch(w, job, t0, &queue, &records)))
                .collect();
            let mut total = WorkerUsage::default();
            for h in handles {
                total.merge(&h.join().expect("dispatchers do not panic")?);
            }
            anyhow::Ok(total)
        })?;
        let records = records
            .into_inner()
            .expect("no dispatcher panicked")
            .into_iter()
            .map(|r| r.expect("every task was recorded"))
            .collect();
        Ok(Execution {
            setup,
            records,
            workers: Some(usage),
            pool: Some(job.limit),
            stages: None,
            aggregate: None,
            spawned: Some((job.limit, setup)),
            spawn_error: None,
        })
    }
}

/// Feed one worker until the queue is empty, replacing it if it dies; returns the usage of every
/// process this dispatcher owned. The worker is spawned and reaped by the same dispatcher's lifetime.
fn dispatch(
    mut worker: Worker,
    job: &Job,
    t0: Instant,
    queue: &Mutex<VecDeque<(usize, u32)>>,
    records: &Mutex<Vec<Option<TaskRecord>>>,
) -> anyhow::Result<WorkerUsage> {
    let mut usage = WorkerUsage::default();
    loop {
        let Some((task, attempt)) = queue.lock().unwrap().pop_front() else {
            break;
        };
        let start = t0.elapsed();
        let answer = worker.run(task as u64);
        let end = t0.elapsed();
        let result = match answer {
            Ok(result) => result,
            Err(_) => {
                // The pipe ended: the worker is gone. Reap it and start a fresh one in its place.
                usage.add(&worker.reap());
                worker = Worker::spawn(job, false)?;
                TaskResult {
                    outcome: Err(FailureKind::WorkerLost),
                    service: None,
                }
            }
        };
        if result.outcome.is_err() && (attempt as usize) <= job.retries {
            queue.lock().unwrap().push_back((task, attempt + 1));
            continue;
        }
        records.lock().unwrap()[task] = Some(TaskRecord {
            start,
            end,
            result,
            attempts: attempt,
        });
    }
    usage.add(&worker.finish());
    Ok(usage)
}
