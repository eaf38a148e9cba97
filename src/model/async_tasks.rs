//! The shared body of the tokio models: spawn one task per task on a given runtime, optionally gated by
//! a semaphore, and join them all. The async models differ only in the runtime, the permits and where
//! CPU work runs, so the difference measured is that and nothing else.

use super::aggregate::Joined;
use super::watched::{Marked, Watched};
use super::{Execution, Job, Marks, TaskRecord};
use crate::workload::TaskResult;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Where a task's CPU work runs: on the event loop that runs the task, or in tokio's blocking pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cpu {
    OnTheLoop,
    Offloaded,
}

/// Run every task of `job` on `rt`; `permits` bounds how many are past their permit at once. Up to
/// `KEEP_EACH` tasks (and for a workload that audits) a record of each is kept; beyond, each is folded
/// in as it is joined.
pub fn spawn_all(
    rt: tokio::runtime::Runtime,
    setup: Duration,
    job: &Job,
    permits: Option<usize>,
    cpu: Cpu,
) -> Execution {
    spawn_on(rt, setup, job, permits, cpu, &[])
}

/// [`spawn_all`] with task i dealt to `loops[i % loops.len()]` (thread-per-core: each a current-thread
/// runtime on a thread of its own), `rt` only joining them; no loops: every task on `rt` itself.
pub fn spawn_on(
    rt: tokio::runtime::Runtime,
    setup: Duration,
    job: &Job,
    permits: Option<usize>,
    cpu: Cpu,
    loops: &[tokio::runtime::Handle],
) -> Execution {
    spawn_from(rt, setup, job, 0, permits, cpu, loops)
}

/// [`spawn_on`] for tasks `first .. first + job.tasks` of a larger job (a shard of async-sharded):
/// the task numbers a workload draws by (misbehaviour, mixed waits) are the whole job's, the records
/// this shard's, from its own first submission.
pub fn spawn_from(
    rt: tokio::runtime::Runtime,
    setup: Duration,
    job: &Job,
    first: u64,
    permits: Option<usize>,
    cpu: Cpu,
    loops: &[tokio::runtime::Handle],
) -> Execution {
    let t0 = Instant::now();
    let t0_ns = crate::ledger::clock::instant_ns(t0);
    // With the ledger on each task is watched (first poll, woken-but-not-polled time); off, the task
    // is spawned bare, as small as the model's own.
    let watch = crate::ledger::enabled();
    let (records, aggregate, spawning) = rt.block_on(async {
        let gate = permits.map(|k| Arc::new(Semaphore::new(k)));
        let sleep = job.workload.sleep_only();
        let sleeping = sleep.map(|wait| {
            Arc::new(Sleeping {
                t0,
                wait,
                gate: gate.clone(),
            })
        });
        let spawn_one = |task: u64| {
            if let Some(s) = &sleeping {
                // A bare wait, not the workload's boxed future: the per-task memory measured is
                // the model's (tokio's task and timer), not the harness's indirection.
                return match (s.gate.is_some(), watch) {
                    (false, false) => Handle::Slept(spawn(loops, task, sleeper(s.clone()))),
                    (true, false) => Handle::Slept(spawn(loops, task, gated_sleeper(s.clone()))),
                    (false, true) => {
                        Handle::Watched(spawn(loops, task, Watched::new(sleeper(s.clone()), t0_ns)))
                    }
                    (true, true) => Handle::Watched(spawn(
                        loops,
                        task,
                        Watched::new(gated_sleeper(s.clone()), t0_ns),
                    )),
                };
            }
            let (workload, gate) = (job.workload.clone(), gate.clone());
            let future = async move {
                let _permit = match &gate {
                    Some(g) => Some(g.acquire().await.expect("the semaphore is never closed")),
                    None => None,
                };
                let start = t0.elapsed();
                let result = match cpu {
                    Cpu::OnTheLoop => workload.run_async(task).await,
                    Cpu::Offloaded => workload.run_async_offloaded(task).await,
                };
                TaskRecord {
                    start,
                    end: t0.elapsed(),
                    result,
                    marks: Default::default(),
                    attempts: 1,
                }
            };
            Handle::Task(match watch {
                true => spawn(loops, task, Watched::new(future, t0_ns)),
                false => spawn(loops, task, future),
            })
        };
        let mut handles = Vec::with_capacity(job.tasks);
        for task in 0..job.tasks {
            // Open loop: each task is spawned at its release (at once in a batch).
            super::release::wait_async(job, t0, task).await;
            handles.push(spawn_one(first + task as u64));
        }
        let spawning = t0.elapsed();
        let mut joined = Joined::new(job);
        for handle in handles {
            // A panicking task fails alone.
            let record = handle.join().await;
            joined.add(record.unwrap_or_else(|_| TaskRecord::panicked(t0.elapsed())));
        }
        let (records, aggregate) = joined.finish();
        (records, aggregate, spawning)
    });
    // Tear-down (joining runtime threads) is after the clock and not the model's makespan.
    drop(rt);
    Execution {
        aggregate,
        // Released at a rate, the loop's time is the schedule's, not the cost of spawning.
        spawned: job.schedule.is_none().then_some((job.tasks, spawning)),
        t0_ns,
        ..Execution::of(setup, records)
    }
}

/// Spawn task `task` on the runtime the caller runs in, or dealt round-robin to `loops`.
fn spawn<F>(loops: &[tokio::runtime::Handle], task: u64, f: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    match loops.len() {
        0 => tokio::spawn(f),
        n => loops[task as usize % n].spawn(f),
    }
}

/// A sleeping task's outcome: its start and end, all a sleep has. The record is made from it after
/// the join: a task's output shares its allocation with its future (tokio's stage is one or the
/// other), so a whole TaskRecord as the output would make every sleeping task that big.
#[derive(Debug, Clone, Copy)]
struct Slept {
    start: Duration,
    end: Duration,
}

impl Slept {
    fn record(self, marks: Marks) -> TaskRecord {
        TaskRecord {
            start: self.start,
            end: self.end,
            result: TaskResult::ok(0),
            attempts: 1,
            marks,
        }
    }
}

impl Marked for Slept {
    type Out = (Slept, Marks);
    fn marked(self, marks: Marks) -> (Slept, Marks) {
        (self, marks)
    }
}

/// A spawned task's handle, by what the task hands back.
enum Handle {
    Task(tokio::task::JoinHandle<TaskRecord>),
    Slept(tokio::task::JoinHandle<Slept>),
    Watched(tokio::task::JoinHandle<(Slept, Marks)>),
}

impl Handle {
    async fn join(self) -> Result<TaskRecord, tokio::task::JoinError> {
        match self {
            Handle::Task(h) => h.await,
            Handle::Slept(h) => Ok(h.await?.record(Marks::default())),
            Handle::Watched(h) => h.await.map(|(s, m)| s.record(m)),
        }
    }
}

/// What every sleeping task shares, behind one pointer. Captured one by one (the clock's start, the
/// wait, the gate) they made a task's future 192 bytes where tokio's own `Sleep` is 112, and tokio
/// allocates a task in 128-byte steps: one step above the bare program's task. Behind one `Arc` the
/// future is 144 bytes and the task is the bare program's size.
struct Sleeping {
    t0: Instant,
    wait: Duration,
    gate: Option<Arc<Semaphore>>,
}

/// One sleeping task: nothing lives across its wait but the shared pointer and its start.
/// (An `async move` block, not an `async fn`: the latter keeps its argument twice, 8 bytes that
/// were enough to cross tokio's 128-byte step; the size test below fails if that comes back.)
#[allow(clippy::manual_async_fn)]
fn sleeper(s: Arc<Sleeping>) -> impl std::future::Future<Output = Slept> {
    async move {
        let start = s.t0.elapsed();
        tokio::time::sleep(s.wait).await;
        Slept {
            start,
            end: s.t0.elapsed(),
        }
    }
}

/// A sleeping task that waits for a permit first; the permit is held across the wait.
async fn gated_sleeper(s: Arc<Sleeping>) -> Slept {
    let gate = s.gate.clone().expect("a gated sleeper has a gate");
    let _permit = gate.acquire().await.expect("the semaphore is never closed");
    sleeper(s).await
}

/// A multi-thread runtime with tokio's default worker count (one per allowed CPU).
pub fn multi_thread() -> anyhow::Result<(tokio::runtime::Runtime, Duration)> {
    let t = Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    Ok((rt, t.elapsed()))
}

/// Worker threads of a default multi-thread runtime on this machine.
pub fn runtime_threads(cores: usize) -> usize {
    cores.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sleeping_task_fits_the_allocation_of_a_bare_sleep() {
        // tokio rounds a task up to 128 bytes; a bare `spawn(sleep(d))` with up to 32 bytes more
        // future still fits its allocation; a step beyond shows in the scale report's memory per task.
        let s = Arc::new(Sleeping {
            t0: Instant::now(),
            wait: Duration::ZERO,
            gate: None,
        });
        let bare = std::mem::size_of_val(&tokio::time::sleep(Duration::ZERO));
        let ours = std::mem::size_of_val(&sleeper(s));
        assert!(
            ours <= bare + 32,
            "sleeper {ours} B vs tokio's Sleep {bare} B"
        );
        // Its output shares the allocation (tokio's stage holds the future or its output), so it
        // must not be the larger; watched (the ledger on) it carries its marks too.
        let out = std::mem::size_of::<Slept>();
        let watched = std::mem::size_of::<(Slept, Marks)>();
        assert!(
            out <= ours && watched <= ours,
            "output {out} B, watched {watched} B"
        );
    }
}
