//! The tails table: one row per case (model × policy) — makespan against the ideal, task p99, the
//! requests sent and the extra ones (retries and hedges), timeouts, hedges, the server's count of slow
//! requests, and the threads held at peak. Added under the tails group's own table.

use super::data::TailRow;
use crate::names::Group;
use crate::render::fmt::{count, secs};
use crate::render::table::Table;

/// A median count as a cell: whole numbers with separators; `–` when unknown.
pub fn counted(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| count(v.round().max(0.0) as u64))
}

/// "Slow tails by model and policy", when the report holds tails cases.
pub fn table(rows: &[TailRow]) -> Option<Table> {
    if rows.is_empty() {
        return None;
    }
    let header = [
        "model",
        "policy",
        "N",
        "makespan",
        "ideal",
        "efficiency",
        "task p99",
        "requests sent",
        "extra requests",
        "timeouts",
        "hedges",
        "slow (server)",
        "threads peak",
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                r.flags.label(&r.name()),
                r.meeting.label(),
                count(r.tasks as u64),
                secs(r.makespan),
                r.ideal.map_or("–".into(), secs),
                r.efficiency.clone(),
                secs(r.task_p99),
                counted(r.sent),
                counted(r.extra()),
                counted(r.timeouts),
                counted(r.hedges),
                counted(r.slow),
                count(r.threads_peak),
            ]
        })
        .collect();
    Some(Table {
        group: format!("{}: slow tails by model and policy", Group::Tails),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows: body,
        note: "Median makespan and task p99 over the repetitions; counts are medians over them too \
               (one repetition's, not a sum). Ideal: ⌈N / k⌉ × the server's base delay — no request \
               is answered sooner, and a hedge may dodge every slow one. Requests sent: each task's \
               first, its retries and its hedges; extra requests: those beyond one a task. Timeouts: \
               requests given up at the timeout (each then retried); hedges: second requests sent \
               beside a slow first one (the loser is cancelled). Slow (server): requests the server \
               held in its tail, the same for every model (one seed). Threads peak: the most threads \
               the case process had at once — a blocking model holds a thread for every request in \
               flight, a hedge's second request included; a future holds none."
            .into(),
    })
}
