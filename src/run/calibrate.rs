//! What a cpu ideal needs from the machine as it is, measured at the case's own task size in case
//! processes like the measured ones: t₁, the median time of one task while one process computes alone,
//! and s, the machine's parallel scaling — t₁ over the median task time while `cores` processes compute
//! at once (SMT siblings, turbo, a host that throttles vCPUs all show in it). Medians, not the fastest:
//! the luckiest moment of a noisy machine would make every efficiency look worse than it is.
//!
//! A calibration is not a one-off before the cases: its probes run in the rounds like a case, so the
//! ideal is measured under the same drift as the cases it judges, and sharpens as the rounds go. And a
//! probe is shaped like the case: one process computing all N tasks in a row, then `cores` processes
//! computing N / cores each — a host that throttles a vCPU after a burst (seen here: a task of 20 M
//! iterations takes 6.3 ms, or 10.3, 14.3, 18.3 ms when the host took the vCPU away in 4 ms steps,
//! more often in some minutes than others) then slows a probe as it slows the case.

use super::case::{run_isolated, CaseOutput, CaseSpec};
use crate::measure::noise::Snapshot;
use crate::measure::rusage::Usage;
use crate::model::ModelKind;
use crate::plan::Calibration;
use crate::results::{Noise, Sample};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);

/// The task times probes measured so far for one task size, and how busy the machine was meanwhile.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    alone: Vec<f64>,
    together: Vec<f64>,
    /// What the rest of the machine did during each probe: a calibration taken on a busy machine
    /// makes every ideal built on it suspect, so the cases it serves say so.
    noise: Vec<Noise>,
}

impl Probes {
    /// One probe: a sequential process of the case's N tasks alone, then `cores` processes of N / cores
    /// tasks each at once.
    pub fn run(
        &mut self,
        exe: &std::path::Path,
        spec: &CaseSpec,
        cores: usize,
    ) -> anyhow::Result<()> {
        let probe = CaseSpec {
            model: ModelKind::Sequential,
            tasks: spec.tasks.max(1),
            limit: 1,
            ..spec.clone()
        };
        let before = Snapshot::take(None);
        let (out, usage) = run_isolated(exe, &probe, DEADLINE)?;
        self.noise
            .push(before.until(&Snapshot::take(None), cpu_s(&usage)));
        self.alone.extend(task_times(&out));
        if cores > 1 {
            let probe = CaseSpec {
                tasks: spec.tasks.div_ceil(cores).max(1),
                ..probe
            };
            let before = Snapshot::take(None);
            let runs = std::thread::scope(|s| {
                let handles: Vec<_> = (0..cores)
                    .map(|_| s.spawn(|| run_isolated(exe, &probe, DEADLINE)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a probe thread does not panic"))
                    .collect::<anyhow::Result<Vec<_>>>()
            })?;
            let probes_cpu = runs.iter().map(|(_, u)| cpu_s(u)).sum();
            self.noise
                .push(before.until(&Snapshot::take(None), probes_cpu));
            self.together
                .extend(runs.iter().flat_map(|(out, _)| task_times(out)));
        }
        Ok(())
    }

    /// Why the ideals of this task size are suspect (the machine was busy while they were measured).
    pub fn unstable(&self) -> Vec<String> {
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
            .map(|why| format!("calibration: {why}"))
            .collect()
    }

    /// t₁ and s from every probe so far; None before the first.
    pub fn calibration(&self) -> Option<Calibration> {
        let t1 = crate::stats::median(&self.alone);
        let scaling = if self.together.is_empty() {
            1.0
        } else {
            (t1 / crate::stats::median(&self.together)).min(1.0)
        };
        (t1.is_finite() && t1 > 0.0 && scaling.is_finite() && scaling > 0.0)
            .then_some(Calibration { t1, scaling })
    }
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

    #[test]
    fn medians_of_what_the_probes_saw() {
        let p = Probes {
            alone: vec![0.010, 0.030, 0.011, 0.012, 0.009],
            together: vec![0.016, 0.013, 0.015, 0.014],
            noise: Vec::new(),
        };
        let c = p.calibration().unwrap();
        assert_eq!(c.t1, 0.011);
        assert!((c.scaling - 0.011 / 0.0145).abs() < 1e-12);
        assert_eq!(Probes::default().calibration(), None);
        // A machine that computes faster together than alone is not believed past s = 1.
        let fast = Probes {
            alone: vec![0.02],
            together: vec![0.01],
            noise: Vec::new(),
        };
        assert_eq!(fast.calibration().unwrap().scaling, 1.0);
    }
}
