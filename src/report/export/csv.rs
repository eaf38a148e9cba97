//! results.csv: one row per case with every parameter and summary column as a plain number, for
//! spreadsheets and scripts; fields are quoted per RFC 4180 when they need it.

use super::{Exporter, Rendered};
use crate::report::data;
use crate::report::ledger;
use crate::report::sections::SECTIONS;
use crate::results::CaseResult;
use crate::workload::IoParams;

pub struct Csv;

/// One column: its header and how to read it off a case.
type Column = (&'static str, fn(&CaseResult) -> String);

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The requests a case makes, whichever workload makes them. (`data::io` is io's alone: the client
/// pair and the talk's times match io cases only.)
fn requests(c: &CaseResult) -> Option<&IoParams> {
    c.params.workload.describe().io()
}

/// The path requested, where one path serves every task.
fn path(c: &CaseResult) -> Option<&str> {
    c.params.workload.describe().path()
}

const COLUMNS: &[Column] = &[
    ("id", |c| c.id.clone()),
    ("group", |c| c.group.to_string()),
    ("workload", |c| c.params.workload.kind().to_string()),
    ("model", |c| c.params.model.to_string()),
    ("tasks", |c| c.params.tasks.to_string()),
    ("limit", |c| opt(c.params.limit)),
    ("concurrency", |c| c.params.concurrency.to_string()),
    ("cpu_lanes", |c| c.params.cpu_lanes.to_string()),
    ("child_concurrency", |c| opt(c.params.child_concurrency)),
    ("server_workers", |c| {
        opt(requests(c).and_then(|io| io.server_workers))
    }),
    ("server_delay_ms", |c| {
        opt(requests(c).and_then(|io| io.server_delay_ms))
    }),
    ("delay_ms", |c| opt(data::sleep_ms(c))),
    ("cpu_iters", |c| {
        opt(c.params.workload.describe().cpu_iters())
    }),
    ("path", |c| opt(path(c))),
    ("keep_alive", |c| {
        requests(c).is_some_and(|io| io.keep_alive).to_string()
    }),
    ("client", |c| opt(requests(c).map(|io| io.client.name()))),
    ("samples", |c| c.samples.len().to_string()),
    ("warmup", |c| c.warmup.to_string()),
    ("t1_s", |c| opt(c.t1_s)),
    ("scaling", |c| opt(c.scaling)),
    ("ideal_s", |c| {
        c.ideal_s.map_or(String::new(), |v| v.to_string())
    }),
    ("makespan_median_s", |c| {
        c.summary.makespan.median.to_string()
    }),
    ("makespan_min_s", |c| c.summary.makespan.min.to_string()),
    ("makespan_max_s", |c| c.summary.makespan.max.to_string()),
    ("makespan_mad_s", |c| c.summary.makespan.mad.to_string()),
    ("makespan_ci_low_s", |c| {
        c.summary.makespan.ci_low.to_string()
    }),
    ("makespan_ci_high_s", |c| {
        c.summary.makespan.ci_high.to_string()
    }),
    ("makespan_ci_level", |c| {
        c.summary.makespan.ci_level.to_string()
    }),
    ("efficiency", |c| {
        c.summary
            .efficiency
            .map_or(String::new(), |v| v.to_string())
    }),
    // The efficiency the ideal gave when it was above 1.01 (`efficiency` is then empty).
    ("ideal_unreliable", |c| opt(c.summary.ideal_unreliable)),
    ("bottleneck", |c| c.summary.bottleneck.to_string()),
    ("setup_s", |c| c.summary.setup_s.to_string()),
    // First submission → first task done, median over samples (empty in files without it).
    ("first_result_p50_s", |c| opt(data::first_result_p50(c))),
    ("task_p50_s", |c| c.summary.task_p50_s.to_string()),
    ("task_p99_s", |c| c.summary.task_p99_s.to_string()),
    ("cpu_s", |c| c.summary.cpu_s.to_string()),
    ("max_rss_kib", |c| c.summary.max_rss_kib.to_string()),
    ("peak_rss_kib", |c| data::peak_rss_kib(c).to_string()),
    ("threads_peak", |c| c.summary.threads_peak.to_string()),
    ("ctx_switches", |c| c.summary.ctx_switches.to_string()),
    ("server_max_in_flight", |c| {
        opt(c.summary.server_max_in_flight)
    }),
    ("failures", |c| c.summary.failures.to_string()),
    // Reasons joined by "; ": one field, however many there are.
    ("unstable", |c| {
        let why: Vec<&str> = c.summary.unstable.iter().map(|i| i.why.as_str()).collect();
        why.join("; ")
    }),
];

/// A field as RFC 4180 wants it: quoted, quotes doubled, when it holds a separator, quote or break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Exporter for Csv {
    fn file_name(&self) -> &'static str {
        "results.csv"
    }

    fn render(&self, r: &Rendered) -> String {
        let line = |cells: Vec<String>| cells.join(",") + "\n";
        // Then each section's own columns, filled in the rows of its groups' cases.
        let sections = SECTIONS.iter().filter(|s| !s.csv_headers().is_empty());
        // The ledger's columns, in every row, after the generic ones.
        let header = COLUMNS
            .iter()
            .map(|(h, _)| h.to_string())
            .chain(ledger::CSV_HEADERS.iter().map(|h| h.to_string()))
            .chain(
                sections
                    .clone()
                    .flat_map(|s| s.csv_headers().iter().map(|h| h.to_string())),
            );
        let mut out = line(header.collect());
        let cells: Vec<_> = sections.map(|s| (s, s.csv_cells(r.data))).collect();
        for c in &r.data.cases {
            let mut row: Vec<String> = COLUMNS.iter().map(|(_, f)| field(&f(c))).collect();
            row.extend(ledger::csv_cells(c).iter().map(|v| field(v)));
            for (section, cells) in &cells {
                match section.groups().contains(&c.group) {
                    true => row.extend(cells(c).iter().map(|v| field(v))),
                    false => row.extend(section.csv_headers().iter().map(|_| String::new())),
                }
            }
            out += &line(row);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_with_separators_are_quoted() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
    }
}
