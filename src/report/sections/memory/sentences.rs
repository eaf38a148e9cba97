//! The memory chart's sentence: memory per task at the largest N measured for more than one model,
//! the lightest against the heaviest, and the process pool's per worker beside.

use super::data::MemoryPoint;
use crate::render::fmt::{count, kib, times};
use crate::report::flags::Namer;
use crate::report::per_task::Basis;
use crate::report::sentence::capitalise;

/// What one figure is per: a task, or a worker process.
fn per(p: &MemoryPoint) -> &'static str {
    match p.basis {
        Basis::PerWorker => "per worker process",
        _ => "per task",
    }
}

pub fn memory(points: &[MemoryPoint]) -> String {
    let namer = Namer::new(points.iter().map(|p| &p.flags));
    // Per task and per worker are different things: compare the per-task models among themselves.
    let tasks: Vec<&MemoryPoint> = points
        .iter()
        .filter(|p| p.basis != Basis::PerWorker)
        .collect();
    let pool = points
        .iter()
        .filter(|p| p.basis == Basis::PerWorker)
        .max_by_key(|p| p.in_flight);
    let pool_clause = |p: &MemoryPoint| {
        format!(
            "{} with {} workers used {} {}",
            namer.name(p.model.name(), &p.flags),
            count(p.in_flight as u64),
            kib(p.per_task_kib),
            per(p)
        )
    };
    // The largest task count measured for more than one model, or the largest there is.
    let mut ns: Vec<usize> = tasks.iter().map(|p| p.in_flight).collect();
    ns.sort_unstable();
    ns.dedup();
    let shared = ns
        .iter()
        .rev()
        .find(|&&n| tasks.iter().filter(|p| p.in_flight == n).count() > 1)
        .or(ns.last());
    let Some(&n) = shared else {
        return pool.map_or(String::new(), |p| {
            namer.sentence(&(capitalise(&pool_clause(p)) + "."))
        });
    };
    let at: Vec<&&MemoryPoint> = tasks.iter().filter(|p| p.in_flight == n).collect();
    let lo = at
        .iter()
        .min_by(|a, b| a.per_task_kib.total_cmp(&b.per_task_kib))
        .expect("at least one point at n");
    let hi = at
        .iter()
        .max_by(|a, b| a.per_task_kib.total_cmp(&b.per_task_kib))
        .expect("at least one point at n");
    let core = if at.len() == 1 {
        format!(
            "At {} tasks in flight, {} added {} per task beyond its base ({} peak in all)",
            count(n as u64),
            namer.name(lo.model.name(), &lo.flags),
            kib(lo.per_task_kib),
            kib(lo.peak_kib)
        )
    } else {
        format!(
            "At {} tasks in flight, beyond each model's base, {} added {} per task and {} {}: {} \
             as much",
            count(n as u64),
            namer.name(lo.model.name(), &lo.flags),
            kib(lo.per_task_kib),
            namer.name(hi.model.name(), &hi.flags),
            kib(hi.per_task_kib),
            times(hi.per_task_kib / lo.per_task_kib)
        )
    };
    namer.sentence(&match pool {
        Some(p) => format!("{core}; {}.", pool_clause(p)),
        None => core + ".",
    })
}
