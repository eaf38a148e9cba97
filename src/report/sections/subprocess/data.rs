//! What the subprocess chart, its column and its table show of each case: the makespan beside the
//! ideal and the book's time, and what starting one child cost — each sample's median start cost
//! (spawn call → the child's `main` running, the workload's service time), the median over samples.
//! Beside it, what the scale suite measured of starting a thread and a tokio task, when that suite
//! is among the report's files.

use super::book::{book_time, BookTime};
use crate::names::{Group, ModelKind};
use crate::report::data::{self, ReportData};
use crate::report::flags::Flags;
use crate::report::interval::Interval;
use crate::results::{CaseResult, Sample};
use crate::workload::Params;

/// One subprocess case.
#[derive(Debug, Clone)]
pub struct ChildBar {
    pub label: String,
    pub model: ModelKind,
    pub tasks: usize,
    /// k for a model that takes one.
    pub limit: Option<usize>,
    /// Tasks the model had in flight at once.
    pub concurrency: usize,
    /// Each child's sleep, seconds.
    pub delay: f64,
    pub median: f64,
    /// The interval of the median; None for one sample, drawn without a whisker.
    pub ci: Option<Interval>,
    pub ideal: Option<f64>,
    /// None without an ideal or when tasks failed.
    pub efficiency: Option<f64>,
    /// What starting one child cost, seconds: the median over samples of each one's median.
    pub start: Option<f64>,
    /// The book's time, when the case reproduces its run.
    pub book: Option<&'static BookTime>,
    pub flags: Flags,
}

impl ChildBar {
    /// The model as a sentence names it within a shape: `threads`, `thread-pool k=8`.
    pub fn model_name(&self) -> String {
        match self.limit {
            Some(k) => format!("{} k={k}", self.model),
            None => self.model.to_string(),
        }
    }
}

/// A start cost, in the unit that keeps its figures: `1.8 ms`, `212 µs`, `17.4 µs`, `0.31 µs` (a
/// tokio task's start is a fraction of a microsecond, which seconds' formatting would round to 0).
pub fn short(s: f64) -> String {
    let us = s * 1e6;
    match us.abs() {
        a if a >= 1000.0 => crate::render::fmt::secs(s),
        a if a >= 100.0 => format!("{us:.0} µs"),
        a if a >= 10.0 => format!("{us:.1} µs"),
        _ => format!("{us:.2} µs"),
    }
}

/// The median start cost of one sample's children, seconds, when it recorded one.
fn sample_start(s: &Sample) -> Option<f64> {
    s.service_latency.map(|p| p.p50)
}

/// The median over a case's samples of their children's median start cost, seconds.
pub fn start_cost(c: &CaseResult) -> Option<f64> {
    let each: Vec<f64> = c.samples.iter().filter_map(sample_start).collect();
    (!each.is_empty()).then(|| crate::stats::median(&each))
}

impl ChildBar {
    /// A subprocess case as the chart draws it; None for other workloads or no samples.
    pub fn of(c: &CaseResult) -> Option<ChildBar> {
        let Params::Subprocess(p) = &c.params.workload else {
            return None;
        };
        if c.samples.is_empty() {
            return None;
        }
        Some(ChildBar {
            label: data::label(c),
            model: c.params.model,
            tasks: c.params.tasks,
            limit: c.params.limit,
            concurrency: c.params.concurrency,
            delay: p.delay().as_secs_f64(),
            median: c.summary.makespan.median,
            ci: Interval::of(c),
            ideal: c.ideal_s,
            efficiency: c.summary.efficiency,
            start: start_cost(c),
            book: book_time(c),
            flags: Flags::of(c),
        })
    }
}

/// The subprocess cases as the chart draws them, in run order.
pub fn bars(data: &ReportData) -> Vec<ChildBar> {
    data.group(Group::Subprocess)
        .into_iter()
        .filter_map(ChildBar::of)
        .collect()
}

/// What the scale suite measured of starting a unit other than a child.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitStart {
    /// Seconds per unit: the median over the case's samples of the time its spawning took, over the
    /// units it started.
    pub each: f64,
    /// The scale case it comes from.
    pub case: String,
}

/// The start of one unit in one sample, seconds, when it recorded its spawning.
fn per_unit(s: &Sample) -> Option<f64> {
    match (s.spawn_units, s.spawn_s) {
        (Some(n), Some(t)) if n > 0 => Some(t / n as f64),
        _ => None,
    }
}

/// The start cost of `model`'s unit in the scale suite: from its sleep case of the fewest tasks above
/// one (sleep: its units do nothing else while they start, where io's connect as the others start;
/// the N = 1 base pays first-use costs, not a unit's; the fewest tasks are nearest to a suite of tens
/// to hundreds of children). None when the scale suite is not in the report's files.
pub fn scale_start(data: &ReportData, model: ModelKind) -> Option<UnitStart> {
    data.group(Group::Scale)
        .into_iter()
        .filter(|c| matches!(c.params.workload, Params::Sleep(_)))
        .filter(|c| c.params.model == model && c.params.tasks > 1)
        .filter_map(|c| {
            let each: Vec<f64> = c.samples.iter().filter_map(per_unit).collect();
            (!each.is_empty()).then(|| (c, crate::stats::median(&each)))
        })
        .min_by_key(|(c, _)| c.params.tasks)
        .map(|(c, each)| UnitStart {
            each,
            case: c.id.clone(),
        })
}

/// A thread's and a tokio task's start cost from the scale suite, each when measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Others {
    pub thread: Option<UnitStart>,
    pub task: Option<UnitStart>,
}

impl Others {
    pub fn of(data: &ReportData) -> Others {
        Others {
            thread: scale_start(data, ModelKind::Threads),
            task: scale_start(data, ModelKind::Async),
        }
    }
}

/// Starting a child one at a time: the median of the sequential cases' start costs, seconds, and
/// those cases' labels; None without a sequential case that recorded one.
pub fn one_at_a_time(bars: &[ChildBar]) -> Option<(f64, Vec<String>)> {
    let seq: Vec<&ChildBar> = bars
        .iter()
        .filter(|b| b.model == ModelKind::Sequential && b.start.is_some())
        .collect();
    let starts: Vec<f64> = seq.iter().filter_map(|b| b.start).collect();
    (!starts.is_empty()).then(|| {
        (
            crate::stats::median(&starts),
            seq.iter().map(|b| b.label.clone()).collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Percentiles;

    fn sample(start_p50: Option<f64>, spawn: Option<(usize, f64)>) -> Sample {
        Sample {
            makespan_s: 1.0,
            service_latency: start_p50.map(|p50| Percentiles {
                p50,
                p90: p50,
                p99: p50,
                max: p50,
            }),
            spawn_units: spawn.map(|s| s.0),
            spawn_s: spawn.map(|s| s.1),
            ..Sample::default()
        }
    }

    #[test]
    fn start_costs_keep_their_figures() {
        assert_eq!(short(0.0018), "1.8 ms");
        assert_eq!(short(212e-6), "212 µs");
        assert_eq!(short(17.4e-6), "17.4 µs");
        assert_eq!(short(0.31e-6), "0.31 µs");
    }

    #[test]
    fn a_units_start_is_its_spawning_over_the_units_started() {
        assert_eq!(per_unit(&sample(None, Some((1_000, 0.02)))), Some(2e-5));
        assert_eq!(per_unit(&sample(None, Some((0, 0.02)))), None, "none started");
        assert_eq!(per_unit(&sample(None, None)), None);
        assert_eq!(sample_start(&sample(Some(6e-4), None)), Some(6e-4));
        assert_eq!(sample_start(&sample(None, None)), None);
    }
}
