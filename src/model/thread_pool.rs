//! `thread-pool`: k worker threads pulling task ids from one channel (ThreadPoolExecutor's shape). The
//! workers are started before the clock, so the makespan shows queueing, not thread start-up. Data a
//! task is handed (payload) goes with its id through the channel and comes back the same way: its
//! ownership moves, its bytes are never copied.

use super::footprint::{Holds, THREAD};
use super::{received, timed, Execution, Job, Lanes, Model};
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
    fn moves_data(&self) -> bool {
        true
    }
    fn takes_arrival(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let setup_start = Instant::now();
        let moves = job.params.describe().moves_data();
        let (task_tx, task_rx) = mpsc::channel::<(usize, Vec<u8>)>();
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
                    let Ok((i, parcel)) = next else { break };
                    let t0: Instant = *t0_cell.get().expect("set before the first send");
                    let w = job.workload.as_ref();
                    let record = match moves {
                        true => timed(t0, || {
                            received(w, i as u64, w.blocking_with(i as u64, parcel))
                        }),
                        false => timed(t0, || w.blocking(i as u64)),
                    };
                    let _ = done_tx.send((i, record));
                });
            }
            drop(done_tx);
            // The pool's start, k threads: its setup, and its spawn cost per thread.
            let setup = setup_start.elapsed();
            let t0 = Instant::now();
            t0_cell.set(t0).expect("set once");
            for i in 0..job.tasks {
                // Open loop: each task goes on the queue at its release, not before.
                super::release::wait(job, t0, i);
                // The submitter makes each task's data as it submits it (none for most workloads).
                let parcel = match moves {
                    true => job.workload.parcel(i as u64),
                    false => Vec::new(),
                };
                task_tx
                    .send((i, parcel))
                    .expect("workers outlive the submission");
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
                t0_ns: crate::ledger::clock::instant_ns(*t0_cell.get().expect("set")),
                hops: None,
            })
        })
    }
}
