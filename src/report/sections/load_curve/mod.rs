//! The load-curve section (issue 26): open-loop GETs at a constant offered rate swept past each
//! model's knee. A table per model × server × rate (throughput, p50 and p99 against the ideal of the
//! same arrivals), the hockey stick (p99 against offered rate per model, one chart per server), and
//! the latency over one run at the knee per model. All read `data`.

pub mod chart;
pub mod data;
pub mod sentences;
pub mod timeline;

use crate::fmt::secs;
use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::{CsvCells, Section};
use crate::report::table::Column;
use crate::results::CaseResult;
use data::Point;

pub struct LoadCurve;

impl Section for LoadCurve {
    fn groups(&self) -> &'static [Group] {
        &[Group::LoadCurve]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["load-curve-bounded", "load-curve-unbounded", "load-curve-knee"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        let mut charts = chart::charts(data);
        charts.extend(timeline::chart(data));
        charts
    }

    fn columns<'a>(&self, _cases: &[&'a CaseResult]) -> Vec<Column<'a>> {
        vec![(
            "offered / s".into(),
            Box::new(|c| c.params.arrival.rate().map_or("–".into(), rate)),
        )]
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        let points = data::points(data);
        if group != Group::LoadCurve || points.is_empty() {
            return Vec::new();
        }
        vec![table(&points)]
    }

    fn csv_headers(&self) -> &'static [&'static str] {
        &[
            "offered_per_s",
            "throughput_per_s",
            "ideal_throughput_per_s",
            "ideal_p50_s",
            "ideal_p99_s",
        ]
    }

    fn csv_cells<'a>(&'a self, data: &'a ReportData) -> CsvCells<'a> {
        let seed = data::seed(data);
        Box::new(move |c| match Point::of(c, seed) {
            Some(p) => vec![
                p.rate.to_string(),
                format!("{:.3}", p.throughput),
                p.ideal
                    .map_or(String::new(), |i| format!("{:.3}", i.throughput)),
                p.ideal.map_or(String::new(), |i| i.p50.to_string()),
                p.ideal.map_or(String::new(), |i| i.p99.to_string()),
            ],
            None => vec![String::new(); 5],
        })
    }
}

/// A rate in a cell: `40`, `2.5`.
fn rate(r: f64) -> String {
    match r.fract() == 0.0 {
        true => format!("{r:.0}"),
        false => format!("{r:.1}"),
    }
}

/// The load-curve table: one row per model × server × offered rate.
fn table(points: &[Point]) -> Table {
    let header = [
        "model",
        "server",
        "offered / s",
        "capacity / s",
        "throughput / s",
        "ideal / s",
        "p50",
        "ideal p50",
        "p99",
        "ideal p99",
        "failures",
    ]
    .map(String::from)
    .to_vec();
    let mut sorted: Vec<&Point> = points.iter().collect();
    sorted.sort_by(|a, b| {
        (a.workers.is_none(), a.workers, a.model.name())
            .cmp(&(b.workers.is_none(), b.workers, b.model.name()))
            .then(a.rate.total_cmp(&b.rate))
    });
    let rows = sorted
        .iter()
        .map(|p| {
            let model = match p.limit {
                Some(k) => format!("{} k={k}", p.model),
                None => p.model.to_string(),
            };
            let ideal = |f: fn(&data::Ideal) -> f64, show: fn(f64) -> String| {
                p.ideal.as_ref().map_or("–".into(), |i| show(f(i)))
            };
            vec![
                model,
                p.server(),
                rate(p.rate),
                p.capacity.map_or("–".into(), |c| format!("{c:.0}")),
                format!("{:.1}", p.throughput),
                ideal(|i| i.throughput, |v| format!("{v:.1}")),
                secs(p.p50),
                ideal(|i| i.p50, secs),
                secs(p.p99),
                ideal(|i| i.p99, secs),
                p.failures.to_string(),
            ]
        })
        .collect();
    Table {
        group: format!("{}: throughput and latency against offered rate", Group::LoadCurve),
        header,
        rows,
        note: "Each row: GETs released at a constant offered rate for a fixed window (N = rate × \
               window). Latency counts from each task's scheduled release, not from its actual \
               send, so a model that falls behind shows it (no coordinated omission); percentiles \
               come from HDR histograms, medians over repetitions. Throughput: successes over the \
               makespan (first release to last end). Capacity: min(k, W) / delay, the knee; – where \
               nothing but the rate bounds it. Ideal: the same arrivals served in order by \
               min(k, W) lanes of one request's delay and nothing else — the delay below the knee, \
               a queue that grows over the window past it; its throughput, N over its makespan, \
               tends to min(rate, capacity) as the window grows."
            .into(),
    }
}
