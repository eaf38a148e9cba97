//! The calibration table: at each connection count c, the requests/s of concbench's models (median
//! over repetitions of answered requests ÷ makespan) beside each load generator's (median over its
//! runs of 2xx responses ÷ the time it counted), with the CPU each spent per request, and
//! async-semaphore's share of the best generator's rate — how much of a model's cost is the harness's.
//! Read from result files only, like every view; `concbench calibrate` prints the same table. With
//! `calibrate --rate`, a second table: concbench's constant-arrival async case beside oha's rate
//! mode at the same offered rate and path, p50 and p99 each, and their ratios (the goal: within 10 %).

use crate::calibrate::MODELS;
use crate::names::{Group, LoadGenerator, ModelKind};
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;
use crate::results::{CaseResult, LoadGenerators, ResultFile};
use crate::stats::median;

/// Requests/s and CPU per answered request of one source at one c.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_s: f64,
    /// CPU seconds per answered request.
    pub cpu_per_request_s: f64,
}

/// A model's rate at c: its calibrate case of limit c.
pub fn model_rate(cases: &[&CaseResult], model: ModelKind, c: usize) -> Option<Rate> {
    let case = cases
        .iter()
        .find(|k| k.params.model == model && k.params.limit == Some(c))?;
    let ok: Vec<_> = case.samples.iter().filter(|s| s.ok > 0).collect();
    if ok.is_empty() {
        return None;
    }
    Some(Rate {
        per_s: median(
            &ok.iter()
                .map(|s| s.ok as f64 / s.makespan_s)
                .collect::<Vec<_>>(),
        ),
        cpu_per_request_s: median(
            &ok.iter()
                .map(|s| (s.user_s + s.sys_s) / s.ok as f64)
                .collect::<Vec<_>>(),
        ),
    })
}

/// A tool's rate at c: the median of its runs there.
pub fn tool_rate(g: &LoadGenerators, tool: LoadGenerator, c: usize) -> Option<Rate> {
    let runs: Vec<_> = g
        .runs
        .iter()
        .filter(|r| r.tool == tool && r.connections == c && r.ok > 0)
        .collect();
    if runs.is_empty() {
        return None;
    }
    Some(Rate {
        per_s: median(&runs.iter().map(|r| r.requests_per_s).collect::<Vec<_>>()),
        cpu_per_request_s: median(
            &runs
                .iter()
                .map(|r| r.cpu_s / r.ok as f64)
                .collect::<Vec<_>>(),
        ),
    })
}

/// The calibration table of one result file (what `concbench calibrate` prints).
pub fn of_file(file: &ResultFile) -> Table {
    let cases: Vec<&CaseResult> = file
        .cases
        .iter()
        .filter(|c| c.group == Group::Calibrate)
        .collect();
    build(&cases, file.load_generators.as_ref())
}

/// The calibrate section: the calibration table under the calibrate group's own.
pub struct Calibrate;

impl Section for Calibrate {
    fn groups(&self) -> &'static [Group] {
        &[Group::Calibrate]
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        let cases = data.group(group);
        let mut tables = vec![build(&cases, data.load_generators.as_ref())];
        tables.extend(rate_table(&cases, data.load_generators.as_ref()));
        tables
    }
}

/// The rate check's table of one result file, when it holds one.
pub fn rate_of_file(file: &ResultFile) -> Option<Table> {
    let cases: Vec<&CaseResult> = file
        .cases
        .iter()
        .filter(|c| c.group == Group::Calibrate)
        .collect();
    rate_table(&cases, file.load_generators.as_ref())
}

/// Per offered rate: concbench's constant-arrival case (p50 and p99, medians over repetitions)
/// beside oha's rate mode (medians over runs), and ours ÷ oha's; None without a rate case.
pub fn rate_table(cases: &[&CaseResult], generators: Option<&LoadGenerators>) -> Option<Table> {
    let ours: Vec<&&CaseResult> = cases
        .iter()
        .filter(|c| c.params.arrival.rate().is_some())
        .collect();
    if ours.is_empty() {
        return None;
    }
    let ratio = |a: f64, b: Option<f64>| match b.filter(|b| *b > 0.0) {
        Some(b) => format!("{:.2}", a / b),
        None => "–".into(),
    };
    let ms = |s: f64| format!("{:.1} ms", s * 1e3);
    let rows = ours
        .iter()
        .map(|c| {
            let rate = c.params.arrival.rate().unwrap_or(0.0);
            let path = c.params.workload.describe().path().unwrap_or("").to_string();
            let runs: Vec<_> = generators
                .map(|g| {
                    g.rate_runs
                        .iter()
                        .filter(|r| r.rate_per_s == rate && r.path == path && r.ok > 0)
                        .collect()
                })
                .unwrap_or_default();
            let med = |f: fn(&crate::results::RateRun) -> f64| {
                (!runs.is_empty()).then(|| median(&runs.iter().map(|r| f(r)).collect::<Vec<_>>()))
            };
            let (oha50, oha99) = (med(|r| r.p50_s), med(|r| r.p99_s));
            let (p50, p99) = (c.summary.task_p50_s, c.summary.task_p99_s);
            vec![
                format!("{rate}"),
                path.clone(),
                c.params.model.to_string(),
                ms(p50),
                oha50.map_or("–".into(), ms),
                ratio(p50, oha50),
                ms(p99),
                oha99.map_or("–".into(), ms),
                ratio(p99, oha99),
            ]
        })
        .collect();
    let header = [
        "offered / s",
        "path",
        "model",
        "p50",
        "oha p50",
        "p50 ÷ oha",
        "p99",
        "oha p99",
        "p99 ÷ oha",
    ]
    .map(String::from)
    .to_vec();
    Some(Table {
        group: "calibration: latency at an offered rate beside oha's rate mode".into(),
        header,
        rows,
        note: "GETs offered at a constant rate on the unbounded slow server, a connection per \
               request: concbench's model with --arrival constant:R/s (latency from each task's \
               scheduled release; medians over repetitions) beside `oha -q R --latency-correction \
               --disable-keepalive` (its latencyPercentiles; medians over runs); – where oha was not \
               installed. The goal: both ratios within 0.9–1.1."
            .into(),
    })
}

fn cell(rate: Option<Rate>) -> String {
    match rate {
        Some(r) => format!(
            "{:.1}k/s ({:.0} µs CPU)",
            r.per_s / 1e3,
            r.cpu_per_request_s * 1e6
        ),
        None => "–".into(),
    }
}

fn build(cases: &[&CaseResult], generators: Option<&LoadGenerators>) -> Table {
    let empty = LoadGenerators::default();
    let g = generators.unwrap_or(&empty);
    let mut connections: Vec<usize> = cases
        .iter()
        .filter_map(|c| c.params.limit)
        .chain(g.runs.iter().map(|r| r.connections))
        .collect();
    connections.sort_unstable();
    connections.dedup();
    let skipped = |t: LoadGenerator| g.skipped.iter().any(|s| s.tool == t);
    let mut header = vec!["c".to_string()];
    header.extend(MODELS.iter().map(|m| m.name().to_string()));
    header.extend(LoadGenerator::ALL.iter().map(|t| t.name().to_string()));
    header.push("best tool".into());
    header.push("async-semaphore ÷ best".into());
    let mut rows = Vec::new();
    for &c in &connections {
        let mut row = vec![c.to_string()];
        row.extend(MODELS.iter().map(|&m| cell(model_rate(cases, m, c))));
        let mut best: Option<(LoadGenerator, f64)> = None;
        for t in LoadGenerator::ALL {
            let rate = tool_rate(g, t, c);
            row.push(match rate {
                None if skipped(t) => "not installed".into(),
                other => cell(other),
            });
            if let Some(r) = rate.filter(|r| best.is_none_or(|(_, b)| r.per_s > b)) {
                best = Some((t, r.per_s));
            }
        }
        row.push(best.map_or("–".into(), |(t, _)| t.name().to_string()));
        let ours = model_rate(cases, ModelKind::AsyncSemaphore, c);
        row.push(match (ours, best) {
            (Some(o), Some((_, b))) => format!("{:.2}", o.per_s / b),
            _ => "–".into(),
        });
        rows.push(row);
    }
    let loads: Vec<f64> = g
        .runs
        .iter()
        .map(|r| r.load_1m)
        .chain(
            cases
                .iter()
                .flat_map(|c| &c.samples)
                .filter_map(|s| s.noise.map(|n| n.load_1m)),
        )
        .collect();
    let load = match loads.iter().copied().reduce(f64::min) {
        Some(lo) => {
            let hi = loads.iter().copied().fold(lo, f64::max);
            format!(" The 1-minute load average was {lo:.1}–{hi:.1} while they ran.")
        }
        None => String::new(),
    };
    let path = if g.path.is_empty() {
        "/delay/0"
    } else {
        &g.path
    };
    Table {
        group: "calibration: requests/s beside the load generators".into(),
        header,
        rows,
        note: format!(
            "Keep-alive GETs of {path} on the unbounded slow server, c connections at once: \
             concbench's models with k = c and the direct client (answered requests ÷ makespan, \
             median over repetitions, each a fresh process), each load generator as installed (2xx \
             responses ÷ the time it counted, median over runs), with the CPU each spent per answered \
             request (the model's case process, the tool's process; the server's is not counted). The \
             goal: async-semaphore at 0.9 or more of the best tool at c = 100.{load}"
        ),
    }
}
