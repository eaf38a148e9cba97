//! The report's tables, one part per suite group, as plain strings: what every human-readable exporter
//! (Markdown, HTML) shows, built once so they cannot disagree. Each part holds the group's table —
//! the generic per-case table, with the columns and footnotes the group's section adds, or the
//! section's own table — the footnotes its cases need (why one is unstable, which tasks failed, how a
//! figure was made) and further tables: the client pair of any group with both clients, then the
//! section's. Cells hold raw text from result files; escaping is each exporter's job.

use super::clients;
use super::data::{self, ReportData};
use super::flags::{self, Flags};
use super::interval::{self, Interval};
use super::sections::{self, Section};
use crate::names::Group;
use crate::render::fmt::{count, kib, pct, secs};
use crate::render::table::Table;
use crate::results::CaseResult;

/// One suite group's part of the report's tables.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTables {
    pub table: Table,
    /// One line per case that needs a word beside its figure, and per figure that needs its basis.
    pub footnotes: Vec<String>,
    /// Further tables of the group, shown after its own.
    pub more: Vec<Table>,
}

/// Every group's tables, in the order the groups first ran.
pub fn tables(data: &ReportData) -> Vec<GroupTables> {
    data.groups()
        .into_iter()
        .map(|g| {
            let cases = data.group(g);
            let owner = sections::owner(g);
            if let Some(table) = owner.and_then(|s| s.table(&cases)) {
                return GroupTables {
                    table,
                    footnotes: Vec::new(),
                    more: Vec::new(),
                };
            }
            let mut t = generic(g, &cases, owner);
            t.more
                .extend(owner.map_or_else(Vec::new, |s| s.tables(data, g)));
            t
        })
        .collect()
}

/// A cell of a column: the text it shows for a case.
pub type Cell<'a> = Box<dyn Fn(&CaseResult) -> String + 'a>;

/// One column: its header, and its cell for a case.
pub type Column<'a> = (String, Cell<'a>);

/// The generic per-case table of a group, with what its section adds.
fn generic<'a>(group: Group, cases: &[&'a CaseResult], owner: Option<&dyn Section>) -> GroupTables {
    let level = interval::level_label(
        cases
            .iter()
            .filter_map(|c| Interval::of(c).map(|i| i.level)),
    );
    let mut columns: Vec<Column<'a>> = vec![
        ("case".into(), Box::new(|c| Flags::of(c).label(&c.id))),
        ("n".into(), Box::new(|c| c.samples.len().to_string())),
    ];
    if cases.iter().any(|c| data::client(c).is_some()) {
        columns.push((
            "client".into(),
            Box::new(|c| data::client(c).map_or("–", |k| k.name()).to_string()),
        ));
    }
    columns.push((
        // One coverage for every interval: the header says it; several: the note lists them.
        match &level {
            Some(l) if !l.contains('–') => format!("median [{l}]"),
            _ => "median [CI]".into(),
        },
        Box::new(|c| match Interval::of(c) {
            Some(i) => format!(
                "{} [{}, {}]",
                secs(c.summary.makespan.median),
                secs(i.low),
                secs(i.high)
            ),
            None => secs(c.summary.makespan.median),
        }),
    ));
    columns.push((
        "ideal".into(),
        Box::new(|c| c.ideal_s.map_or("–".into(), secs)),
    ));
    if cases
        .iter()
        .any(|c| c.params.workload.describe().cpu_iters().is_some())
    {
        columns.push(("t₁".into(), Box::new(|c| c.t1_s.map_or("–".into(), secs))));
        columns.push((
            "s".into(),
            Box::new(|c| c.scaling.map_or("–".into(), |s| format!("{s:.2}"))),
        ));
    }
    columns.extend([
        ("efficiency".to_string(), Box::new(efficiency) as Cell),
        (
            "bottleneck".into(),
            Box::new(|c| c.summary.bottleneck.to_string()),
        ),
    ]);
    // When the first answer came, beside when the last did; files before it was recorded have none,
    // and a group of such files keeps its table as it was.
    if cases.iter().any(|c| data::first_result_p50(c).is_some()) {
        columns.push((
            "first result".into(),
            Box::new(|c| data::first_result_p50(c).map_or("–".into(), secs)),
        ));
    }
    columns.extend([
        (
            "task p50".into(),
            Box::new(|c: &CaseResult| secs(c.summary.task_p50_s)) as Cell,
        ),
        ("task p99".into(), Box::new(|c| secs(c.summary.task_p99_s))),
        ("CPU user+sys".into(), Box::new(|c| secs(c.summary.cpu_s))),
    ]);
    // The service's own CPU beside the case's, where the run measured it: it is neither the model's
    // cost nor the machine's noise.
    if cases.iter().any(|c| data::median_server_cpu_s(c).is_some()) {
        columns.push((
            "service CPU".into(),
            Box::new(|c| data::median_server_cpu_s(c).map_or("–".into(), secs)),
        ));
    }
    columns.push(("peak RSS".into(), Box::new(|c| kib(data::peak_rss_kib(c)))));
    if let Some(owner) = owner {
        columns.extend(owner.columns(cases));
    }
    columns.extend([
        (
            "threads".to_string(),
            Box::new(|c: &CaseResult| count(c.summary.threads_peak)) as Cell,
        ),
        (
            "ctx switches".into(),
            Box::new(|c| count(c.summary.ctx_switches)),
        ),
        (
            "server max in-flight".into(),
            Box::new(|c| c.summary.server_max_in_flight.map_or("–".into(), count)),
        ),
        ("failures".into(), Box::new(|c| count(c.summary.failures))),
    ]);
    let rows = cases
        .iter()
        .map(|c| columns.iter().map(|(_, cell)| cell(c)).collect())
        .collect();
    let mut footnotes = case_footnotes(cases);
    if let Some(owner) = owner {
        footnotes.extend(owner.footnotes(cases));
    }
    GroupTables {
        table: Table {
            group: group.to_string(),
            header: columns.iter().map(|(h, _)| h.clone()).collect(),
            rows,
            note: ci_note(cases)
                + match cases.iter().any(|c| data::first_result_p50(c).is_some()) {
                    true => {
                        " First result: from the first submission to the first task done \
                         (whatever its outcome), median over the samples — when the first answer \
                         came, as the median is when the last did."
                    }
                    false => "",
                },
        },
        footnotes,
        more: clients::table(group.name(), cases)
            .into_iter()
            .chain(super::ledger::table(group, cases))
            .collect(),
    }
}

/// Efficiency, or why there is none.
pub fn efficiency(c: &CaseResult) -> String {
    match (c.summary.efficiency, c.summary.failures, c.ideal_s) {
        (Some(e), _, _) => pct(e),
        (None, f, _) if f > 0 => "– (tasks failed)".into(),
        (None, _, _) if c.summary.ideal_unreliable.is_some() => flags::IDEAL_UNRELIABLE.into(),
        (None, _, None) => "– (no ideal)".into(),
        (None, _, Some(_)) => "–".into(),
    }
}

/// Why each flagged case is flagged: its unstable reasons, its failures by kind.
fn case_footnotes(cases: &[&CaseResult]) -> Vec<String> {
    let mut out = Vec::new();
    for c in cases {
        let f = Flags::of(c);
        if f.is_unstable() {
            out.push(format!(
                "{} {}: unstable — {}.",
                flags::UNSTABLE,
                c.id,
                f.unstable.join("; ")
            ));
        }
        // A model that could not start every unit says where it stopped and why: the refusal is
        // its result, as much as its makespan.
        if let Some((started, why)) = c
            .samples
            .iter()
            .find_map(|s| Some((s.spawn_units?, s.spawn_error.as_deref()?)))
        {
            out.push(format!(
                "{}: started {} of {} before {why}.",
                c.id,
                count(started as u64),
                count(c.params.tasks as u64)
            ));
        }
        if let Some(e) = f.ideal_unreliable {
            out.push(format!(
                "{}: {} — the ideal measured beside its repetitions ({}) came out {} above what \
                 they took ({}): no physical bound allows that, so the machine's speed changed \
                 between a probe and its repetition, and no efficiency is given.",
                c.id,
                flags::IDEAL_UNRELIABLE,
                c.ideal_s.map_or("–".into(), secs),
                pct(e - 1.0),
                secs(c.summary.makespan.median)
            ));
        }
        if f.failures > 0 {
            let kinds = flags::failure_kinds(c);
            out.push(format!(
                "{}: {} failed task{} over {} sample{}{}; no efficiency, since a failed task can \
                 end sooner than a served one.",
                c.id,
                count(f.failures),
                if f.failures == 1 { "" } else { "s" },
                c.samples.len(),
                if c.samples.len() == 1 { "" } else { "s" },
                match kinds.is_empty() {
                    true => String::new(),
                    false => format!(" ({kinds})"),
                }
            ));
        }
    }
    out
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
    let flagged = cases.iter().any(|c| Flags::of(c) != Flags::default());
    format!(
        "n: samples, each a repetition in a fresh process; the median is over them. The bracket is \
         the order-statistic confidence interval of the median, whose coverage depends on n ({}). \
         Peak RSS is the case process's own, which for a process pool already covers its largest \
         worker (wait4); worker peaks are not added on top.{}",
        parts.join("; "),
        match flagged {
            true => format!(
                " {} marks an unstable case and (n failed) one whose tasks failed: the notes below \
                 say why.",
                flags::UNSTABLE
            ),
            false => String::new(),
        }
    )
}
