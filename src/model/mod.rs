//! Concurrency models: how N tasks run. Each model is one file implementing [`Model`]; the registry
//! ([`ModelKind::model`]) is made of one line per model in names.rs (`every_model!`). A model times its own setup (runtime build, pool
//! spawn) apart from the makespan, and records every task's start and end from the instant all tasks
//! were submitted, so queueing inside the client shows in task latency.

pub mod aggregate;
mod async_blocking_pool;
mod async_join_all;
mod async_multi;
mod async_process_pool;
mod async_semaphore;
mod async_sharded;
mod async_single;
mod async_tasks;
mod async_uring;
mod coroutines;
pub mod footprint;
pub mod own_broker;
mod pool_worker;
mod process_pool;
mod python;
pub mod queue_protocol;
pub mod queue_worker;
mod queue_workers;
mod rayon_pool;
pub mod release;
pub mod resp;
mod sequential;
mod shard;
mod stages;
mod steps;
mod thread_per_core;
mod thread_pool;
mod threads;
mod watched;
mod worker_process;

pub use pool_worker::worker_main;
pub use shard::shares;

pub use crate::names::ModelKind;
pub use crate::workload::Lanes;

use crate::results::WorkerUsage;
use crate::workload::{FailureKind, Params, TaskResult, Workload};
use footprint::Holds;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The registry: `every_model!`'s line per model (in names.rs) made into the model that runs it.
macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident = $spelling:literal => $run:path $(, twin $twin:ident)? ;)+) => {
        impl ModelKind {
            pub fn model(self) -> &'static dyn Model {
                match self {
                    $( ModelKind::$variant => &$run, )+
                }
            }
        }
    };
}
crate::names::every_model!(registry);

/// One concurrency model.
pub trait Model: Sync {
    /// One line for `concbench list`.
    fn about(&self) -> &'static str;
    /// Whether `--limit k` means something to this model (and is then required, unless it has a default).
    fn takes_limit(&self) -> bool;
    /// k when `--limit` is not given, on a machine with `cores` CPUs; None: the limit is required.
    fn default_limit(&self, _cores: usize) -> Option<usize> {
        None
    }
    /// Whether it can run a staged workload (stages of workers on bounded queues).
    fn runs_stages(&self) -> bool {
        false
    }
    /// Whether it hands each task the data its submitter made and takes data back (payload):
    /// sequential on its one thread, the thread pool through its channel, the process pools down
    /// their pipes.
    fn moves_data(&self) -> bool {
        false
    }
    /// Whether each of its workers runs several tasks at once on an event loop of its own, as many
    /// as `--child-concurrency` says (aiomultiprocess's shape).
    fn loops_in_workers(&self) -> bool {
        false
    }
    /// Whether its workers pull tasks from a broker (`--broker`), which the run starts for it.
    fn pulls_from_broker(&self) -> bool {
        false
    }
    /// Its concurrency for N tasks, limit k, `per_worker` tasks at once in each worker (the async
    /// process pool's event loops; 1 elsewhere), on a machine with `cores` CPUs.
    fn lanes(&self, tasks: usize, limit: usize, per_worker: usize, cores: usize) -> Lanes;
    /// What it holds at once for N tasks, limit k, `per_worker` tasks per worker: the threads, tasks
    /// or processes it starts (none: it runs every task on the caller's thread).
    fn holds(&self, _tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        Holds::blocking(Vec::new())
    }
    /// Why it cannot run this workload, in one line that says what it runs, when it cannot (a loop
    /// that is not tokio's runs only a task's plain steps).
    fn refuses(&self, _params: &Params) -> Option<String> {
        None
    }
    /// Whether it releases tasks at their scheduled times (`--arrival constant|poisson`): the models
    /// whose submission loop waits through `release.rs`.
    fn takes_arrival(&self) -> bool {
        false
    }
    /// The processes its connections are spread over for limit k, each holding an even share of
    /// them (and a descriptor per connection, under the per-process open-file limit): 1 for the models
    /// whose connections are all the case process's.
    fn client_processes(&self, _limit: usize) -> usize {
        1
    }
    /// Run every task of the job once.
    fn run(&self, job: &Job) -> anyhow::Result<Execution>;
}

/// What a model is asked to run.
pub struct Job {
    pub workload: Arc<dyn Workload>,
    /// How to rebuild the workload in another process (process pools): its parameters and server URL.
    pub params: Params,
    pub url: String,
    pub tasks: usize,
    /// k for models that take a limit.
    pub limit: usize,
    /// The concbench binary, re-executed as pool workers.
    pub exe: PathBuf,
    /// Times a failed task is resubmitted (process pools).
    pub retries: usize,
    /// Tasks each worker runs at once (the async process pool's event loops).
    pub per_worker: usize,
    /// `threads`: start no more than this many (a stand-in for an OS limit, to test refusals).
    pub max_threads: Option<usize>,
    /// queue-workers: the broker the run started and its key (None: the model starts a private one).
    pub broker: Option<queue_protocol::BrokerAddr>,
    /// Open loop: each task's release, from the first submission (`arrival.rs`); None: every task at
    /// once. Models that take a rate (`Model::takes_arrival`) wait for it through `release.rs`.
    pub schedule: Option<Arc<[Duration]>>,
}

impl Job {
    /// Whether a pool resubmits a task that failed as `kind`: always when its worker died, otherwise
    /// only when the task does not retry by itself (an io task with a client policy already tried as
    /// often as `--retries` allows).
    pub fn resubmits(&self, kind: crate::names::FailureKind) -> bool {
        let in_task = self
            .params
            .describe()
            .io()
            .is_some_and(|io| io.policy.is_some());
        kind == crate::names::FailureKind::WorkerLost || !in_task
    }
}

/// One task as the model saw it, times from the instant every task was submitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskRecord {
    pub start: Duration,
    pub end: Duration,
    pub result: TaskResult,
    /// Submissions of this task (1 + retries used).
    pub attempts: u32,
    /// What the ledger needs beyond start and end (nothing when the ledger is off).
    pub marks: Marks,
}

impl TaskRecord {
    /// A task that panicked where its join saw it: it fails alone, and its start being unknown, it
    /// is recorded as ending where it began, at `at`.
    pub fn panicked(at: Duration) -> TaskRecord {
        TaskRecord {
            start: at,
            end: at,
            result: TaskResult::failed(FailureKind::Panic),
            attempts: 1,
            marks: Default::default(),
        }
    }
}

/// A task's marks for the ledger, beyond its start and end.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Marks {
    /// When its unit first ran it (a thread running, a tokio task's first poll), from the first
    /// submission; None where the model has no such moment (pools, sequential: the wait before
    /// `start` is the wait for a worker) or the ledger is off.
    pub begun: Option<Duration>,
    /// Time it was runnable but not running (its thread's schedstat run_delay over the task; a tokio
    /// task's woken-but-not-polled time).
    pub run_delay: Duration,
    /// Time it ran on a CPU (its thread's schedstat run time over the task); None where its thread
    /// is shared with other tasks (an event loop).
    pub run: Option<Duration>,
    /// When its own code was done, from the first submission, where that is before its end: a
    /// pool worker's, before the answer's way back over the pipe (the drain). None: its end.
    pub done: Option<Duration>,
    /// Time inside its polls (a task on an event loop: its own code, the CPU part counted inline);
    /// None for a task that had a thread to itself.
    pub polled: Option<Duration>,
}

/// What running a job produced.
#[derive(Debug, Clone)]
pub struct Execution {
    /// Runtime build, thread or process spawn: before the first submission.
    pub setup: Duration,
    /// One per task, in task order.
    pub records: Vec<TaskRecord>,
    /// Process pools: the workers' resource use.
    pub workers: Option<WorkerUsage>,
    /// Pools: the threads or processes started (k, also when k > N).
    pub pool: Option<usize>,
    /// Staged workloads: per stage, when each item left it.
    pub stages: Option<Vec<Vec<Duration>>>,
    /// Runs of more than `aggregate::KEEP_EACH` tasks (unless their workload audits, see
    /// `aggregate::keeps_each`): every task folded, `records` left empty.
    pub aggregate: Option<aggregate::Aggregate>,
    /// Units the model started (threads, tasks, processes) and how long starting them took.
    pub spawned: Option<(usize, Duration)>,
    /// Why it started fewer units than asked (the OS refused a thread), when it did.
    pub spawn_error: Option<String>,
    /// Per task, its hop: the time between its worker being free for it and its answer back, beyond
    /// its own run time in the worker (process-pool, queue-workers); None for a task lost with its
    /// worker.
    pub hops: Option<Vec<Option<Duration>>>,
    /// The first submission on CLOCK_MONOTONIC, nanoseconds (the ledger's origin, to place a request's
    /// marks and the server's stamps on the records' time line); 0 when the model did not say.
    pub t0_ns: u64,
}

impl Execution {
    /// First submission → last task done.
    pub fn makespan(&self) -> Duration {
        match &self.aggregate {
            Some(a) => a.makespan,
            None => self.records.iter().map(|r| r.end).max().unwrap_or_default(),
        }
    }

    /// A run with a record per task, as most models make it.
    pub fn of(setup: Duration, records: Vec<TaskRecord>) -> Execution {
        Execution {
            setup,
            records,
            workers: None,
            pool: None,
            stages: None,
            aggregate: None,
            spawned: None,
            spawn_error: None,
            hops: None,
            t0_ns: 0,
        }
    }
}

/// A task's outcome once its submitter has checked the data it handed back: a task that succeeded
/// fails as `corrupt` when the data arrived changed.
pub fn received(
    workload: &dyn Workload,
    task: u64,
    (result, back): (TaskResult, Vec<u8>),
) -> TaskResult {
    match (result.outcome, workload.receive(task, &back)) {
        (Ok(_), Err(kind)) => TaskResult {
            outcome: Err(kind),
            service: result.service,
            tries: result.tries,
            call: None,
            part: None,
        },
        _ => result,
    }
}

/// Run one task on this thread and time it; a panic becomes a failure of that task alone. With the
/// ledger on, the thread's run delay over the task is read from schedstat around it.
pub fn timed(t0: Instant, task: impl FnOnce() -> TaskResult) -> TaskRecord {
    timed_on(t0, false, task)
}

/// [`timed`] for a task that has a unit of its own (a thread started for it): the unit began running
/// it at its start, and what came before was starting the unit.
pub fn timed_on(t0: Instant, own_unit: bool, task: impl FnOnce() -> TaskResult) -> TaskRecord {
    let on = crate::ledger::enabled();
    let before = on.then(crate::ledger::schedstat::this_thread).flatten();
    let start = t0.elapsed();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(task))
        .unwrap_or(TaskResult::failed(FailureKind::Panic));
    let end = t0.elapsed();
    let after = before.and(crate::ledger::schedstat::this_thread());
    let delta = before.zip(after);
    let run_delay = delta.map_or(Duration::ZERO, |(b, a)| {
        Duration::from_nanos(a.run_delay_ns.saturating_sub(b.run_delay_ns))
    });
    let run = delta.map(|(b, a)| Duration::from_nanos(a.run_ns.saturating_sub(b.run_ns)));
    TaskRecord {
        start,
        end,
        result,
        attempts: 1,
        marks: Marks {
            begun: (own_unit && on).then_some(start),
            run_delay,
            run,
            done: None,
            polled: None,
        },
    }
}
