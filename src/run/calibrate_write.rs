//! What a database ideal needs beside the cpu probes' t₁: t_write, the time of one write — BEGIN to
//! COMMIT, the service time a db task reports — when nothing else writes. A probe, not the sequential
//! case's own figure, so every case has its ideal whichever models a run holds; and a probe process in
//! the rounds like the cpu probes, so drift over the run lands on the ideal as on the cases: the db
//! workload of the case, run by `sequential` on one kept connection (so a connection per task is not
//! part of the write: it is what that policy adds), up to 50 tasks, against the same database. The
//! median of each probe's median write is t_write; probes that disagree mark the cases they serve.

use super::calibrate::{cpu_s, suspect};
use super::case::{run_isolated, CaseSpec};
use crate::measure::noise::Snapshot;
use crate::model::ModelKind;
use crate::results::{Instability, Noise};
use crate::workload::Params;
use anyhow::Context;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);
/// The most writes one probe process makes.
const MAX_PROBE_TASKS: usize = 50;

/// The median writes that probes measured so far for one database workload, and the machine's noise.
#[derive(Debug, Clone, Default)]
pub struct WriteProbes {
    medians: Vec<f64>,
    noise: Vec<Noise>,
}

impl WriteProbes {
    /// One probe: `probe` (the case's db workload on one kept connection) against `url`, `tasks` writes
    /// at most 50.
    pub fn run(
        &mut self,
        exe: &std::path::Path,
        probe: &Params,
        url: &str,
        tasks: usize,
    ) -> anyhow::Result<()> {
        let spec = CaseSpec {
            model: ModelKind::Sequential,
            workload: probe.clone(),
            url: url.to_string(),
            tasks: tasks.clamp(1, MAX_PROBE_TASKS),
            limit: 1,
            retries: 0,
            per_worker: 1,
        };
        let before = Snapshot::take(None);
        let (out, usage) = run_isolated(exe, &spec, DEADLINE)?;
        self.noise
            .push(before.until(&Snapshot::take(None), cpu_s(&usage)));
        anyhow::ensure!(
            out.failures.is_empty(),
            "the write probe's writes failed: {:?}",
            out.failures
        );
        let median = out
            .service_latency
            .map(|p| p.p50)
            .filter(|t| t.is_finite() && *t > 0.0)
            .context("the write probe timed no write")?;
        self.medians.push(median);
        Ok(())
    }

    /// t_write from every probe so far; None before the first.
    pub fn t_write(&self) -> Option<f64> {
        let t = crate::stats::median(&self.medians);
        (t.is_finite() && t > 0.0).then_some(t)
    }

    /// Why the ideals built on it are suspect: a busy machine, or probes that disagree.
    pub fn unstable(&self) -> Vec<Instability> {
        suspect(&self.noise, &[("writing", self.medians.clone())])
    }
}
