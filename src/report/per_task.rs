//! Memory per task without the base: what one more task in flight costs a model, as the memory chart,
//! its takeaway, the memory table and results.csv all state it. Peak RSS over N tasks counts the
//! runtime, the binary and the allocator's arenas once; dividing it by N would spread that base over
//! the tasks and make every model look cheap at large N. So the figure is the growth from the same
//! model's base case: (peak at N − peak at N = 1) / (N − 1), or, without an N = 1 case, the slope
//! from the smallest N measured. A process pool's cost is per worker process: the workers' summed
//! peak RSS over the processes started. The parent's peak from wait4 already covers its largest
//! reaped worker, so worker peaks are never added on top of it.

use super::data;
use super::flags::Flags;
use crate::names::ModelKind;
use crate::render::fmt::count;
use crate::results::CaseResult;

/// How a figure was obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Basis {
    /// (peak at N − peak at N = 1) / (N − 1).
    OverOne,
    /// No N = 1 case: (peak at N − peak at N₀) / (N − N₀), N₀ the smallest N measured.
    OverSmallest(usize),
    /// Process pool: the workers' summed peak RSS / worker processes.
    PerWorker,
}

impl Basis {
    /// What the figure is, in words, for captions and footnotes.
    pub fn describe(&self) -> String {
        match self {
            Basis::OverOne => "(peak RSS at N − peak RSS at N = 1) / (N − 1)".into(),
            Basis::OverSmallest(n0) => format!(
                "no N = 1 case, so the slope from the smallest N: (peak RSS at N − peak RSS at \
                 N = {n}) / (N − {n})",
                n = count(*n0 as u64)
            ),
            Basis::PerWorker => {
                "per worker process: the workers' summed peak RSS / processes started".into()
            }
        }
    }
}

/// One case's figure.
#[derive(Debug, Clone, PartialEq)]
pub struct PerTask {
    pub id: String,
    pub model: ModelKind,
    /// Tasks in flight (for a process pool: its worker processes).
    pub in_flight: usize,
    /// KiB per task (or per worker); may be ≤ 0 when the case grew less than the noise of its base.
    pub kib: f64,
    pub basis: Basis,
    /// The case process's own peak RSS, KiB (median over samples).
    pub peak_kib: f64,
    pub flags: Flags,
}

/// One model's figures and how they were made.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelCost {
    pub model: ModelKind,
    /// None when the model has no figure (one N only, and not a pool).
    pub basis: Option<Basis>,
    /// The base case the others are measured from (its N), when there is one.
    pub base_n: Option<usize>,
    pub figures: Vec<PerTask>,
}

/// Tasks in flight: what memory grows with.
fn in_flight(c: &CaseResult) -> usize {
    c.params.concurrency.max(1)
}

/// The workers' summed peak over processes started, KiB, median over samples; None without workers.
fn per_worker_kib(c: &CaseResult) -> Option<f64> {
    let xs: Vec<f64> = c
        .samples
        .iter()
        .filter_map(|s| s.workers)
        .filter(|w| w.processes > 0)
        .map(|w| w.rss_sum_kib as f64 / w.processes as f64)
        .collect();
    (!xs.is_empty()).then(|| crate::stats::median(&xs))
}

/// Every model's cost per task among `cases` (one suite group), models in first-seen order.
pub fn costs(cases: &[&CaseResult]) -> Vec<ModelCost> {
    let measured: Vec<&CaseResult> = cases
        .iter()
        .copied()
        .filter(|c| !c.samples.is_empty())
        .collect();
    let mut models: Vec<ModelKind> = Vec::new();
    for c in &measured {
        if !models.contains(&c.params.model) {
            models.push(c.params.model);
        }
    }
    models
        .into_iter()
        .map(|model| {
            let mine: Vec<&CaseResult> = measured
                .iter()
                .copied()
                .filter(|c| c.params.model == model)
                .collect();
            model_cost(model, &mine)
        })
        .collect()
}

fn model_cost(model: ModelKind, cases: &[&CaseResult]) -> ModelCost {
    let figure = |c: &CaseResult, kib: f64, basis: Basis| PerTask {
        id: c.id.clone(),
        model,
        in_flight: in_flight(c),
        kib,
        basis,
        peak_kib: data::peak_rss_kib(c),
        flags: Flags::of(c),
    };
    // A pool of processes: each worker is a whole process, measured on its own.
    let workers: Vec<(&CaseResult, f64)> = cases
        .iter()
        .filter_map(|c| per_worker_kib(c).map(|k| (*c, k)))
        .collect();
    if !workers.is_empty() {
        return ModelCost {
            model,
            basis: Some(Basis::PerWorker),
            base_n: None,
            figures: workers
                .into_iter()
                .map(|(c, k)| figure(c, k, Basis::PerWorker))
                .collect(),
        };
    }
    let Some(base) = cases.iter().min_by_key(|c| in_flight(c)) else {
        return ModelCost {
            model,
            basis: None,
            base_n: None,
            figures: Vec::new(),
        };
    };
    let n0 = in_flight(base);
    let basis = match n0 {
        1 => Basis::OverOne,
        n => Basis::OverSmallest(n),
    };
    let base_kib = data::peak_rss_kib(base);
    let figures: Vec<PerTask> = cases
        .iter()
        .filter(|c| in_flight(c) > n0)
        .filter_map(|c| {
            let kib = growth_kib(data::peak_rss_kib(c), base_kib, in_flight(c), n0)?;
            Some(figure(c, kib, basis))
        })
        .collect();
    ModelCost {
        model,
        basis: (!figures.is_empty()).then_some(basis),
        base_n: Some(n0),
        figures,
    }
}

/// What one more unit in flight adds to peak memory, KiB: (peak at n − peak at n₀) / (n − n₀), the
/// growth from a base of n₀ units; None when n ≤ n₀, which has no growth to take. The memory suite's
/// figures and the scale section's (this machine's, its bare programs' and the published ones) are
/// all this.
pub fn growth_kib(peak_kib: f64, base_kib: f64, n: usize, n0: usize) -> Option<f64> {
    (n > n0).then(|| (peak_kib - base_kib) / (n - n0) as f64)
}

/// The figure of one case, when it has one.
pub fn of_case<'a>(costs: &'a [ModelCost], id: &str) -> Option<&'a PerTask> {
    costs.iter().flat_map(|m| &m.figures).find(|f| f.id == id)
}

/// What the figure includes, for the chart's caption and the table's note.
pub const INCLUDES: &str =
    "Memory per task includes whatever one more task in flight makes resident: the stack \
    pages a thread touched, the task's state (an async task's future, a pool's queue entry), its \
    buffers, and the allocator's slack; not the runtime, binary or libraries, which the base case \
    already holds.";

#[cfg(test)]
mod tests {
    use super::growth_kib;

    #[test]
    fn growth_is_taken_above_the_base_not_spread_over_it() {
        // 10,000 tasks at 50 MiB over a base of 3 MiB at one task: 4.8 KiB each, not 5.1 (50 MiB / N).
        let kib = growth_kib(51_200.0, 3_072.0, 10_000, 1).unwrap();
        assert!((kib - 48_128.0 / 9_999.0).abs() < 1e-9, "{kib}");
        // From a base of 1,000 (the published series start at 10,000): the slope between the two.
        assert_eq!(growth_kib(2_000.0, 1_000.0, 11_000, 1_000), Some(0.1));
        assert_eq!(
            growth_kib(5.0, 5.0, 1, 1),
            None,
            "the base has no figure of its own"
        );
        assert_eq!(growth_kib(5.0, 9.0, 1, 3), None);
        // Less than the base: a negative figure, shown as measured, never clamped into a claim.
        assert_eq!(growth_kib(90.0, 100.0, 11, 1), Some(-1.0));
    }
}
