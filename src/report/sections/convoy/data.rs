//! What the convoy section shows of each model: its GETs' service latency (request sent → answer
//! read; a counting task has none, so a case's service latency is its GETs' alone) at p50 and p99,
//! in the mix and in the same model's case of the same GETs alone, each the median over samples of
//! each sample's percentile — and the latency inflation those make over the ideal d and over alone.

use crate::names::{Group, ModelKind};
use crate::report::data::ReportData;
use crate::report::flags::Flags;
use crate::results::{CaseResult, Percentiles};
use crate::stats::median;
use crate::workload::convoy::{inflation, ConvoyParams};
use crate::workload::Params;

/// The GETs' service latency of one case, seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
}

/// A latency over a reference at p50 and p99 (1: no later than the reference).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inflation {
    pub p50: f64,
    pub p99: f64,
}

impl Latency {
    /// The median over samples of each sample's p50 and of each one's p99; None without samples.
    pub fn median_of(each: &[Percentiles]) -> Option<Latency> {
        if each.is_empty() {
            return None;
        }
        let p50: Vec<f64> = each.iter().map(|p| p.p50).collect();
        let p99: Vec<f64> = each.iter().map(|p| p.p99).collect();
        Some(Latency {
            p50: median(&p50),
            p99: median(&p99),
        })
    }

    /// A case's, from the samples that recorded a service latency.
    pub fn of(c: &CaseResult) -> Option<Latency> {
        let each: Vec<Percentiles> = c.samples.iter().filter_map(|s| s.service_latency).collect();
        Latency::median_of(&each)
    }

    /// This latency over `reference`, percentile by percentile.
    pub fn over(&self, reference: Latency) -> Option<Inflation> {
        Some(Inflation {
            p50: inflation(self.p50, reference.p50)?,
            p99: inflation(self.p99, reference.p99)?,
        })
    }

    /// This latency over the ideal `d`, seconds, at both percentiles.
    pub fn over_d(&self, d: f64) -> Option<Inflation> {
        self.over(Latency { p50: d, p99: d })
    }
}

/// One model's GETs in the mix beside the same GETs alone.
#[derive(Debug, Clone)]
pub struct ConvoyRow {
    pub model: ModelKind,
    pub limit: Option<usize>,
    /// The ideal of a GET: the server's delay d, seconds.
    pub d: f64,
    pub io_tasks: usize,
    pub cpu_tasks: usize,
    /// A counting task's intended time, milliseconds (0: given in iterations).
    pub cpu_ms: u64,
    pub mix: Latency,
    /// The same model's GETs alone, when the report holds that case.
    pub alone: Option<Latency>,
    /// The mix case's caveats.
    pub flags: Flags,
    /// The GETs-alone case's caveats, when there is one.
    pub alone_flags: Option<Flags>,
}

impl ConvoyRow {
    /// The model as a sentence names it: `threads`, `thread-pool k=8`.
    pub fn name(&self) -> String {
        match self.limit {
            Some(k) => format!("{} k={k}", self.model),
            None => self.model.to_string(),
        }
    }

    /// The GETs in the mix over d.
    pub fn over_d(&self) -> Option<Inflation> {
        self.mix.over_d(self.d)
    }

    /// The GETs in the mix over the same GETs alone.
    pub fn over_alone(&self) -> Option<Inflation> {
        self.mix.over(self.alone?)
    }

    /// The GETs alone over d.
    pub fn alone_over_d(&self) -> Option<Inflation> {
        self.alone?.over_d(self.d)
    }
}

/// The job without its counting and without what the run sized: what a mix and its baseline share.
fn job(p: &ConvoyParams) -> ConvoyParams {
    ConvoyParams {
        cpu_iters: 0,
        ..p.alone()
    }
}

fn convoy(c: &CaseResult) -> Option<&ConvoyParams> {
    match &c.params.workload {
        Params::Convoy(p) => Some(p),
        _ => None,
    }
}

impl ConvoyRow {
    /// A mix case (one with counting tasks) and its baseline among `cases`: the same model and k
    /// running the same GETs without the counting. None for a baseline itself, or a case without
    /// latencies or a known d.
    pub fn of(c: &CaseResult, cases: &[&CaseResult]) -> Option<ConvoyRow> {
        let p = convoy(c)?;
        if p.cpu_tasks == 0 {
            return None;
        }
        let baseline = cases.iter().find(|a| {
            a.params.model == c.params.model
                && a.params.limit == c.params.limit
                && convoy(a).is_some_and(|a| a.cpu_tasks == 0 && job(a) == job(p))
        });
        Some(ConvoyRow {
            model: c.params.model,
            limit: c.params.limit,
            d: p.io_ideal()?.as_secs_f64(),
            io_tasks: p.io_tasks,
            cpu_tasks: p.cpu_tasks,
            cpu_ms: p.cpu_ms,
            mix: Latency::of(c)?,
            alone: baseline.and_then(|a| Latency::of(a)),
            flags: Flags::of(c),
            alone_flags: baseline.map(|a| Flags::of(a)),
        })
    }
}

/// Every convoy mix in the report with its baseline, in run order.
pub fn rows(data: &ReportData) -> Vec<ConvoyRow> {
    let cases = data.group(Group::Convoy);
    cases
        .iter()
        .filter_map(|c| ConvoyRow::of(c, &cases))
        .collect()
}
