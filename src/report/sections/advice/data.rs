//! What the advice section reads of a report: the costs fitted on its cases (never the check's own),
//! each drawn case predicted beside its measurement, the error per model, the seed of the draw, and
//! the advice for each named job shape on this machine.

use crate::advise::check::{self, ModelError, Point};
use crate::advise::costs::Costs;
use crate::advise::shapes::shapes;
use crate::advise::{advise, Advice};
use crate::names::Group;
use crate::report::data::ReportData;
use crate::workload::Params;

/// The section's reading.
pub struct AdviceData {
    pub costs: Costs,
    pub points: Vec<Point>,
    pub errors: Vec<ModelError>,
    /// The seeds the drawn cases record.
    pub seeds: Vec<u64>,
    /// Per named shape, its advice.
    pub shapes: Vec<(&'static str, Advice)>,
}

pub fn read(data: &ReportData) -> AdviceData {
    let cores = data.cores();
    let costs = Costs::fit(&data.cases, cores);
    let drawn = data.group(Group::AdviceCheck);
    let points = check::points(&costs, &drawn, cores);
    let errors = check::errors(&points);
    let mut seeds: Vec<u64> = drawn
        .iter()
        .filter_map(|c| match &c.params.workload {
            Params::Mixed(m) => Some(m.seed),
            _ => None,
        })
        .collect();
    seeds.sort();
    seeds.dedup();
    let shapes = if costs.models.is_empty() {
        Vec::new()
    } else {
        shapes()
            .into_iter()
            .map(|s| (s.name, advise(&costs, &s.job, None, cores)))
            .collect()
    };
    AdviceData {
        costs,
        points,
        errors,
        seeds,
        shapes,
    }
}
