//! What a cpu ideal needs from the machine as it is, measured at the case's own task size in case
//! processes like the measured ones: t₁, the median time of one task while one process computes a few
//! tasks alone, and s, the machine's parallel scaling — t₁ over the median task time while `cores`
//! processes compute at once (SMT siblings, turbo, a host that throttles vCPUs all show in it).
//! Medians, not the fastest: the luckiest moment of a noisy machine would make every efficiency look
//! worse than it is.
//!
//! A probe runs right before each repetition of the case it serves, unpinned like the case, and that
//! repetition's ideal is built on it: a shared host can change a vCPU's speed by 2× for seconds to
//! minutes at a time (the same 20 M-iteration task took 7 ms in one repetition and 14 ms in the next
//! on the AMD EPYC VM of an earlier reference run, vm-dbb67700), so an ideal measured once per
//! round, or once per task size, judged a repetition run at the other speed and gave efficiencies
//! up to 1.30. Beside each repetition the probe shares its moment; where the speed changed between
//! the two anyway, the case's efficiency comes out above 1 and the case says its ideal is unreliable
//! (`results::summary`).
//! A probe pinned to the faster CPU is no better: its thread sampler then shares its CPU, and it runs
//! slower than the unpinned case it is to bound. When a case's probes disagree among themselves, its
//! ideal is only as good as that, and the case says so.

use super::{cpu_s, suspect};
use crate::measure::noise::Snapshot;
use crate::model::ModelKind;
use crate::results::{Instability, Noise};
use crate::run::case::{run_isolated, CaseOutput, CaseSpec};
use crate::workload::{Calibration, CpuParams, Params};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);
/// The most tasks the process computing alone runs: enough for a median, few enough that a probe before
/// every repetition costs a fraction of it.
const MAX_PROBE_TASKS: usize = 8;

/// The task times a case's probes measured so far, probe by probe, and the machine's noise meanwhile.
#[derive(Debug, Clone, Default)]
pub struct CpuProbes {
    /// Per probe: the task times of the process computing alone.
    alone: Vec<Vec<f64>>,
    /// Per probe: the task times of the `cores` processes computing at once.
    together: Vec<Vec<f64>>,
    /// What the rest of the machine did during each probe: a t₁ measured on a busy machine makes
    /// every ideal built on it suspect, so the cases it serves say so.
    noise: Vec<Noise>,
}

impl CpuProbes {
    /// One probe: a process of up to 8 of the case's tasks alone, then `cores` processes sharing as
    /// many, all at once.
    pub fn run(
        &mut self,
        exe: &std::path::Path,
        iters: u64,
        tasks: usize,
        cores: usize,
    ) -> anyhow::Result<()> {
        // The CPU part alone, whatever else the case's task does (it may also wait and make requests).
        let tasks = tasks.clamp(1, MAX_PROBE_TASKS);
        let alone = CaseSpec {
            model: ModelKind::Sequential,
            workload: Params::Cpu(CpuParams { cpu_iters: iters }),
            url: String::new(),
            tasks,
            limit: 1,
            retries: 0,
            per_worker: 1,
            max_threads: None,
            broker: None,
            // t₁ is the bare loop's: the marks' own cost shows in a case's ledger.
            ledger: false,
            arrival: Default::default(),
            seed: 0,
        };
        let before = Snapshot::take(None);
        let (out, usage) = run_isolated(exe, &alone, DEADLINE)?;
        self.noise
            .push(before.until(&Snapshot::take(None), cpu_s(&usage)));
        self.alone.push(task_times(&out));
        if cores > 1 {
            let share = CaseSpec {
                tasks: tasks.div_ceil(cores).max(1),
                ..alone
            };
            let before = Snapshot::take(None);
            let runs = std::thread::scope(|s| {
                let handles: Vec<_> = (0..cores)
                    .map(|_| s.spawn(|| run_isolated(exe, &share, DEADLINE)))
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
                .push(runs.iter().flat_map(|(out, _)| task_times(out)).collect());
        }
        Ok(())
    }

    /// t₁ and s from every probe so far; None before the first.
    pub fn calibration(&self) -> Option<Calibration> {
        calibration(&self.alone, &self.together)
    }

    /// t₁ and s of the last probe alone: the machine as it was right before the repetition that
    /// follows it.
    pub fn last(&self) -> Option<Calibration> {
        let last = |probes: &[Vec<f64>]| probes.last().cloned().into_iter().collect::<Vec<_>>();
        calibration(&last(&self.alone), &last(&self.together))
    }

    /// Why the case's ideals are suspect: the machine was busy while they were measured, or its probes
    /// disagree among themselves (pyperf's rules over each probe's median).
    pub fn unstable(&self) -> Vec<Instability> {
        let medians = |probes: &[Vec<f64>]| -> Vec<f64> {
            probes.iter().map(|t| crate::stats::median(t)).collect()
        };
        suspect(
            &self.noise,
            &[
                ("alone", medians(&self.alone)),
                ("together", medians(&self.together)),
            ],
        )
    }
}

/// t₁ = the median task alone; s = t₁ / the median task together, at most 1 (a machine is not believed
/// to compute faster together than alone).
fn calibration(alone: &[Vec<f64>], together: &[Vec<f64>]) -> Option<Calibration> {
    let all = |probes: &[Vec<f64>]| probes.concat();
    let t1 = crate::stats::median(&all(alone));
    let scaling = if together.is_empty() {
        1.0
    } else {
        (t1 / crate::stats::median(&all(together))).min(1.0)
    };
    (t1.is_finite() && t1 > 0.0 && scaling.is_finite() && scaling > 0.0).then_some(Calibration {
        t1,
        scaling,
        write: None,
    })
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
    use crate::results::InstabilityKind;

    #[test]
    fn medians_of_what_the_probes_saw() {
        let alone = vec![vec![0.010, 0.030, 0.011], vec![0.012, 0.009]];
        let together = vec![vec![0.016, 0.013], vec![0.015, 0.014]];
        let c = calibration(&alone, &together).unwrap();
        assert_eq!(c.t1, 0.011);
        assert!((c.scaling - 0.011 / 0.0145).abs() < 1e-12);
        assert_eq!(calibration(&[], &[]), None);
        assert_eq!(
            calibration(&alone, &[]).unwrap().scaling,
            1.0,
            "one CPU: no s"
        );
        // A machine that computes faster together than alone is not believed past s = 1.
        assert_eq!(calibration(&alone, &[vec![0.005]]).unwrap().scaling, 1.0);
    }

    #[test]
    fn probes_that_disagree_make_the_ideal_suspect() {
        let steady = CpuProbes {
            alone: vec![vec![0.010; 4]; 5],
            together: vec![vec![0.011; 4]; 5],
            noise: Vec::new(),
        };
        assert!(steady.unstable().is_empty());
        // One round in three twice as slow together: a host that took a vCPU away now and then.
        let mut drifting = steady.clone();
        drifting.together[1] = vec![0.022; 4];
        drifting.together[3] = vec![0.022; 4];
        let why = drifting.unstable();
        assert!(!why.is_empty());
        assert!(why.iter().all(|i| i.kind == InstabilityKind::Dispersion
            && i.why.starts_with("calibration: probes together disagree")));
    }
}
