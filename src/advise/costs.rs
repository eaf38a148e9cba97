//! The cost model's inputs, fitted from one machine's result files: per concurrency model the start
//! cost per unit (a thread, task or process started), the client's CPU per request, the memory per
//! unit in flight above a base, and the time per task its makespans spend beyond their ideals and
//! starts; for the machine the cpu ideal's parallel scaling s, t₁ per iteration of the counting loop,
//! the slow server's CPU per request, and where the payload suite was run, the time per byte a model
//! that moves data spends moving it. Every fit keeps its own error (the ratios of what its training
//! cases measured to what the fit says of them), which the prediction turns into its interval.
//! A cost with nothing to fit it from is absent, and [`Missing`] names the suite that measures it.

use crate::names::{Group, ModelKind};
use crate::plan::Suite;
use crate::results::CaseResult;
use crate::stats::median;
use crate::workload::Params;

/// One model's fitted costs.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelCosts {
    pub model: ModelKind,
    /// Seconds to start one unit: the slope through the origin of start time over units started.
    pub start_s: f64,
    /// Client CPU, seconds: `cpu_base_s` + `cpu_per_request_s` × N (its io cases).
    pub cpu_base_s: f64,
    pub cpu_per_request_s: f64,
    /// Peak resident memory, KiB: `rss_base_kib` + `rss_per_unit_kib` × units in flight (a process
    /// pool's units are its worker processes, a thread pool's its threads; the others' their tasks).
    pub rss_base_kib: f64,
    pub rss_per_unit_kib: f64,
    /// The model the memory per unit was borrowed from, when this one's cases all held as many.
    pub rss_per_unit_of: Option<ModelKind>,
    /// Seconds its makespans spent beyond their ideals and starts: `fixed_s` once, `overhead_s`
    /// per task (the client's and server's work on a request, queued on the cores), `wave_s` per
    /// wave of requests (the ideal's ⌈N / min(k, W)⌉: what every request of a wave waits beyond the
    /// delay — the server's timer tick, connecting — which lanes in parallel do not share). All ≥ 0.
    pub fixed_s: f64,
    pub overhead_s: f64,
    pub wave_s: f64,
    /// Ratios measured ÷ fitted over its training cases: the fit's own error.
    pub makespan_ratios: Vec<f64>,
    pub rss_ratios: Vec<f64>,
    pub cpu_ratios: Vec<f64>,
    /// Seconds per byte handed to a task and back, on one lane (payload suite), when measured.
    pub payload_s_per_byte: Option<f64>,
    /// The training cases the fits used.
    pub cases: usize,
}

/// What the whole machine contributes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MachineCosts {
    /// Logical CPUs the runs were allowed.
    pub cores: usize,
    /// The cpu ideal's parallel scaling s (median over the cases that probed it).
    pub scaling: Option<f64>,
    /// t₁ per iteration of the counting loop, seconds.
    pub t1_per_iter_s: Option<f64>,
    /// The slow server's CPU per request served, seconds.
    pub server_cpu_per_request_s: Option<f64>,
}

/// Everything fitted, and what could not be.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Costs {
    pub machine: MachineCosts,
    pub models: Vec<ModelCosts>,
    /// Per model with no fit, what it lacks.
    pub missing: Vec<Missing>,
}

/// A cost that could not be fitted, and the suite that measures it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// None: the machine's.
    pub model: Option<ModelKind>,
    pub what: &'static str,
    pub suite: Suite,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whose = self.model.map(|m| format!("{m}: ")).unwrap_or_default();
        write!(
            f,
            "{whose}no {} — run `concbench run --suite {}`",
            self.what, self.suite
        )
    }
}

/// The units a model holds in flight for N tasks at limit k: its worker threads or processes for a
/// pool, its tasks otherwise.
pub fn units(model: ModelKind, tasks: usize, k: usize) -> usize {
    match model {
        ModelKind::ThreadPool | ModelKind::ProcessPool | ModelKind::AsyncProcessPool => {
            k.min(tasks).max(1)
        }
        _ => tasks.max(1),
    }
}

/// Whether its units start inside the makespan (one per task, as tasks are submitted) rather than
/// in the setup a pool times apart.
pub fn starts_in_makespan(model: ModelKind) -> bool {
    !matches!(
        model,
        ModelKind::ThreadPool | ModelKind::ProcessPool | ModelKind::AsyncProcessPool
    )
}

/// The peak resident memory of a repetition, KiB: the case process's, and a pool's workers' summed
/// beside it (wait4's peak is the largest one process's, which says little of k processes).
pub fn total_rss_kib(s: &crate::results::Sample) -> f64 {
    s.max_rss_kib as f64 + s.workers.map_or(0.0, |w| w.rss_sum_kib as f64)
}

/// The median over a case's samples of `f`, where it is known.
fn med(c: &CaseResult, f: impl Fn(&crate::results::Sample) -> Option<f64>) -> Option<f64> {
    let xs: Vec<f64> = c.samples.iter().filter_map(f).collect();
    (!xs.is_empty()).then(|| median(&xs))
}

/// A case's ideal: its repetitions' own where they carry one, else the case's.
pub fn case_ideal(c: &CaseResult) -> Option<f64> {
    med(c, |s| s.ideal_s).or(c.ideal_s)
}

/// Whether a case may train the model: a workload the job model describes (io, sleep, cpu, mixed),
/// every task served, all at once (a batch: the job model has no arrival rate), not a case of the
/// check itself.
fn trains(c: &CaseResult) -> bool {
    c.group != Group::AdviceCheck
        && c.params.arrival.is_batch()
        && c.summary.failures == 0
        && !c.samples.is_empty()
        && matches!(
            c.params.workload,
            Params::Io(_) | Params::Sleep(_) | Params::Cpu(_) | Params::Mixed(_)
        )
        && match &c.params.workload {
            Params::Io(io) => io.misbehaviour.is_none() && io.policy.is_none(),
            _ => true,
        }
}

/// Weighted least squares y = a + b x, weight w per point; None with fewer than two distinct x.
pub fn line_weighted(points: &[(f64, f64, f64)]) -> Option<(f64, f64)> {
    let sw: f64 = points.iter().map(|p| p.2).sum();
    if points.len() < 2 || sw <= 0.0 {
        return None;
    }
    let mx = points.iter().map(|p| p.2 * p.0).sum::<f64>() / sw;
    let my = points.iter().map(|p| p.2 * p.1).sum::<f64>() / sw;
    let sxx: f64 = points.iter().map(|p| p.2 * (p.0 - mx).powi(2)).sum();
    if sxx <= 1e-12 * sw * mx.abs().max(1.0).powi(2) {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| p.2 * (p.0 - mx) * (p.1 - my)).sum();
    let b = sxy / sxx;
    Some((my - b * mx, b))
}

/// Least squares y = a + b x, each point weighted by 1 / y²: the relative error is what is
/// minimised, so a case of 5 MiB counts as much as one of 100 MiB (the check's error is relative).
pub fn line(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let weighted: Vec<(f64, f64, f64)> = points
        .iter()
        .filter(|p| p.1 > 0.0)
        .map(|&(x, y)| (x, y, 1.0 / (y * y)))
        .collect();
    line_weighted(&weighted)
}

/// Weighted least squares through the origin, y = b x; None without a positive x.
pub fn slope_weighted(points: &[(f64, f64, f64)]) -> Option<f64> {
    let sxx: f64 = points.iter().map(|p| p.2 * p.0 * p.0).sum();
    (sxx > 0.0).then(|| points.iter().map(|p| p.2 * p.0 * p.1).sum::<f64>() / sxx)
}

/// Least squares through the origin, y = b x, every point alike; None without a positive x.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let weighted: Vec<(f64, f64, f64)> = points.iter().map(|&(x, y)| (x, y, 1.0)).collect();
    slope_weighted(&weighted)
}

impl Costs {
    /// Fit every cost the cases allow; `cores` is the machine's (its runs' allowed CPUs).
    pub fn fit(cases: &[CaseResult], cores: usize) -> Costs {
        let train: Vec<&CaseResult> = cases.iter().filter(|c| trains(c)).collect();
        let scalings: Vec<f64> = cases
            .iter()
            .flat_map(|c| c.samples.iter().filter_map(|s| s.scaling).chain(c.scaling))
            .collect();
        let per_iter: Vec<f64> = cases
            .iter()
            .filter_map(|c| match &c.params.workload {
                Params::Cpu(p) if p.cpu_iters > 0 => c.t1_s.map(|t| t / p.cpu_iters as f64),
                _ => None,
            })
            .collect();
        let server: Vec<f64> = train
            .iter()
            .filter(|c| matches!(c.params.workload, Params::Io(_)))
            .filter_map(|c| med(c, |s| s.server_cpu_s).map(|cpu| cpu / c.params.tasks as f64))
            .collect();
        let machine = MachineCosts {
            cores,
            scaling: (!scalings.is_empty()).then(|| median(&scalings)),
            t1_per_iter_s: (!per_iter.is_empty()).then(|| median(&per_iter)),
            server_cpu_per_request_s: (!server.is_empty()).then(|| median(&server)),
        };
        let mut costs = Costs {
            machine,
            ..Costs::default()
        };
        if costs.machine.scaling.is_none() {
            costs.missing.push(Missing {
                model: None,
                what: "parallel scaling s of the cpu ideal",
                suite: Suite::Cpu,
            });
        }
        if train.is_empty() {
            for (what, suite) in [
                ("memory per unit in flight", Suite::Memory),
                (
                    "client CPU per request, makespan beside its ideal",
                    Suite::IoSweep,
                ),
                ("a pool's memory per worker", Suite::LimitSweep),
            ] {
                costs.missing.push(Missing {
                    model: None,
                    what,
                    suite,
                });
            }
            return costs;
        }
        for model in crate::workload::mixed::advice_suite::MODELS {
            let mine: Vec<&CaseResult> = train
                .iter()
                .copied()
                .filter(|c| c.params.model == model)
                .collect();
            match fit_model(model, &mine, cases, cores) {
                Ok(m) => costs.models.push(m),
                Err(missing) => costs.missing.push(missing),
            }
        }
        costs
    }

    pub fn model(&self, model: ModelKind) -> Option<&ModelCosts> {
        self.models.iter().find(|m| m.model == model)
    }
}

/// (units in flight, peak memory KiB) of each case.
fn memory_points(model: ModelKind, cases: &[&CaseResult]) -> Vec<(f64, f64)> {
    cases
        .iter()
        .filter_map(|c| {
            let x = units(model, c.params.tasks, case_k(c)) as f64;
            Some((x, med(c, |s| Some(total_rss_kib(s)))?))
        })
        .collect()
}

/// The model whose units are of the same kind: a process for a process pool's, a tokio task for
/// the async models', a thread for a thread pool's.
fn sibling(model: ModelKind) -> Option<ModelKind> {
    match model {
        ModelKind::AsyncProcessPool => Some(ModelKind::ProcessPool),
        ModelKind::AsyncSingle | ModelKind::AsyncSemaphore => Some(ModelKind::Async),
        ModelKind::ThreadPool => Some(ModelKind::Threads),
        _ => None,
    }
}

/// A case's k as the model saw it.
fn case_k(c: &CaseResult) -> usize {
    c.params.limit.unwrap_or(c.params.tasks)
}

fn fit_model(
    model: ModelKind,
    cases: &[&CaseResult],
    all: &[CaseResult],
    cores: usize,
) -> Result<ModelCosts, Missing> {
    let lacks = |what, suite| Missing {
        model: Some(model),
        what,
        suite,
    };
    let starts: Vec<(f64, f64)> = cases
        .iter()
        .flat_map(|c| c.samples.iter())
        .filter_map(|s| Some((s.spawn_units? as f64, s.spawn_s?)))
        .collect();
    let start_s = slope(&starts).unwrap_or(0.0).max(0.0);
    let rss_points = memory_points(model, cases);
    let pool = !starts_in_makespan(model);
    // With its units in flight all alike (a pool measured at one k), the per-unit memory of the
    // model of the same units (its sibling), above this model's own base.
    let borrowed = || {
        let sib = sibling(model)?;
        let theirs: Vec<&CaseResult> = all
            .iter()
            .filter(|c| trains(c) && c.params.model == sib)
            .collect();
        let (_, per_unit) = line(&memory_points(sib, &theirs))?;
        let base = rss_points
            .iter()
            .map(|(x, y)| y - per_unit * x)
            .sum::<f64>()
            / rss_points.len() as f64;
        (!rss_points.is_empty()).then_some((base, per_unit, sib))
    };
    let (rss_base_kib, rss_per_unit_kib, rss_per_unit_of) = match line(&rss_points) {
        Some((a, b)) => (a, b, None),
        None => match borrowed() {
            Some((a, b, sib)) => (a, b, Some(sib)),
            None => {
                let suite = if pool {
                    Suite::LimitSweep
                } else {
                    Suite::Memory
                };
                return Err(lacks("memory per unit in flight", suite));
            }
        },
    };
    let rss_per_unit_kib = rss_per_unit_kib.max(0.0);
    let io: Vec<(f64, f64)> = cases
        .iter()
        .filter(|c| matches!(c.params.workload, Params::Io(_)))
        .map(|c| (c.params.tasks as f64, c.summary.cpu_s))
        .collect();
    // At one N only (a pool in limit-sweep), the line through the origin; with no io case at
    // all, its sibling's (the same units make the same requests).
    let sibling_io = || {
        let sib = sibling(model)?;
        let theirs: Vec<(f64, f64)> = all
            .iter()
            .filter(|c| trains(c) && c.params.model == sib)
            .filter(|c| matches!(c.params.workload, Params::Io(_)))
            .map(|c| (c.params.tasks as f64, c.summary.cpu_s))
            .collect();
        line(&theirs)
    };
    let (cpu_base_s, cpu_per_request_s) = line(&io)
        .or_else(|| slope(&io).map(|b| (0.0, b)))
        .or_else(sibling_io)
        .map(|(a, b)| (a.max(0.0), b.max(0.0)))
        .ok_or_else(|| lacks("client CPU per request", Suite::IoSweep))?;
    // The makespan's excess over the ideal and the starts, per task.
    let timed: Vec<(&CaseResult, f64)> = cases
        .iter()
        .filter_map(|c| Some((*c, case_ideal(c)?)))
        .collect();
    let in_makespan = |c: &CaseResult| {
        if pool {
            0.0
        } else {
            start_s * units(model, c.params.tasks, case_k(c)) as f64
        }
    };
    // Only cases whose ideal is physics alone (waits): an ideal that needs the machine's speed
    // carries its probe's noise, and on a VM whose vCPU changes speed that can be larger than
    // any overhead.
    let exact =
        |c: &&(&CaseResult, f64)| matches!(c.0.params.workload, Params::Io(_) | Params::Sleep(_));
    // With none (async-process-pool's one case is mixed), its sibling's: the same units make the
    // same requests in the same waves.
    let theirs: Vec<(&CaseResult, f64)> = match sibling(model) {
        Some(sib) if !timed.iter().any(|c| exact(&c)) => all
            .iter()
            .filter(|c| trains(c) && c.params.model == sib)
            .filter_map(|c| Some((c, case_ideal(c)?)))
            .collect(),
        _ => Vec::new(),
    };
    let excess: Vec<Excess> = timed
        .iter()
        .chain(&theirs)
        .filter(exact)
        .map(|(c, ideal)| {
            let measured = c.summary.makespan.median;
            // A start overlaps the waits of the tasks started before it: only what outlasts the
            // ideal is extra.
            let floor = ideal.max(in_makespan(c));
            Excess {
                tasks: c.params.tasks as f64,
                waves: case_waves(c),
                excess: measured - floor,
                // Relative to the makespan, as the check measures its error.
                weight: 1.0 / (measured * measured),
            }
        })
        .collect();
    let Overheads {
        fixed_s,
        overhead_s,
        wave_s,
    } = overheads(&excess).ok_or_else(|| lacks("makespan beside its ideal", Suite::IoSweep))?;
    let makespan_ratios = timed
        .iter()
        .filter(exact)
        .map(|(c, ideal)| {
            let fitted = ideal.max(in_makespan(c))
                + fixed_s
                + overhead_s * c.params.tasks as f64
                + wave_s * case_waves(c);
            c.summary.makespan.median / fitted
        })
        .collect();
    let cpu_ratios = io
        .iter()
        .map(|(n, cpu)| cpu / (cpu_base_s + cpu_per_request_s * n).max(1e-9))
        .collect();
    let rss_ratios = rss_points
        .iter()
        .map(|(x, y)| y / (rss_base_kib + rss_per_unit_kib * x).max(1.0))
        .collect();
    Ok(ModelCosts {
        model,
        start_s,
        cpu_base_s,
        cpu_per_request_s,
        rss_base_kib,
        rss_per_unit_kib,
        rss_per_unit_of,
        fixed_s,
        overhead_s,
        wave_s,
        makespan_ratios,
        rss_ratios,
        cpu_ratios,
        payload_s_per_byte: payload_cost(model, all, cores),
        cases: cases.len(),
    })
}

/// Waves of requests in a case's ideal: ⌈N / min(k, W)⌉ with k the tasks it holds in flight and
/// W the server's workers (a sleep has no server: ⌈N / k⌉).
pub fn waves(tasks: usize, in_flight: usize, server_workers: Option<usize>) -> f64 {
    let w = match server_workers {
        Some(0) | None => usize::MAX,
        Some(w) => w,
    };
    tasks.div_ceil(in_flight.min(w).max(1)) as f64
}

fn case_waves(c: &CaseResult) -> f64 {
    let workers = match &c.params.workload {
        Params::Io(io) => io.server_workers,
        Params::Mixed(m) => m.io.server_workers,
        _ => None,
    };
    waves(c.params.tasks, c.params.concurrency, workers)
}

/// One case's makespan beyond its ideal and starts, beside what might explain it.
#[derive(Debug, Clone, Copy)]
struct Excess {
    tasks: f64,
    waves: f64,
    excess: f64,
    weight: f64,
}

/// The fitted overheads (see [`ModelCosts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Overheads {
    fixed_s: f64,
    overhead_s: f64,
    wave_s: f64,
}

/// Weighted least squares of excess = fixed + overhead × N + wave × waves, every coefficient ≥ 0:
/// each subset of the three terms is fitted and, of those whose coefficients are all ≥ 0, the one
/// with the least weighted squared error is kept (the terms are few, so trying all is exact). None
/// without a case.
fn overheads(points: &[Excess]) -> Option<Overheads> {
    if points.is_empty() {
        return None;
    }
    let x = |p: &Excess, term: usize| match term {
        0 => 1.0,
        1 => p.tasks,
        _ => p.waves,
    };
    let mut best: Option<(f64, [f64; 3])> = None;
    for mask in 1u32..8 {
        let terms: Vec<usize> = (0..3).filter(|t| mask & (1 << t) != 0).collect();
        let Some(coef) = least_squares(points, &terms, x) else {
            continue;
        };
        if coef.iter().any(|&c| c < 0.0 || !c.is_finite()) {
            continue;
        }
        let mut full = [0.0; 3];
        for (t, c) in terms.iter().zip(&coef) {
            full[*t] = *c;
        }
        let err: f64 = points
            .iter()
            .map(|p| {
                let fit: f64 = (0..3).map(|t| full[t] * x(p, t)).sum();
                p.weight * (p.excess - fit).powi(2)
            })
            .sum();
        if best.is_none_or(|(e, _)| err < e - 1e-15 * e.abs()) {
            best = Some((err, full));
        }
    }
    // Every fit with a negative part: the makespans were at their ideals.
    let [fixed_s, overhead_s, wave_s] = best.map_or([0.0; 3], |(_, c)| c);
    Some(Overheads {
        fixed_s,
        overhead_s,
        wave_s,
    })
}

/// Weighted least squares over the chosen `terms` (normal equations, Gaussian elimination); None
/// when they are not independent over the points.
fn least_squares(
    points: &[Excess],
    terms: &[usize],
    x: impl Fn(&Excess, usize) -> f64,
) -> Option<Vec<f64>> {
    let n = terms.len();
    let mut a = vec![vec![0.0; n + 1]; n];
    for p in points {
        for (i, &ti) in terms.iter().enumerate() {
            for (j, &tj) in terms.iter().enumerate() {
                a[i][j] += p.weight * x(p, ti) * x(p, tj);
            }
            a[i][n] += p.weight * x(p, ti) * p.excess;
        }
    }
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        let scale = a.iter().map(|r| r[col].abs()).fold(0.0, f64::max);
        if a[pivot][col].abs() <= 1e-9 * scale.max(f64::MIN_POSITIVE) {
            return None;
        }
        a.swap(col, pivot);
        let top = a[col].clone();
        for (row, r) in a.iter_mut().enumerate() {
            if row != col {
                let f = r[col] / top[col];
                for (x, t) in r.iter_mut().zip(&top).skip(col) {
                    *x -= f * t;
                }
            }
        }
    }
    Some((0..n).map(|i| a[i][n] / a[i][i]).collect())
}

/// The payload suite's slope of makespan over bytes handed to each task, as seconds per byte on one
/// lane: slope × min(k, cores) / N.
fn payload_cost(model: ModelKind, all: &[CaseResult], cores: usize) -> Option<f64> {
    let points: Vec<(f64, f64, usize, usize)> = all
        .iter()
        .filter(|c| c.params.model == model && c.summary.failures == 0)
        .filter_map(|c| match &c.params.workload {
            Params::Payload(p) => Some((
                (p.bytes + p.back) as f64,
                c.summary.makespan.median,
                c.params.tasks,
                case_k(c),
            )),
            _ => None,
        })
        .collect();
    let (_, per_byte) = line(
        &points
            .iter()
            .map(|&(x, y, _, _)| (x, y))
            .collect::<Vec<_>>(),
    )?;
    let (_, _, n, k) = points[0];
    Some((per_byte * k.min(cores).max(1) as f64 / n.max(1) as f64).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(tasks: f64, waves: f64, excess: f64) -> Excess {
        Excess {
            tasks,
            waves,
            excess,
            weight: 1.0,
        }
    }

    #[test]
    fn overheads_recover_a_fixed_part_a_part_per_task_and_one_per_wave() {
        let (fixed, task, wave) = (0.002, 4e-5, 1.3e-3);
        let points: Vec<Excess> = [
            (1, 1),
            (9, 1),
            (27, 3),
            (81, 9),
            (243, 27),
            (243, 1),
            (32, 32),
        ]
        .iter()
        .map(|&(n, w)| {
            let (n, w) = (n as f64, w as f64);
            point(n, w, fixed + task * n + wave * w)
        })
        .collect();
        let o = overheads(&points).unwrap();
        for (got, want) in [(o.fixed_s, fixed), (o.overhead_s, task), (o.wave_s, wave)] {
            assert!((got - want).abs() < 1e-9 * want.max(1.0), "{o:?}");
        }
    }

    #[test]
    fn a_part_that_would_be_negative_is_left_out_and_the_rest_refitted() {
        // Excess falls with the waves: a negative part per wave would fit it best, which is no
        // cost; the fit keeps the best with every part ≥ 0.
        let points = vec![
            point(10.0, 10.0, 0.010),
            point(10.0, 1.0, 0.019),
            point(100.0, 1.0, 0.1),
        ];
        let o = overheads(&points).unwrap();
        assert!(
            o.fixed_s >= 0.0 && o.overhead_s >= 0.0 && o.wave_s >= 0.0,
            "{o:?}"
        );
        assert!(o.overhead_s > 0.0, "{o:?}");
        // Makespans at their ideals: nothing to add.
        let o = overheads(&[point(5.0, 1.0, -0.001), point(50.0, 5.0, -0.002)]).unwrap();
        assert_eq!((o.fixed_s, o.overhead_s, o.wave_s), (0.0, 0.0, 0.0));
        assert!(overheads(&[]).is_none());
    }

    #[test]
    fn waves_count_the_smaller_of_the_models_tasks_in_flight_and_the_servers_workers() {
        assert_eq!(waves(243, 243, Some(9)), 27.0);
        assert_eq!(waves(243, 100, None), 3.0);
        assert_eq!(waves(243, 243, Some(0)), 1.0);
        assert_eq!(waves(10, 3, Some(81)), 4.0);
    }
}
