//! The names every layer shares — models, groups, bottlenecks, failures — as enums spelled one way in
//! the CLI, case ids and result files. Only the vocabulary lives here; behaviour lives with each name
//! (the model registry in `model/`), so a result file and the views that read it can name a model
//! without reaching the code that runs it. Every such enum, here or beside its behaviour elsewhere, is
//! declared with [`name_enum!`], which makes its name, parse, Display, `ALL` and serde and clap
//! spellings of one spelling per variant.

use schemars::JsonSchema;

/// An enum of names, each variant spelled once: `Variant = "spelling"`. The spelling is the variant's
/// [`Name::name`], its Display, what `FromStr` parses, and its serde and clap spelling; `ALL` holds the
/// variants in declaration order. Derives Debug, Clone, Copy, Eq, Hash, Ord, serde and
/// `clap::ValueEnum`; more derives (JsonSchema, Default) and doc comments go before `pub enum`, a
/// variant's doc (its help in `--help`) and `#[default]` before it.
macro_rules! name_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $spelling:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, clap::ValueEnum,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $spelling)] #[value(name = $spelling)] $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; $crate::names::count!($($variant)+)] = [$($name::$variant),+];

            /// How the CLI, case ids and result files spell it.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<$name, String> {
                $name::ALL
                    .into_iter()
                    .find(|v| v.name() == s)
                    .ok_or_else(|| $crate::names::unknown(stringify!($name), s, &$name::ALL))
            }
        }

        impl $crate::names::Name for $name {
            fn all() -> &'static [$name] {
                &$name::ALL
            }

            fn name(self) -> &'static str {
                $name::name(self)
            }
        }
    };
}
pub(crate) use name_enum;

/// The number of identifiers given: the length of a [`name_enum!`]'s `ALL`.
macro_rules! count {
    () => { 0usize };
    ($head:ident $($tail:ident)*) => { 1usize + $crate::names::count!($($tail)*) };
}
pub(crate) use count;

/// What every [`name_enum!`] enum is: its variants and their spellings, for code (and the round-trip
/// test) that handles any of them.
pub trait Name: Copy + Eq + std::fmt::Debug + std::fmt::Display + 'static {
    fn all() -> &'static [Self];
    fn name(self) -> &'static str;
}

/// Why a string is no name of `what`: it, and the names there are.
pub fn unknown<T: Name>(what: &str, s: &str, all: &[T]) -> String {
    let names: Vec<&str> = all.iter().map(|v| v.name()).collect();
    format!("{s:?} is no {what}; one of: {}", names.join(", "))
}

/// Every concurrency model, one line each: its variant, its spelling, and the value in `model/` that
/// runs it — a path only `model/` resolves (its registry expands this list), so result files and the
/// views that read them name a model without its code. A Python reference model also names the Rust
/// model of its shape (`twin`). Adding a model: its file in `model/` and its line here; its colour in
/// charts comes from a palette unless `render::style` pins one.
macro_rules! every_model {
    ($then:ident) => {
        $then! {
            Sequential = "sequential" => sequential::Sequential;
            Threads = "threads" => threads::Threads;
            ThreadPool = "thread-pool" => thread_pool::ThreadPool;
            Async = "async" => async_multi::AsyncMulti;
            AsyncSingle = "async-single" => async_single::AsyncSingle;
            AsyncSemaphore = "async-semaphore" => async_semaphore::AsyncSemaphore;
            ProcessPool = "process-pool" => process_pool::ProcessPool;
            Rayon = "rayon" => rayon_pool::RayonPool;
            AsyncBlockingPool = "async-blocking-pool" => async_blocking_pool::AsyncBlockingPool;
            AsyncProcessPool = "async-process-pool" => async_process_pool::AsyncProcessPool;
            AsyncJoinAll = "async-join-all" => async_join_all::AsyncJoinAll;
            QueueWorkers = "queue-workers" => queue_workers::QueueWorkers;
            ThreadPerCore = "thread-per-core" => thread_per_core::ThreadPerCore;
            AsyncUring = "async-uring" => async_uring::AsyncUring;
            Coroutines = "coroutines" => coroutines::Coroutines;
            AsyncSharded = "async-sharded" => async_sharded::AsyncSharded;
            /// The Python reference models (python/concbench_py), run as an external program.
            PySequential = "py-sequential" => python::SEQUENTIAL, twin Sequential;
            PyThreads = "py-threads" => python::THREADS, twin Threads;
            PyThreadPool = "py-thread-pool" => python::THREAD_POOL, twin ThreadPool;
            // py-asyncio is `async`: the seed's gather.
            PyAsyncio = "py-asyncio" => python::ASYNCIO, twin Async;
            PyAsyncioSemaphore = "py-asyncio-semaphore" => python::ASYNCIO_SEMAPHORE, twin AsyncSemaphore;
            PyProcessPool = "py-process-pool" => python::PROCESS_POOL, twin ProcessPool;
            PyAsyncProcessPool = "py-async-process-pool" => python::ASYNC_PROCESS_POOL, twin AsyncProcessPool;
        }
    };
}
pub(crate) use every_model;

/// [`ModelKind`] of [`every_model!`]'s lines: the names and the twins, not the code.
macro_rules! model_kind {
    ($( $(#[$doc:meta])* $variant:ident = $spelling:literal => $run:path $(, twin $twin:ident)? ;)+) => {
        name_enum! {
            /// The models, as the CLI and result files spell them (see [`every_model!`]).
            #[derive(JsonSchema)]
            pub enum ModelKind {
                $( $(#[$doc])* $variant = $spelling, )+
            }
        }

        impl ModelKind {
            /// The Rust model of the same shape as a Python one; None for Rust's own.
            pub fn rust_twin(self) -> Option<ModelKind> {
                match self {
                    $( ModelKind::$variant => model_kind!(@twin $($twin)?), )+
                }
            }
        }
    };
    (@twin) => { None };
    (@twin $twin:ident) => { Some(ModelKind::$twin) };
}
every_model!(model_kind);

impl ModelKind {
    /// Whether it is one of the Python reference models, which run as an external program.
    pub fn is_python(self) -> bool {
        self.rust_twin().is_some()
    }

    /// The models that run inside a case process: every test and bench that runs "every model" runs
    /// these.
    pub fn rust() -> impl Iterator<Item = ModelKind> {
        ModelKind::ALL.into_iter().filter(|m| !m.is_python())
    }

    /// The Python reference models.
    pub fn python() -> impl Iterator<Item = ModelKind> {
        ModelKind::ALL.into_iter().filter(|m| m.is_python())
    }
}

/// Every group of cases — the section of a report (and a comparison) a case belongs to — one line
/// each: its variant and spelling and, for a group that is a suite of its own name, the type in its
/// workload's folder that lists the suite's cases (`workload/<name>/suite.rs`, a path only plan
/// resolves) and what `concbench list` and `--help` say of it. names.rs makes [`Group`] of the lines,
/// plan the suites (`plan::Suite`), so a suite is one line.
macro_rules! every_group {
    ($then:ident) => {
        $then! {
            Seed = "seed" => io::suite::Seed,
                "the talk: sequential, threads, async, semaphore, process pool vs 3 workers, 1 s";
            IoSweep = "io-sweep" => io::suite::IoSweep,
                "makespan vs N (1..243) for every model, W = 9 and unbounded, 100 ms";
            LimitSweep = "limit-sweep" => io::suite::LimitSweep,
                "makespan vs k (1..32) for the bounded models, 32 tasks, 100 ms";
            Cpu = "cpu" => cpu::suite::Cpu,
                "32 counting tasks, speedup vs k (1..8) per model; Python's threads vs processes";
            /// The GIL, measured: Python's threads against its process pool on the same counting
            /// tasks (in the cpu suite).
            PyCpu = "py-cpu";
            Memory = "memory" => sleep::suite::Memory,
                "peak RSS per concurrent task, sleep 1 s, up to 10,000 tasks";
            Mixed = "mixed" => mixed::suite::Mixed,
                "30 tasks that wait 0.2-0.7 s, GET and count 45 ms: one loop vs pools of loops";
            MixedArticle = "mixed-article" => mixed::suite::MixedArticle,
                "the article's own shape at 1/10: 30 tasks wait 20-70 ms, GET, count 68 ms; vs its 1.5x";
            AdviceCheck = "advice-check" => mixed::advice_suite::AdviceCheck,
                "24 jobs drawn by a recorded seed (N 10-20,000, wait 1 ms-1 s, CPU 0-50 ms, W 3..unbounded) on the models advise ranks";
            Pipeline = "pipeline" => pipeline::suite::Pipeline,
                "1,000 items through download (3) → resize (4) → upload (5), threads and async";
            Db = "db" => db::suite::Db,
                "a score and an INSERT per task: models × connection per task / per worker, SQLite and PostgreSQL";
            Subprocess = "subprocess" => subprocess::suite::Subprocess,
                "10 children of a 1 s sleep per model (the book: 1.02 s), 200 of 10 ms: start cost";
            Convoy = "convoy" => convoy::suite::Convoy,
                "20 GETs of 100 ms beside 4 counts of 100 ms vs the GETs alone, per model: the convoy";
            Payload = "payload" => payload::suite::Payload,
                "16 tasks handed 0 B-16 MiB and handing as much back, beside 10 ms of counting: data moved to workers";
            Ipc = "ipc" => ipc::suite::Ipc,
                "a pair of processes per transport (pipe, unix, tcp, shm, queue; Python's mp-*) at 64 B-1 MiB, beside memcpy";
            Coordination = "coordination" => coordination::suite::Coordination,
                "units that wait on each other: a semaphore of 5 over 22, condition vs channel, barriers of 4 that fill or break";
            Contention = "contention" => contention::suite::Contention,
                "N units × M updates of one counter per sync (mutex, rwlock, atomic, sharded, channel, unguarded) and model: ns per update, lost updates";
            Tails = "tails" => io::resilience_suite::Tails,
                "40 GETs of 50 ms, a tenth held 500 ms: plain, a 100 ms timeout and retries, a hedge after 75 ms";
            RateLimit = "rate-limit" => io::resilience_suite::RateLimit,
                "50 GETs against 25/s (burst 5): retry at once, backoff with jitter, Retry-After, a client-side limiter";
            Retries = "retries" => io::resilience_suite::Retries,
                "the article's failures: 7 GETs failing 50 % resubmitted, 20 on 5 workers failing 40 % until success";
            LoadCurve = "load-curve" => io::load_curve_suite::LoadCurve,
                "GETs of 50 ms at a constant offered rate swept past the knee, W = 3 and unbounded: throughput and p99 vs rate per model";
            QueueWorkers = "queue-workers" => sleep::queue_suite::QueueWorkers,
                "200 sleeps of 0 and 10 ms, 32 GETs, 32 counts: process-pool vs workers pulling from the own broker and Redis, k = 4";
            /// Thousands to a million tasks and connections: memory and spawn cost per unit beside
            /// the bare programs and the published figures, io up to 100,000 connections.
            Scale = "scale" => sleep::suite::Scale,
                "1k-1M sleeping tasks beside bare programs, threads to the OS's refusal, io to 100k (make report-scale)";
            /// One-off cases of `run --workload`.
            AdHoc = "ad-hoc";
            /// `concbench calibrate`: the models' requests/s beside the load generators'.
            Calibrate = "calibrate";
            /// The seed cases against concbench's server and against gunicorn (`--suite fidelity`).
            Fidelity = "fidelity" => io::suite::Fidelity,
                "the seed's Rust clients vs concbench's server and gunicorn -w 3 (needs make python-env)";
            /// criterion's saved baselines.
            Bench = "cargo bench";
        }
    };
}
pub(crate) use every_group;

/// [`Group`] of [`every_group!`]'s lines: the names, not the suites.
macro_rules! group_kind {
    ($( $(#[$doc:meta])* $variant:ident = $spelling:literal $(=> $($path:ident)::+, $about:literal)? ;)+) => {
        name_enum! {
            /// The section of a report (and a comparison) a case belongs to: a suite's own cases,
            /// one-off cases of `run --workload`, or `cargo bench` results (see [`every_group!`]).
            #[derive(JsonSchema)]
            pub enum Group {
                $( $(#[$doc])* $variant = $spelling, )+
            }
        }
    };
}
every_group!(group_kind);

name_enum! {
    /// The server program io cases are sent to: concbench's own slow server, or gunicorn's sync
    /// workers serving python/concbench_py/slow_app.py (`--server gunicorn`) — the server the talk
    /// used.
    #[derive(Default, JsonSchema)]
    pub enum ServerKind {
        #[default]
        Concbench = "concbench",
        Gunicorn = "gunicorn",
    }
}

impl ServerKind {
    /// The default, left out of ids and result files so they read as before.
    pub fn is_concbench(&self) -> bool {
        *self == ServerKind::Concbench
    }
}

name_enum! {
    /// The queue `queue-workers` pull their tasks from: the project's own small queue server
    /// (`own`), or Redis started by the harness (`redis`).
    #[derive(Default, JsonSchema)]
    pub enum BrokerKind {
        /// The project's own queue server (`concbench __broker`): a key, a queue, requeue once.
        #[default]
        Own = "own",
        /// Redis (Debian's redis-server), lists as the queue: BLMOVE into a per-worker processing list.
        Redis = "redis",
    }
}

name_enum! {
    /// The load generators `concbench calibrate` sets beside the models, each run when installed.
    #[derive(JsonSchema)]
    pub enum LoadGenerator {
        Wrk = "wrk",
        Hey = "hey",
        Oha = "oha",
    }
}

impl LoadGenerator {
    /// How to install it, for the line that says it was skipped.
    pub fn install(self) -> &'static str {
        match self {
            LoadGenerator::Wrk => "apt-get install wrk",
            LoadGenerator::Hey => "apt-get install hey",
            LoadGenerator::Oha => "cargo install oha",
        }
    }
}

name_enum! {
    /// Why a task failed; errors are data, counted per kind.
    pub enum FailureKind {
        /// The connection could not be made (refused, reset during connect).
        Connect = "connect",
        /// No complete answer within the timeout (subprocess: the child still ran, and was killed).
        Timeout = "timeout",
        /// An answer came, but not 2xx (subprocess: the child exited non-zero, or by a signal the
        /// task did not send).
        Status = "status",
        /// The connection broke or the body was incomplete (subprocess: the child's output was not
        /// its two lines).
        Io = "io",
        /// The process-pool worker running it died.
        WorkerLost = "worker-lost",
        /// The task panicked.
        Panic = "panic",
        /// The task's thread could not be started (the OS refused it, or `--max-threads`), or
        /// its child process (subprocess).
        Spawn = "spawn",
        /// The database refused or lost the task's write: SQLITE_BUSY after every retry, an SQL
        /// error, or a row the count after the run did not find.
        Db = "db",
        /// The data a task was handed, or handed back, arrived changed (payload).
        Corrupt = "corrupt",
        /// The server answered 429 Too Many Requests, and the client's policy gave up (io).
        Refused = "refused",
        /// A message arrived out of its turn: lost, repeated or overtaken (ipc).
        Reordered = "reordered",
        /// A barrier's team never filled and its timeout broke it (coordination): the unit waited
        /// the timeout and ended, as Python's `BrokenBarrierError`.
        Broken = "broken",
    }
}

name_enum! {
    /// The coordination workload's shapes: units that wait on each other, as the threading
    /// article's synchronisation primitives make them.
    #[derive(JsonSchema)]
    pub enum CoordinationShape {
        /// A bounded semaphore of P permits: units admitted in waves.
        Semaphore = "semaphore",
        /// A producer hands items to consumers through a queue under a lock and a condition variable.
        Condition = "condition",
        /// The same handoff through a channel.
        Channel = "channel",
        /// Units gathered into teams of T by a barrier that a timeout breaks.
        Barrier = "barrier",
    }
}

name_enum! {
    /// What limits a case.
    #[derive(JsonSchema)]
    pub enum Bottleneck {
        /// Fewer server workers than the client's concurrency: requests wait in the server's backlog.
        Server = "server",
        /// The client's concurrency bounds the case.
        Client = "client",
        /// Client concurrency and server workers are equal.
        Balanced = "balanced",
        /// Computing: cores and parallel scaling bound the case.
        Cpu = "cpu",
        /// A staged workload's slowest stage.
        Stage = "stage",
        /// A database's writes: SQLite's one writer at a time, or PostgreSQL's commits over the cores.
        Database = "database",
        /// Shared state one unit at a time may update: a lock, an atomic's cache line, a channel's owner.
        Shared = "shared",
    }
}
