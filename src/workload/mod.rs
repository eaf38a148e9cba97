//! Workloads: what one task does. Each workload is one folder owning everything about it: its
//! parameters (a variant of [`Params`], the one description plans, case processes and result files
//! share), how they read in a case id, its ideal and bottleneck, the server it needs, its command-line
//! flags, the task itself in a blocking form (threads, pools, processes) and an async form (the tokio
//! models), so every model can run every workload — and its suites (`suite.rs`, part of the plan).
//! Adding a workload = its folder + one line in `registry!` below.

pub use crate::names::FailureKind;
pub use cpu::{count_to, ideal_speedup, rate as cpu_rate, DEFAULT_ITERS as DEFAULT_CPU_ITERS};
pub use db::{postgres, Connect, DbKind, WRITERS_TOGETHER};
pub use io::Misbehave;

use crate::names::Bottleneck;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The registry: each workload's variant, spelling, folder, parameters type and (when it has flags of
/// its own) flags type, one line each. It declares the folder's module and makes the names
/// (`WorkloadKind`), the tagged parameters (`Params`), the command line (`WorkloadArgs`) and the few
/// places that dispatch on them.
macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal => $module:ident::{$params:ident $(, $args:ident)?}; )*) => {
        $(
            pub mod $module;
            pub use $module::$params;
        )*

        crate::names::name_enum! {
            /// The workloads by name, as the CLI and result files spell them.
            #[derive(JsonSchema)]
            pub enum WorkloadKind {
                $( $(#[$doc])* $variant = $name, )*
            }
        }

        /// A workload's parameters, tagged by its name (`"kind": "io"`).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "kind", rename_all = "kebab-case")]
        pub enum Params {
            $($variant($params),)*
        }

        /// The command-line flags of every workload: the shared ones, then each workload's own,
        /// declared by the workload that reads them.
        #[derive(Debug, Clone, clap::Args)]
        pub struct WorkloadArgs {
            /// The server's delay per request (io) or the wait per task (sleep); default 1s. Against
            /// a `--target` it describes the target, and is unknown unless given.
            #[arg(long, value_parser = parse_duration, allow_hyphen_values = true)]
            pub delay: Option<Duration>,
            /// cpu: iterations of the counting loop per task.
            #[arg(long, default_value_t = cpu::DEFAULT_ITERS, conflicts_with = "suite")]
            pub cpu_iters: u64,
            /// mixed, pipeline: the CPU part's time per task, sized into iterations on this machine
            /// (default 45ms for mixed; `--cpu-iters` gives the iterations instead; at most 60s).
            #[arg(long, value_parser = parse_duration, conflicts_with = "suite")]
            pub cpu_time: Option<Duration>,
            $( $( #[command(flatten)] pub $module: $module::$args, )? )*
        }

        impl Params {
            fn get(&self) -> &dyn Describe {
                match self {
                    $(Params::$variant(p) => p,)*
                }
            }

            fn get_mut(&mut self) -> &mut dyn Describe {
                match self {
                    $(Params::$variant(p) => p,)*
                }
            }

            /// A workload's parameters from the command line (`seed`: the run's, when given), or
            /// why they cannot be.
            pub fn from_args(
                kind: WorkloadKind,
                args: &WorkloadArgs,
                seed: Option<u64>,
            ) -> Result<Params, String> {
                Ok(match kind {
                    $(WorkloadKind::$variant => Params::$variant(<$params>::from_args(args, seed)?),)*
                })
            }

            /// One line for `concbench list`.
            pub fn about(kind: WorkloadKind) -> &'static str {
                match kind {
                    $(WorkloadKind::$variant => $module::ABOUT,)*
                }
            }
        }
    };
}

registry! {
    /// One GET to the slow server.
    Io = "io" => io::{IoParams, IoArgs};
    /// Wait the delay with no network: the model's own cost alone.
    Sleep = "sleep" => sleep::{SleepParams};
    /// A counting loop the compiler cannot fold.
    Cpu = "cpu" => cpu::{CpuParams};
    /// Wait, GET, count: the aiomultiprocess article's task.
    Mixed = "mixed" => mixed::{MixedParams};
    /// Items through three stages on bounded queues.
    Pipeline = "pipeline" => pipeline::{PipelineParams, PipelineArgs};
    /// Compute a score, write one row: the process pool and database article.
    Db = "db" => db::{DbParams, DbArgs};
    /// A child process per task, killed past its timeout: Effective Python's item 52.
    Subprocess = "subprocess" => subprocess::{SubprocessParams};
    /// GETs beside counting tasks in one job: the convoy.
    Convoy = "convoy" => convoy::{ConvoyParams, ConvoyArgs};
    /// Bytes moved to each task and back, beside a CPU part: Effective Python's item 64.
    Payload = "payload" => payload::{PayloadParams, PayloadArgs};
    /// Units that wait on each other: the threading article's semaphore, condition and barrier.
    Coordination = "coordination" => coordination::{CoordinationParams, CoordinationArgs};
    /// A pair of processes exchanging messages over a transport, beside memcpy.
    Ipc = "ipc" => ipc::{IpcParams, IpcArgs};
    /// N units updating one shared counter under a sync: the cost of sharing, and the lost update.
    Contention = "contention" => contention::{ContentionParams, ContentionArgs};
}

impl Params {
    /// What the workload's own file says about the case: its id suffix, server, database, probes,
    /// bottleneck, task and the rest of [`Describe`].
    pub fn describe(&self) -> &dyn Describe {
        self.get()
    }

    /// The same, to record what the run decided (source addresses, a CPU part sized in iterations).
    pub fn describe_mut(&mut self) -> &mut dyn Describe {
        self.get_mut()
    }

    pub fn kind(&self) -> WorkloadKind {
        self.get().kind()
    }

    /// Size a CPU part given in time into iterations at `rate` steps per second; the run does
    /// it once, before any case starts, and the result file records the iterations.
    pub fn size_cpu(&mut self, rate: f64) {
        let ms = self.get().cpu_ms();
        if ms > 0 && self.get().cpu_iters().is_none() {
            let iters = ((ms as f64 / 1e3) * rate).round().max(1.0) as u64;
            self.get_mut().set_cpu_iters(iters);
        }
    }

    /// The CPU part's intended time as a calibration (t₁ = that time, s = 1), for planning before
    /// anything is measured; None when the CPU part is not given in time.
    pub fn nominal_cpu(&self) -> Option<Calibration> {
        let ms = self.get().cpu_ms();
        (ms > 0).then(|| Calibration {
            t1: ms as f64 / 1e3,
            scaling: 1.0,
            write: None,
        })
    }

    /// The server program its requests go to (concbench's own when it makes none).
    pub fn server_kind(&self) -> crate::names::ServerKind {
        self.get()
            .io()
            .map_or_else(Default::default, |io| io.server)
    }

    /// Whether its tasks make requests: to the server it needs, or to a `--target`.
    pub fn makes_requests(&self) -> bool {
        self.get().io().is_some()
    }

    /// Against a `--target`, the server is what the user declared and nothing else: its workers and
    /// delay when given, unknown otherwise, so no id or ideal claims the slow server's defaults.
    pub fn declare_target(&mut self, workers: Option<usize>, delay: Option<Duration>) {
        if let Some(io) = self.get_mut().io_mut() {
            io.server_workers = workers;
            io.server_delay_ms = delay.map(|d| d.as_millis() as u64);
        }
    }

    /// The makespan physics allows, seconds; None when it cannot be known (never zero or non-finite).
    pub fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        self.get()
            .ideal(shape, cpu)
            .filter(|i| i.is_finite() && *i > 0.0)
    }
}

/// What a workload's parameters say about a case; implemented once per workload, in its folder, and
/// reached through [`Params::describe`].
pub trait Describe {
    fn kind(&self) -> WorkloadKind;
    /// The workload's part of a case id: `w3-1s`, `1s`, `i20000000`.
    fn id_suffix(&self) -> String;
    /// The slow server the case needs started, when it needs one.
    fn server(&self) -> Option<ServerPlan> {
        None
    }
    /// The requests its tasks make, when they make any.
    fn io(&self) -> Option<&IoParams> {
        None
    }
    fn io_mut(&mut self) -> Option<&mut IoParams> {
        None
    }
    /// The path every task requests, when one path serves every task.
    fn path(&self) -> Option<&str> {
        self.io().map(|io| io.path.as_str())
    }
    /// The database the case needs started, when it needs one.
    fn database(&self) -> Option<DbKind> {
        None
    }
    /// The makespan physics allows, seconds, as the workload computes it; plans ask
    /// [`Params::ideal`], which refuses a bound that is zero or not finite.
    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64>;
    /// What of task `task`'s time is its work, for the ledger (docs/ledger.md): the server's delay,
    /// its own waits, whether it has a CPU part. None: the workload keeps no ledger.
    fn nominal(&self, _task: u64) -> Option<crate::ledger::path::Nominal> {
        None
    }
    /// What limits the case; `cpu`: what the probes measured so far, when anything.
    fn bottleneck(&self, shape: &Shape, cpu: Option<Calibration>) -> Bottleneck;
    /// The bound one repetition's own task times give, seconds, where its tasks never shared a core:
    /// no run can beat the time its lanes were busy. None where the task times say nothing of that
    /// (tasks that wait, or more lanes than cores, whose task times hold the wait for a core).
    fn own_bound(&self, _shape: &Shape, _task_times: &[f64]) -> Option<f64> {
        None
    }
    /// The task size a cpu probe must measure for this case's ideal, when it needs one.
    fn cpu_iters(&self) -> Option<u64> {
        None
    }
    /// The workload a write probe runs to measure t_write for this case's ideal, when it needs one.
    fn write_probe(&self) -> Option<Params> {
        None
    }
    /// Whether its ideal needs the write probe's second pass, several writers at once (db: what the
    /// database sustains together); without it the probe times one writer alone, and only that.
    fn probes_writers_together(&self) -> bool {
        true
    }
    /// The CPU part's intended time per task, milliseconds, when it is given in time (0: it is not).
    fn cpu_ms(&self) -> u64 {
        0
    }
    /// Record the iterations a CPU part given in time was sized to.
    fn set_cpu_iters(&mut self, _iters: u64) {}
    /// Connections one case process may hold open at once (a workload that makes requests: its
    /// requests').
    fn sockets(&self, shape: &Shape) -> u64 {
        self.io().map_or(0, |io| io.sockets(shape))
    }
    /// Record how many source addresses the workload's client connects from (see `client::sources`).
    fn set_sources(&mut self, count: usize) {
        if let Some(io) = self.io_mut() {
            io.set_sources(count);
        }
    }
    /// Source addresses the case's connections come from (1: the kernel's choice).
    fn sources(&self) -> usize {
        self.io().map_or(1, |io| io.sources())
    }
    /// Record how many processes the server its requests go to is spread over (see
    /// `run::preflight::spread_server`); a server that cannot be spread keeps one.
    fn set_server_processes(&mut self, count: usize) {
        if let Some(io) = self.io_mut() {
            io.set_server_processes(count);
        }
    }
    /// Processes the server its requests go to runs as (1: one process).
    fn server_processes(&self) -> usize {
        self.io().map_or(1, |io| io.server_processes())
    }
    /// The same parameters without what describes the server (workers, its delay, the path): what a
    /// client-side case is, whichever server it ran against.
    fn client_side(&self) -> Params;
    /// The server it ran against, in words, when there is one: `W=3, delay 1000 ms, path /`.
    fn server_side(&self) -> Option<String> {
        self.io().and_then(|io| io.server_side())
    }
    /// The longest a task may wait for an answer before it fails as `timeout`, when it makes requests.
    fn timeout(&self) -> Option<Duration> {
        self.io().map(|io| io.timeout())
    }
    /// When its tasks are items through stages of workers on bounded queues (which only some models
    /// can run): the workers of every stage, which are what the model starts, whatever the items.
    fn stage_workers(&self) -> Option<usize> {
        None
    }
    /// Memory one request in flight holds, bytes (see `model::footprint`), when its tasks make
    /// requests: from `blocking` threads or processes or from tasks on a loop, in Python or not.
    fn bytes_per_request(&self, blocking: bool, python: bool) -> u64 {
        self.io()
            .map_or(0, |io| io.client.bytes_per_request(blocking, python))
    }
    /// The workload's fields of the Python task protocol (python/concbench_py/protocol.py) for `tasks`
    /// tasks against `url`, when the Python reference models can run it: `workload` and what its
    /// task needs. None: Python has no such task.
    fn python(&self, _url: &str, _tasks: usize) -> Option<serde_json::Value> {
        None
    }
    /// Whether its tasks are handed data by their submitter and hand data back (payload): only the
    /// models that move data (`Model::moves_data`) run it.
    fn moves_data(&self) -> bool {
        false
    }
    /// Why `model` cannot run it with `tasks` units, in one line that says which models can, when it
    /// cannot (coordination's units share memory: no process pool runs them).
    fn refuses(&self, _model: crate::names::ModelKind, _tasks: usize) -> Option<String> {
        None
    }
    /// Build the task (clients included); this is setup, timed apart from the makespan.
    fn build(&self, url: &str) -> anyhow::Result<Arc<dyn Workload>>;
}

impl WorkloadArgs {
    /// `--delay`, or the talk's 1 s.
    pub fn delay(&self) -> Duration {
        self.delay.unwrap_or(DEFAULT_DELAY)
    }

    /// `--cpu-time` in milliseconds (at least 1), when given; bounded like a delay, so a mistyped unit
    /// does not burn a core for hours.
    pub fn cpu_ms(&self) -> Result<Option<u64>, String> {
        match self.cpu_time {
            Some(t) if t > MAX_DELAY => Err(format!(
                "--cpu-time {} is above the maximum of {}s",
                humantime::format_duration(t),
                MAX_DELAY.as_secs()
            )),
            t => Ok(t.map(|t| t.as_millis().max(1) as u64)),
        }
    }
}

/// The talk's delay: what `--delay` is when not given.
pub const DEFAULT_DELAY: Duration = Duration::from_secs(1);

/// A humantime duration (`250ms`, `1s`) that says plainly when it is negative.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    if s.trim_start().starts_with('-') {
        return Err("a duration cannot be negative; use 0s or more".into());
    }
    humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 250ms, 1s, 2m)"))
}

/// The longest delay or wait a case may ask for.
pub const MAX_DELAY: Duration = Duration::from_secs(60);

/// The server a case needs: W workers (0 = unbounded) holding each request for `delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServerPlan {
    pub workers: usize,
    pub delay: Duration,
}

/// What a cpu ideal needs from the machine, measured at the case's own task size: t₁, the median time
/// of one task alone, and s ≤ 1, the parallel scaling (one task's time alone over its time when every
/// core computes at once). A database's ideal needs its write times too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    pub t1: f64,
    pub scaling: f64,
    pub write: Option<WriteTimes>,
}

/// A database's write times as write probes measure them, seconds: `alone`, the median write (BEGIN →
/// COMMIT) of one writer on one kept connection; `together`, the time per write the database sustained
/// with [`db::WRITERS_TOGETHER`] writers at once — shorter than `alone` where concurrent commits share a
/// disk flush (PostgreSQL's group commit) or overlap what is not under the write lock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriteTimes {
    pub alone: f64,
    pub together: f64,
}

/// How much a model can overlap: tasks in flight at once, and threads running CPU work at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lanes {
    pub in_flight: usize,
    pub cpu: usize,
}

impl Lanes {
    /// A model bounded by k: at most k tasks in flight, each on its own thread or process.
    pub fn bounded(tasks: usize, limit: usize) -> Lanes {
        let k = limit.min(tasks);
        Lanes {
            in_flight: k,
            cpu: k,
        }
    }
}

/// What an ideal needs of the case beyond the workload: N, the model's lanes, the machine's cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub tasks: usize,
    pub lanes: Lanes,
    pub cores: usize,
}

impl Shape {
    /// ⌈N / concurrency⌉: how many times the slowest lane runs a task.
    pub fn waves(&self, concurrency: usize) -> f64 {
        self.tasks.div_ceil(concurrency.max(1)) as f64
    }
}

/// The stages a staged workload's models run: each item goes through stage 0, then 1, then 2, each
/// stage's workers pulling from the bounded queue before it.
pub trait Stages: Send + Sync {
    /// Workers per stage.
    fn workers(&self) -> [usize; 3];
    /// Capacity of each queue.
    fn queue(&self) -> usize;
    /// Item `item`'s work at `stage`, blocking this thread.
    fn blocking(&self, stage: usize, item: u64) -> TaskResult;
    /// Item `item`'s work at `stage` as a future (CPU work inline).
    fn run_async(&self, stage: usize, item: u64) -> TaskFuture<'_>;
}

/// What one task returned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    /// The task's value (bytes read for io, the count for cpu), or why it failed.
    pub outcome: Result<u64, FailureKind>,
    /// Request sent → response read, for io (with retries: the first sent → the last read).
    pub service: Option<Duration>,
    /// The requests the task sent and what they met, beyond its one plain GET (io; zero otherwise).
    #[serde(default)]
    pub tries: Tries,
    /// The marks of its request (the one that answered, with retries or hedges), for the ledger:
    /// io and mixed tasks on the direct client while the ledger is on; None otherwise.
    #[serde(default)]
    pub call: Option<crate::ledger::CallMarks>,
    /// Its CPU part's run time and preemption where it ran (the ledger on; tasks with a CPU part).
    #[serde(default)]
    pub part: Option<crate::ledger::part::PartRun>,
}

/// What a task's requests met: every request it sent (retries and hedges too), and how many of them
/// came back 429, timed out or failed otherwise. All zero for tasks that send none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tries {
    /// Requests sent: the first, each retry, each hedge.
    pub requests: u32,
    /// Of them, answered 429 Too Many Requests.
    pub refused: u32,
    /// Of them, second requests a hedge sent.
    pub hedges: u32,
    /// Of them, without a complete answer within the timeout.
    pub timeouts: u32,
    /// Of them, failed otherwise (a 500, a reset, a broken connection); a hedge's cancelled loser
    /// is not counted.
    pub failed: u32,
}

impl TaskResult {
    /// A task that failed as `kind`, with nothing else to say of it.
    pub fn failed(kind: FailureKind) -> TaskResult {
        TaskResult {
            outcome: Err(kind),
            service: None,
            tries: Default::default(),
            call: None,
            part: None,
        }
    }

    pub fn ok(value: u64) -> TaskResult {
        TaskResult {
            outcome: Ok(value),
            service: None,
            tries: Default::default(),
            call: None,
            part: None,
        }
    }
}

pub type TaskFuture<'a> = Pin<Box<dyn Future<Output = TaskResult> + Send + 'a>>;
/// A task over data as a future: its result and the data it hands back.
pub type DataFuture<'a> = Pin<Box<dyn Future<Output = (TaskResult, Vec<u8>)> + Send + 'a>>;

/// One kind of task, done either blocking the calling thread or as a future on the caller's runtime.
pub trait Workload: Send + Sync {
    /// Do task number `task` (0..N; the same number every model gives it), blocking this thread.
    fn blocking(&self, task: u64) -> TaskResult;
    /// Do task number `task` as a future (CPU work runs inline: an event loop doing CPU work is
    /// blocked by it, which is the point).
    fn run_async(&self, task: u64) -> TaskFuture<'_>;
    /// Do task number `task` as a future that hands its CPU work to tokio's blocking pool
    /// (`spawn_blocking`), so the event loop stays free: the `async-blocking-pool` model.
    fn run_async_offloaded(&self, task: u64) -> TaskFuture<'_> {
        self.run_async(task)
    }
    /// The data the submitter makes for task `task` and hands it (empty: its tasks take none).
    fn parcel(&self, _task: u64) -> Vec<u8> {
        Vec::new()
    }
    /// Do task `task` over the data its submitter handed it, blocking this thread: its result and
    /// the data it hands back.
    fn blocking_with(&self, task: u64, _input: Vec<u8>) -> (TaskResult, Vec<u8>) {
        (self.blocking(task), Vec::new())
    }
    /// The same as a future, for a worker's event loop.
    fn run_async_with(&self, task: u64, _input: Vec<u8>) -> DataFuture<'_> {
        Box::pin(async move { (self.run_async(task).await, Vec::new()) })
    }
    /// The submitter's check of the data task `task` handed back: a changed byte is `corrupt`.
    fn receive(&self, _task: u64, _back: &[u8]) -> Result<(), FailureKind> {
        Ok(())
    }
    /// Check a successful task's value; a wrong one means the task did not do its work.
    fn verify(&self, _value: u64) -> Result<(), String> {
        Ok(())
    }
    /// Set up what one repetition starts from, in the case process before the model runs (timed as
    /// setup): db creates its table empty. Not in `build`, which every pool worker process runs too.
    fn prepare(&self) -> anyhow::Result<()> {
        Ok(())
    }
    /// After the model ran, check what the tasks left behind against what they said, given every
    /// task's result in task order: db reads its rows back and turns a task whose row is missing into
    /// a failure. An error fails the repetition.
    fn audit(&self, _results: &mut [&mut TaskResult]) -> anyhow::Result<()> {
        Ok(())
    }
    /// Whether [`Self::audit`] checks anything: then it needs every task's result, and models keep a
    /// record of each however many tasks there are, instead of folding them as they end.
    fn audits(&self) -> bool {
        false
    }
    /// What units that wait on each other counted over the repetition (coordination: the most a
    /// semaphore admitted, the items a handoff delivered, the teams a barrier filled and broke), read
    /// once the model ran; None for independent tasks.
    fn tally(&self) -> Option<coordination::Tally> {
        None
    }
    /// What its tasks counted in shared state, read after the model ran (contention: the final count,
    /// which the case process sets against the sum of the tasks' values); None: it keeps no count.
    fn counted(&self) -> anyhow::Result<Option<u64>> {
        Ok(None)
    }
    /// Give a process pool's worker command what its tasks share with the case process beyond the
    /// workload's parameters, before it starts (contention: the shared mapping's descriptor); an
    /// error refuses the pool.
    fn to_worker(&self, _cmd: &mut std::process::Command) -> anyhow::Result<()> {
        Ok(())
    }
    /// A staged workload's stages, for the models that run them.
    fn stages(&self) -> Option<&dyn Stages> {
        None
    }
    /// What the repetition's tasks exchanged, read by the case process after the model ran (ipc: its
    /// pairs' round trips and streams, beside memcpy); None for every other workload.
    fn exchanged(&self) -> Option<ipc::Exchanged> {
        None
    }
    /// A task that only waits this long: the async models then await tokio's own sleep in the task
    /// instead of a boxed future, so at a million tasks the task measured is as small as a bare one.
    fn sleep_only(&self) -> Option<Duration> {
        None
    }
    /// Task `task` as plain steps — a wait, a GET, a count — for a model whose event loop is not
    /// tokio's (async-uring) and so cannot poll [`Self::run_async`]'s future; None: the task is more
    /// than that (or its GET more than the direct client's one try), and such a model refuses it.
    fn steps(&self, _task: u64) -> Option<Steps<'_>> {
        None
    }
}

/// A task as steps, taken in order: wait, then GET (its answer must be a success), then count. Its
/// value is the count when it counts, else the GET's body length, else 0.
#[derive(Clone, Copy, Default)]
pub struct Steps<'a> {
    pub wait: Duration,
    pub get: Option<&'a crate::client::Plain>,
    /// Iterations of the counting loop; 0: none.
    pub count: u64,
}

impl Steps<'_> {
    /// The task's result once its GET (if any) answered `got` after `service`: a failed GET ends
    /// it; otherwise it counts, on the caller's thread.
    pub fn finish(&self, got: Option<(crate::client::Answer, Duration)>) -> TaskResult {
        let mut result = TaskResult::ok(0);
        if let Some((answer, service)) = got {
            result = TaskResult {
                outcome: answer.map_err(|f| f.kind),
                service: Some(service),
                tries: Tries {
                    requests: 1,
                    ..Default::default()
                },
                call: None,
                part: None,
            };
            if result.outcome.is_err() {
                return result;
            }
        }
        if self.count > 0 {
            result.outcome = Ok(count_to(self.count));
        }
        result
    }
}

/// Milliseconds as a [`Duration`].
pub fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}
