//! advice-check's reading: each measured case of the drawn jobs beside what the advice predicts for
//! it — the same model at the same k, from costs fitted on every other case of the machine, never on
//! the check's own — and per model the median absolute percentage error (|predicted − measured| ÷
//! measured) of the makespan and of the memory, against the goals of 10 % and 20 %.
//!
//! The makespan is also predicted a second way, at the speed each repetition's CPU parts ran: the
//! mean run time its counts measured where they ran (schedstat around each, `cpu_part_s`) for the
//! job's CPU part, at a scaling of 1 (they ran beside the other lanes); where a repetition measured
//! none, the speed its probe found (t₁ and s). A VM whose vCPU runs at several speeds in bursts
//! makes one job's CPU part take 1× or 4× from one repetition to the next, which no cost model
//! fitted earlier can foresee. The first error is what a user of `advise` meets; the second is the
//! cost model's own, given the CPU part's true cost — what a user who states it right meets; the
//! jobs without a CPU part, on their own, show it with nothing taken out.

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
    /// The prediction at the speed each repetition's CPU parts ran, each against its own makespan:
    /// the median makespan times the median of (predicted ÷ measured) over the repetitions; the
    /// plain prediction for a job without a CPU part.
    pub predicted_at_speed_s: f64,
    pub measured_s: f64,
    /// Whether the job has a CPU part (its makespan then depends on the vCPU's speed of the day).
    pub has_cpu: bool,
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
    /// The same, of the prediction at the speed each repetition's CPU parts ran.
    pub makespan_at_speed: f64,
    /// The plain makespan error over the jobs without a CPU part alone, and how many there were.
    pub makespan_no_cpu: f64,
    pub jobs_no_cpu: usize,
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
            // Each repetition predicted at its own speed and set beside its own makespan: the
            // speed of one repetition says nothing of another's.
            let at_speed: Vec<f64> = c
                .samples
                .iter()
                .filter(|s| s.makespan_s > 0.0)
                .filter_map(|s| {
                    let (costs, job) = match s.cpu_part_s {
                        Some(t) => at_speed(costs, &job, t, Some(1.0)),
                        None => at_speed(costs, &job, s.t1_s?, s.scaling),
                    }?;
                    let m = costs.model(c.params.model).expect("the same costs");
                    let p = predict(&costs, m, &job, c.params.limit, cores);
                    Some(p.makespan_s.value / s.makespan_s)
                })
                .collect();
            Some(Point {
                id: c.id.clone(),
                model: c.params.model,
                predicted_s: p.makespan_s.value,
                predicted_at_speed_s: if at_speed.is_empty() {
                    p.makespan_s.value
                } else {
                    median(&at_speed) * c.summary.makespan.median
                },
                measured_s: c.summary.makespan.median,
                has_cpu: !job.cpu.is_zero(),
                predicted_kib: p.rss_kib.value,
                measured_kib: median(&rss),
            })
        })
        .collect()
}

/// `costs` and `job` at a repetition's speed: the job's CPU part `t1_s`, the machine's scaling
/// `scaling`. None for a job without a CPU part (nothing to take out).
fn at_speed(costs: &Costs, job: &Job, t1_s: f64, scaling: Option<f64>) -> Option<(Costs, Job)> {
    if job.cpu.is_zero() || t1_s.is_nan() || t1_s <= 0.0 {
        return None;
    }
    let mut costs = costs.clone();
    if let Some(s) = scaling.filter(|s| *s > 0.0) {
        costs.machine.scaling = Some(s);
    }
    let job = Job {
        cpu: std::time::Duration::from_secs_f64(t1_s),
        ..*job
    };
    Some((costs, job))
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
                makespan_at_speed: mdape(
                    mine.iter().map(|p| (p.predicted_at_speed_s, p.measured_s)),
                ),
                makespan_no_cpu: mdape(
                    mine.iter()
                        .filter(|p| !p.has_cpu)
                        .map(|p| (p.predicted_s, p.measured_s)),
                ),
                jobs_no_cpu: mine.iter().filter(|p| !p.has_cpu).count(),
                memory: mdape(mine.iter().map(|p| (p.predicted_kib, p.measured_kib))),
            }
        })
        .collect()
}
