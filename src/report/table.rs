//! The report's tables, one per suite group, as plain strings: what every human-readable exporter
//! (Markdown, HTML) shows, built once so they cannot disagree. Cells hold raw text from result files;
//! escaping is each exporter's job.

use super::data::{self, ReportData};
use super::fmt::{count, kib, pct, secs};
use crate::results::CaseResult;

/// One suite group's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub group: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What the interval means for these cases (coverage depends on the sample count).
    pub note: String,
}

const COLUMNS: [&str; 13] = [
    "case",
    "median [CI]",
    "ideal",
    "efficiency",
    "bottleneck",
    "task p50",
    "task p99",
    "CPU user+sys",
    "peak RSS",
    "threads",
    "ctx switches",
    "server max in-flight",
    "failures",
];

/// The memory group also shows RSS per task in flight, right after peak RSS.
const PER_TASK: &str = "RSS per task";

pub fn tables(data: &ReportData) -> Vec<Table> {
    data.groups()
        .into_iter()
        .map(|g| table(g, &data.group(g)))
        .collect()
}

fn table(group: &str, cases: &[&CaseResult]) -> Table {
    if group == crate::criterion::GROUP {
        return bench_table(cases);
    }
    let per_task = group == "memory";
    let mut header: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    if per_task {
        header.insert(9, PER_TASK.into());
    }
    let rows = cases
        .iter()
        .map(|c| {
            let s = &c.summary;
            let mut row = vec![
                c.id.clone(),
                // One sample has no interval worth printing.
                match c.samples.len() {
                    0 | 1 => secs(s.makespan.median),
                    _ => format!(
                        "{} [{}, {}]",
                        secs(s.makespan.median),
                        secs(s.makespan.ci_low),
                        secs(s.makespan.ci_high)
                    ),
                },
                c.ideal_s.map_or("–".into(), secs),
                s.efficiency.map_or("–".into(), pct),
                s.bottleneck.clone(),
                secs(s.task_p50_s),
                secs(s.task_p99_s),
                secs(s.cpu_s),
                kib(data::total_rss_kib(c)),
                count(s.threads_peak),
                count(s.ctx_switches),
                s.server_max_in_flight.map_or("–".into(), count),
                count(s.failures),
            ];
            if per_task {
                row.insert(9, kib(data::rss_per_task_kib(c)));
            }
            row
        })
        .collect();
    Table {
        group: group.to_string(),
        header,
        rows,
        note: ci_note(cases),
    }
}

/// `cargo bench` results hold only makespans: the table shows what criterion measured and nothing it
/// did not (no CPU, memory or latency figures).
fn bench_table(cases: &[&CaseResult]) -> Table {
    let header = ["benchmark", "median [CI]", "ideal", "efficiency", "samples"];
    let rows = cases
        .iter()
        .map(|c| {
            let m = &c.summary.makespan;
            vec![
                c.id.clone(),
                format!(
                    "{} [{}, {}]",
                    secs(m.median),
                    secs(m.ci_low),
                    secs(m.ci_high)
                ),
                c.ideal_s.map_or("–".into(), secs),
                c.summary.efficiency.map_or("–".into(), pct),
                c.samples.len().to_string(),
            ]
        })
        .collect();
    Table {
        group: crate::criterion::GROUP.to_string(),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
        note: "From criterion's saved baseline: each sample is the mean makespan of its iterations; the \
               bracket is the order-statistic confidence interval of the median. cpu benchmarks have no \
               calibrated t₁, so no ideal."
            .into(),
    }
}

/// What the bracketed interval covers, from the sample counts actually present.
fn ci_note(cases: &[&CaseResult]) -> String {
    let mut seen: Vec<(usize, f64)> = Vec::new();
    for c in cases {
        let n = c.samples.len();
        if !seen.iter().any(|&(m, _)| m == n) {
            seen.push((n, c.summary.makespan.ci_level));
        }
    }
    seen.sort_by_key(|&(n, _)| n);
    let parts: Vec<String> = seen
        .iter()
        .map(|&(n, level)| match n {
            0 | 1 => format!("{n} sample: no interval"),
            _ => format!("{n} samples: {}", pct(level)),
        })
        .collect();
    format!(
        "Median makespan over repetitions, each in a fresh process; the bracket is the order-statistic \
         confidence interval of the median, whose coverage depends on the samples ({}). Peak RSS \
         counts process-pool workers beside their parent.",
        parts.join("; ")
    )
}
