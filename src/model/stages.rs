//! Running a staged workload: each stage's workers pull items from the queue before them and push them
//! to the queue after, every queue bounded. Two faces, one per model that runs stages: std threads
//! joined by `sync_channel`s (`threads`) and tokio tasks joined by bounded `mpsc` channels (`async`).
//! Shutdown needs no sentinel: a queue closes when every sender of the stage before it is gone, so
//! each stage's workers end exactly when their input is drained and closed, and every item comes out
//! once — done, or failed at the stage that failed it.

use super::{Execution, Job, TaskRecord};
use crate::workload::{Stages, TaskResult};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// An item in flight: its number, when a downloader took it, and its service time so far.
#[derive(Debug, Clone, Copy)]
struct Item {
    id: u64,
    start: Duration,
    service: Duration,
}

/// What the stages record as items pass: per stage, when each item left it; per item, its record.
struct Log {
    t0: Instant,
    done: Vec<Mutex<Vec<Duration>>>,
    records: Mutex<Vec<Option<TaskRecord>>>,
}

impl Log {
    fn new(t0: Instant, items: usize) -> Log {
        Log {
            t0,
            done: (0..3)
                .map(|_| Mutex::new(Vec::with_capacity(items)))
                .collect(),
            records: Mutex::new(vec![None; items]),
        }
    }

    /// The item left `stage` with `result`: the last stage or a failure ends it.
    fn passed(&self, stage: usize, mut item: Item, result: TaskResult) -> Option<Item> {
        let now = self.t0.elapsed();
        item.service += result.service.unwrap_or_default();
        let last = stage == 2 || result.outcome.is_err();
        if result.outcome.is_ok() {
            self.done[stage].lock().unwrap().push(now);
        }
        if last {
            self.records.lock().unwrap()[item.id as usize] = Some(TaskRecord {
                start: item.start,
                end: now,
                result: TaskResult {
                    outcome: result.outcome,
                    service: Some(item.service),
                    tries: Default::default(),
                    call: None,
                    part: None,
                },
                marks: Default::default(),
                attempts: 1,
            });
            return None;
        }
        Some(item)
    }

    fn execution(self, setup: Duration) -> Execution {
        let records = self
            .records
            .into_inner()
            .unwrap()
            .into_iter()
            .map(|r| r.expect("every item comes out of the stages once"))
            .collect();
        let stages = self
            .done
            .into_iter()
            .map(|d| d.into_inner().unwrap())
            .collect();
        Execution {
            setup,
            records,
            workers: None,
            pool: None,
            stages: Some(stages),
            aggregate: None,
            spawned: None,
            spawn_error: None,
            t0_ns: 0,
            hops: None,
        }
    }
}

/// The stages on OS threads: a feeder, then each stage's workers, all joined by bounded channels.
pub fn on_threads(stages: &dyn Stages, job: &Job) -> Execution {
    let t0 = Instant::now();
    let log = Log::new(t0, job.tasks);
    let bound = stages.queue();
    std::thread::scope(|s| {
        let (feed, mut input) = mpsc::sync_channel::<Item>(bound);
        s.spawn(move || {
            for id in 0..job.tasks as u64 {
                let item = Item {
                    id,
                    start: Duration::ZERO,
                    service: Duration::ZERO,
                };
                if feed.send(item).is_err() {
                    break;
                }
            }
        });
        for (stage, &workers) in stages.workers().iter().enumerate() {
            let (next, output) = mpsc::sync_channel::<Item>(bound);
            let shared = Arc::new(Mutex::new(input));
            for _ in 0..workers {
                let (shared, next, log) = (shared.clone(), next.clone(), &log);
                s.spawn(move || loop {
                    let Ok(mut item) = shared.lock().unwrap().recv() else {
                        break;
                    };
                    if stage == 0 {
                        item.start = log.t0.elapsed();
                    }
                    let result = stages.blocking(stage, item.id);
                    if let Some(item) = log.passed(stage, item, result) {
                        // The next stage outlives this one: its workers hold the receiver.
                        let _ = next.send(item);
                    }
                });
            }
            // Only the workers hold this stage's sender now: when they end, the next queue closes.
            drop(next);
            input = output;
        }
        // The last queue has no reader: nothing is sent to it (the last stage ends every item).
        drop(input);
    });
    log.execution(Duration::ZERO)
}

/// The stages as tokio tasks on a multi-thread runtime, joined by bounded mpsc channels. Each task
/// holds the workload (an `Arc`) and the log: tasks spawned on worker threads must own what they use.
pub fn on_tasks(job: &Job) -> anyhow::Result<Execution> {
    let stages_of = |w: &Arc<dyn crate::workload::Workload>| {
        w.stages()
            .expect("on_tasks runs staged workloads")
            .workers()
    };
    let (workers, bound) = {
        let stages = job
            .workload
            .stages()
            .expect("on_tasks runs staged workloads");
        (stages_of(&job.workload), stages.queue())
    };
    let (rt, setup) = super::async_tasks::multi_thread()?;
    let t0 = Instant::now();
    let log = Arc::new(Log::new(t0, job.tasks));
    let items = job.tasks as u64;
    rt.block_on(async {
        let mut all = tokio::task::JoinSet::new();
        let (feed, mut input) = tokio::sync::mpsc::channel::<Item>(bound);
        all.spawn(async move {
            for id in 0..items {
                let item = Item {
                    id,
                    start: Duration::ZERO,
                    service: Duration::ZERO,
                };
                if feed.send(item).await.is_err() {
                    break;
                }
            }
        });
        for (stage, &count) in workers.iter().enumerate() {
            let (next, output) = tokio::sync::mpsc::channel::<Item>(bound);
            let shared = Arc::new(tokio::sync::Mutex::new(input));
            for _ in 0..count {
                let (shared, next) = (shared.clone(), next.clone());
                let (workload, log) = (job.workload.clone(), log.clone());
                all.spawn(async move {
                    let stages = workload.stages().expect("a staged workload");
                    loop {
                        let Some(mut item) = shared.lock().await.recv().await else {
                            break;
                        };
                        if stage == 0 {
                            item.start = log.t0.elapsed();
                        }
                        let result = stages.run_async(stage, item.id).await;
                        if let Some(item) = log.passed(stage, item, result) {
                            let _ = next.send(item).await;
                        }
                    }
                });
            }
            // Only the workers hold this stage's sender now: when they end, the next queue closes.
            drop(next);
            input = output;
        }
        drop(input);
        while let Some(done) = all.join_next().await {
            // A panicking stage worker would leave items unrecorded: say so rather than hang.
            done.expect("a stage's worker does not panic");
        }
    });
    drop(rt);
    let log = Arc::try_unwrap(log).unwrap_or_else(|_| unreachable!("every task has ended"));
    Ok(log.execution(setup))
}
