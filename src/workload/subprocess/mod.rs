//! `subprocess`: Effective Python's item 52, a child process per task. Each task starts
//! `concbench-child` (a small program the project ships, found beside the running `concbench`), which
//! sleeps `--delay` and says so; the task reads its output, checks it and reaps it. A child still
//! running at `--timeout` is killed (SIGKILL) and reaped, and its task fails as `timeout`. No child
//! outlives its task: each dies with the thread that started it, and after every repetition the
//! workload checks that none it started is left (`task`).
//!
//! Each task's start cost — its spawn call to the child's `main` running, on the monotonic clock both
//! read (`output`) — is its service time, so a case reports its median beside its makespan.
//!
//! Ideal: ⌈N / k⌉ × the child's wait (k = the model's tasks in flight), as for `sleep`: starting a
//! child is the model's own cost, like starting a thread. Killed children end at the timeout, so the
//! wait is the delay or the timeout, whichever is shorter.

pub mod output;
pub mod suite;
pub mod task;

use super::io::{DEFAULT_TIMEOUT, MAX_TIMEOUT};
use super::{Calibration, Describe, Params, Shape, Workload, WorkloadKind};
use crate::names::Bottleneck;
use anyhow::Context;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use task::Subprocess;

pub const ABOUT: &str = "start a child (concbench-child) that sleeps --delay, read its output and \
                         reap it; --timeout kills it";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubprocessParams {
    /// How long each child sleeps, milliseconds.
    pub delay_ms: u64,
    /// A child still running after this long is killed and its task fails as `timeout`,
    /// milliseconds.
    pub timeout_ms: u64,
}

impl SubprocessParams {
    /// Children sleeping `delay`, with io's default timeout.
    pub fn new(delay: Duration) -> SubprocessParams {
        SubprocessParams {
            delay_ms: delay.as_millis() as u64,
            timeout_ms: DEFAULT_TIMEOUT.as_millis() as u64,
        }
    }

    pub fn from_args(
        args: &super::WorkloadArgs,
        _seed: Option<u64>,
    ) -> Result<SubprocessParams, String> {
        if args.delay() > super::MAX_DELAY {
            return Err(format!(
                "--delay {} is above the maximum of 60s",
                humantime::format_duration(args.delay())
            ));
        }
        let timeout = args.io.timeout;
        if timeout.is_zero() || timeout > MAX_TIMEOUT {
            return Err("--timeout must be above 0 and at most 10m".into());
        }
        Ok(SubprocessParams {
            timeout_ms: timeout.as_millis() as u64,
            ..SubprocessParams::new(args.delay())
        })
    }

    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// The task, starting `program` for each child (`build` finds the shipped one).
    pub fn task(&self, program: PathBuf) -> Subprocess {
        Subprocess::new(program, self.delay(), self.timeout())
    }
}

/// The child program beside the running executable, as cargo builds it beside `concbench` (and the
/// pool workers, which are `concbench` too). A test binary has none beside it, and gives its own
/// (`SubprocessParams::task`).
pub fn program() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("subprocess: cannot find the running executable")?;
    let program = exe.with_file_name(output::PROGRAM);
    anyhow::ensure!(
        program.is_file(),
        "subprocess: {} is missing; `cargo build --release` builds it beside concbench",
        program.display()
    );
    Ok(program)
}

impl Describe for SubprocessParams {
    /// A task's work is its child's wait (cut at the timeout); starting the child is the client's.
    fn nominal(&self, _task: u64) -> Option<crate::ledger::path::Nominal> {
        Some(crate::ledger::path::Nominal {
            own: self.delay().min(self.timeout()).as_nanos() as u64,
            ..Default::default()
        })
    }

    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Subprocess
    }

    /// `1s`, or `1s-timeout200ms` with a timeout other than the default.
    fn id_suffix(&self) -> String {
        let delay = humantime::format_duration(self.delay());
        match self.timeout() == DEFAULT_TIMEOUT {
            true => delay.to_string(),
            false => format!(
                "{delay}-timeout{}",
                humantime::format_duration(self.timeout())
            ),
        }
    }

    fn ideal(&self, shape: &Shape, _cpu: Option<Calibration>) -> Option<f64> {
        let wait = self.delay().min(self.timeout());
        Some(shape.waves(shape.lanes.in_flight) * wait.as_secs_f64())
    }

    fn bottleneck(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        Bottleneck::Client
    }

    /// The repetition's deadline allows for a child's whole timeout.
    fn timeout(&self) -> Option<Duration> {
        Some(SubprocessParams::timeout(self))
    }

    fn client_side(&self) -> Params {
        Params::Subprocess(self.clone())
    }

    fn build(&self, _url: &str) -> anyhow::Result<Arc<dyn Workload>> {
        Ok(Arc::new(self.task(program()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Lanes;

    fn shape(tasks: usize, in_flight: usize) -> Shape {
        Shape {
            tasks,
            lanes: Lanes {
                in_flight,
                cpu: in_flight,
            },
            cores: 2,
        }
    }

    #[test]
    fn the_ideal_is_the_waves_of_children_times_their_wait() {
        let book = SubprocessParams::new(Duration::from_secs(1));
        // The book's 10 children at once: one wave of 1 s; one at a time, ten.
        assert_eq!(book.ideal(&shape(10, 10), None), Some(1.0));
        assert_eq!(book.ideal(&shape(10, 1), None), Some(10.0));
        // 200 children of 10 ms, 8 at a time: ⌈200 / 8⌉ = 25 waves.
        let short = SubprocessParams::new(Duration::from_millis(10));
        let ideal = short.ideal(&shape(200, 8), None).unwrap();
        assert!((ideal - 0.25).abs() < 1e-12, "{ideal}");
        // 9 at 8 at a time is two waves, not 1.125.
        assert!((short.ideal(&shape(9, 8), None).unwrap() - 0.02).abs() < 1e-12);
        // Killed at 200 ms, a child of 1 s waits 200 ms.
        let killed = SubprocessParams {
            timeout_ms: 200,
            ..book.clone()
        };
        assert!((killed.ideal(&shape(10, 5), None).unwrap() - 0.4).abs() < 1e-12);
        assert_eq!(book.bottleneck(&shape(10, 10), None), Bottleneck::Client);
        // No wait, no ideal (Params refuses a zero bound).
        let none = Params::Subprocess(SubprocessParams::new(Duration::ZERO));
        assert_eq!(none.ideal(&shape(10, 10), None), None);
    }

    #[test]
    fn a_timeout_other_than_the_default_is_part_of_the_id() {
        let book = SubprocessParams::new(Duration::from_secs(1));
        assert_eq!(book.id_suffix(), "1s");
        let killed = SubprocessParams {
            timeout_ms: 200,
            ..book
        };
        assert_eq!(killed.id_suffix(), "1s-timeout200ms");
    }
}
