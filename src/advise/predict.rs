//! The model of one job on one concurrency model: its makespan, peak resident memory and CPU, each
//! with an interval from the fit's own error. The makespan is the job's ideal for the model (the
//! mixed workload's: waits overlap up to min(k, W) at a time, computing over min(CPU lanes, cores)
//! × s), or the time to start every unit when that is longer (threads and tasks start as they are
//! submitted, and a start overlaps the waits of those started before it), plus the model's own
//! time per task beyond both — or, when longer, every request's CPU on both sides over the cores —
//! plus, for a model that hands each task its data, the payload's cost per byte over its lanes. Memory is the model's base plus its units in flight (tasks, threads or
//! worker processes) times its memory per unit, plus the payload in flight. CPU is the client's per
//! request and the job's own CPU part.

use super::costs::{starts_in_makespan, units, waves, Costs, ModelCosts};
use super::schedule;
use crate::names::ModelKind;
use crate::workload::mixed::advice_suite::{self, Job};

/// A figure and its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    /// `value` with the interval its fit's ratios (measured ÷ fitted) give: their 10th to 90th
    /// percentile (all of them, with fewer than ten), always holding the value itself.
    pub fn from_ratios(value: f64, ratios: &[f64]) -> Estimate {
        let mut r: Vec<f64> = ratios.iter().copied().filter(|x| x.is_finite()).collect();
        r.sort_by(f64::total_cmp);
        let (lo, hi) = match r.len() {
            0 => (1.0, 1.0),
            n if n < 10 => (r[0], r[n - 1]),
            n => (r[n / 10], r[n - 1 - n / 10]),
        };
        Estimate {
            value,
            low: value * lo.min(1.0),
            high: value * hi.max(1.0),
        }
    }
}

/// What the makespan is made of, seconds: for the reason given beside a prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Terms {
    /// The ideal's waiting bound (waves of min(k, W) requests, plus one task's CPU part).
    pub waiting_s: f64,
    /// The ideal's computing bound: N × C / (min(lanes, cores) × s).
    pub computing_s: f64,
    /// The job played out on the model's lanes ([`super::schedule`]): at least both bounds, more
    /// where waiting and computing cannot overlap.
    pub scheduled_s: f64,
    /// Every unit started, one after another (only where starts are inside the makespan).
    pub starting_s: f64,
    /// Every request's CPU on both sides over the cores: a floor under the whole (see
    /// [`connecting`]).
    pub connecting_s: f64,
    /// The model's own time per task beyond those, times N.
    pub overhead_s: f64,
    /// Moving the payload.
    pub payload_s: f64,
    /// Units in flight and the memory per unit.
    pub units: usize,
    pub kib_per_unit: f64,
}

/// One model's prediction for a job.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub model: ModelKind,
    pub limit: Option<usize>,
    pub makespan_s: Estimate,
    pub rss_kib: Estimate,
    pub cpu_s: Estimate,
    pub terms: Terms,
}

/// A floor under any model's makespan: every request costs at least the CPU of the cheapest client
/// fitted (never more than this model's own) and the server's, and both run on the cores they share,
/// so N requests take N × (client + server CPU per request) / cores at the least — what bounds a job
/// of thousands of short requests, where setting connections up keeps the cores busy (the scale
/// suite's io shows it: 100 % of its time beyond the ideal). The cheapest, not the model's own: a
/// model's fitted CPU per request also holds what its threads spend while they wait, which a job
/// with other waits does not repeat. 0 without a fitted CPU per request.
pub fn connecting(costs: &Costs, m: &ModelCosts, tasks: usize, cores: usize) -> f64 {
    let cheapest = costs
        .models
        .iter()
        .map(|m| m.cpu_per_request_s)
        .filter(|c| *c > 0.0)
        .fold(m.cpu_per_request_s, f64::min);
    let per_request = cheapest.max(0.0) + costs.machine.server_cpu_per_request_s.unwrap_or(0.0);
    tasks as f64 * per_request / cores.max(1) as f64
}

/// Whether `model` runs a task's CPU part on the event loop that also sends its requests (the async
/// family's inline counts; async-process-pool's per worker).
fn counts_on_its_loop(model: ModelKind) -> bool {
    matches!(
        model,
        ModelKind::Async
            | ModelKind::AsyncSingle
            | ModelKind::AsyncSemaphore
            | ModelKind::AsyncProcessPool
    )
}

/// Predict `model` on `job` with `limit` (None: the advice's own k), from `costs`.
pub fn predict(
    costs: &Costs,
    m: &ModelCosts,
    job: &Job,
    limit: Option<usize>,
    cores: usize,
) -> Prediction {
    let model = m.model;
    let limit = limit.or_else(|| advice_suite::limit(model, job, cores));
    let s = if job.cpu.is_zero() {
        1.0
    } else {
        costs.machine.scaling.unwrap_or(1.0)
    };
    let (waiting_s, computing_s) = advice_suite::bounds(model, job, limit, cores, s);
    let k = limit.unwrap_or(job.tasks);
    let units_in_flight = units(model, job.tasks, k);
    let starting_s = if starts_in_makespan(model) {
        m.start_s * units_in_flight as f64
    } else {
        0.0
    };
    let w = (job.workers > 0).then_some(job.workers);
    let held = advice_suite::in_flight(model, job, limit, cores);
    let overhead_s =
        m.fixed_s + m.overhead_s * job.tasks as f64 + m.wave_s * waves(job.tasks, held, w);
    let lanes = k.min(job.tasks).min(cores).max(1) as f64;
    let payload_s = m.payload_s_per_byte.map_or(0.0, |b| {
        b * 2.0 * job.payload as f64 * job.tasks as f64 / lanes
    });
    let connecting_s = connecting(costs, m, job.tasks, cores);
    let cpu_lanes = advice_suite::cpu_lanes(model, job, limit, cores);
    let scheduled_s = schedule::makespan(&schedule::Plan {
        tasks: job.tasks,
        wait_s: job.wait.as_secs_f64(),
        cpu_s: job.cpu.as_secs_f64() / if cpu_lanes > 1 { s } else { 1.0 },
        in_flight: held,
        workers: w,
        cpu_lanes,
        on_a_loop: counts_on_its_loop(model),
    })
    .max(waiting_s.max(computing_s));
    let makespan = (scheduled_s.max(starting_s) + overhead_s).max(connecting_s) + payload_s;
    // Every unit in flight holds its task's payload, and the submitter made all of it.
    let in_flight = match model {
        ModelKind::AsyncProcessPool => (k * crate::plan::DEFAULT_CHILD_CONCURRENCY).min(job.tasks),
        _ => k.min(job.tasks),
    };
    let payload_kib = job.payload as f64 * (job.tasks + in_flight) as f64 / 1024.0;
    let rss = m.rss_base_kib + m.rss_per_unit_kib * units_in_flight as f64 + payload_kib;
    let cpu_s = m.cpu_base_s
        + (m.cpu_per_request_s + job.cpu.as_secs_f64()) * job.tasks as f64
        + if starts_in_makespan(model) {
            0.0
        } else {
            m.start_s * units_in_flight as f64
        };
    Prediction {
        model,
        limit,
        makespan_s: Estimate::from_ratios(makespan, &m.makespan_ratios),
        rss_kib: Estimate::from_ratios(rss, &m.rss_ratios),
        cpu_s: Estimate::from_ratios(cpu_s, &m.cpu_ratios),
        terms: Terms {
            waiting_s,
            computing_s,
            scheduled_s,
            starting_s,
            connecting_s,
            overhead_s,
            payload_s,
            units: units_in_flight,
            kib_per_unit: m.rss_per_unit_kib,
        },
    }
}
