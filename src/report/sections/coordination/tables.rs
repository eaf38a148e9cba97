//! The coordination tables, one per shape, under the group's own table: the semaphore's waves
//! against their ideal and the most units it admitted; the handoff's cost per item through a
//! condition and a channel, and whether every item was taken exactly once; the barrier's teams
//! filled and broken against the ideal of its arrivals and its timeout. Each note ends with the
//! section's sentences for that shape.

use super::data::{range, ShapeRow};
use super::sentences::{self, per_item};
use crate::names::{CoordinationShape, Group};
use crate::render::fmt::{pct, secs};
use crate::render::table::Table;

fn opt_secs(v: Option<f64>) -> String {
    v.map_or("–".into(), secs)
}

fn opt_pct(v: Option<f64>) -> String {
    v.map_or("–".into(), pct)
}

/// Every table the rows allow, in the order semaphore, handoff, barrier.
pub fn tables(rows: &[ShapeRow]) -> Vec<Table> {
    let of = |shapes: &[CoordinationShape]| -> Vec<&ShapeRow> {
        rows.iter()
            .filter(|r| shapes.contains(&r.shape()))
            .collect()
    };
    let mut out = Vec::new();
    let sem = of(&[CoordinationShape::Semaphore]);
    if !sem.is_empty() {
        out.push(semaphore(&sem));
    }
    let hand = of(&[CoordinationShape::Condition, CoordinationShape::Channel]);
    if !hand.is_empty() {
        out.push(handoff(&hand));
    }
    let bar = of(&[CoordinationShape::Barrier]);
    if !bar.is_empty() {
        out.push(barrier(&bar));
    }
    out
}

fn semaphore(rows: &[&ShapeRow]) -> Table {
    Table {
        group: format!("{}: bounded semaphore", Group::Coordination),
        header: ["model", "N", "P", "hold", "makespan", "ideal", "efficiency", "most admitted"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.flags.label(&r.model_name()),
                    r.tasks.to_string(),
                    r.params.permits().to_string(),
                    secs(r.params.delay().as_secs_f64()),
                    secs(r.median),
                    opt_secs(r.ideal),
                    opt_pct(r.efficiency),
                    r.max_admitted()
                        .map_or("–".into(), |m| format!("{m} of {}", r.params.permits())),
                ]
            })
            .collect(),
        note: format!(
            "Each unit acquires one of P permits, holds it, releases it. Ideal: ⌈N / min(P, \
             lanes)⌉ × the hold — waves of P. Most admitted: the most units inside the held \
             section at once, over every sample, counted inside it (a bounded semaphore never \
             passes P). {}",
            sentences::semaphore(rows)
        ),
    }
}

fn handoff(rows: &[&ShapeRow]) -> Table {
    Table {
        group: format!("{}: condition vs channel", Group::Coordination),
        header: ["shape", "model", "units", "items", "makespan", "per item", "each item once"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                let once = match (r.exactly_once(), r.lost_and_doubled()) {
                    (Some(true), _) => "yes".to_string(),
                    (Some(false), (lost, doubled)) => {
                        format!("no: {lost} lost, {doubled} doubled")
                    }
                    (None, _) => "–".into(),
                };
                vec![
                    r.shape().to_string(),
                    r.flags.label(&r.model_name()),
                    format!("1 + {}", r.tasks.saturating_sub(1)),
                    r.params.items().to_string(),
                    secs(r.median),
                    r.per_item().map_or("–".into(), per_item),
                    once,
                ]
            })
            .collect(),
        note: format!(
            "Unit 0 produces the items, the other units consume them, through a queue under a \
             lock and a condition variable (notify one per item) or through a channel; both \
             unbounded. Per item: the median makespan over the items. No ideal: nothing outside \
             the primitive bounds a handoff below, and a probe of one handoff alone would time \
             the primitive itself. Each item once: every item taken by exactly one consumer in \
             every sample, counted item by item. {}",
            sentences::handoff(rows)
        ),
    }
}

fn barrier(rows: &[&ShapeRow]) -> Table {
    Table {
        group: format!("{}: barrier", Group::Coordination),
        header: [
            "model",
            "N",
            "T",
            "timeout",
            "makespan",
            "ideal",
            "efficiency",
            "teams filled",
            "teams broken",
            "units broken",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                let (filled, broken) = r
                    .teams()
                    .map_or(("–".into(), "–".into()), |(f, b)| (range(f), range(b)));
                vec![
                    r.flags.label(&r.model_name()),
                    r.tasks.to_string(),
                    r.params.team().to_string(),
                    secs(r.params.barrier_timeout().as_secs_f64()),
                    secs(r.median),
                    opt_secs(r.ideal),
                    opt_pct(r.efficiency),
                    filled,
                    broken,
                    range(r.broken),
                ]
            })
            .collect(),
        note: format!(
            "Each unit waits a seeded 0..=d, then waits at a barrier of T; a waiter that has \
             waited the timeout breaks its team, whose units end broken (counted, not hung). \
             Ideal: the same arrivals replayed on the model's lanes with no other cost — a full \
             team ends at its latest arrival, a broken one at its first arrival plus the \
             timeout. Efficiency counts broken units as the shape's result. {}",
            sentences::barrier(rows)
        ),
    }
}
