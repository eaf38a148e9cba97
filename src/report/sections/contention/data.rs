//! What the contention section reads of each case: its sync and units, the median ns per update
//! (makespan over N × M operations), the same of its ideal, the updates lost (the median over samples
//! of each one's expected count less its final count) and the context switches of a repetition.

use crate::names::{Group, ModelKind};
use crate::report::data::ReportData;
use crate::report::flags::Flags;
use crate::results::{CaseResult, Sample};
use crate::workload::contention::{ContentionParams, SyncKind};
use crate::workload::Params;

/// One contention case.
#[derive(Debug, Clone)]
pub struct Point {
    pub model: ModelKind,
    pub sync: SyncKind,
    /// `rwlock`'s share of reads, percent.
    pub read_share: u32,
    pub units: usize,
    /// Operations per unit (M).
    pub updates: u64,
    /// Median makespan over N × M, nanoseconds.
    pub ns: f64,
    /// The ideal over N × M, nanoseconds.
    pub ideal_ns: Option<f64>,
    pub efficiency: Option<f64>,
    /// Updates lost, the median over samples; None for files without counts.
    pub lost: Option<u64>,
    /// Updates the tasks made in a sample (N × M less rwlock's reads), the median over samples.
    pub expected: Option<u64>,
    /// Voluntary and involuntary context switches of one repetition, the median.
    pub ctx: u64,
    pub flags: Flags,
}

impl Point {
    /// A contention case; None for other workloads or no samples.
    pub fn of(c: &CaseResult) -> Option<Point> {
        let Params::Contention(p) = &c.params.workload else {
            return None;
        };
        if c.samples.is_empty() {
            return None;
        }
        let ops = ops(c.params.tasks, p);
        let lost: Vec<f64> = c
            .samples
            .iter()
            .filter_map(|s| s.count)
            .map(|n| n.lost() as f64)
            .collect();
        let expected: Vec<f64> = c
            .samples
            .iter()
            .filter_map(|s| s.count)
            .map(|n| n.expected as f64)
            .collect();
        let median = |v: &[f64]| (!v.is_empty()).then(|| crate::stats::median(v).round() as u64);
        Some(Point {
            model: c.params.model,
            sync: p.sync,
            read_share: p.read_share,
            units: c.params.tasks,
            updates: p.updates,
            ns: c.summary.makespan.median / ops * 1e9,
            ideal_ns: c.ideal_s.map(|i| i / ops * 1e9),
            efficiency: c.summary.efficiency,
            lost: median(&lost),
            expected: median(&expected),
            ctx: c.summary.ctx_switches,
            flags: Flags::of(c),
        })
    }

    /// The share of updates lost, when counted.
    pub fn lost_share(&self) -> Option<f64> {
        match (self.lost, self.expected) {
            (Some(l), Some(e)) if e > 0 => Some(l as f64 / e as f64),
            _ => None,
        }
    }

    /// The sync as the section names it: `rwlock (90 % reads)`, `atomic`.
    pub fn sync_name(&self) -> String {
        match self.sync {
            SyncKind::Rwlock => format!("rwlock ({} % reads)", self.read_share),
            sync => sync.to_string(),
        }
    }
}

/// N × M: the operations a case made.
fn ops(tasks: usize, p: &ContentionParams) -> f64 {
    (tasks as f64 * p.updates as f64).max(1.0)
}

/// Every contention case, in run order.
pub fn points(data: &ReportData) -> Vec<Point> {
    data.group(Group::Contention)
        .into_iter()
        .filter_map(Point::of)
        .collect()
}

/// One line of the chart: a sync on threads, by units.
#[derive(Debug, Clone)]
pub struct Line {
    pub sync: SyncKind,
    pub name: String,
    /// (units, ns per update), fewest units first.
    pub points: Vec<(usize, f64)>,
}

/// The threads cases as lines, one per sync, in the syncs' order.
pub fn lines(points: &[Point]) -> Vec<Line> {
    let mut lines: Vec<Line> = SyncKind::ALL
        .into_iter()
        .filter_map(|sync| {
            let mut on: Vec<&Point> = points
                .iter()
                .filter(|p| p.model == ModelKind::Threads && p.sync == sync)
                .collect();
            on.sort_by_key(|p| p.units);
            let first = on.first()?;
            Some(Line {
                sync,
                name: first.sync_name(),
                points: on.iter().map(|p| (p.units, p.ns)).collect(),
            })
        })
        .collect();
    lines.retain(|l| !l.points.is_empty());
    lines
}

/// A sample's lost updates, when it counted.
pub fn lost(s: &Sample) -> Option<u64> {
    s.count.map(|c| c.lost())
}

/// ns per update in the unit that keeps its figures: `1.9 ns`, `48 ns`, `1.2 µs`.
pub fn ns(v: f64) -> String {
    match v.abs() {
        a if a >= 10_000.0 => format!("{:.0} µs", v / 1e3),
        a if a >= 1_000.0 => format!("{:.1} µs", v / 1e3),
        a if a >= 10.0 => format!("{v:.0} ns"),
        _ => format!("{v:.1} ns"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ns_keep_their_figures() {
        assert_eq!(ns(1.94), "1.9 ns");
        assert_eq!(ns(48.2), "48 ns");
        assert_eq!(ns(1_234.0), "1.2 µs");
        assert_eq!(ns(23_456.0), "23 µs");
    }
}
