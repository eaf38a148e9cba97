//! `cpu`: a counting loop (the 003 article's `for i in range(status * 100_000): r += 1`). `black_box`
//! on every step keeps the optimiser from replacing the loop by its result, so the time is real work.
//! The async form runs it inline: an event loop that does CPU work is blocked by it, which is the point.
//! Ideal: N × t₁ / (min(k, cores) × s), with t₁ and s measured on the machine at this task size.

pub mod suite;

use super::WorkloadKind;
use super::{Calibration, Describe, Params, Shape, TaskFuture, TaskResult, Workload};
use crate::names::Bottleneck;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::sync::Arc;

pub const ABOUT: &str = "a counting loop of --cpu-iters iterations the optimiser cannot fold";
pub const DEFAULT_ITERS: u64 = 20_000_000;
pub const MAX_ITERS: u64 = 1_000_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpuParams {
    /// Iterations of the counting loop per task.
    pub cpu_iters: u64,
}

impl CpuParams {
    pub fn from_args(args: &super::WorkloadArgs, _seed: Option<u64>) -> Result<CpuParams, String> {
        check_iters(args.cpu_iters)?;
        Ok(CpuParams {
            cpu_iters: args.cpu_iters,
        })
    }
}

/// `--cpu-iters` within its bounds, for every workload that counts.
pub fn check_iters(iters: u64) -> Result<(), String> {
    if iters == 0 || iters > MAX_ITERS {
        return Err(format!(
            "--cpu-iters {iters} is out of range 1..={MAX_ITERS}"
        ));
    }
    Ok(())
}

/// N × t₁ / (lanes × s), one lane at t₁'s speed; several at the speed the machine showed with all its
/// cores busy (s), a conservative figure when 1 < k < cores.
pub fn compute_bound(shape: &Shape, cpu: Calibration) -> f64 {
    let lanes = shape.lanes.cpu.min(shape.cores).max(1);
    shape.tasks as f64 * cpu.t1 / ideal_speedup(lanes as f64, shape.cores, cpu.scaling)
}

/// The speedup over one lane that the ideal allows `lanes` lanes computing at once on `cores` cores:
/// min(lanes, cores) × s from two lanes on, 1 for one. Fractional lanes are allowed, so a chart can
/// draw the bound as a curve.
pub fn ideal_speedup(lanes: f64, cores: usize, scaling: f64) -> f64 {
    let lanes = lanes.min(cores as f64);
    if lanes >= 2.0 {
        lanes * scaling
    } else {
        1.0
    }
}

/// How long a repetition's lanes were busy at least, from its own task times: Σ task times / lanes,
/// where the lanes had a core each (with more, a task's time holds its wait for a core). No run can
/// finish sooner, whatever the machine's speed did between the probe and the case.
pub fn lanes_busy(shape: &Shape, task_times: &[f64]) -> Option<f64> {
    let lanes = shape.lanes.cpu.max(1);
    (lanes <= shape.cores && !task_times.is_empty())
        .then(|| task_times.iter().sum::<f64>() / lanes as f64)
}

impl Describe for CpuParams {
    /// With no more lanes than cores each task counted on a core of its own, so its time is t₁ as the
    /// machine gave it at that moment (the parallel scaling s included): the lanes were busy at least
    /// Σ task times / lanes, the ideal N × t₁ / (lanes × s) measured in the case itself.
    fn own_bound(&self, shape: &Shape, task_times: &[f64]) -> Option<f64> {
        lanes_busy(shape, task_times)
    }

    fn python(&self, _url: &str, _tasks: usize) -> Option<serde_json::Value> {
        Some(serde_json::json!({"workload": "cpu", "cpu_iters": self.cpu_iters}))
    }

    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Cpu
    }

    fn id_suffix(&self) -> String {
        format!("i{}", self.cpu_iters)
    }

    fn nominal(&self, _task: u64) -> Option<crate::ledger::path::Nominal> {
        Some(crate::ledger::path::Nominal {
            cpu: true,
            ..Default::default()
        })
    }

    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        Some(compute_bound(shape, cpu?))
    }

    fn bottleneck(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        Bottleneck::Cpu
    }

    fn cpu_iters(&self) -> Option<u64> {
        Some(self.cpu_iters)
    }

    fn client_side(&self) -> Params {
        Params::Cpu(self.clone())
    }

    fn build(&self, _url: &str) -> anyhow::Result<Arc<dyn Workload>> {
        Ok(Arc::new(Cpu(self.cpu_iters)))
    }
}

/// Counting steps per second on this machine: the fastest of seven 20 ms measurements, for sizing a
/// CPU part given in time. The fastest, because sizing wants the machine's speed, and on a shared
/// machine a measurement only ever comes out slower than that (a build beside it can halve it). The
/// calibrated t₁ beside each case says what the part took.
pub fn rate() -> f64 {
    let probe = 1_000_000u64;
    let mut rates: Vec<f64> = Vec::new();
    while rates.len() < 7 {
        let t = std::time::Instant::now();
        let mut n = 0;
        while t.elapsed() < std::time::Duration::from_millis(20) {
            black_box(count_to(probe));
            n += probe;
        }
        rates.push(n as f64 / t.elapsed().as_secs_f64());
    }
    rates.into_iter().fold(0.0, f64::max)
}

/// Count to `iters` one step at a time; returns the count, which the harness checks.
pub fn count_to(iters: u64) -> u64 {
    let mut r = 0u64;
    for _ in 0..black_box(iters) {
        r = black_box(r + 1);
    }
    r
}

/// Count to `iters` as a task's CPU part: its count, and with the ledger on its run time and
/// preemption where it ran (crate::ledger::part).
pub fn counted(iters: u64) -> TaskResult {
    let (n, part) = crate::ledger::part::measured(|| count_to(iters));
    TaskResult {
        part,
        ..TaskResult::ok(n)
    }
}

/// [`counted`] on tokio's blocking pool: a panic there is the task's failure.
pub async fn counted_offloaded(iters: u64) -> TaskResult {
    tokio::task::spawn_blocking(move || counted(iters))
        .await
        .map(|r| TaskResult {
            part: r.part.map(|p| crate::ledger::part::PartRun {
                offloaded: true,
                ..p
            }),
            ..r
        })
        .unwrap_or(TaskResult::failed(crate::names::FailureKind::Panic))
}

/// The cpu task: iterations per task.
pub struct Cpu(pub u64);

impl Workload for Cpu {
    fn blocking(&self, _task: u64) -> TaskResult {
        counted(self.0)
    }

    fn run_async(&self, _task: u64) -> TaskFuture<'_> {
        Box::pin(async move { counted(self.0) })
    }

    fn steps(&self, _task: u64) -> Option<super::Steps<'_>> {
        Some(super::Steps {
            count: self.0,
            ..Default::default()
        })
    }

    fn run_async_offloaded(&self, _task: u64) -> TaskFuture<'_> {
        Box::pin(counted_offloaded(self.0))
    }

    fn verify(&self, value: u64) -> Result<(), String> {
        if value == self.0 {
            Ok(())
        } else {
            Err(format!(
                "a cpu task counted to {value}, not {}: the loop was miscompiled",
                self.0
            ))
        }
    }
}
