//! `sleep`: wait, with no network. Whatever a model adds above the wait is its own cost (thread start,
//! scheduling, memory), which the `memory` suite measures. Ideal: ⌈N / k⌉ × the wait.

pub mod queue_suite;
pub mod suite;

use super::WorkloadKind;
use super::{Calibration, Describe, Params, Shape, TaskFuture, TaskResult, Workload};
use crate::names::Bottleneck;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

pub const ABOUT: &str = "wait --delay with no network: the model's own overhead";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SleepParams {
    /// The wait per task, milliseconds.
    pub delay_ms: u64,
}

impl SleepParams {
    pub fn new(delay: Duration) -> SleepParams {
        SleepParams {
            delay_ms: delay.as_millis() as u64,
        }
    }

    pub fn from_args(
        args: &super::WorkloadArgs,
        _seed: Option<u64>,
    ) -> Result<SleepParams, String> {
        if args.delay() > super::MAX_DELAY {
            return Err(format!(
                "--delay {} is above the maximum of 60s",
                humantime::format_duration(args.delay())
            ));
        }
        Ok(SleepParams::new(args.delay()))
    }

    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms)
    }
}

impl Describe for SleepParams {
    fn python(&self, _url: &str, _tasks: usize) -> Option<serde_json::Value> {
        Some(serde_json::json!({"workload": "sleep", "delay_s": self.delay().as_secs_f64()}))
    }

    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Sleep
    }

    fn id_suffix(&self) -> String {
        humantime::format_duration(self.delay()).to_string()
    }

    fn nominal(&self, _task: u64) -> Option<crate::ledger::path::Nominal> {
        Some(crate::ledger::path::Nominal {
            own: self.delay().as_nanos() as u64,
            ..Default::default()
        })
    }

    fn ideal(&self, shape: &Shape, _cpu: Option<Calibration>) -> Option<f64> {
        Some(shape.waves(shape.lanes.in_flight) * self.delay().as_secs_f64())
    }

    fn bottleneck(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        Bottleneck::Client
    }

    fn client_side(&self) -> Params {
        Params::Sleep(self.clone())
    }

    fn build(&self, _url: &str) -> anyhow::Result<Arc<dyn Workload>> {
        Ok(Arc::new(Sleep(self.delay())))
    }
}

/// The sleep task.
pub struct Sleep(pub Duration);

impl Workload for Sleep {
    fn blocking(&self, _task: u64) -> TaskResult {
        std::thread::sleep(self.0);
        TaskResult::ok(0)
    }

    fn run_async(&self, _task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            tokio::time::sleep(self.0).await;
            TaskResult::ok(0)
        })
    }

    fn sleep_only(&self) -> Option<Duration> {
        Some(self.0)
    }

    fn steps(&self, _task: u64) -> Option<super::Steps<'_>> {
        Some(super::Steps {
            wait: self.0,
            ..Default::default()
        })
    }
}
