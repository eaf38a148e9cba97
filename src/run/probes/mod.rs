//! The probes behind the ideals: what the machine does at a case's own task size, measured in case
//! processes like the case's — cpu probes for t₁ and the parallel scaling s ([`cpu`]), run right before
//! each repetition of the case they serve, and write probes for a database's write times ([`write`]),
//! run in the rounds beside the cases. Here: which round probes a plan needs, and the one rule by which
//! either kind's figures are suspect. (Not `concbench calibrate`, which measures the harness beside
//! load generators.)

pub mod cpu;
pub mod write;

use crate::measure::rusage::Usage;
use crate::plan::Case;
use crate::results::{Instability, InstabilityKind, Noise, Sample};
use crate::workload::Params;

/// The task size a case's cpu probes run, when its ideal needs the machine's speed: its CPU part's
/// iterations. A Python model's ideal is unknown (t₁ is Rust's loop): nothing to probe for it.
pub fn cpu_size(case: &Case) -> Option<u64> {
    case.workload
        .describe()
        .cpu_iters()
        .filter(|_| !case.model.is_python())
}

/// The write probes a plan needs in its rounds (one database workload's writes each), with the most
/// repetitions a case they serve has.
pub fn plan(cases: &[Case]) -> Vec<(Params, usize)> {
    let mut probes: Vec<(Params, usize)> = Vec::new();
    for c in cases {
        let Some(write) = c.workload.describe().write_probe() else {
            continue;
        };
        match probes.iter_mut().find(|(p, _)| *p == write) {
            Some((_, reps)) => *reps = (*reps).max(c.repeat),
            None => probes.push((write, c.repeat)),
        }
    }
    probes
}

/// Why the figures of some probes are suspect: the machine was busy during them (`noise`, one per
/// probe), or the probes' medians of different rounds disagree (per named kind of probe). Each reason
/// reads `calibration: …` in the cases it serves, as result files have always said it.
pub fn suspect(noise: &[Noise], medians: &[(&str, Vec<f64>)]) -> Vec<Instability> {
    let samples: Vec<Sample> = noise
        .iter()
        .map(|&n| Sample {
            noise: Some(n),
            ..Sample::default()
        })
        .collect();
    let busy = crate::results::stability::busy(&samples)
        .into_iter()
        .map(|why| (InstabilityKind::Busy, why));
    let spread = medians.iter().flat_map(|(what, medians)| {
        crate::results::stability::dispersion(medians)
            .into_iter()
            .map(move |why| {
                let why = why.replace("samples disagree", &format!("probes {what} disagree"));
                (InstabilityKind::Dispersion, why)
            })
    });
    busy.chain(spread)
        .map(|(kind, why)| Instability {
            kind,
            why: format!("calibration: {why}"),
        })
        .collect()
}

/// A probe process's CPU time, seconds.
pub fn cpu_s(u: &Usage) -> f64 {
    (u.user + u.sys).as_secs_f64()
}
