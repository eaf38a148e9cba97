//! Where the time went, as every section shows it: a case's ledger (the medians of its samples'
//! ledgers: makespan − ideal split into spawn, slot, backlog, connect, serve, contention, client and a
//! residual, docs/ledger.md) as a stacked bar per case, as a table under each group with one, and as
//! the sentence that names the largest component. Shared by the sections (no section imports another).

use super::data::{self, ReportData};
use crate::ledger::account::COMPONENTS;
use crate::ledger::Ledger;
use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::fmt::{pct, secs};
use crate::render::stacked::Stacked;
use crate::render::style::LEDGER_COLOURS;
use crate::render::table::Table;
use crate::results::CaseResult;

/// How a ledger chart reads (fixed: it describes the chart, not the data).
const HOW_TO_READ: &str = "One bar per case: its makespan beyond the ideal (zero, the grey line), \
    split into what the critical path spent it on — starting units, waiting for a slot, in the \
    server's backlog, connecting, serving beyond the delay, CPU contention, CPU parts beyond t₁, the \
    client's own code — \
    and the residual that none of them explains (grey; left of zero when the path beat the ideal). \
    Medians over the repetitions.";

/// The cases of `cases` that kept a ledger, with it.
fn with_ledger<'a>(cases: &[&'a CaseResult]) -> Vec<(&'a CaseResult, Ledger)> {
    cases
        .iter()
        .filter_map(|c| Some((*c, c.summary.ledger?)))
        .collect()
}

/// The names of the parts, the components then the residual.
fn parts() -> impl Iterator<Item = &'static str> {
    COMPONENTS.iter().copied().chain(["residual"])
}

/// A ledger's values in the order of [`parts`]; below a nanosecond is the floating point's own
/// rounding of an exact sum, shown as 0.
fn values(l: &Ledger) -> Vec<f64> {
    l.components()
        .into_iter()
        .chain([l.residual_s])
        .map(|v| if v.abs() < 1e-9 { 0.0 } else { v })
        .collect()
}

/// The stacked bars of the cases of `groups` that kept a ledger; None when none did.
pub fn chart(
    data: &ReportData,
    groups: &[Group],
    stem: &'static str,
    title: &str,
) -> Option<Box<dyn Chart>> {
    let cases: Vec<&CaseResult> = groups.iter().flat_map(|g| data.group(*g)).collect();
    let kept = with_ledger(&cases);
    if kept.is_empty() {
        return None;
    }
    let takeaway = sentence(&cases).unwrap_or_default();
    // Milliseconds when every bar is under a second: the ticks stay readable.
    let widest = kept
        .iter()
        .map(|(_, l)| values(l).iter().map(|v| v.abs()).sum::<f64>())
        .fold(0.0, f64::max);
    let (scale, unit) = match widest < 1.0 {
        true => (1e3, "milliseconds"),
        false => (1.0, "seconds"),
    };
    Some(Box::new(Stacked {
        stem,
        title: title.to_string(),
        how_to_read: HOW_TO_READ,
        takeaway,
        x_desc: format!("{unit} beyond the ideal"),
        parts: parts()
            .zip(LEDGER_COLOURS)
            .map(|(n, c)| (n.to_string(), c))
            .collect(),
        rows: kept
            .iter()
            .map(|(c, l)| {
                let v = values(l).iter().map(|v| v * scale).collect();
                (row_label(c), v)
            })
            .collect(),
        notes: not_recorded(&cases),
    }))
}

/// A note naming the cases without a ledger, when some have one and some not.
fn not_recorded(cases: &[&CaseResult]) -> Vec<String> {
    let without: Vec<String> = cases
        .iter()
        .filter(|c| c.summary.ledger.is_none())
        .map(|c| data::label(c))
        .collect();
    match without.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "Ledger not recorded for {} (Python models, runs of more than 1,000 tasks, workloads \
             that keep none, --ledger off).",
            without.join(", ")
        )],
    }
}

/// The one sentence: the component that holds the most of the cases' makespans beyond their ideals,
/// summed over the cases, and its share; None when no case kept a ledger.
pub fn sentence(cases: &[&CaseResult]) -> Option<String> {
    let kept = with_ledger(cases);
    if kept.is_empty() {
        return None;
    }
    let mut sums = vec![0.0; COMPONENTS.len() + 1];
    for (_, l) in &kept {
        for (s, v) in sums.iter_mut().zip(values(l)) {
            *s += v;
        }
    }
    let excess: f64 = kept.iter().map(|(_, l)| l.excess_s()).sum();
    let (name, total) = parts()
        .zip(sums.iter().copied())
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))?;
    let share = match excess > 0.0 {
        true => format!(" ({} of their time beyond the ideal)", pct(total / excess)),
        false => String::new(),
    };
    let worst = kept
        .iter()
        .max_by(|a, b| a.1.excess_s().total_cmp(&b.1.excess_s()))
        .expect("kept is not empty");
    Some(format!(
        "Where the time went: over these {} cases the largest part of makespan − ideal is {} — {} \
         in all{share}; the furthest from its ideal, {}, spent {} beyond it, most on {}.",
        kept.len(),
        meaning(name),
        secs(total),
        data::label(worst.0),
        secs(worst.1.excess_s()),
        meaning(worst.1.largest().0),
    ))
}

/// A part's name in words.
fn meaning(part: &str) -> &'static str {
    match part {
        "spawn" => "starting units",
        "slot" => "waiting inside the client for a slot",
        "backlog" => "waiting in the server's backlog",
        "connect" => "connecting",
        "serve" => "serving beyond the delay",
        "contention" => "CPU contention",
        "cpu" => "CPU parts slower than t₁",
        "client" => "the client's own code",
        _ => "the residual (not explained)",
    }
}

/// The ledger table of a group: one row per case that kept one; None when none did.
pub fn table(group: Group, cases: &[&CaseResult]) -> Option<Table> {
    let kept = with_ledger(cases);
    if kept.is_empty() {
        return None;
    }
    let header = ["case", "makespan − ideal"]
        .into_iter()
        .map(String::from)
        .chain(parts().map(String::from))
        .chain(["largest".to_string()])
        .collect();
    let rows = kept
        .iter()
        .map(|(c, l)| {
            let mut row = vec![row_label(c), secs(l.excess_s())];
            row.extend(values(l).into_iter().map(secs));
            row.push(l.largest().0.to_string());
            row
        })
        .collect();
    Some(Table {
        group: format!("{group}: where the time went"),
        header,
        rows,
        note: format!(
            "Medians over the repetitions of each part of makespan − ideal along the critical path \
             (docs/ledger.md); each column its own median, so a row's parts need not add up exactly. \
             {}",
            sentence(cases).unwrap_or_default()
        ),
    })
}

/// The ledger's columns of results.csv, and their cells for a case (empty without a ledger).
pub const CSV_HEADERS: [&str; 13] = [
    "ledger_excess_s",
    "ledger_spawn_s",
    "ledger_slot_s",
    "ledger_packing_s",
    "ledger_backlog_s",
    "ledger_connect_s",
    "ledger_serve_s",
    "ledger_contention_s",
    "ledger_cpu_s",
    "ledger_client_s",
    "ledger_drain_s",
    "ledger_residual_s",
    "ledger_largest",
];

pub fn csv_cells(c: &CaseResult) -> Vec<String> {
    match c.summary.ledger {
        None => vec![String::new(); CSV_HEADERS.len()],
        Some(l) => std::iter::once(l.excess_s().to_string())
            .chain(values(&l).into_iter().map(|v| v.to_string()))
            .chain([l.largest().0.to_string()])
            .collect(),
    }
}

/// A case's row: its model and the parameters part of its id (`threads n9-w3-1s`), which tells
/// apart the cases of two servers.
fn row_label(c: &CaseResult) -> String {
    format!(
        "{} {}",
        c.params.model,
        c.id.rsplit('/').next().unwrap_or("")
    )
}
