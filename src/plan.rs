//! Suites and cases: what to run, with which parameters, and each case's ideal — the makespan physics
//! allows — and bottleneck, known before anything runs (for `cpu`, given the calibration). A case is a
//! group, a model, N, k and a workload's [`Params`]; what depends on the workload (its id suffix, ideal,
//! bottleneck, server) is asked of the workload's own file.

use crate::model::{Lanes, ModelKind};
use crate::names::{Bottleneck, Group, ServerKind};
use crate::workload::{
    Calibration, Connect, CpuParams, DbKind, DbParams, IoParams, MixedParams, Params,
    PipelineParams, ServerPlan, Shape, SleepParams,
};
use std::time::Duration;

crate::names::name_enum! {
    /// The named suites.
    pub enum Suite {
        /// The talk's clients against 3 workers and 1 s.
        Seed = "seed",
        /// N from 1 to 243 for every model, against W = 9 and an unbounded server, 100 ms.
        IoSweep = "io-sweep",
        /// N = 32, k from 1 to 32 for the bounded models, unbounded server, 100 ms.
        LimitSweep = "limit-sweep",
        /// 32 CPU tasks, k from 1 to 8.
        Cpu = "cpu",
        /// Peak RSS per concurrent task: sleep 1 s at up to 10,000 tasks.
        Memory = "memory",
        /// The aiomultiprocess article: 30 tasks that wait, GET and count, per model.
        Mixed = "mixed",
        /// Effective Python's pipeline: 1,000 items through download → resize → upload.
        Pipeline = "pipeline",
        /// The process pool writing to a database: a score and an INSERT per task, per model and
        /// connection policy, on SQLite and PostgreSQL.
        Db = "db",
        /// All of the above, with repetitions sized for `make report`.
        Default = "default",
        /// A thousand to a million tasks, threads up to the OS's refusal, io up to 100,000
        /// connections, each sleep case beside its bare program (`make report-scale`; not part of
        /// `default`).
        Scale = "scale",
        /// The seed's Rust clients against concbench's server and against gunicorn: the ratio per
        /// case.
        Fidelity = "fidelity",
    }
}

impl Suite {
    pub fn about(self) -> &'static str {
        match self {
            Suite::Seed => {
                "the talk: sequential, threads, async, semaphore, process pool vs 3 workers, 1 s"
            }
            Suite::IoSweep => "makespan vs N (1..243) for every model, W = 9 and unbounded, 100 ms",
            Suite::LimitSweep => "makespan vs k (1..32) for the bounded models, 32 tasks, 100 ms",
            Suite::Cpu => {
                "32 counting tasks, speedup vs k (1..8) per model; Python's threads vs processes"
            }
            Suite::Memory => "peak RSS per concurrent task, sleep 1 s, up to 10,000 tasks",
            Suite::Mixed => {
                "30 tasks that wait 0.2-0.7 s, GET and count 45 ms: one loop vs pools of loops"
            }
            Suite::Pipeline => {
                "1,000 items through download (3) → resize (4) → upload (5), threads and async"
            }
            Suite::Db => {
                "a score and an INSERT per task: models × connection per task / per worker, SQLite and PostgreSQL"
            }
            Suite::Default => {
                "everything above (db on SQLite only; not scale or fidelity), sized for `make report` (6.5 min)"
            }
            Suite::Scale => {
                "1k-1M sleeping tasks beside bare programs, threads to the OS's refusal, io to 100k (~9 min)"
            }
            Suite::Fidelity => {
                "the seed's Rust clients vs concbench's server and gunicorn -w 3 (needs make python-env)"
            }
        }
    }

    /// The suite's cases with their default repetitions.
    pub fn cases(self) -> Vec<Case> {
        match self {
            Suite::Seed => seed(3),
            Suite::IoSweep => io_sweep(3),
            Suite::LimitSweep => limit_sweep(3),
            Suite::Cpu => [cpu(5), py_cpu(3)].concat(),
            Suite::Memory => memory(3),
            Suite::Mixed => mixed(3),
            Suite::Pipeline => pipeline(3),
            Suite::Db => db(&[DbKind::Sqlite, DbKind::Postgres], 3),
            Suite::Scale => scale(),
            Suite::Fidelity => fidelity(3),
            // Repetitions sized by cost, so a comparison can reach a verdict where samples are cheap:
            // the seed gets the 6 a 95 % interval of the median needs; sweep points get as many as fit
            // in 0.2 s of waiting (1 to 3); cpu cases, a fraction of a second each, get 6 (the fewest
            // with which compare's rank test can decide at p < 0.05 over a group). Python's seed
            // clients run twice: a mark beside the Rust bar, not an interval, and with the Python
            // cases the suite must still measure in 6 minutes (it took 6 min 23 s with 3 of them and
            // 10 cpu repetitions).
            // No warm-ups: every repetition is a fresh process, and servers stay up for the whole run.
            Suite::Default => [
                seed(6)
                    .into_iter()
                    .map(|c| match c.model.is_python() {
                        true => c.reps(2, 0),
                        false => c,
                    })
                    .collect(),
                io_sweep(1).into_iter().map(|c| c.sized(0.2, 3)).collect(),
                limit_sweep(1)
                    .into_iter()
                    .map(|c| c.sized(0.2, 3))
                    .collect(),
                cpu(6),
                py_cpu(2),
                memory(2),
                // The plain process pool's 7 s for 30 mixed tasks is its point; once is enough.
                mixed(1).into_iter().map(|c| c.sized(4.0, 3)).collect(),
                pipeline(3),
                // SQLite only: it needs no install step, so every machine's report has it. Twice: its
                // threads and async cases with a connection per task take 1-2 s each here.
                db(&[DbKind::Sqlite], 2),
            ]
            .concat()
            .into_iter()
            .map(|c| Case { warmup: 0, ..c })
            .collect(),
        }
    }
}

/// One case: a workload × model × parameters, and how often to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub group: Group,
    pub model: ModelKind,
    pub tasks: usize,
    /// k, for models that take one.
    pub limit: Option<usize>,
    pub workload: Params,
    pub repeat: usize,
    pub warmup: usize,
    /// Times a failed task is resubmitted (process pools).
    pub retries: usize,
    /// Tasks each worker process runs at once on its event loop (async-process-pool only).
    pub child_concurrency: Option<usize>,
    /// `threads`: start no more than this many, as an OS limit would (to test refusals).
    pub max_threads: Option<usize>,
    /// Run the bare reference of its shape after each repetition (sleeps on async, async-join-all,
    /// threads; GETs on async: `run::reference`).
    pub reference: bool,
    /// The case asks for more than this machine may give, on purpose (the scale suite's largest io
    /// cases): the pre-flight check warns instead of refusing the run, and what the OS refuses is
    /// recorded as the tasks' failures.
    pub past_limits: bool,
}

impl Case {
    /// A case with the defaults every suite starts from: 3 repetitions after 1 warm-up.
    pub fn new(
        group: Group,
        model: ModelKind,
        tasks: usize,
        limit: Option<usize>,
        workload: Params,
    ) -> Case {
        Case {
            group,
            model,
            tasks,
            limit: limit.filter(|_| model.model().takes_limit()),
            workload,
            repeat: 3,
            warmup: 1,
            retries: 0,
            child_concurrency: matches!(
                model,
                ModelKind::AsyncProcessPool | ModelKind::PyAsyncProcessPool
            )
            .then_some(DEFAULT_CHILD_CONCURRENCY),
            max_threads: None,
            reference: false,
            past_limits: false,
        }
    }

    /// Tasks each worker runs at once: the child concurrency, 1 for models without one.
    pub fn per_worker(&self) -> usize {
        self.child_concurrency.unwrap_or(1)
    }

    fn io(
        group: Group,
        model: ModelKind,
        tasks: usize,
        limit: Option<usize>,
        s: ServerPlan,
    ) -> Case {
        Case::new(group, model, tasks, limit, Params::Io(IoParams::new(s)))
    }

    fn reps(self, repeat: usize, warmup: usize) -> Case {
        Case {
            repeat,
            warmup,
            ..self
        }
    }

    /// As many repetitions as fit in `budget_s` of ideal time, at least 1 and at most `max` (a CPU
    /// part given in time counts at that time: the plan is made before anything is measured).
    fn sized(self, budget_s: f64, max: usize) -> Case {
        let ideal = self
            .ideal(2, self.workload.nominal_cpu())
            .unwrap_or(budget_s);
        // The epsilon keeps 0.3 / 0.1 (= 2.999…) at 3.
        let repeat = ((budget_s / ideal + 1e-9).floor() as usize).clamp(1, max);
        Case { repeat, ..self }
    }

    /// Readable and unique within a run: `group/workload/model/n9-k3-w3-1s`.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.group,
            self.workload.kind(),
            self.model,
            self.params()
        )
    }

    /// The parameters part of the id, `n9-k3-w3-1s`; `cargo bench` names its benchmarks with it too.
    pub fn params(&self) -> String {
        let mut p = format!("n{}", self.tasks);
        if let Some(k) = self.limit {
            p += &format!("-k{k}");
        }
        if let Some(c) = self.child_concurrency {
            p += &format!("-c{c}");
        }
        let suffix = self.workload.id_suffix();
        if !suffix.is_empty() {
            p += &format!("-{suffix}");
        }
        p
    }

    /// k as the model sees it: the limit, or N for models without one.
    pub fn k(&self) -> usize {
        self.limit.unwrap_or(self.tasks)
    }

    pub fn lanes(&self, cores: usize) -> Lanes {
        self.model
            .model()
            .lanes(self.tasks, self.k(), self.per_worker(), cores)
    }

    /// What the workload's ideal and bottleneck need of the case on a machine with `cores` CPUs.
    pub fn shape(&self, cores: usize) -> Shape {
        Shape {
            tasks: self.tasks,
            lanes: self.lanes(cores),
            cores,
        }
    }

    /// Whether it needs the Python env: a Python model, or gunicorn as its server.
    pub fn needs_python(&self) -> bool {
        self.model.is_python() || self.workload.server_kind() == ServerKind::Gunicorn
    }

    /// The makespan physics allows, seconds (see each workload's file); None when it cannot be known.
    pub fn ideal(&self, cores: usize, cpu: Option<Calibration>) -> Option<f64> {
        // t₁ is measured with Rust's loop: it says nothing of Python's (~100× slower), so a Python
        // model's CPU work has no ideal rather than a wrong one.
        let cpu = cpu.filter(|_| !self.model.is_python());
        self.workload.ideal(&self.shape(cores), cpu)
    }

    /// What limits the case.
    pub fn bottleneck(&self, cores: usize, cpu: Option<Calibration>) -> Bottleneck {
        self.workload.bottleneck(&self.shape(cores), cpu)
    }
}

/// aiomultiprocess's default: each worker process runs up to 16 tasks at once on its event loop.
pub const DEFAULT_CHILD_CONCURRENCY: usize = 16;

use ModelKind::*;

/// The talk against `gunicorn -w 3` and a 1 s app.
fn seed(repeat: usize) -> Vec<Case> {
    let s = ServerPlan {
        workers: 3,
        delay: Duration::from_secs(1),
    };
    let g = Group::Seed;
    [
        Case::io(g, Sequential, 3, None, s),
        Case::io(g, Threads, 3, None, s),
        Case::io(g, Async, 3, None, s),
        Case::io(g, AsyncSemaphore, 9, Some(3), s),
        Case::io(g, ProcessPool, 3, Some(3), s),
        Case::io(g, ThreadPool, 3, Some(3), s),
        // Nine unbounded threads against three workers: six requests queue at the server.
        Case::io(g, Threads, 9, None, s),
        // The same clients in Python on this machine (skipped with one line without `make
        // python-env`): the seed chart's second source, between Rust here and the talk's figures.
        Case::io(g, PySequential, 3, None, s),
        Case::io(g, PyThreads, 3, None, s),
        Case::io(g, PyAsyncio, 3, None, s),
        Case::io(g, PyAsyncioSemaphore, 9, Some(3), s),
        Case::io(g, PyProcessPool, 3, Some(3), s),
        Case::io(g, PyThreadPool, 3, Some(3), s),
    ]
    .into_iter()
    // Python's cases at most 3 times: each is a second or three of waiting, and the seed chart
    // shows them as a mark beside the Rust bar, not with an interval of their own.
    .map(|c| match c.model.is_python() {
        true => c.reps(repeat.min(3), 1),
        false => c.reps(repeat, 1),
    })
    .collect()
}

/// The seed's Rust clients twice: against concbench's server and against gunicorn with the same W
/// and delay. Their ratio per case is the evidence that concbench's server has gunicorn's sync-worker
/// semantics (the report's fidelity section); Python's clients would only add Python's own noise to both sides.
fn fidelity(repeat: usize) -> Vec<Case> {
    let ours = seed(repeat)
        .into_iter()
        .filter(|c| !c.model.is_python())
        .map(|c| Case {
            group: Group::Fidelity,
            ..c
        });
    ours.flat_map(|c| {
        let mut theirs = c.clone();
        if let Params::Io(io) = &mut theirs.workload {
            io.server = ServerKind::Gunicorn;
        }
        [c, theirs]
    })
    .collect()
}

fn io_sweep(repeat: usize) -> Vec<Case> {
    let delay = Duration::from_millis(100);
    let mut cases = Vec::new();
    // The models whose io shape differs; the two built for mixed work (an async with a blocking pool,
    // an async process pool) add nothing to plain GETs that the mixed suite does not show better.
    let models = [
        Sequential,
        Threads,
        ThreadPool,
        Async,
        AsyncSingle,
        AsyncSemaphore,
        ProcessPool,
        Rayon,
    ];
    for workers in [9, 0] {
        let s = ServerPlan { workers, delay };
        for model in models {
            for n in [1, 3, 9, 27, 81, 243] {
                if model == Sequential && n > 27 {
                    continue;
                }
                cases.push(Case::io(Group::IoSweep, model, n, Some(9), s).reps(repeat, 0));
            }
        }
    }
    // What the usual libraries add on top of a model's own cost (ureq blocking, reqwest async): the
    // unbounded models against the unbounded server, where every connection is paid at once.
    let unbounded = ServerPlan { workers: 0, delay };
    for model in [Threads, Async] {
        for n in [1, 3, 9, 27, 81, 243] {
            let library = IoParams {
                client: crate::client::ClientKind::Library,
                ..IoParams::new(unbounded)
            };
            let case = Case::new(Group::IoSweep, model, n, None, Params::Io(library));
            cases.push(case.reps(repeat, 0));
        }
    }
    cases
}

fn limit_sweep(repeat: usize) -> Vec<Case> {
    // 100 ms and 32 tasks show the same halving per doubling of k as a longer delay and more tasks,
    // at a quarter of the waiting (k = 1 alone waits N × 100 ms per model).
    let s = ServerPlan {
        workers: 0,
        delay: Duration::from_millis(100),
    };
    let mut cases = Vec::new();
    for model in [ThreadPool, AsyncSemaphore, ProcessPool, Rayon] {
        for k in [1, 2, 4, 8, 16, 32] {
            cases.push(Case::io(Group::LimitSweep, model, 32, Some(k), s).reps(repeat, 0));
        }
    }
    cases
}

fn cpu(repeat: usize) -> Vec<Case> {
    let work = Params::Cpu(CpuParams {
        cpu_iters: crate::workload::DEFAULT_CPU_ITERS,
    });
    let mut cases = Vec::new();
    for model in [
        Sequential,
        Threads,
        Async,
        AsyncSingle,
        ThreadPool,
        Rayon,
        ProcessPool,
    ] {
        let ks: &[usize] = if model.model().takes_limit() {
            &[1, 2, 4, 8]
        } else {
            &[32]
        };
        for &k in ks {
            let case = Case::new(Group::Cpu, model, 32, Some(k), work.clone());
            cases.push(case.reps(repeat, 1));
        }
    }
    cases
}

/// Python's answer to the GIL (article 004, Effective Python item 64): the same counting loop on one
/// thread, a thread per task and a process pool, in a group of its own — the cpu chart's speedups are
/// over Rust's t₁, which says nothing of Python's loop (~100× slower). 2 M iterations (~0.1 s in
/// CPython) and 8 tasks keep each case near a second; k = 4 shows where two cores stop helping.
fn py_cpu(repeat: usize) -> Vec<Case> {
    let work = Params::Cpu(CpuParams {
        cpu_iters: 2_000_000,
    });
    let case = |model, k| Case::new(Group::PyCpu, model, 8, k, work.clone()).reps(repeat, 0);
    vec![
        case(PySequential, None),
        case(PyThreads, None),
        case(PyProcessPool, Some(2)),
        case(PyProcessPool, Some(4)),
    ]
}

/// The aiomultiprocess article: one event loop whose CPU work blocks it, against loops that share it
/// (a blocking pool), threads, processes, and processes each with a loop of their own.
fn mixed(repeat: usize) -> Vec<Case> {
    let server = ServerPlan {
        workers: 0,
        delay: Duration::ZERO,
    };
    let work = Params::Mixed(MixedParams::new(server));
    let case = |model, k| Case::new(Group::Mixed, model, 30, k, work.clone()).reps(repeat, 0);
    vec![
        case(AsyncSingle, None),
        case(Async, None),
        case(AsyncBlockingPool, None),
        // Sixteen threads: the in-flight tasks of one aiomultiprocess worker.
        case(ThreadPool, Some(16)),
        // multiprocessing.Pool(cpu_count) on a 2-core machine: tasks one at a time per process.
        case(ProcessPool, Some(2)),
        case(AsyncProcessPool, Some(2)),
        // The article's own pair in Python (skipped with one line without `make python-env`): one
        // asyncio loop doing all the counting against aiomultiprocess's pool of loops.
        case(PyAsyncio, None),
        case(PyAsyncProcessPool, Some(2)),
    ]
}

/// Effective Python's item 55: std threads on channels against tokio tasks on channels.
fn pipeline(repeat: usize) -> Vec<Case> {
    let server = ServerPlan {
        workers: 0,
        delay: Duration::ZERO,
    };
    let work = Params::Pipeline(PipelineParams::new(server));
    [Threads, Async]
        .into_iter()
        .map(|m| Case::new(Group::Pipeline, m, 1_000, None, work.clone()).reps(repeat, 0))
        .collect()
}

/// The article of a process pool writing to a database: every model with a connection per task and
/// one per worker, on each database. The pools have 4 workers, more than this machine's cores, so
/// writers contend for SQLite's one write lock as the article's `Pool(cpu_count)` would on a larger
/// machine.
fn db(dbs: &[DbKind], repeat: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    for &db in dbs {
        for connect in [Connect::PerTask, Connect::PerWorker] {
            let work = Params::Db(DbParams::new(db, connect));
            for (model, k) in [
                (Sequential, None),
                (Threads, None),
                (ThreadPool, Some(4)),
                (ProcessPool, Some(4)),
                (Async, None),
            ] {
                let case = Case::new(Group::Db, model, DB_TASKS, k, work.clone());
                cases.push(case.reps(repeat, 0));
            }
        }
    }
    cases
}

/// The wait of the scale suite's sleep cases: the published memory figures' 10 s (the scale report sets
/// them beside these), long enough that every task is in flight at once even at a million.
pub const SCALE_SLEEP: Duration = Duration::from_secs(10);

/// Sleep task counts of `async` in the scale suite: the published figures' N.
pub const SCALE_TASKS: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// Sleep task counts of `async-join-all`: not a million. On one loop, join_all's first poll of each
/// sleep registers it in tokio's timer, and those polls grow faster than N (100,000 sleeps take
/// 2.8 s beyond their wait; the bare program took 618 s for a million here, on a busy machine, and
/// 195 s on a quiet one): the bare program alone would take a third of the suite's 10 minutes or
/// more, the model as long again, and a case process running past 30 s + 10 × its ideal is killed as
/// hung.
pub const SCALE_JOIN_ALL_TASKS: [usize; 3] = [1_000, 10_000, 100_000];

/// Thread counts of `threads` in the scale suite, the last two past where this machine's kernel refuses
/// a thread (vm.max_map_count 65,530 and four mappings a thread: near 16,000, see `thread_room`); a
/// machine that starts them all says so.
pub const SCALE_THREADS: [usize; 4] = [1_000, 10_000, 20_000, 30_000];

/// The scale suite. Repetitions are few because every sleep case costs 10 s twice (the case, then its
/// bare program) and the whole suite must fit `make report-scale` in 10 minutes on two cores: the
/// sleep cases run once (what they measure, peak memory and spawn time, varies by a few per cent
/// between runs, far less than the factors the report compares), io past the machine's limits once,
/// the cheap ones (bases, pools, io up to 10,000) 3 times. tests/scale.rs holds the sum.
fn scale() -> Vec<Case> {
    let g = Group::Scale;
    let sleep = |d: Duration| Params::Sleep(SleepParams::new(d));
    let mut cases = Vec::new();
    for model in [Async, AsyncJoinAll, Threads] {
        // N = 1, the base the memory per task is taken above (as in the memory suite). A sleeping
        // task's memory does not depend on its wait, so the base waits 100 ms, not 10 s.
        let base = Case::new(g, model, 1, None, sleep(Duration::from_millis(100)));
        cases.push(Case {
            reference: true,
            ..base.reps(3, 0)
        });
        let ns: &[usize] = match model {
            Threads => &SCALE_THREADS,
            AsyncJoinAll => &SCALE_JOIN_ALL_TASKS,
            _ => &SCALE_TASKS,
        };
        for &n in ns {
            cases.push(Case {
                reference: true,
                ..Case::new(g, model, n, None, sleep(SCALE_SLEEP)).reps(1, 0)
            });
        }
    }
    // Pools of a few workers at 10,000 tasks: what starting a worker costs them (thread or process),
    // with 1 ms tasks so the 1,250 waves stay near a second.
    for model in [ThreadPool, ProcessPool] {
        let case = Case::new(g, model, 10_000, Some(8), sleep(Duration::from_millis(1)));
        cases.push(case.reps(3, 0));
    }
    // io against the unbounded server, 1 s: every connection open at once. Beyond the ~28,000
    // ephemeral ports of one address (and the open-file limit) the case runs anyway: what the OS
    // refuses is its result, counted as failures.
    let server = ServerPlan {
        workers: 0,
        delay: Duration::from_secs(1),
    };
    let io = Params::Io(IoParams {
        // A request stuck behind the machine's limits (SYNs retried at 1 s and 3 s) fails after 5 s
        // rather than a minute.
        timeout_ms: 5_000,
        ..IoParams::new(server)
    });
    for (model, ns) in [
        (Async, &[1_000, 10_000, 50_000, 100_000][..]),
        (AsyncSemaphore, &[1_000, 10_000, 50_000, 100_000][..]),
        (Threads, &[1_000, 10_000][..]),
    ] {
        for &n in ns {
            let case = Case::new(g, model, n, Some(n), io.clone());
            // Past the limits a case is its failures, and costs 30-45 s of two busy cores: once.
            let past_limits = n > 28_000;
            cases.push(Case {
                past_limits,
                // Beside async, the same GETs with no HTTP client: the io shape's floor that day.
                reference: model == Async && n <= BARE_GET_MAX,
                ..case.reps(if past_limits { 1 } else { 3 }, 0)
            });
        }
    }
    cases
}

/// Most connections the bare `get` program (`run::reference`) opens: it connects from one source
/// address, whose ~28k ephemeral ports towards the server would run out beyond this (the harness's
/// client spreads over several).
pub const BARE_GET_MAX: usize = 20_000;

/// Tasks of a db case: 40 writes of 0.4-4 ms each (a commit waits for this shared disk) keep the
/// slowest case — 40 threads contending for SQLite's write lock — near a second.
pub const DB_TASKS: usize = 40;

fn memory(repeat: usize) -> Vec<Case> {
    let sleep = Params::Sleep(SleepParams::new(Duration::from_secs(1)));
    let case =
        |model, n, k| Case::new(Group::Memory, model, n, Some(k), sleep.clone()).reps(repeat, 0);
    let mut cases = Vec::new();
    for model in [Async, Threads, ThreadPool] {
        // N = 1 is the base (runtime, binary, allocator) that the memory per task is taken above.
        // A pool as large as the task count, so every task is in flight and RSS is per concurrent task.
        for n in [1, 100, 1_000, 10_000] {
            cases.push(case(model, n, n));
        }
    }
    // One task per worker: all k workers hold a task at once, and one wave of the delay suffices.
    for k in [2, 8, 32] {
        cases.push(case(ProcessPool, k, k));
    }
    cases
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3() -> ServerPlan {
        ServerPlan {
            workers: 3,
            delay: Duration::from_secs(1),
        }
    }

    #[test]
    fn ideals_follow_the_design_formulas() {
        let g = Group::AdHoc;
        let seq = Case::io(g, Sequential, 3, None, s3());
        assert_eq!(seq.ideal(2, None), Some(3.0));
        let threads9 = Case::io(g, Threads, 9, None, s3());
        assert_eq!(
            (threads9.ideal(2, None), threads9.bottleneck(2, None)),
            (Some(3.0), Bottleneck::Server)
        );
        let sem = Case::io(g, AsyncSemaphore, 9, Some(3), s3());
        assert_eq!(
            (sem.ideal(2, None), sem.bottleneck(2, None)),
            (Some(3.0), Bottleneck::Balanced)
        );
        let unbounded = ServerPlan { workers: 0, ..s3() };
        let pool = Case::io(g, ThreadPool, 10, Some(4), unbounded);
        assert_eq!(
            (pool.ideal(2, None), pool.bottleneck(2, None)),
            (Some(3.0), Bottleneck::Client)
        );
        let cpu = |model, k| {
            Case::new(
                g,
                model,
                32,
                Some(k),
                Params::Cpu(CpuParams { cpu_iters: 10 }),
            )
        };
        let cal = Calibration {
            t1: 0.1,
            scaling: 0.8,
            write: None,
        };
        assert_eq!(
            cpu(Rayon, 8).ideal(2, Some(cal)),
            Some(32.0 * 0.1 / (2.0 * 0.8))
        );
        assert_eq!(
            cpu(Rayon, 8).ideal(2, None),
            None,
            "no calibration, no ideal"
        );
        assert_eq!(
            cpu(AsyncSingle, 1).ideal(2, Some(cal)),
            Some(32.0 * 0.1),
            "one lane: no s"
        );
        let sleep = Params::Sleep(SleepParams::new(Duration::from_secs(1)));
        assert_eq!(
            Case::new(g, ThreadPool, 100, Some(8), sleep.clone()).ideal(2, None),
            Some(13.0)
        );
        let zero = Params::Sleep(SleepParams::new(Duration::ZERO));
        assert_eq!(
            Case::new(g, Threads, 3, None, zero).ideal(2, None),
            None,
            "a zero ideal bounds nothing"
        );
    }

    #[test]
    fn ids_are_unique_within_every_suite() {
        for suite in Suite::ALL {
            let cases = suite.cases();
            let mut ids: Vec<_> = cases.iter().map(Case::id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), cases.len(), "{}", suite.name());
        }
    }

    #[test]
    fn ids_read_as_before() {
        let ids: Vec<String> = Suite::Default.cases().iter().map(Case::id).collect();
        for id in [
            "seed/io/async-semaphore/n9-k3-w3-1s",
            "io-sweep/io/threads/n243-winf-100ms-library",
            "limit-sweep/io/rayon/n32-k8-winf-100ms",
            "cpu/cpu/thread-pool/n32-k2-i20000000",
            "memory/sleep/process-pool/n8-k8-1s",
        ] {
            assert!(ids.iter().any(|i| i == id), "{id}");
        }
    }

    #[test]
    fn a_limit_is_kept_only_for_models_that_take_one() {
        let work = Params::Cpu(CpuParams { cpu_iters: 10 });
        assert_eq!(
            Case::new(Group::AdHoc, Threads, 4, Some(2), work.clone()).limit,
            None
        );
        assert_eq!(
            Case::new(Group::AdHoc, Rayon, 4, Some(2), work).limit,
            Some(2)
        );
    }
}

#[cfg(test)]
mod budget {
    use super::*;

    /// Seconds of pure waiting a suite needs at the least: Σ ideal × (warm-ups + repetitions).
    fn waiting(suite: Suite, t1: f64) -> f64 {
        suite
            .cases()
            .iter()
            .map(|c| {
                let cal = Calibration {
                    t1,
                    scaling: 1.0,
                    write: None,
                };
                c.ideal(2, Some(cal)).unwrap_or(0.0) * (c.warmup + c.repeat) as f64
            })
            .sum()
    }

    /// Case processes a suite starts: every warm-up and repetition is one.
    fn processes(suite: Suite) -> usize {
        suite.cases().iter().map(|c| c.warmup + c.repeat).sum()
    }

    #[test]
    fn the_default_suite_leaves_room_in_six_minutes() {
        // t₁ of 20 M iterations is ~7 ms here; a case process costs ~75 ms beyond its ideal (start,
        // runtime, reaping). Python's seed clients are in the floor (they have ideals); its py-cpu
        // cases, the calibration probes and what the ideals do not cover (the db group, the cases'
        // excess over their ideals) took 6 s more than the floor on a quiet run here (floor 311.7 s,
        // run 5 min 18 s; before, 6 min 23 s): a floor under 315 s keeps the run within 6 minutes.
        let floor = waiting(Suite::Default, 0.009) + 0.075 * processes(Suite::Default) as f64;
        assert!(
            floor < 315.0,
            "the default suite needs {floor:.1} s before calibration"
        );
        // Rust's seven clients within a minute of waiting; Python's six add 40 s (3 + 1 warm-up each).
        assert!(
            waiting(Suite::Seed, 0.009) < 100.0,
            "the seed suite finishes in under 2 minutes"
        );
    }

    #[test]
    fn the_db_group_keeps_within_fifteen_seconds_of_the_default_suite() {
        // Its ideals are no guide (a connection per task is most of the time), so its cost is counted
        // in writes: 0.4-4 ms each with the commit's fsync here, up to 30 ms when 40 threads contend for
        // SQLite's lock. 800 writes measured 6-10 s here, plus ~75 ms per case process.
        let db: Vec<Case> = Suite::Default
            .cases()
            .into_iter()
            .filter(|c| c.group == Group::Db)
            .collect();
        let writes: usize = db.iter().map(|c| c.tasks * (c.warmup + c.repeat)).sum();
        let processes: usize = db.iter().map(|c| c.warmup + c.repeat).sum();
        assert!(writes <= 800, "{writes} writes");
        assert!(processes <= 20, "{processes} case processes");
        assert!(db
            .iter()
            .all(|c| c.workload.database() == Some(DbKind::Sqlite)));
    }

    #[test]
    fn repetitions_are_sized_by_cost() {
        let default = Suite::Default.cases();
        let reps = |id: &str| default.iter().find(|c| c.id() == id).unwrap().repeat;
        assert_eq!(reps("seed/io/threads/n9-w3-1s"), 6);
        assert_eq!(reps("io-sweep/io/async/n243-winf-100ms"), 2, "0.1 s: cheap");
        assert_eq!(reps("io-sweep/io/sequential/n27-w9-100ms"), 1, "2.7 s: one");
        assert_eq!(reps("cpu/cpu/rayon/n32-k2-i20000000"), 6);
        assert_eq!(
            reps("seed/io/py-threads/n3-w3-1s"),
            2,
            "a mark beside the Rust bar"
        );
    }
}
