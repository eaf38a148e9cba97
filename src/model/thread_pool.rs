//! `thread-pool`: k worker threads pulling task ids from one channel (ThreadPoolExecutor's shape). The
//! workers are started before the clock, so the makespan shows queueing, not thread start-up.

use super::footprint::{Holds, THREAD};
use super::{timed, Execution, Job, Lanes, Model};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

pub struct ThreadPool;

impl Model for ThreadPool {
    fn about(&self) -> &'static str {
        "k worker threads pulling tasks from a channel (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn lanes(&self, tasks: usize, limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        Lanes::bounded(tasks, limit)
    }
    fn holds(&self, tasks: usize, limit: usize, _per_worker: usize) -> Holds {
        Holds::blocking(vec![(THREAD, limit.min(tasks))])
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let setup_start = Instant::now();
        let (task_tx, task_rx) = mpsc::channel::<usize>();
        let task_rx = Mutex::new(task_rx);
        let (done_tx, done_rx) = mpsc::channel();
        // Workers read the submission instant only after receiving a task, so it is always set by then.
        let t0_cell = OnceLock::new();
        std::thread::scope(|s| {
            for _ in 0..job.limit {
                let done_tx = done_tx.clone();
                let (task_rx, t0_cell) = (&task_rx, &t0_cell);
                s.spawn(move || loop {
                    let next = task_rx.lock().expect("no worker panics holding it").recv();
                    let Ok(i) = next else { break };
                    let t0: Instant = *t0_cell.get().expect("set before the first send");
                    let _ = done_tx.send((i, timed(t0, || job.workload.blocking(i as u64))));
                });
            }
            drop(done_tx);
            // The pool's start, k threads: its setup, and its spawn cost per thread.
            let setup = setup_start.elapsed();
            t0_cell.set(Instant::now()).expect("set once");
            for i in 0..job.tasks {
                task_tx.send(i).expect("workers outlive the submission");
            }
            drop(task_tx);
            let mut records: Vec<_> = done_rx.iter().collect();
            records.sort_by_key(|(i, _)| *i);
            Ok(Execution {
                setup,
                records: records.into_iter().map(|(_, r)| r).collect(),
                workers: None,
                pool: Some(job.limit),
                stages: None,
                aggregate: None,
                spawned: Some((job.limit, setup)),
                spawn_error: None,
            })
        })
    }
}
