//! The probes behind the ideals: what the machine does at a case's own task size, measured in the
//! rounds beside the cases they serve, in case processes like theirs — cpu probes for t₁ and the
//! parallel scaling s ([`cpu`]), write probes for a database's write times ([`write`]). Here: which
//! probes a plan needs, and the one rule by which either kind's figures are suspect. (Not `concbench
//! calibrate`, which measures the harness beside load generators.)

pub mod cpu;
pub mod write;

use crate::measure::rusage::Usage;
use crate::plan::Case;
use crate::results::{Instability, InstabilityKind, Noise, Sample};
use crate::workload::Params;

/// What a probe measures: cpu tasks of so many iterations, or one database workload's writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    Cpu(u64),
    Write(Params),
}

/// The probes a plan needs, each with the most repetitions a case it serves has: cpu task sizes first,
/// then database writes.
pub fn plan(cases: &[Case]) -> Vec<(Probe, usize)> {
    let mut probes: Vec<(Probe, usize)> = Vec::new();
    let mut need = |probe: Probe, repeat: usize| match probes.iter_mut().find(|(p, _)| *p == probe)
    {
        Some((_, reps)) => *reps = (*reps).max(repeat),
        None => probes.push((probe, repeat)),
    };
    for c in cases {
        // A Python model's ideal is unknown (t₁ is Rust's loop): nothing to probe for it.
        if let Some(size) = c
            .workload
            .describe()
            .cpu_iters()
            .filter(|_| !c.model.is_python())
        {
            need(Probe::Cpu(size), c.repeat);
        }
    }
    for c in cases {
        if let Some(write) = c.workload.describe().write_probe() {
            need(Probe::Write(write), c.repeat);
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
