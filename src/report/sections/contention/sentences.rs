//! What the contention section says, from its points: which guarded sync was cheapest per update at
//! the most threads measured (up to 8) and by how much, how a mutex update's cost grew from one
//! thread to them, how many updates `unguarded` lost, and whether every guarded sync kept every
//! update.

use super::data::{ns, Point};
use crate::names::ModelKind;
use crate::render::fmt::{count, pct, times};
use crate::report::sentence::capitalise;
use crate::workload::contention::SyncKind;

/// The threads case count the comparison is made at: 8, or the most below it measured.
fn at_units(points: &[Point]) -> Option<usize> {
    points
        .iter()
        .filter(|p| p.model == ModelKind::Threads && p.units <= 8)
        .map(|p| p.units)
        .max()
}

/// The chart's takeaway.
pub fn takeaway(points: &[Point]) -> String {
    let mut said: Vec<String> = Vec::new();
    if let Some(n) = at_units(points) {
        let mut at: Vec<&Point> = points
            .iter()
            .filter(|p| p.model == ModelKind::Threads && p.units == n && p.flags.failures == 0)
            // unguarded is cheap because it keeps no count: it is said apart, with its losses.
            .filter(|p| p.sync != SyncKind::Unguarded)
            .collect();
        at.sort_by(|a, b| a.ns.total_cmp(&b.ns));
        if let (Some(cheap), Some(dear)) = (at.first(), at.last()) {
            if at.len() > 1 {
                said.push(format!(
                    "at {n} threads, {}{} was the cheapest guarded sync at {} per update and \
                     {}{} the dearest at {} ({} as much)",
                    cheap.sync_name(),
                    cheap.flags.mark(),
                    ns(cheap.ns),
                    dear.sync_name(),
                    dear.flags.mark(),
                    ns(dear.ns),
                    times(dear.ns / cheap.ns)
                ));
            }
        }
        if let Some(growth) = growth(points, n) {
            said.push(growth);
        }
    }
    if let Some(lost) = unguarded(points) {
        said.push(lost);
    }
    if let Some(kept) = guarded(points) {
        said.push(kept);
    }
    match said.is_empty() {
        true => "No contention case has a makespan to compare.".into(),
        false => format!("{}.", capitalise(&said.join("; "))),
    }
}

/// How the mutex's cost per update grew from one thread to `n` (the sync the brief's readers reach
/// for first), or the atomic's when no mutex ran.
fn growth(points: &[Point], n: usize) -> Option<String> {
    let on = |sync: SyncKind, units: usize| {
        points
            .iter()
            .find(|p| p.model == ModelKind::Threads && p.sync == sync && p.units == units)
    };
    [SyncKind::Mutex, SyncKind::Atomic]
        .into_iter()
        .find_map(|sync| {
            let (one, many) = (on(sync, 1)?, on(sync, n)?);
            (n > 1).then(|| {
                format!(
                    "a {sync} update cost {} alone and {} with {n} threads sharing it ({})",
                    ns(one.ns),
                    ns(many.ns),
                    times(many.ns / one.ns)
                )
            })
        })
}

/// What `unguarded` lost where it lost the most, on any model.
fn unguarded(points: &[Point]) -> Option<String> {
    let cases: Vec<&Point> = points
        .iter()
        .filter(|p| p.sync == SyncKind::Unguarded && p.lost.is_some())
        .collect();
    let worst = cases
        .iter()
        .max_by(|a, b| a.lost_share().unwrap_or(0.0).total_cmp(&b.lost_share().unwrap_or(0.0)))?;
    let (lost, made) = (worst.lost?, worst.expected?);
    Some(match lost {
        0 => format!(
            "unguarded lost no update in {} cases: its units never loaded the same value at \
             once (the loss is a race, and a race it did not lose here)",
            cases.len()
        ),
        _ => format!(
            "unguarded lost {} of {} updates ({}) on {} at {} units, median over samples — the \
             count every lock here keeps",
            count(lost),
            count(made),
            pct(lost as f64 / made as f64),
            worst.model,
            worst.units
        ),
    })
}

/// Whether every guarded sync kept every update (it must: one that did not is a bug to report).
fn guarded(points: &[Point]) -> Option<String> {
    let counted: Vec<&Point> = points
        .iter()
        .filter(|p| p.sync != SyncKind::Unguarded && p.lost.is_some())
        .collect();
    if counted.is_empty() {
        return None;
    }
    let lost: Vec<String> = counted
        .iter()
        .filter(|p| p.lost != Some(0))
        .map(|p| format!("{} on {} at {} units", p.sync_name(), p.model, p.units))
        .collect();
    Some(match lost.is_empty() {
        true => format!(
            "every guarded case ({}) ended at exactly N × M",
            counted.len()
        ),
        false => format!("guarded syncs lost updates, which they must not: {}", lost.join(", ")),
    })
}

/// Caption lines: how the ideal is made, and where the other models are.
pub fn notes(points: &[Point]) -> Vec<String> {
    let mut notes = vec![
        "Ideal: t_u, one update's cost with one unit at a time (a probe of the same sync beside \
         the cases), times N × M for a single lock, atomic or owner, which take one update at a \
         time; over min(lanes, cores) × s for sharded and unguarded, which need not; rwlock's \
         reads spread, its updates not."
            .to_string(),
    ];
    let others: Vec<String> = {
        let mut m: Vec<String> = points
            .iter()
            .filter(|p| p.model != ModelKind::Threads)
            .map(|p| p.model.to_string())
            .collect();
        m.sort();
        m.dedup();
        m
    };
    if !others.is_empty() {
        notes.push(format!(
            "The other models ({}) are in the table below the chart.",
            others.join(", ")
        ));
    }
    notes
}
