//! What a cpu ideal needs from the machine as it is, measured at the case's own task size and in case
//! processes like the measured ones: t₁, the median time of one task when one process computes alone,
//! and s, the machine's parallel scaling — one task's time alone over its time while `cores` processes
//! compute at once (SMT siblings, turbo, a host that throttles vCPUs all show in it). The median, not
//! the fastest: the luckiest moment of a noisy machine would make every efficiency look worse than it is.

use super::case::{run_isolated, CaseSpec};
use crate::model::ModelKind;
use crate::plan::Calibration;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);
/// Processes measured for t₁ (after one discarded warm-up) and rounds of `cores` parallel processes for s.
const ALONE: usize = 3;
const TOGETHER: usize = 2;
/// Tasks per calibration process: enough for a median, few enough to stay cheap for long tasks.
const MAX_TASKS: usize = 12;

/// Measure t₁ and s for `spec`'s cpu task on a machine with `cores` CPUs allowed.
pub fn calibrate(
    exe: &std::path::Path,
    spec: &CaseSpec,
    cores: usize,
) -> anyhow::Result<Calibration> {
    let probe = CaseSpec {
        model: ModelKind::Sequential,
        tasks: spec.tasks.clamp(1, MAX_TASKS),
        limit: 1,
        ..spec.clone()
    };
    let mut alone = Vec::new();
    for run in 0..=ALONE {
        let times = task_times(&run_isolated(exe, &probe, DEADLINE)?.0);
        if run > 0 {
            alone.extend(times);
        }
    }
    let t1 = crate::stats::median(&alone);
    let scaling = if cores > 1 {
        let mut together = Vec::new();
        for _ in 0..TOGETHER {
            let runs = std::thread::scope(|s| {
                let handles: Vec<_> = (0..cores)
                    .map(|_| s.spawn(|| run_isolated(exe, &probe, DEADLINE)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a calibration thread does not panic"))
                    .collect::<anyhow::Result<Vec<_>>>()
            })?;
            together.extend(runs.iter().flat_map(|(out, _)| task_times(out)));
        }
        (t1 / crate::stats::median(&together)).min(1.0)
    } else {
        1.0
    };
    anyhow::ensure!(
        t1.is_finite() && t1 > 0.0 && scaling.is_finite() && scaling > 0.0,
        "the cpu calibration measured nothing usable (t1 {t1}, s {scaling})"
    );
    Ok(Calibration { t1, scaling })
}

fn task_times(out: &super::case::CaseOutput) -> Vec<f64> {
    out.timeline
        .iter()
        .flatten()
        .map(|[start, end]| end - start)
        .collect()
}
