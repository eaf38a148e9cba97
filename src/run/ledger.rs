//! The ledger across the process boundary: the case child walks its records' critical path (it has
//! every task's marks, and folds them when a run is large, so the walk happens before), and answers
//! the path's sums; the parent, which knows the repetition's ideal and t₁, makes the ledger of the
//! sample from them (docs/ledger.md).

use crate::ledger::account::Speed;
use crate::ledger::path::{loop_wait, walk, Call, PathSums, Rules, Timeline};
use crate::ledger::{CallMarks, Ledger};
use crate::model::{Execution, ModelKind};
use crate::plan::Case;
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
            // The CPU part's own run where it was measured (not the whole task's, which holds the
            // request's code too). Its preemption is already in the task's run delay where the task
            // had its thread to itself (schedstat over the whole task); on an event loop the task's
            // run delay is its wait to be polled, and the part's preemption inside a poll is added.
            let part = r.result.part;
            let preempted = match (r.marks.run, part) {
                (None, Some(p)) => p.run_delay_ns,
                _ => 0,
            };
            let mut t = Timeline {
                begun: r.marks.begun.map(ns),
                start: ns(r.start),
                end: ns(r.end),
                call,
                run_delay: ns(r.marks.run_delay),
                run: part.map(|p| p.run_ns).or(r.marks.run.map(ns)),
                done: r.marks.done.map(ns),
                nominal,
            };
            // On an event loop the wait for the loop is the larger of what the waker saw and what
            // its polls leave unexplained (crate::ledger::path::loop_wait).
            if let Some(polled) = r.marks.polled {
                let away = part
                    .filter(|p| p.offloaded)
                    .map_or(0, |p| p.run_ns + p.run_delay_ns);
                t.run_delay = t.run_delay.max(loop_wait(&t, ns(polled), away));
            }
            t.run_delay += preempted;
            Some(t)
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

/// A sample's ledger from its path's sums, its makespan and ideal, t₁ when calibrated, and what
/// in-order packing adds to the ideal ([`packing`]).
pub fn ledger(
    sums: &PathSums,
    makespan_s: f64,
    ideal_s: f64,
    t1_s: Option<f64>,
    packing_s: f64,
) -> Ledger {
    Ledger::of(sums, makespan_s, ideal_s, t1_s, stamped(sums), packing_s)
}

/// [`ledger`] for a repetition of `case`: where every CPU part's run time was measured and
/// `ideal_at(t)` recomputes the ideal with t for t₁, at the speed the parts ran (docs/ledger.md,
/// `cpu`), its packing at that speed too.
pub fn of_case(
    case: &Case,
    cores: usize,
    sums: &PathSums,
    makespan_s: f64,
    ideal_s: f64,
    t1_s: Option<f64>,
    ideal_at: impl Fn(f64) -> Option<f64>,
) -> Ledger {
    let speed = t1_s.and(sums.cpu_part_s()).and_then(|t| {
        Some(Speed {
            t_s: t,
            ideal_s: ideal_at(t)?,
        })
    });
    let (t, ideal) = speed.map_or((t1_s, ideal_s), |sp| (Some(sp.t_s), sp.ideal_s));
    let packing_s = packing(case, cores, ideal, t);
    Ledger::at_speed(
        sums,
        makespan_s,
        ideal_s,
        t1_s,
        stamped(sums),
        packing_s,
        speed,
    )
}

/// Whether the server stamped the path's requests (backlog and serve told apart).
fn stamped(sums: &PathSums) -> bool {
    sums.backlog_ns > 0 || (sums.serve_ns > 0 && sums.unstamped_ns == 0)
}

/// What taking `case`'s tasks in submission order adds to `ideal_s` (crate::ledger::packing): its
/// tasks' nominal work — the server's delay, their own waits, t₁ per CPU part — each given to the
/// lane that frees first, over the tasks it holds in flight (no more than the server's workers).
/// 0 for a workload without a nominal work.
pub fn packing(case: &Case, cores: usize, ideal_s: f64, t1_s: Option<f64>) -> f64 {
    let d = case.workload.describe();
    let works: Option<Vec<f64>> = (0..case.tasks as u64)
        .map(|i| {
            let n = d.nominal(i)?;
            let cpu = if n.cpu { t1_s.unwrap_or(0.0) } else { 0.0 };
            Some((n.serve + n.own) as f64 / 1e9 + cpu)
        })
        .collect();
    let Some(works) = works else {
        return 0.0;
    };
    let workers = d
        .io()
        .and_then(|io| io.server_workers)
        .filter(|&w| w > 0)
        .unwrap_or(usize::MAX);
    let lanes = case.lanes(cores).in_flight.min(workers);
    crate::ledger::packing::packing(&works, lanes, ideal_s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Group;
    use crate::workload::{IoParams, MixedParams, ServerPlan};
    use std::time::Duration;

    #[test]
    fn packing_is_nothing_for_equal_tasks_and_the_schedules_excess_for_unequal_ones() {
        let plan = ServerPlan {
            workers: 3,
            delay: Duration::from_millis(100),
        };
        // Nine equal GETs against 3 workers: three rounds, the ideal's own.
        let io = Case::new(
            Group::AdHoc,
            ModelKind::Threads,
            9,
            None,
            Params::Io(IoParams::new(plan)),
        );
        assert_eq!(packing(&io, 2, 0.3, None), 0.0);
        // Mixed waits of 200–700 ms on a pool of 2, against the perfect packing's Σ ÷ 2: in order
        // costs more; on as many threads as tasks it costs nothing beyond the longest task.
        let mixed = MixedParams::new(ServerPlan {
            workers: 0,
            delay: Duration::ZERO,
        });
        let works: Vec<f64> = (0..7).map(|i| mixed.wait(i).as_secs_f64() + 0.01).collect();
        let perfect = works.iter().sum::<f64>() / 2.0;
        let pool = Case::new(
            Group::AdHoc,
            ModelKind::ThreadPool,
            7,
            Some(2),
            Params::Mixed(mixed.clone()),
        );
        let p = packing(&pool, 2, perfect, Some(0.01));
        let in_order = crate::ledger::packing::in_order(&works, 2);
        assert!(p > 0.0 && (p - (in_order - perfect)).abs() < 1e-9, "{p}");
        let threads = Case::new(
            Group::AdHoc,
            ModelKind::Threads,
            7,
            None,
            Params::Mixed(mixed),
        );
        let longest = works.iter().copied().fold(0.0, f64::max);
        assert_eq!(packing(&threads, 2, longest, Some(0.01)), 0.0);
    }
}
