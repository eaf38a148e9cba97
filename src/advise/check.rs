//! advice-check's reading: each measured case of the drawn jobs beside what the advice predicts for
//! it — the same model at the same k, from costs fitted on every other case of the machine, never on
//! the check's own — and per model the median absolute percentage error (|predicted − measured| ÷
//! measured) of the makespan and of the memory, against the goals of 10 % and 20 %.

use super::costs::{total_rss_kib, Costs};
use super::predict::predict;
use crate::names::{Group, ModelKind};
use crate::results::CaseResult;
use crate::stats::median;
use crate::workload::mixed::advice_suite::Job;

/// The makespan goal: a median absolute error of at most 10 %.
pub const MAKESPAN_GOAL: f64 = 0.10;
/// The memory goal: 20 %.
pub const MEMORY_GOAL: f64 = 0.20;

/// One drawn case, predicted and measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub id: String,
    pub model: ModelKind,
    pub predicted_s: f64,
    pub measured_s: f64,
    pub predicted_kib: f64,
    pub measured_kib: f64,
}

/// One model's error over the drawn jobs it was measured on.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelError {
    pub model: ModelKind,
    pub jobs: usize,
    /// Median absolute percentage error, as a fraction.
    pub makespan: f64,
    pub memory: f64,
}

/// |predicted − measured| ÷ measured.
pub fn ape(predicted: f64, measured: f64) -> f64 {
    (predicted - measured).abs() / measured
}

/// The median of [`ape`] over pairs (predicted, measured); NaN for none.
pub fn mdape(pairs: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    let xs: Vec<f64> = pairs
        .into_iter()
        .filter(|&(_, m)| m > 0.0)
        .map(|(p, m)| ape(p, m))
        .collect();
    if xs.is_empty() {
        f64::NAN
    } else {
        median(&xs)
    }
}

/// Every advice-check case of `cases` that the costs can predict, beside its measurement.
pub fn points(costs: &Costs, cases: &[&CaseResult], cores: usize) -> Vec<Point> {
    cases
        .iter()
        .filter(|c| c.group == Group::AdviceCheck && !c.samples.is_empty())
        .filter_map(|c| {
            let job = Job::of(&c.params.workload, c.params.tasks)?;
            let m = costs.model(c.params.model)?;
            let p = predict(costs, m, &job, c.params.limit, cores);
            let rss: Vec<f64> = c.samples.iter().map(total_rss_kib).collect();
            Some(Point {
                id: c.id.clone(),
                model: c.params.model,
                predicted_s: p.makespan_s.value,
                measured_s: c.summary.makespan.median,
                predicted_kib: p.rss_kib.value,
                measured_kib: median(&rss),
            })
        })
        .collect()
}

/// Per model, in the order of first appearance: its error over its points.
pub fn errors(points: &[Point]) -> Vec<ModelError> {
    let mut models: Vec<ModelKind> = Vec::new();
    for p in points {
        if !models.contains(&p.model) {
            models.push(p.model);
        }
    }
    models
        .into_iter()
        .map(|model| {
            let mine: Vec<&Point> = points.iter().filter(|p| p.model == model).collect();
            ModelError {
                model,
                jobs: mine.len(),
                makespan: mdape(mine.iter().map(|p| (p.predicted_s, p.measured_s))),
                memory: mdape(mine.iter().map(|p| (p.predicted_kib, p.measured_kib))),
            }
        })
        .collect()
}
