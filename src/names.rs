//! The names every layer shares — models, groups, bottlenecks, failures — as enums spelled one way in
//! the CLI, case ids and result files. Only the vocabulary lives here; behaviour lives with each name
//! (the model registry in `model/`), so a result file and the views that read it can name a model
//! without reaching the code that runs it. Workload names are made by the workload registry itself
//! (`workload::WorkloadKind`), beside each workload's parameters.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The models, as the CLI and result files spell them. Adding one: a variant here and in [`Self::ALL`],
/// its file in `model/` and its line in the registry (`ModelKind::model`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    Sequential,
    Threads,
    ThreadPool,
    Async,
    AsyncSingle,
    AsyncSemaphore,
    ProcessPool,
    Rayon,
    AsyncBlockingPool,
    AsyncProcessPool,
    AsyncJoinAll,
    /// The Python reference models (python/concbench_py), run as an external program.
    PySequential,
    PyThreads,
    PyThreadPool,
    PyAsyncio,
    PyAsyncioSemaphore,
    PyProcessPool,
    PyAsyncProcessPool,
}

impl ModelKind {
    /// The Python reference models: not in [`Self::ALL`], which holds the models that run inside a
    /// case process (every test and bench that runs "every model" runs those).
    pub const PYTHON: [ModelKind; 7] = [
        ModelKind::PySequential,
        ModelKind::PyThreads,
        ModelKind::PyThreadPool,
        ModelKind::PyAsyncio,
        ModelKind::PyAsyncioSemaphore,
        ModelKind::PyProcessPool,
        ModelKind::PyAsyncProcessPool,
    ];

    /// Whether it is one of the Python reference models.
    pub fn is_python(self) -> bool {
        Self::PYTHON.contains(&self)
    }

    /// The Rust model of the same shape as a Python one (py-asyncio is `async`: the seed's gather).
    pub fn rust_twin(self) -> Option<ModelKind> {
        Some(match self {
            ModelKind::PySequential => ModelKind::Sequential,
            ModelKind::PyThreads => ModelKind::Threads,
            ModelKind::PyThreadPool => ModelKind::ThreadPool,
            ModelKind::PyAsyncio => ModelKind::Async,
            ModelKind::PyAsyncioSemaphore => ModelKind::AsyncSemaphore,
            ModelKind::PyProcessPool => ModelKind::ProcessPool,
            ModelKind::PyAsyncProcessPool => ModelKind::AsyncProcessPool,
            _ => return None,
        })
    }

    pub const ALL: [ModelKind; 11] = [
        ModelKind::Sequential,
        ModelKind::Threads,
        ModelKind::ThreadPool,
        ModelKind::Async,
        ModelKind::AsyncSingle,
        ModelKind::AsyncSemaphore,
        ModelKind::ProcessPool,
        ModelKind::Rayon,
        ModelKind::AsyncBlockingPool,
        ModelKind::AsyncProcessPool,
        ModelKind::AsyncJoinAll,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Sequential => "sequential",
            ModelKind::Threads => "threads",
            ModelKind::ThreadPool => "thread-pool",
            ModelKind::Async => "async",
            ModelKind::AsyncSingle => "async-single",
            ModelKind::AsyncSemaphore => "async-semaphore",
            ModelKind::ProcessPool => "process-pool",
            ModelKind::Rayon => "rayon",
            ModelKind::AsyncBlockingPool => "async-blocking-pool",
            ModelKind::AsyncProcessPool => "async-process-pool",
            ModelKind::AsyncJoinAll => "async-join-all",
            ModelKind::PySequential => "py-sequential",
            ModelKind::PyThreads => "py-threads",
            ModelKind::PyThreadPool => "py-thread-pool",
            ModelKind::PyAsyncio => "py-asyncio",
            ModelKind::PyAsyncioSemaphore => "py-asyncio-semaphore",
            ModelKind::PyProcessPool => "py-process-pool",
            ModelKind::PyAsyncProcessPool => "py-async-process-pool",
        }
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The section of a report (and a comparison) a case belongs to: a suite's own cases, one-off cases of
/// `run --workload`, or `cargo bench` results.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Seed,
    IoSweep,
    LimitSweep,
    Cpu,
    /// The GIL, measured: Python's threads against its process pool on the same counting tasks.
    PyCpu,
    Memory,
    Mixed,
    Pipeline,
    Db,
    /// Thousands to a million tasks and connections: memory and spawn cost per unit beside the bare
    /// programs and the published figures, io up to 100,000 connections.
    Scale,
    AdHoc,
    /// `concbench calibrate`: the models' requests/s beside the load generators'.
    Calibrate,
    /// The seed cases against concbench's server and against gunicorn (`--suite fidelity`).
    Fidelity,
    /// criterion's saved baselines.
    #[serde(rename = "cargo bench")]
    Bench,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Seed => "seed",
            Group::IoSweep => "io-sweep",
            Group::LimitSweep => "limit-sweep",
            Group::Cpu => "cpu",
            Group::PyCpu => "py-cpu",
            Group::Memory => "memory",
            Group::Mixed => "mixed",
            Group::Pipeline => "pipeline",
            Group::Db => "db",
            Group::Scale => "scale",
            Group::AdHoc => "ad-hoc",
            Group::Calibrate => "calibrate",
            Group::Fidelity => "fidelity",
            Group::Bench => "cargo bench",
        }
    }
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The server program io cases are sent to: concbench's own slow server, or gunicorn's sync workers
/// serving python/concbench_py/slow_app.py (`--server gunicorn`) — the server the talk used.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum ServerKind {
    #[default]
    Concbench,
    Gunicorn,
}

impl ServerKind {
    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Concbench => "concbench",
            ServerKind::Gunicorn => "gunicorn",
        }
    }

    /// The default, left out of ids and result files so they read as before.
    pub fn is_concbench(&self) -> bool {
        *self == ServerKind::Concbench
    }
}

impl std::fmt::Display for ServerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The load generators `concbench calibrate` sets beside the models, each run when installed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum LoadGenerator {
    Wrk,
    Hey,
    Oha,
}

impl LoadGenerator {
    pub const ALL: [LoadGenerator; 3] =
        [LoadGenerator::Wrk, LoadGenerator::Hey, LoadGenerator::Oha];

    /// Its name, which is also its command.
    pub fn name(self) -> &'static str {
        match self {
            LoadGenerator::Wrk => "wrk",
            LoadGenerator::Hey => "hey",
            LoadGenerator::Oha => "oha",
        }
    }

    /// How to install it, for the line that says it was skipped.
    pub fn install(self) -> &'static str {
        match self {
            LoadGenerator::Wrk => "apt-get install wrk",
            LoadGenerator::Hey => "apt-get install hey",
            LoadGenerator::Oha => "cargo install oha",
        }
    }
}

impl std::fmt::Display for LoadGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a task failed; errors are data, counted per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// The connection could not be made (refused, reset during connect).
    Connect,
    /// No complete answer within the timeout.
    Timeout,
    /// An answer came, but not 2xx.
    Status,
    /// The connection broke or the body was incomplete.
    Io,
    /// The process-pool worker running it died.
    WorkerLost,
    /// The task panicked.
    Panic,
    /// The task's thread could not be started (the OS refused it, or `--max-threads`).
    Spawn,
    /// The database refused or lost the task's write: SQLITE_BUSY after every retry, an SQL error, or
    /// a row the count after the run did not find.
    Db,
}

impl FailureKind {
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Connect => "connect",
            FailureKind::Timeout => "timeout",
            FailureKind::Status => "status",
            FailureKind::Io => "io",
            FailureKind::WorkerLost => "worker-lost",
            FailureKind::Panic => "panic",
            FailureKind::Spawn => "spawn",
            FailureKind::Db => "db",
        }
    }
}

/// What limits a case.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Bottleneck {
    /// Fewer server workers than the client's concurrency: requests wait in the server's backlog.
    Server,
    /// The client's concurrency bounds the case.
    Client,
    /// Client concurrency and server workers are equal.
    Balanced,
    /// Computing: cores and parallel scaling bound the case.
    Cpu,
    /// A pipeline's slowest stage.
    Stage,
    /// A database's writes: SQLite's one writer at a time, or PostgreSQL's commits over the cores.
    Database,
}

impl Bottleneck {
    pub fn name(self) -> &'static str {
        match self {
            Bottleneck::Server => "server",
            Bottleneck::Client => "client",
            Bottleneck::Balanced => "balanced",
            Bottleneck::Cpu => "cpu",
            Bottleneck::Stage => "stage",
            Bottleneck::Database => "database",
        }
    }
}

impl std::fmt::Display for Bottleneck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CLI, ids and result files spell every name the same way.
    #[test]
    fn names_match_their_serde_spelling() {
        let serde_name = |v: serde_json::Value| v.as_str().unwrap().to_string();
        for m in ModelKind::ALL.into_iter().chain(ModelKind::PYTHON) {
            assert_eq!(serde_name(serde_json::to_value(m).unwrap()), m.name());
            let clap = clap::ValueEnum::to_possible_value(&m).unwrap();
            assert_eq!(clap.get_name(), m.name());
        }
        for g in [
            Group::Seed,
            Group::IoSweep,
            Group::Db,
            Group::Scale,
            Group::AdHoc,
            Group::Calibrate,
            Group::Fidelity,
            Group::PyCpu,
            Group::Bench,
        ] {
            assert_eq!(serde_name(serde_json::to_value(g).unwrap()), g.name());
        }
        for k in [ServerKind::Concbench, ServerKind::Gunicorn] {
            assert_eq!(serde_name(serde_json::to_value(k).unwrap()), k.name());
            let clap = clap::ValueEnum::to_possible_value(&k).unwrap();
            assert_eq!(clap.get_name(), k.name());
        }
        for t in LoadGenerator::ALL {
            assert_eq!(serde_name(serde_json::to_value(t).unwrap()), t.name());
        }
        for b in [Bottleneck::Server, Bottleneck::Balanced, Bottleneck::Cpu] {
            assert_eq!(serde_name(serde_json::to_value(b).unwrap()), b.name());
        }
    }
}
