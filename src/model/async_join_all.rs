//! `async-join-all`: every task a future on one current-thread runtime, joined with `join_all` — no
//! task is spawned, so no task header, no scheduler queue entry and no join handle per task: the
//! smallest an async task can be, and the shape the published memory anchors call "join_all". The
//! futures are polled by the one task that joins them, on one thread.

use super::aggregate::{keeps_each, Aggregate};
use super::{Execution, Job, Lanes, Model, TaskRecord};
use crate::workload::{FailureKind, TaskResult};
use futures_util::FutureExt;
use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

pub struct AsyncJoinAll;

impl Model for AsyncJoinAll {
    fn about(&self) -> &'static str {
        "one current-thread loop, every task a future joined with join_all (nothing spawned)"
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
    fn run(&self, job: &Job) -> anyhow::Result<super::Execution> {
        let built = Instant::now();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let setup = built.elapsed();
        let t0 = Instant::now();
        let keep = keeps_each(job);
        // Each future folds its own record in as it ends, so join_all collects only `()`s: a
        // record per task held until the end would be 80 MB at a million tasks.
        let kept = RefCell::new(Vec::with_capacity(if keep { job.tasks } else { 0 }));
        let folded = RefCell::new(Aggregate::default());
        let done = |record: TaskRecord| match keep {
            true => kept.borrow_mut().push(record),
            false => folded.borrow_mut().add(&record, |v| job.workload.verify(v)),
        };
        let making = rt.block_on(async {
            match job.workload.sleep_only() {
                // tokio's own sleep, not the workload's boxed future: nothing of the harness's in
                // the futures measured.
                Some(wait) => {
                    let futures: Vec<_> = (0..job.tasks)
                        .map(|_| async {
                            let start = t0.elapsed();
                            tokio::time::sleep(wait).await;
                            done(TaskRecord {
                                start,
                                end: t0.elapsed(),
                                result: TaskResult::ok(0),
                                attempts: 1,
                            })
                        })
                        .collect();
                    let making = t0.elapsed();
                    futures_util::future::join_all(futures).await;
                    making
                }
                None => {
                    let futures: Vec<_> = (0..job.tasks as u64)
                        .map(|task| async move {
                            let start = t0.elapsed();
                            // A panic fails this task alone, as in every model; uncaught it
                            // would unwind through join_all and take the whole run with it.
                            let result = AssertUnwindSafe(job.workload.run_async(task))
                                .catch_unwind()
                                .await
                                .unwrap_or(TaskResult {
                                    outcome: Err(FailureKind::Panic),
                                    service: None,
                                });
                            done(TaskRecord {
                                start,
                                end: t0.elapsed(),
                                result,
                                attempts: 1,
                            })
                        })
                        .collect();
                    let making = t0.elapsed();
                    futures_util::future::join_all(futures).await;
                    making
                }
            }
        });
        let (records, aggregate) = match keep {
            true => (kept.into_inner(), None),
            false => (Vec::new(), Some(folded.into_inner())),
        };
        drop(rt);
        Ok(Execution {
            aggregate,
            spawned: Some((job.tasks, making)),
            ..Execution::of(setup, records)
        })
    }
}
