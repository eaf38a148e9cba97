//! The ledger across the process boundary: the case child walks its records' critical path (it has
//! every task's marks, and folds them when a run is large, so the walk happens before), and answers
//! the path's sums; the parent, which knows the repetition's ideal and t₁, makes the ledger of the
//! sample from them (docs/ledger.md).

use crate::ledger::path::{walk, Call, PathSums, Rules, Timeline};
use crate::ledger::{CallMarks, Ledger};
use crate::model::{Execution, ModelKind};
use crate::workload::Params;
use std::time::Duration;

/// The path's sums of one repetition; None with the ledger off, for a model that gave no origin
/// (t0), a workload that keeps no ledger, or a run whose records were folded.
pub fn path(exec: &Execution, params: &Params, model: ModelKind) -> Option<PathSums> {
    if !crate::ledger::enabled() || exec.t0_ns == 0 || exec.records.is_empty() {
        return None;
    }
    let d = params.describe();
    let rules = Rules {
        server_workers: d
            .io()
            .and_then(|io| io.server_workers)
            .is_some_and(|w| w > 0),
        on_a_loop: !model.model().holds(1, 1, 1).blocking,
    };
    let ns = |x: Duration| x.as_nanos() as u64;
    let timelines = exec
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut nominal = d.nominal(i as u64)?;
            let call = call_of(r.result.call, exec.t0_ns);
            if call.is_none() {
                // No marks of its request: the serve is inside the task's own time.
                nominal.own += nominal.serve;
                nominal.serve = 0;
            }
            Some(Timeline {
                begun: r.marks.begun.map(ns),
                start: ns(r.start),
                end: ns(r.end),
                call,
                run_delay: ns(r.marks.run_delay),
                run: r.marks.run.map(ns),
                done: r.marks.done.map(ns),
                nominal,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    walk(&timelines, rules)
}

/// A request's marks on the records' time line (from the first submission); None without marks.
pub fn call_of(marks: Option<CallMarks>, t0_ns: u64) -> Option<Call> {
    let m = marks?;
    let at = |x: u64| x.saturating_sub(t0_ns);
    (m.connect_ns > 0 && m.last_byte_ns > 0).then(|| Call {
        connect: at(m.connect_ns),
        connected: at(m.connected_ns),
        served: m.server.map(|s| (s.worker, at(s.accepted_ns))),
        replied: m.server.map_or(0, |s| at(s.replied_ns)),
        last_byte: at(m.last_byte_ns),
    })
}

/// A sample's ledger from its path's sums, its makespan and ideal, and t₁ when calibrated.
pub fn ledger(sums: &PathSums, makespan_s: f64, ideal_s: f64, t1_s: Option<f64>) -> Ledger {
    let stamped = sums.backlog_ns > 0 || (sums.serve_ns > 0 && sums.unstamped_ns == 0);
    Ledger::of(sums, makespan_s, ideal_s, t1_s, stamped)
}
