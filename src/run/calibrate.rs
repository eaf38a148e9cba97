//! What a cpu ideal needs from the machine as it is, measured at the case's own task size in case
//! processes like the measured ones: t₁, the time of one task while one process computes alone, and s,
//! the machine's parallel scaling while every CPU computes at once (SMT siblings, turbo, a host that
//! throttles vCPUs all show in it).
//!
//! Probes are pinned, one CPU each, because the CPUs of a shared machine need not be equally fast (seen
//! here: a task of 20 M iterations takes 4.5 ms on one vCPU and 7.4 ms on the other for minutes, and a
//! process moving between them changes speed mid-run). t₁ is the *median* task time on the fastest CPU
//! — a lone task could always have run there — and the parallel bound is the throughput of every CPU at
//! its own measured speed, N / Σ 1/tᵢ, which s expresses as t₁ · Σ (1/tᵢ) / cores. Medians, not the
//! fastest task: the luckiest moment of a noisy machine would make every efficiency look worse than it is.
//!
//! A calibration is not a one-off before the cases: its probes run in the rounds like a case, so the
//! ideal is measured under the same drift as the cases it judges, and sharpens as the rounds go. Each
//! probe is shaped like the case — N tasks in a row alone, N / cores each together — so a host that
//! takes a vCPU away after a burst slows the probe as it slows the case.

use super::case::{run_isolated_on, CaseOutput, CaseSpec};
use crate::measure::noise::Snapshot;
use crate::measure::rusage::Usage;
use crate::model::ModelKind;
use crate::plan::Calibration;
use crate::results::{Instability, InstabilityKind, Noise, Sample};
use std::collections::BTreeMap;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);

/// The task times probes measured so far for one task size, per CPU, and the machine's noise meanwhile.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    /// CPU → task times of processes pinned there, computing alone.
    alone: BTreeMap<usize, Vec<f64>>,
    /// CPU → task times of processes pinned there while every CPU computed.
    together: BTreeMap<usize, Vec<f64>>,
    /// What the rest of the machine did during each probe: a calibration taken on a busy machine
    /// makes every ideal built on it suspect, so the cases it serves say so.
    noise: Vec<Noise>,
}

impl Probes {
    /// One probe on the CPUs the run may use: a process of the case's N tasks pinned to each CPU in
    /// turn, then one process of N / cores tasks pinned to each CPU, all at once.
    pub fn run(
        &mut self,
        exe: &std::path::Path,
        spec: &CaseSpec,
        cpus: &[usize],
    ) -> anyhow::Result<()> {
        let alone = CaseSpec {
            model: ModelKind::Sequential,
            tasks: spec.tasks.max(1),
            limit: 1,
            ..spec.clone()
        };
        for &cpu in cpus {
            let before = Snapshot::take(None);
            let (out, usage) = run_isolated_on(exe, &alone, DEADLINE, Some(cpu))?;
            self.noise
                .push(before.until(&Snapshot::take(None), cpu_s(&usage)));
            self.alone.entry(cpu).or_default().extend(task_times(&out));
        }
        if cpus.len() > 1 {
            let share = CaseSpec {
                tasks: spec.tasks.div_ceil(cpus.len()).max(1),
                ..alone
            };
            let before = Snapshot::take(None);
            let runs = std::thread::scope(|s| {
                let handles: Vec<_> = cpus
                    .iter()
                    .map(|&cpu| {
                        let share = &share;
                        s.spawn(move || run_isolated_on(exe, share, DEADLINE, Some(cpu)))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a probe thread does not panic"))
                    .collect::<anyhow::Result<Vec<_>>>()
            })?;
            let probes_cpu = runs.iter().map(|(_, u)| cpu_s(u)).sum();
            self.noise
                .push(before.until(&Snapshot::take(None), probes_cpu));
            for (&cpu, (out, _)) in cpus.iter().zip(&runs) {
                self.together
                    .entry(cpu)
                    .or_default()
                    .extend(task_times(out));
            }
        }
        Ok(())
    }

    /// t₁ and s from every probe so far; None before the first.
    pub fn calibration(&self) -> Option<Calibration> {
        calibration(&self.alone, &self.together)
    }

    /// Why the ideals of this task size are suspect (the machine was busy while they were measured).
    pub fn unstable(&self) -> Vec<Instability> {
        let samples: Vec<Sample> = self
            .noise
            .iter()
            .map(|&n| Sample {
                noise: Some(n),
                ..Sample::default()
            })
            .collect();
        super::stability::busy(&samples)
            .into_iter()
            .map(|why| Instability {
                kind: InstabilityKind::Busy,
                why: format!("calibration: {why}"),
            })
            .collect()
    }
}

/// t₁ = the fastest CPU's median alone; s = t₁ · Σ (1 / tᵢ) / cores over the CPUs' medians together,
/// at most 1 (a machine is not believed to compute faster together than alone).
fn calibration(
    alone: &BTreeMap<usize, Vec<f64>>,
    together: &BTreeMap<usize, Vec<f64>>,
) -> Option<Calibration> {
    let t1 = alone
        .values()
        .map(|times| crate::stats::median(times))
        .filter(|t| t.is_finite() && *t > 0.0)
        .fold(f64::INFINITY, f64::min);
    let rates: Vec<f64> = together
        .values()
        .map(|times| 1.0 / crate::stats::median(times))
        .collect();
    let scaling = if rates.is_empty() {
        1.0
    } else {
        (t1 * rates.iter().sum::<f64>() / rates.len() as f64).min(1.0)
    };
    (t1.is_finite() && t1 > 0.0 && scaling.is_finite() && scaling > 0.0)
        .then_some(Calibration { t1, scaling })
}

fn cpu_s(u: &Usage) -> f64 {
    (u.user + u.sys).as_secs_f64()
}

fn task_times(out: &CaseOutput) -> Vec<f64> {
    out.timeline
        .iter()
        .flatten()
        .map(|[start, end]| end - start)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per_cpu(a: &[f64], b: &[f64]) -> BTreeMap<usize, Vec<f64>> {
        [(0, a.to_vec()), (1, b.to_vec())]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    #[test]
    fn t1_is_the_fastest_cpus_median_and_s_its_throughput_together() {
        // CPU 0: median 10 ms alone; CPU 1: 15 ms alone (a slower vCPU); together 12.5 and 20 ms.
        let alone = per_cpu(&[0.010, 0.030, 0.011, 0.009, 0.010], &[0.015, 0.016, 0.014]);
        let together = per_cpu(&[0.0125, 0.013, 0.012], &[0.020, 0.021, 0.019]);
        let c = calibration(&alone, &together).unwrap();
        assert_eq!(c.t1, 0.010);
        // Throughput together: 1/0.0125 + 1/0.020 = 130 tasks/s; N / 130 = N · t₁ / (2 · s).
        let expected = 0.010 * (1.0 / 0.0125 + 1.0 / 0.020) / 2.0;
        assert!((c.scaling - expected).abs() < 1e-12, "{}", c.scaling);
        assert_eq!(calibration(&BTreeMap::new(), &BTreeMap::new()), None);
        assert_eq!(
            calibration(&alone, &BTreeMap::new()).unwrap().scaling,
            1.0,
            "one CPU: no s"
        );
        // A machine that computes faster together than alone is not believed past s = 1.
        let fast = per_cpu(&[0.005], &[0.005]);
        assert_eq!(calibration(&alone, &fast).unwrap().scaling, 1.0);
    }
}
