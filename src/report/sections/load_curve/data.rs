//! What the load-curve section reads of each load-curve case: the model and its limit, the server's
//! workers, the offered rate, the achieved throughput and the latency percentiles (from each task's
//! scheduled release), and the ideal of the same arrivals (`plan::open_ideal`: served in order by
//! min(k, W) lanes of one request's delay): its throughput, p50 and p99, and the capacity
//! min(k, W) / d where the knee is.

use crate::names::{Group, ModelKind};
use crate::report::data::{self, ReportData};
use crate::results::CaseResult;
use std::time::Duration;

/// One load-curve case.
#[derive(Debug, Clone)]
pub struct Point {
    pub id: String,
    pub model: ModelKind,
    pub limit: Option<usize>,
    /// The server's workers, None: unbounded.
    pub workers: Option<usize>,
    /// Offered, tasks per second.
    pub rate: f64,
    pub tasks: usize,
    /// Tasks done per second: the median over samples of the successes over the makespan (first
    /// release to last end).
    pub throughput: f64,
    /// Median over samples of the task latency percentiles, seconds.
    pub p50: f64,
    pub p99: f64,
    pub failures: u64,
    /// What the same arrivals allow; None when one request's time is unknown.
    pub ideal: Option<Ideal>,
    /// min(k, W) / d, tasks per second; None when nothing but the offered rate bounds it.
    pub capacity: Option<f64>,
}

/// The ideal of one case's arrivals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ideal {
    pub throughput: f64,
    pub p50: f64,
    pub p99: f64,
}

/// The q-quantile of sorted values (the smallest with at least q of them at or below it).
fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64()
}

impl Point {
    /// The point of a load-curve case with an arrival rate; `seed` is the run's (Poisson's draws).
    pub fn of(c: &CaseResult, seed: u64) -> Option<Point> {
        let arrival = c.params.arrival;
        let rate = arrival.rate()?;
        let tasks = c.params.tasks;
        let ideal = crate::plan::open_ideal(
            &c.params.workload,
            c.params.concurrency,
            tasks,
            arrival,
            seed,
        )
        .and_then(|mut latencies| {
            let schedule = arrival.schedule(tasks, seed)?;
            let makespan = schedule
                .iter()
                .zip(&latencies)
                .map(|(s, l)| (*s + *l).as_secs_f64())
                .fold(0.0, f64::max);
            latencies.sort();
            (makespan > 0.0).then(|| Ideal {
                throughput: tasks as f64 / makespan,
                p50: quantile(&latencies, 0.50),
                p99: quantile(&latencies, 0.99),
            })
        });
        let workers = data::server_workers(c).flatten();
        let d = data::io(c).and_then(|io| io.server_delay_ms);
        let lanes = workers.map_or(c.params.concurrency, |w| w.min(c.params.concurrency));
        let capacity = d
            .filter(|&d| d > 0 && lanes < tasks)
            .map(|d| lanes as f64 / (d as f64 / 1e3));
        Some(Point {
            id: c.id.clone(),
            model: c.params.model,
            limit: c.params.limit,
            workers,
            rate,
            tasks,
            throughput: data::median_of(c, |s| match s.makespan_s > 0.0 {
                true => s.ok as f64 / s.makespan_s,
                false => 0.0,
            }),
            p50: c.summary.task_p50_s,
            p99: c.summary.task_p99_s,
            failures: c.summary.failures,
            ideal,
            capacity,
        })
    }

    /// The server as a table or legend names it.
    pub fn server(&self) -> String {
        self.workers
            .map_or("unbounded".to_string(), |w| format!("W = {w}"))
    }

    /// Whether it offers more than its lanes can serve.
    pub fn past_knee(&self) -> bool {
        self.capacity.is_some_and(|c| self.rate > c * 1.001)
    }
}

/// The run's seed, which Poisson arrivals were drawn from (the first file's, when several merged).
pub fn seed(data: &ReportData) -> u64 {
    data.sources.iter().find_map(|s| s.seed).unwrap_or(0)
}

/// Every load-curve case with a rate, in the file's order.
pub fn points(data: &ReportData) -> Vec<Point> {
    let seed = seed(data);
    data.group(Group::LoadCurve)
        .into_iter()
        .filter_map(|c| Point::of(c, seed))
        .collect()
}

/// The servers the points ran against, bounded first.
pub fn servers(points: &[Point]) -> Vec<Option<usize>> {
    let mut s: Vec<Option<usize>> = Vec::new();
    for p in points {
        if !s.contains(&p.workers) {
            s.push(p.workers);
        }
    }
    s.sort_by_key(|w| w.map_or(usize::MAX, |w| w));
    s
}

/// Per model, the case at its knee against `workers`: the lowest offered rate at or above its
/// capacity (where a queue starts to form), or its highest rate when it has no knee there.
pub fn at_knee(data: &ReportData, workers: Option<usize>) -> Vec<(Point, &CaseResult)> {
    let seed = seed(data);
    let cases: Vec<(Point, &CaseResult)> = data
        .group(Group::LoadCurve)
        .into_iter()
        .filter_map(|c| Point::of(c, seed).map(|p| (p, c)))
        .filter(|(p, _)| p.workers == workers)
        .collect();
    let mut models: Vec<ModelKind> = Vec::new();
    for (p, _) in &cases {
        if !models.contains(&p.model) {
            models.push(p.model);
        }
    }
    models
        .into_iter()
        .filter_map(|m| {
            let mine = cases.iter().filter(|(p, _)| p.model == m);
            let knee = mine
                .clone()
                .filter(|(p, _)| p.capacity.is_some_and(|c| p.rate >= c * 0.999))
                .min_by(|a, b| a.0.rate.total_cmp(&b.0.rate));
            knee.or_else(|| mine.max_by(|a, b| a.0.rate.total_cmp(&b.0.rate)))
                .map(|(p, c)| (p.clone(), *c))
        })
        .collect()
}

/// A latency tick: whole milliseconds below a second (`250 ms`), seconds above (`1.5 s`).
pub fn tick(s: f64) -> String {
    match s >= 1.0 {
        true => format!("{s:.1} s"),
        false => format!("{:.0} ms", s * 1e3),
    }
}
