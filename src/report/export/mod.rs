//! Exporters: one file per output format behind one trait. Each turns the same rendered report —
//! charts drawn, takeaways computed, tables built — into one file of the report directory.

mod csv;
pub(crate) mod html;
pub(crate) mod markdown;
mod series;

pub use self::csv::Csv;
pub use self::html::Html;
pub use self::markdown::Markdown;
pub use self::series::SeriesCsv;

use super::data::ReportData;
use super::noise::GroupNoise;
use super::table::GroupTables;
use crate::render::chart::ChartInfo;

/// A chart as the exporters see it: what it says, and its SVG for inlining.
#[derive(Debug, Clone)]
pub struct RenderedChart {
    pub info: ChartInfo,
    /// Caption lines that depend on the data, under the takeaway.
    pub notes: Vec<String>,
    pub svg: String,
}

/// Everything an exporter may show.
pub struct Rendered<'a> {
    pub data: &'a ReportData,
    pub charts: Vec<RenderedChart>,
    pub tables: Vec<GroupTables>,
    /// The machine noise per suite group.
    pub noise: Vec<GroupNoise>,
    /// machines.html was written beside the report (the store holds several machines).
    pub machines_page: bool,
}

/// One output format.
pub trait Exporter {
    /// The file it writes inside the report directory.
    fn file_name(&self) -> &'static str;
    fn render(&self, report: &Rendered) -> String;
}

pub fn all() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(Html),
        Box::new(Markdown),
        Box::new(Csv),
        Box::new(SeriesCsv),
    ]
}

/// Where a chart file lives, relative to the report directory.
pub fn chart_file(stem: &str, ext: &str) -> String {
    format!("charts/{stem}.{ext}")
}

/// The paragraph every human-readable report opens with.
pub const HOW_TO_READ: &str = "Every case is a workload run by one concurrency model with N tasks \
    (and a bound k where the model takes one) against a slow test server with W sync workers. Each \
    repetition runs in a fresh process; the figures are medians over repetitions. The ideal is the \
    makespan physics allows for that case — ⌈N / min(k, W)⌉ × delay for I/O, N × t₁ / (min(k, cores) \
    × s) for CPU work, t₁ the median time of one task alone and s the machine's measured parallel \
    scaling, both measured by a probe right before each repetition, and never more than the time the \
    repetition's own tasks kept its lanes busy where they had a core each — and efficiency is ideal ÷ \
    measured (for CPU work, the median of each repetition's own): 100 % means the model wasted \
    nothing. A case whose tasks failed gets no efficiency, and one without a known ideal neither; one \
    whose ideal came out more than 1 % above what it took says its ideal is unreliable on this \
    machine instead. The bottleneck says what bounds the ideal: the server (W < k), the client (k < \
    W), both (balanced) or the CPU. n is the number of samples; a whisker or bracket is the interval \
    of the median, with the coverage those samples give. ! marks an unstable case (its samples \
    disagree, or the machine was busy; the reasons are listed under its table), and the Machine noise \
    section says what else the machine was doing.";

/// Facts about the machine and the files, as (name, value) pairs: the summary every format shows.
pub fn machine_summary(data: &ReportData) -> Vec<(&'static str, String)> {
    let m = &data.machine;
    let mut rows = vec![
        ("machine id", m.machine_id.clone()),
        ("hostname", m.hostname.clone()),
        ("CPU", m.cpu_model.clone()),
        (
            "cores",
            format!(
                "{} logical{}, {} allowed",
                m.logical_cores,
                m.physical_cores
                    .map(|p| format!(", {p} physical"))
                    .unwrap_or_default(),
                data.cores()
            ),
        ),
        (
            "memory",
            crate::render::fmt::kib(m.memory_bytes as f64 / 1024.0),
        ),
        ("OS", format!("{} ({})", m.os, m.kernel)),
        ("rustc", m.rustc.clone()),
    ];
    if let Some(g) = &m.governor {
        rows.push(("CPU governor", g.clone()));
    }
    for s in &data.sources {
        let state = match (&s.interrupted, s.complete) {
            (_, true) => "complete".to_string(),
            (Some(why), false) => format!("incomplete: {why}"),
            (None, false) => "incomplete".to_string(),
        };
        rows.push((
            "result file",
            format!(
                "{} — suite {}, started {}, {} cases, {state}, concbench {}{}",
                s.path.display(),
                s.suite,
                s.started,
                s.cases,
                s.concbench_version,
                s.git_commit
                    .as_ref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            ),
        ));
    }
    for s in &data.skipped {
        rows.push(("skipped file", format!("{}: {}", s.path.display(), s.why)));
    }
    rows
}
