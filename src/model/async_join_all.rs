//! `async-join-all`: every task a future on one current-thread runtime, joined with `join_all` — no
//! task is spawned, so no task header, no scheduler queue entry and no join handle per task: the
//! smallest an async task can be, and the shape the published memory anchors call "join_all". The
//! futures are polled by the one task that joins them, on one thread.

use super::aggregate::{keeps_each, Aggregate};
use super::footprint::{Holds, TASK};
use super::{Execution, Job, Lanes, Model, TaskRecord};
use crate::workload::{FailureKind, TaskResult};
use futures_util::FutureExt;
use pin_project_lite::pin_project;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

pub struct AsyncJoinAll;

/// What every future of a run shares, reached through one reference: each future holds 8 bytes of
/// the harness's (and its start time), not a copy of the clock, the wait and the record sink.
struct Shared<'a> {
    t0: Instant,
    job: &'a Job,
    /// A sleep-only case's wait (unused otherwise).
    wait: Duration,
    keep: bool,
    kept: RefCell<Vec<TaskRecord>>,
    folded: RefCell<Aggregate>,
    /// When the last future was made: the join-all's "spawn" time.
    made: Cell<Duration>,
}

pin_project! {
    /// One sleeping task: tokio's `Sleep` and a pointer, 8 bytes over the bare program's future.
    /// An `async` block holding the same kept 24 more across its wait (the start, and the pinned
    /// reference it awaits through), which showed in its memory per task beside the bare
    /// program's. The start is read back from the sleep's deadline, which tokio keeps
    /// as given (made when the future is, as in the bare program).
    struct TimedSleep<'a, 'j> {
        #[pin]
        sleep: tokio::time::Sleep,
        shared: &'a Shared<'j>,
    }
}

impl Future for TimedSleep<'_, '_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        ready!(this.sleep.as_mut().poll(cx));
        let start = this.sleep.deadline().into_std() - this.shared.wait;
        this.shared.done(start - this.shared.t0, TaskResult::ok(0));
        Poll::Ready(())
    }
}

impl Shared<'_> {
    /// Each future folds its own record in as it ends, so join_all collects only `()`s: a record
    /// per task held until the end would be 80 MB at a million tasks.
    fn done(&self, start: Duration, result: TaskResult) {
        let record = TaskRecord {
            start,
            end: self.t0.elapsed(),
            result,
            marks: Default::default(),
            attempts: 1,
        };
        match self.keep {
            true => self.kept.borrow_mut().push(record),
            false => self
                .folded
                .borrow_mut()
                .add(&record, |v| self.job.workload.verify(v)),
        }
    }
}

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
    fn holds(&self, tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        Holds::on_a_loop(vec![(TASK, tasks)])
    }
    fn run(&self, job: &Job) -> anyhow::Result<super::Execution> {
        let built = Instant::now();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let setup = built.elapsed();
        let keep = keeps_each(job);
        let shared = Shared {
            t0: Instant::now(),
            job,
            wait: job.workload.sleep_only().unwrap_or_default(),
            keep,
            kept: RefCell::new(Vec::with_capacity(if keep { job.tasks } else { 0 })),
            folded: RefCell::new(Aggregate::default()),
            made: Cell::new(Duration::ZERO),
        };
        let last = job.tasks.saturating_sub(1) as u64;
        let shared = &shared;
        // The futures are handed to join_all one by one as it asks: collected into a Vec first,
        // they would all exist twice at the peak (the Vec's and join_all's own copies), nearly
        // doubling the peak beside the bare program's.
        let making = |task: u64| {
            if task == last {
                shared.made.set(shared.t0.elapsed());
            }
        };
        rt.block_on(async {
            match job.workload.sleep_only() {
                // tokio's own sleep, not the workload's boxed future: nothing of the harness's in
                // the futures measured but one pointer.
                Some(_) => {
                    futures_util::future::join_all((0..job.tasks as u64).map(|task| {
                        making(task);
                        TimedSleep {
                            sleep: tokio::time::sleep(shared.wait),
                            shared,
                        }
                    }))
                    .await
                }
                None => {
                    futures_util::future::join_all((0..job.tasks as u64).map(|task| {
                        making(task);
                        async move {
                            let start = shared.t0.elapsed();
                            // A panic fails this task alone, as in every model; uncaught it
                            // would unwind through join_all and take the whole run with it.
                            let result = AssertUnwindSafe(job.workload.run_async(task))
                                .catch_unwind()
                                .await
                                .unwrap_or(TaskResult::failed(FailureKind::Panic));
                            shared.done(start, result);
                        }
                    }))
                    .await
                }
            }
        });
        let making = shared.made.get();
        let t0_ns = crate::ledger::clock::instant_ns(shared.t0);
        let records = shared.kept.take();
        let aggregate = (!keep).then(|| shared.folded.take());
        drop(rt);
        Ok(Execution {
            aggregate,
            spawned: Some((job.tasks, making)),
            t0_ns,
            ..Execution::of(setup, records)
        })
    }
}
