//! What the queue-workers section reads of each case: its shape (the workload and its parameters),
//! model and broker, median makespan, ideal, median hop (p50 and p99 over its tasks) and the broker's
//! median CPU over a repetition; and the ideal plus one hop per task along each lane.

use crate::names::{BrokerKind, Group, ModelKind};
use crate::report::data::{sleep_ms, ReportData};
use crate::results::CaseResult;
use crate::stats::median;

/// One case of the group.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `sleep 0ms`, `io winf-100ms`, `cpu i10000000`: the workload and its id suffix.
    pub shape: String,
    pub model: ModelKind,
    pub broker: Option<BrokerKind>,
    pub tasks: usize,
    pub k: usize,
    /// Median makespan, seconds.
    pub makespan: f64,
    /// The ideal, seconds (0 for sleeps of 0 ms, whose ideal bounds nothing).
    pub ideal: Option<f64>,
    /// Medians over repetitions of the tasks' hop p50 and p99, seconds.
    pub hop_p50: Option<f64>,
    pub hop_p99: Option<f64>,
    /// The broker's median CPU over a repetition, seconds.
    pub broker_cpu: Option<f64>,
    pub failures: u64,
}

impl Row {
    /// `process-pool`, `queue-workers (own)`.
    pub fn name(&self) -> String {
        match self.broker {
            Some(b) => format!("{} ({b})", self.model),
            None => self.model.to_string(),
        }
    }

    /// The ideal plus one hop per task along each of the k lanes: ⌈N / k⌉ × hop p50 on top.
    pub fn ideal_plus_hops(&self) -> Option<f64> {
        let waves = self.tasks.div_ceil(self.k.max(1)) as f64;
        Some(self.ideal? + waves * self.hop_p50?)
    }
}

/// The median over samples of `f`, when every sample has it.
fn median_some(c: &CaseResult, f: impl Fn(&crate::results::Sample) -> Option<f64>) -> Option<f64> {
    let all: Option<Vec<f64>> = c.samples.iter().map(f).collect();
    all.filter(|v| !v.is_empty()).map(|v| median(&v))
}

/// The group's cases, in the order of the result file (each shape: the pool, then each broker).
pub fn rows(data: &ReportData) -> Vec<Row> {
    data.group(Group::QueueWorkers)
        .into_iter()
        .map(|c| {
            let w = &c.params.workload;
            Row {
                shape: format!("{} {}", w.kind(), w.describe().id_suffix()),
                model: c.params.model,
                broker: c.params.broker,
                tasks: c.params.tasks,
                k: crate::report::data::k(c),
                makespan: c.summary.makespan.median,
                ideal: c
                    .ideal_s
                    .or_else(|| (sleep_ms(c) == Some(0)).then_some(0.0)),
                hop_p50: median_some(c, |s| s.hop.map(|h| h.p50)),
                hop_p99: median_some(c, |s| s.hop.map(|h| h.p99)),
                broker_cpu: median_some(c, |s| s.broker_cpu_s),
                failures: c.summary.failures,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tasks: usize, k: usize, ideal: Option<f64>, hop: Option<f64>) -> Row {
        Row {
            shape: "sleep 10ms".into(),
            model: ModelKind::QueueWorkers,
            broker: Some(BrokerKind::Own),
            tasks,
            k,
            makespan: 1.0,
            ideal,
            hop_p50: hop,
            hop_p99: hop,
            broker_cpu: None,
            failures: 0,
        }
    }

    #[test]
    fn one_hop_per_task_along_each_lane() {
        // 10 tasks on 4 lanes: 3 waves, so 3 hops on the longest lane.
        assert_eq!(row(10, 4, Some(0.5), Some(0.01)).ideal_plus_hops(), Some(0.53));
        assert_eq!(row(10, 4, None, Some(0.01)).ideal_plus_hops(), None);
        assert_eq!(row(10, 4, Some(0.5), None).ideal_plus_hops(), None);
        assert_eq!(row(10, 4, Some(0.5), None).name(), "queue-workers (own)");
    }
}
