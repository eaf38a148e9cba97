//! The mixed table: each mixed case's makespan split into computing and waiting — the CPU time it
//! used against the CPU part's own N × t₁, and how much of the tasks' waiting it hid behind other
//! work — so whether a model lost its time to counting on too few lanes or to waits it could not
//! overlap is read off one row. Added under the mixed section's own table.

use super::data::MixedBar;
use crate::names::Group;
use crate::render::fmt::{pct, secs};
use crate::render::table::Table;
use crate::report::data::ReportData;

/// "Computing and waiting", when the report holds mixed cases.
pub fn table(data: &ReportData, group: Group) -> Option<Table> {
    if ![Group::Mixed, Group::MixedArticle].contains(&group) {
        return None;
    }
    let bars: Vec<MixedBar> = data
        .group(group)
        .into_iter()
        .filter_map(|c| MixedBar::of(c, data.cores()))
        .collect();
    if bars.is_empty() {
        return None;
    }
    let header = [
        "model",
        "n samples",
        "makespan",
        "ideal",
        "efficiency",
        "CPU time (user+sys)",
        "CPU part (N × t₁)",
        "CPU lanes",
        "waiting (Σ waits)",
        "waiting overlapped",
    ];
    let rows = bars
        .iter()
        .map(|b| {
            let s = &b.split;
            vec![
                b.flags.label(&b.label),
                b.samples.to_string(),
                secs(b.median),
                b.ideal.map_or("–".into(), secs),
                match (b.efficiency, b.flags.failures) {
                    (Some(e), _) => pct(e),
                    (None, f) if f > 0 => "– (tasks failed)".into(),
                    (None, _) => "–".into(),
                },
                secs(s.cpu_s),
                s.cpu_part.map_or("–".into(), secs),
                s.lanes.to_string(),
                secs(s.waiting),
                match (s.overlapped, s.overlapped_share()) {
                    (Some(o), Some(share)) => format!("{} ({})", secs(o), pct(share)),
                    (Some(o), None) => secs(o),
                    _ => "–".into(),
                },
            ]
        })
        .collect();
    Some(Table {
        group: format!("{group}: computing and waiting"),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
        note: "Makespan and CPU time are medians over the n samples; CPU time is the user + sys \
               time of the case process and its worker processes, and the CPU part N × t₁ is the \
               counting alone (t₁ calibrated on one core), so CPU time beyond it is what the \
               runtime, the client and the model spent besides. CPU lanes: the threads or \
               processes that could count at once, at most the cores. Waiting is the sum over \
               tasks of each one's seeded wait and the server's hold of its GET. Waiting \
               overlapped = waiting − (makespan − N × t₁ / (CPU lanes × s)), s the machine's \
               parallel scaling (1 for one lane): the waits less the part of the makespan not \
               spent computing on every lane, kept within [0, waiting] — 100 % when every wait \
               hid behind other work, 0 % when they ran one after another."
            .into(),
    })
}
