//! What the pipeline chart shows of each pipeline case, and its takeaway reads: one typical repetition
//! as the count of items each stage has finished over time, the stage that bounds the ideal and its
//! rate, the pace the model actually kept there, and the most items that were ever between two stages
//! at once (the gap between their lines: a queue and the next stage's work in hand).

use crate::report::data::{self, ReportData};
use crate::names::ModelKind;
use crate::report::flags::Flags;
use crate::results::CaseResult;
use crate::workload::pipeline::STAGES;
use crate::workload::{Calibration, Lanes, Params, Shape};

/// One pipeline case, drawn from its typical repetition.
#[derive(Debug, Clone)]
pub struct Flow {
    pub label: String,
    pub model: ModelKind,
    /// N: the items sent through.
    pub items: usize,
    /// The case's median makespan, its ideal and efficiency (None when tasks failed).
    pub median: f64,
    pub ideal: Option<f64>,
    pub efficiency: Option<f64>,
    /// The drawn repetition's makespan.
    pub makespan: f64,
    /// Per stage, in pipeline order, when each item left it: seconds from the start, ascending.
    pub exits: Vec<Vec<f64>>,
    /// The stage that bounds the ideal; None without a calibrated resize stage.
    pub bound: Option<Bound>,
    pub flags: Flags,
}

/// The ideal's slowest stage and the flow it allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub stage: usize,
    /// Items a second the stage can move at best.
    pub rate: f64,
    /// The other stages' time for one item (fill and drain): the ideal is N / rate + this.
    pub through: f64,
}

/// A stage's name, as the workload spells it.
pub fn stage_name(i: usize) -> String {
    STAGES
        .get(i)
        .map_or_else(|| format!("stage {}", i + 1), |s| s.to_string())
}

impl Bound {
    /// From the workload's own ideal, so the chart's line and the table's ideal cannot disagree: the
    /// ideal of N items less the ideal of none is N over the slowest stage's rate, and the ideal of
    /// none is the fill and drain.
    pub fn of(c: &CaseResult, cores: usize) -> Option<Bound> {
        let Params::Pipeline(p) = &c.params.workload else {
            return None;
        };
        let cal = Calibration {
            t1: c.t1_s?,
            scaling: c.scaling.unwrap_or(1.0),
            write: None,
        };
        let shape = |tasks| Shape {
            tasks,
            lanes: Lanes {
                in_flight: c.params.concurrency,
                cpu: c.params.cpu_lanes,
            },
            cores,
        };
        let n = c.params.tasks;
        let full = c.params.workload.ideal(&shape(n), Some(cal))?;
        let through = c.params.workload.ideal(&shape(0), Some(cal))?;
        let span = full - through;
        (n > 0 && span > 0.0).then(|| Bound {
            stage: p.slowest_stage(&shape(n), cal),
            rate: n as f64 / span,
            through,
        })
    }
}

impl Flow {
    /// A pipeline case's typical repetition (the one nearest the median); None when it recorded no
    /// stage times.
    pub fn of(c: &CaseResult, data: &ReportData) -> Option<Flow> {
        let sample = data::typical_sample(c)?;
        let mut exits = sample.stages.clone()?;
        if exits.is_empty() || exits.iter().all(Vec::is_empty) {
            return None;
        }
        for stage in &mut exits {
            stage.retain(|t| t.is_finite());
            stage.sort_by(f64::total_cmp);
        }
        Some(Flow {
            label: data::label(c),
            model: c.params.model,
            items: c.params.tasks,
            median: c.summary.makespan.median,
            ideal: c.ideal_s,
            efficiency: c.summary.efficiency,
            makespan: sample.makespan_s,
            exits,
            bound: Bound::of(c, data.cores()),
            flags: Flags::of(c),
        })
    }

    /// Items done by each exit time of a stage: the steps of its line, from (0, 0).
    pub fn counts(&self, stage: usize) -> Vec<(f64, f64)> {
        let mut out = vec![(0.0, 0.0)];
        out.extend(
            self.exits[stage]
                .iter()
                .enumerate()
                .map(|(i, &t)| (t, (i + 1) as f64)),
        );
        out
    }

    /// Items a stage finished in all.
    pub fn done(&self, stage: usize) -> usize {
        self.exits.get(stage).map_or(0, Vec::len)
    }

    /// The pace a stage kept, items a second, from its first item out to its last: the flow once
    /// the pipeline had filled, before it drained.
    pub fn pace(&self, stage: usize) -> Option<f64> {
        let e = self.exits.get(stage)?;
        let span = e.last()? - e.first()?;
        (e.len() > 1 && span > 0.0).then(|| (e.len() - 1) as f64 / span)
    }

    /// The most items that had left stage `stage - 1` and not yet stage `stage`, at any moment:
    /// waiting in the queue between them or in the later stage's hands.
    pub fn most_between(&self, stage: usize) -> usize {
        let before = stage.checked_sub(1).and_then(|b| self.exits.get(b));
        let (Some(before), Some(after)) = (before, self.exits.get(stage)) else {
            return 0;
        };
        let mut events: Vec<(f64, i64)> = before
            .iter()
            .map(|&t| (t, 1))
            .chain(after.iter().map(|&t| (t, -1)))
            .collect();
        // At one instant an item leaving frees its place before the next arrives.
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut now, mut most) = (0i64, 0i64);
        for (_, d) in events {
            now += d;
            most = most.max(now);
        }
        most as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(exits: Vec<Vec<f64>>) -> Flow {
        Flow {
            label: "threads N=4".into(),
            model: ModelKind::Threads,
            items: 4,
            median: 1.0,
            ideal: None,
            efficiency: None,
            makespan: 1.0,
            exits,
            bound: None,
            flags: Flags::default(),
        }
    }

    #[test]
    fn the_gap_between_two_lines_is_the_items_between_the_stages() {
        // Four items leave the first stage at once; the second lets one go every 0.1 s.
        let f = flow(vec![vec![0.1; 4], vec![0.2, 0.3, 0.4, 0.5]]);
        assert_eq!(f.most_between(1), 4);
        assert_eq!(f.most_between(0), 0, "nothing comes before the first stage");
        assert_eq!(f.counts(1).last(), Some(&(0.5, 4.0)));
        assert!((f.pace(1).unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(f.pace(0), None, "all at one instant: no pace");
        // Each item handed on as the next one arrives: never more than one in between.
        let f = flow(vec![vec![0.1, 0.2, 0.3], vec![0.2, 0.3, 0.4]]);
        assert_eq!(f.most_between(1), 1);
    }
}
