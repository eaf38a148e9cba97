//! What the coordination section says, from its rows: whether the semaphore ever admitted more than
//! its permits and how close its waves came to their ideal; what a handoff cost per item through a
//! condition and through a channel, model by model; which barrier cases filled every team, which
//! broke one, and what the timeout cost them.

use super::data::{range, ShapeRow};
use crate::names::CoordinationShape;
use crate::render::fmt::{pct, secs};
use crate::report::sentence::{against_ideal, list};

/// The semaphore's sentences.
pub fn semaphore(rows: &[&ShapeRow]) -> String {
    let mut said = Vec::new();
    let over: Vec<String> = rows
        .iter()
        .filter(|r| r.max_admitted() > r.params.permits)
        .map(|r| r.model_name())
        .collect();
    let most = rows.iter().filter_map(|r| r.max_admitted()).max();
    match (over.is_empty(), most) {
        (true, Some(most)) => said.push(format!(
            "No semaphore case admitted more units at once than its permits (the most inside \
             together: {most}, counted inside the held section)"
        )),
        (false, _) => said.push(format!(
            "{} admitted more units than its permits: its figures measure a broken semaphore",
            list(&over.iter().map(String::as_str).collect::<Vec<_>>())
        )),
        (true, None) => {}
    }
    if let Some(r) = closest(rows) {
        said.push(against_ideal(
            &r.model_name(),
            r.efficiency.unwrap_or(0.0),
            r.median,
            r.ideal.unwrap_or(0.0),
        ));
    }
    sentences(said)
}

/// The handoff's sentences: per model that ran both, the channel's cost per item over the
/// condition's.
pub fn handoff(rows: &[&ShapeRow]) -> String {
    let mut said = Vec::new();
    let mut seen = Vec::new();
    for r in rows {
        let key = (r.model, r.limit, r.tasks);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let of = |shape: CoordinationShape| {
            rows.iter()
                .find(|o| (o.model, o.limit, o.tasks) == key && o.shape() == shape)
                .and_then(|o| o.per_item())
        };
        if let (Some(cond), Some(chan)) = (
            of(CoordinationShape::Condition),
            of(CoordinationShape::Channel),
        ) {
            let (faster, by) = match chan <= cond {
                true => ("the channel", cond / chan),
                false => ("the condition", chan / cond),
            };
            said.push(format!(
                "on {}, an item took {} through a condition and {} through a channel: {faster} \
                 was {by:.1}× as fast",
                r.model_name(),
                per_item(cond),
                per_item(chan)
            ));
        }
    }
    let wrong: Vec<String> = rows
        .iter()
        .filter(|r| r.exactly_once() == Some(false))
        .map(|r| {
            let (lost, doubled) = r.lost_and_doubled();
            format!("{} {} ({lost} lost, {doubled} doubled)", r.shape(), r.model_name())
        })
        .collect();
    match wrong.is_empty() {
        true if rows.iter().any(|r| r.exactly_once().is_some()) => {
            said.push("every item was taken exactly once in every sample".into())
        }
        true => {}
        false => said.push(format!(
            "items went astray in {}",
            list(&wrong.iter().map(String::as_str).collect::<Vec<_>>())
        )),
    }
    sentences(said)
}

/// The barrier's sentences.
pub fn barrier(rows: &[&ShapeRow]) -> String {
    let mut said = Vec::new();
    let filled: Vec<String> = rows
        .iter()
        .filter(|r| r.teams().is_some_and(|(_, b)| b.1 == 0))
        .map(|r| r.label.clone())
        .collect();
    if !filled.is_empty() {
        said.push(format!(
            "every team filled in {}",
            list(&filled.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
    let never: Vec<String> = rows
        .iter()
        .filter(|r| r.teams().is_some_and(|(f, _)| f.1 == 0))
        .map(|r| r.label.clone())
        .collect();
    if !never.is_empty() {
        said.push(format!(
            "no team ever filled in {}: every unit ended broken by the timeout, counted, none hung",
            list(&never.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
    let some: Vec<String> = rows
        .iter()
        .filter(|r| r.teams().is_some_and(|(f, b)| f.0 > 0 && b.0 > 0))
        .map(|r| {
            let (_, b) = r.teams().unwrap_or_default();
            format!("{} ({} broken)", r.label, range(b))
        })
        .collect();
    if !some.is_empty() {
        said.push(format!(
            "a team was left short and broken in {}",
            list(&some.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
    let best = closest(rows);
    if let Some(r) = best {
        said.push(against_ideal(
            &r.label,
            r.efficiency.unwrap_or(0.0),
            r.median,
            r.ideal.unwrap_or(0.0),
        ));
    }
    // The furthest, when it is another case than the closest.
    if let Some(r) = rows
        .iter()
        .filter(|r| r.efficiency.is_some() && best.is_some_and(|b| b.label != r.label))
        .min_by(|a, b| a.efficiency.unwrap_or(0.0).total_cmp(&b.efficiency.unwrap_or(0.0)))
    {
        said.push(format!(
            "the furthest, {}, at {} ({} against {})",
            r.label,
            pct(r.efficiency.unwrap_or(0.0)),
            secs(r.median),
            secs(r.ideal.unwrap_or(0.0))
        ));
    }
    sentences(said)
}

/// The row closest to its ideal, among those with an efficiency.
fn closest<'a>(rows: &[&'a ShapeRow]) -> Option<&'a ShapeRow> {
    rows.iter()
        .copied()
        .filter(|r| r.efficiency.is_some() && r.ideal.is_some())
        .min_by(|a, b| {
            let d = |r: &ShapeRow| crate::report::sentence::distance(r.efficiency.unwrap_or(0.0));
            d(a).total_cmp(&d(b))
        })
}

/// A time per item in the unit that keeps its figures: `1.7 µs`, `250 ns`.
pub fn per_item(s: f64) -> String {
    let ns = s * 1e9;
    match ns.abs() {
        a if a >= 1e6 => secs(s),
        a if a >= 1e4 => format!("{:.0} µs", ns / 1e3),
        a if a >= 1e3 => format!("{:.1} µs", ns / 1e3),
        _ => format!("{ns:.0} ns"),
    }
}

/// Clauses as sentences: the first capitalised, each ending in a full stop.
fn sentences(said: Vec<String>) -> String {
    said.iter()
        .map(|s| format!("{}.", crate::report::sentence::capitalise(s)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_per_item_keeps_its_figures() {
        assert_eq!(per_item(1.7e-6), "1.7 µs");
        assert_eq!(per_item(2.5e-7), "250 ns");
        assert_eq!(per_item(4.2e-5), "42 µs");
    }
}
