//! Workloads: what one task does. Each is one file implementing [`Workload`], which has a blocking form
//! (for threads, pools and processes) and an async form (for the tokio models), so every model can run
//! every workload. A task reports its outcome; the models time it.

mod cpu;
mod io;
mod sleep;

pub use cpu::{count_to, Cpu};
pub use io::{Io, IoOptions};
pub use sleep::Sleep;

use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The workloads by name, as the CLI and result files spell them.
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
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadKind {
    /// One GET to the slow server.
    Io,
    /// Wait the delay with no network: the model's own cost alone.
    Sleep,
    /// A counting loop the compiler cannot fold.
    Cpu,
}

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 3] = [WorkloadKind::Io, WorkloadKind::Sleep, WorkloadKind::Cpu];

    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Io => "io",
            WorkloadKind::Sleep => "sleep",
            WorkloadKind::Cpu => "cpu",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            WorkloadKind::Io => {
                "one GET to the slow server (the direct client by default; --client library: \
                 ureq/reqwest)"
            }
            WorkloadKind::Sleep => "wait --delay with no network: the model's own overhead",
            WorkloadKind::Cpu => {
                "a counting loop of --cpu-iters iterations the optimiser cannot fold"
            }
        }
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
        }
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
    fn kind(&self) -> WorkloadKind;
    /// Do one task, blocking this thread.
    fn blocking(&self) -> TaskResult;
    /// Do one task as a future (CPU work runs inline: async models do not get to offload it).
    fn run_async(&self) -> TaskFuture<'_>;
}

/// Everything needed to build a workload in any process: sent to case and pool-worker processes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadSpec {
    pub kind: WorkloadKind,
    /// `sleep`: how long to wait.
    pub delay: Duration,
    /// `cpu`: iterations per task.
    pub cpu_iters: u64,
    /// `io`: request options.
    pub io: IoOptions,
}

impl WorkloadSpec {
    /// Build the workload (clients included); this is setup, timed apart from the makespan.
    pub fn build(&self) -> anyhow::Result<std::sync::Arc<dyn Workload>> {
        Ok(match self.kind {
            WorkloadKind::Io => std::sync::Arc::new(Io::new(self.io.clone())?),
            WorkloadKind::Sleep => std::sync::Arc::new(Sleep(self.delay)),
            WorkloadKind::Cpu => std::sync::Arc::new(Cpu(self.cpu_iters)),
        })
    }
}
