//! What the coordination section reads of each case: its shape and parameters, its median makespan
//! beside its ideal, and what its samples' tallies counted — the most units a semaphore admitted,
//! whether a handoff delivered every item exactly once and its cost per item, the teams a barrier
//! filled and broke and the units that ended `broken`.

use crate::names::{CoordinationShape, FailureKind, Group, ModelKind};
use crate::report::data::{self, ReportData};
use crate::report::flags::Flags;
use crate::results::CaseResult;
use crate::workload::coordination::Tally;
use crate::workload::{CoordinationParams, Params};

/// One coordination case.
#[derive(Debug, Clone)]
pub struct ShapeRow {
    pub label: String,
    pub model: ModelKind,
    pub limit: Option<usize>,
    pub tasks: usize,
    /// Units the model had in flight at once.
    pub concurrency: usize,
    pub params: CoordinationParams,
    pub median: f64,
    pub ideal: Option<f64>,
    /// ideal / median. A barrier's broken units are the shape's result, not a fault of the case,
    /// so its efficiency is given with them; any other failure withholds it.
    pub efficiency: Option<f64>,
    /// Units that failed otherwise than `broken`, over all samples.
    pub faults: u64,
    /// Units that ended `broken`, per sample: the fewest and the most.
    pub broken: (u64, u64),
    /// Every sample's tally, in sample order.
    pub tallies: Vec<Tally>,
    pub flags: Flags,
}

impl ShapeRow {
    pub fn of(c: &CaseResult) -> Option<ShapeRow> {
        let Params::Coordination(p) = &c.params.workload else {
            return None;
        };
        if c.samples.is_empty() {
            return None;
        }
        let broken_of = |s: &crate::results::Sample| -> u64 {
            s.failures
                .get(FailureKind::Broken.name())
                .copied()
                .unwrap_or(0)
        };
        let broken: Vec<u64> = c.samples.iter().map(broken_of).collect();
        let all_failures: u64 = c.samples.iter().flat_map(|s| s.failures.values()).sum();
        let faults = all_failures - broken.iter().sum::<u64>();
        let median = c.summary.makespan.median;
        let efficiency = match (c.ideal_s, faults) {
            (Some(ideal), 0) if median > 0.0 => Some(ideal / median),
            _ => None,
        };
        Some(ShapeRow {
            label: data::label(c),
            model: c.params.model,
            limit: c.params.limit,
            tasks: c.params.tasks,
            concurrency: c.params.concurrency,
            params: p.clone(),
            median,
            ideal: c.ideal_s,
            efficiency,
            faults,
            broken: (
                broken.iter().copied().min().unwrap_or(0),
                broken.iter().copied().max().unwrap_or(0),
            ),
            tallies: c.samples.iter().filter_map(|s| s.tally).collect(),
            flags: Flags::of(c),
        })
    }

    pub fn shape(&self) -> CoordinationShape {
        self.params.shape
    }

    /// The model as a row names it: `thread-pool k=3`.
    pub fn model_name(&self) -> String {
        match self.limit {
            Some(k) => format!("{} k={k}", self.model),
            None => self.model.to_string(),
        }
    }

    /// The most units any sample's semaphore admitted at once.
    pub fn max_admitted(&self) -> Option<usize> {
        self.tallies.iter().filter_map(|t| t.max_admitted).max()
    }

    /// Whether every sample's handoff delivered every item exactly once; None without a record of takes.
    pub fn exactly_once(&self) -> Option<bool> {
        let each: Vec<bool> = self
            .tallies
            .iter()
            .filter_map(Tally::exactly_once)
            .collect();
        (!each.is_empty()).then(|| each.iter().all(|&b| b))
    }

    /// Items taken twice and items never taken, summed over samples.
    pub fn lost_and_doubled(&self) -> (u64, u64) {
        let sum = |f: fn(&Tally) -> Option<u64>| self.tallies.iter().filter_map(f).sum();
        (sum(|t| t.missing), sum(|t| t.duplicated))
    }

    /// The median makespan over the items handed over, seconds per item.
    pub fn per_item(&self) -> Option<f64> {
        let items = self.params.items.filter(|_| self.params.is_handoff())?;
        (items > 0).then(|| self.median / items as f64)
    }

    /// Teams filled and teams broken, the fewest and the most over samples.
    pub fn teams(&self) -> Option<((u64, u64), (u64, u64))> {
        let range = |f: fn(&Tally) -> Option<u64>| {
            let v: Vec<u64> = self.tallies.iter().filter_map(f).collect();
            Some((*v.iter().min()?, *v.iter().max()?))
        };
        Some((range(|t| t.teams_filled)?, range(|t| t.teams_broken)?))
    }
}

/// The coordination cases of one shape (the handoff's two together), in run order.
pub fn rows(data: &ReportData) -> Vec<ShapeRow> {
    data.group(Group::Coordination)
        .into_iter()
        .filter_map(ShapeRow::of)
        .collect()
}

/// `4`, or `3–4` when samples differ.
pub fn range((low, high): (u64, u64)) -> String {
    match low == high {
        true => low.to_string(),
        false => format!("{low}–{high}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_says_one_figure_when_samples_agree() {
        assert_eq!(range((4, 4)), "4");
        assert_eq!(range((3, 4)), "3–4");
    }
}
