//! Workloads: what one task does. Each workload is one file owning everything about it: its parameters
//! (a variant of [`Params`], the one description plans, case processes and result files share), how they
//! read in a case id, its ideal and bottleneck, the server it needs, its command-line flags, and the task
//! itself in a blocking form (threads, pools, processes) and an async form (the tokio models), so every
//! model can run every workload. Adding a workload = its file + one line in `registry!` below (+ one
//! `#[command(flatten)]` line in [`WorkloadArgs`] if it has flags of its own).

pub mod cpu;
pub mod db;
pub mod io;
pub mod mixed;
pub mod pipeline;
pub mod sleep;

pub use crate::names::FailureKind;
pub use cpu::{
    count_to, ideal_speedup, rate as cpu_rate, CpuParams, DEFAULT_ITERS as DEFAULT_CPU_ITERS,
};
pub use db::{Connect, DbKind, DbParams};
pub use io::IoParams;
pub use mixed::MixedParams;
pub use pipeline::{PipelineParams, Stages};
pub use sleep::SleepParams;

use crate::names::Bottleneck;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The registry: each workload's variant, parameters type, file and name, one line each. It makes the
/// names (`WorkloadKind`), the tagged parameters (`Params`), and the few places that dispatch on them.
macro_rules! registry {
    ($($variant:ident($params:ty) => $module:ident, $name:literal, $doc:literal;)*) => {
        crate::names::name_enum! {
            /// The workloads by name, as the CLI and result files spell them.
            #[derive(JsonSchema)]
            pub enum WorkloadKind {
                $(#[doc = $doc] $variant = $name,)*
            }
        }

        /// A workload's parameters, tagged by its name (`"kind": "io"`).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "kind", rename_all = "kebab-case")]
        pub enum Params {
            $($variant($params),)*
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
    Io(IoParams) => io, "io", "One GET to the slow server.";
    Sleep(SleepParams) => sleep, "sleep", "Wait the delay with no network: the model's own cost alone.";
    Cpu(CpuParams) => cpu, "cpu", "A counting loop the compiler cannot fold.";
    Mixed(MixedParams) => mixed, "mixed", "Wait, GET, count: the aiomultiprocess article's task.";
    Pipeline(PipelineParams) => pipeline, "pipeline", "Items through three stages on bounded queues.";
    Db(DbParams) => db, "db", "Compute a score, write one row: the process pool and database article.";
}

impl Params {
    /// Size a CPU part given in time into iterations at `rate` steps per second (mixed); the run does
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

    /// Whether its tasks are items of a pipeline, which only some models can run.
    pub fn pipeline(&self) -> bool {
        self.get().pipeline()
    }

    pub fn kind(&self) -> WorkloadKind {
        self.get().kind()
    }

    /// The workload's part of a case id: `w3-1s`, `1s`, `i20000000`.
    pub fn id_suffix(&self) -> String {
        self.get().id_suffix()
    }

    /// The slow server the case needs started, when it needs one.
    pub fn server(&self) -> Option<ServerPlan> {
        self.get().server()
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

    /// The database the case needs started, when it needs one.
    pub fn database(&self) -> Option<DbKind> {
        self.get().database()
    }

    /// The workload a write probe runs to measure t_write for this case's ideal, when it needs one.
    pub fn write_probe(&self) -> Option<Params> {
        self.get().write_probe()
    }

    /// The makespan physics allows, seconds; None when it cannot be known (never zero or non-finite).
    pub fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        self.get()
            .ideal(shape, cpu)
            .filter(|i| i.is_finite() && *i > 0.0)
    }

    /// What limits the case; `cpu`: what the probes measured so far, when anything.
    pub fn bottleneck(&self, shape: &Shape, cpu: Option<Calibration>) -> Bottleneck {
        self.get().bottleneck(shape, cpu)
    }

    /// The task size a cpu calibration must measure for this case's ideal, when it needs one.
    pub fn cpu_iters(&self) -> Option<u64> {
        self.get().cpu_iters()
    }

    /// Connections one case process may hold open at once.
    pub fn sockets(&self, shape: &Shape) -> u64 {
        self.get().sockets(shape)
    }

    /// Spread the case's connections over `count` loopback source addresses, where its client can.
    pub fn set_sources(&mut self, count: usize) {
        self.get_mut().set_sources(count);
    }

    /// Source addresses the case's connections come from (1: the kernel's choice).
    pub fn sources(&self) -> usize {
        self.get().sources()
    }

    /// The same parameters without what describes the server (workers, its delay, the path): what a
    /// client-side case is, whichever server it ran against.
    pub fn client_side(&self) -> Params {
        self.get().client_side()
    }

    /// The server it ran against, in words, when there is one: `W=3, delay 1000 ms, path /`.
    pub fn server_side(&self) -> Option<String> {
        self.get().server_side()
    }

    /// The longest a task may wait for an answer before it fails as `timeout`, when it makes requests.
    pub fn timeout(&self) -> Option<Duration> {
        self.get().timeout()
    }

    /// Build the task (clients included); this is setup, timed apart from the makespan.
    pub fn build(&self, url: &str) -> anyhow::Result<Arc<dyn Workload>> {
        self.get().build(url)
    }
}

/// What a workload's parameters say about a case; implemented once per workload, in its file.
pub trait Describe {
    fn kind(&self) -> WorkloadKind;
    fn id_suffix(&self) -> String;
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
    fn database(&self) -> Option<DbKind> {
        None
    }
    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64>;
    fn bottleneck(&self, shape: &Shape, cpu: Option<Calibration>) -> Bottleneck;
    fn cpu_iters(&self) -> Option<u64> {
        None
    }
    fn write_probe(&self) -> Option<Params> {
        None
    }
    /// The CPU part's intended time per task, milliseconds, when it is given in time (0: it is not).
    fn cpu_ms(&self) -> u64 {
        0
    }
    /// Record the iterations a CPU part given in time was sized to.
    fn set_cpu_iters(&mut self, _iters: u64) {}
    fn sockets(&self, _shape: &Shape) -> u64 {
        0
    }
    /// Record how many source addresses the workload's client connects from (see `client::sources`).
    fn set_sources(&mut self, _count: usize) {}
    fn sources(&self) -> usize {
        1
    }
    fn client_side(&self) -> Params;
    fn server_side(&self) -> Option<String> {
        None
    }
    fn timeout(&self) -> Option<Duration> {
        None
    }
    fn pipeline(&self) -> bool {
        false
    }
    fn build(&self, url: &str) -> anyhow::Result<Arc<dyn Workload>>;
}

/// The command-line flags of every workload, each declared by the workload that reads it; `--delay` and
/// `--cpu-iters` are shared (the io server's delay and sleep's wait; cpu's and later workloads' loops).
#[derive(Debug, Clone, clap::Args)]
pub struct WorkloadArgs {
    /// The server's delay per request (io) or the wait per task (sleep); default 1s. Against a
    /// `--target` it describes the target, and is unknown unless given.
    #[arg(long, value_parser = parse_duration, allow_hyphen_values = true)]
    pub delay: Option<Duration>,
    /// cpu: iterations of the counting loop per task.
    #[arg(long, default_value_t = cpu::DEFAULT_ITERS)]
    pub cpu_iters: u64,
    #[command(flatten)]
    pub io: io::IoArgs,
    #[command(flatten)]
    pub mixed: mixed::MixedArgs,
    #[command(flatten)]
    pub pipeline: pipeline::PipelineArgs,
    #[command(flatten)]
    pub db: db::DbArgs,
}

impl WorkloadArgs {
    /// `--delay`, or the talk's 1 s.
    pub fn delay(&self) -> Duration {
        self.delay.unwrap_or(DEFAULT_DELAY)
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

/// What one task returned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    /// The task's value (bytes read for io, the count for cpu), or why it failed.
    pub outcome: Result<u64, FailureKind>,
    /// Request sent → response read, for io.
    pub service: Option<Duration>,
}

impl TaskResult {
    pub fn ok(value: u64) -> TaskResult {
        TaskResult {
            outcome: Ok(value),
            service: None,
        }
    }
}

pub type TaskFuture<'a> = Pin<Box<dyn Future<Output = TaskResult> + Send + 'a>>;

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
    /// A pipeline's stages, for the models that run pipelines.
    fn stages(&self) -> Option<&dyn Stages> {
        None
    }
    /// A task that only waits this long: the async models then await tokio's own sleep in the task
    /// instead of a boxed future, so at a million tasks the task measured is as small as a bare one.
    fn sleep_only(&self) -> Option<Duration> {
        None
    }
}

/// Milliseconds as a [`Duration`].
pub fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}
