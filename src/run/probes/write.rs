//! What a database ideal needs beside the cpu probes' t₁: its write times, measured by probe processes
//! like the cases, in the rounds like the cpu probes, so drift over the run lands on the ideal as on the
//! cases. A probe, not the sequential case's own figure, so every case has its ideal whichever models
//! a run holds. Each probe is the case's database workload on kept connections (a connection per task
//! is not part of a write: it is what that policy adds), up to 50 writes, against the same database,
//! twice: written by `sequential` — the median write, BEGIN to COMMIT, is t_write alone — and by a
//! thread pool of 4 — the time per write the database sustained once every writer had its connection
//! (the span from the 4th task's end to the last's, over the writes in it), because several writers
//! can beat one alone. The medians over the probes are the figures; probes that disagree mark the cases
//! they serve.

use super::{cpu_s, suspect};
use crate::measure::noise::Snapshot;
use crate::model::ModelKind;
use crate::results::{Instability, Noise};
use crate::run::case::{run_isolated, CaseOutput, CaseSpec};
use crate::workload::WRITERS_TOGETHER;
use crate::workload::{Params, WriteTimes};
use anyhow::Context;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);
/// The most writes one probe process makes.
const MAX_PROBE_TASKS: usize = 50;

/// The write times probes measured so far for one database workload, and the machine's noise.
#[derive(Debug, Clone, Default)]
pub struct WriteProbes {
    alone: Vec<f64>,
    together: Vec<f64>,
    noise: Vec<Noise>,
}

impl WriteProbes {
    /// One probe: `probe` (the case's database workload on kept connections) against `url`, `tasks`
    /// writes (between 12 and 50), alone and then 4 writers at once.
    pub fn run(
        &mut self,
        exe: &std::path::Path,
        probe: &Params,
        url: &str,
        tasks: usize,
    ) -> anyhow::Result<()> {
        let alone = CaseSpec {
            model: ModelKind::Sequential,
            workload: probe.clone(),
            url: url.to_string(),
            tasks: tasks.clamp(3 * WRITERS_TOGETHER, MAX_PROBE_TASKS),
            limit: 1,
            retries: 0,
            per_worker: 1,
            max_threads: None,
            broker: None,
            ledger: false,
            arrival: Default::default(),
            seed: 0,
        };
        let out = self.probe(exe, &alone)?;
        let median = out
            .service_latency
            .map(|p| p.p50)
            .filter(|t| t.is_finite() && *t > 0.0)
            .context("the write probe timed no write")?;
        if !probe.describe().probes_writers_together() {
            self.alone.push(median);
            return Ok(());
        }
        let together = CaseSpec {
            model: ModelKind::ThreadPool,
            limit: WRITERS_TOGETHER,
            ..alone
        };
        let out = self.probe(exe, &together)?;
        let sustained = per_write(&out, WRITERS_TOGETHER)
            .context("the write probe's pool left no span to time")?;
        self.alone.push(median);
        self.together.push(sustained);
        Ok(())
    }

    /// One probe process, its noise recorded; every write must have succeeded.
    fn probe(&mut self, exe: &std::path::Path, spec: &CaseSpec) -> anyhow::Result<CaseOutput> {
        let before = Snapshot::take(None);
        let (out, usage) = run_isolated(exe, spec, DEADLINE)?;
        self.noise
            .push(before.until(&Snapshot::take(None), cpu_s(&usage)));
        anyhow::ensure!(
            out.failures.is_empty(),
            "the write probe's writes failed: {:?}",
            out.failures
        );
        Ok(out)
    }

    /// The write times from every probe so far (`together` = `alone` where the probes time one
    /// writer only); None before the first.
    pub fn times(&self) -> Option<WriteTimes> {
        let alone = crate::stats::median(&self.alone);
        let together = match self.together.is_empty() {
            true => alone,
            false => crate::stats::median(&self.together),
        };
        (alone.is_finite() && alone > 0.0 && together.is_finite() && together > 0.0)
            .then_some(WriteTimes { alone, together })
    }

    /// Why the ideals built on them are suspect: a busy machine, or probes that disagree.
    pub fn unstable(&self) -> Vec<Instability> {
        let mut passes = vec![("writing alone", self.alone.clone())];
        if !self.together.is_empty() {
            passes.push(("writing together", self.together.clone()));
        }
        suspect(&self.noise, &passes)
    }
}

/// The time per task a pool of `writers` sustained once each had its first task (and connection)
/// behind it: from the `writers`-th task's end to the last's, over the tasks ending in between.
fn per_write(out: &CaseOutput, writers: usize) -> Option<f64> {
    let mut ends: Vec<f64> = out.timeline.iter().flatten().map(|t| t[1]).collect();
    ends.sort_by(f64::total_cmp);
    let (first, last) = (*ends.get(writers.checked_sub(1)?)?, *ends.last()?);
    let tasks = ends.len().checked_sub(writers)?;
    (tasks > 0 && last > first).then(|| (last - first) / tasks as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_is_timed_once_every_writer_is_under_way() {
        let out = CaseOutput {
            // Four first tasks ending late (their connections opened), then one write per 1 ms.
            timeline: Some(
                [0.010, 0.011, 0.012, 0.013, 0.014, 0.015, 0.016]
                    .iter()
                    .map(|&e| [0.0, e])
                    .collect(),
            ),
            ..serde_json::from_str(EMPTY).unwrap()
        };
        let t = per_write(&out, 4).unwrap();
        assert!((t - 0.001).abs() < 1e-12, "{t}");
        assert_eq!(per_write(&out, 7), None, "no span past the warm-up");
    }

    #[test]
    fn probes_of_one_writer_alone_say_nothing_of_writers_together() {
        // Contention's probes: t_u alone in wildly different probes, no second pass.
        let probes = WriteProbes {
            alone: vec![1e-4, 1e-4, 3e-4],
            together: Vec::new(),
            noise: Vec::new(),
        };
        let t = probes.times().unwrap();
        assert_eq!((t.alone, t.together), (1e-4, 1e-4));
        let why = format!("{:?}", probes.unstable());
        assert!(
            why.contains("writing alone") && !why.contains("together"),
            "{why}"
        );
    }

    const EMPTY: &str = r#"{"setup_s":0,"makespan_s":0,"ok":0,"failures":{},
        "task_latency":{"p50":0,"p90":0,"p99":0,"max":0},"service_latency":null,"threads_peak":0,
        "workers":null,"timeline":null,"attempts":0,"pool_started":null,"peak_rss_kib":null,
        "stages":null}"#;
}
