//! The load-curve section's sentences, from its points: where each model's p99 left its ideal (its
//! knee as measured), and how far latency climbed over a run at the knee.

use super::data::Point;
use crate::fmt::secs;
use crate::names::ModelKind;

/// How far above its ideal p99 a point may be and still count as keeping up.
pub const KEEPS_UP: f64 = 2.0;

/// Per model and server: the highest rate at which its p99 stayed within [`KEEPS_UP`] × the
/// ideal's, and the lowest at which it did not.
fn knees(points: &[Point]) -> Vec<(ModelKind, String, Option<f64>, Option<f64>)> {
    let mut out: Vec<(ModelKind, String, Option<f64>, Option<f64>)> = Vec::new();
    for p in points {
        let Some(ideal) = p.ideal else { continue };
        let ok = p.failures == 0 && p.p99 <= ideal.p99 * KEEPS_UP;
        let key = (p.model, p.server());
        let at = match out.iter().position(|o| (o.0, o.1.clone()) == key) {
            Some(i) => i,
            None => {
                out.push((key.0, key.1, None, None));
                out.len() - 1
            }
        };
        let o = &mut out[at];
        match ok {
            true => o.2 = Some(o.2.map_or(p.rate, |r: f64| r.max(p.rate))),
            false => o.3 = Some(o.3.map_or(p.rate, |r: f64| r.min(p.rate))),
        }
    }
    out
}

/// One sentence: which model kept up longest against the chart's server, and which turned first.
pub fn takeaway(points: &[Point]) -> String {
    let k = knees(points);
    if k.is_empty() {
        return "No load-curve case with an ideal to set it beside.".into();
    }
    let kept: Vec<String> = k
        .iter()
        .filter(|o| o.3.is_none())
        .map(|o| o.0.to_string())
        .collect();
    let turned: Vec<String> = k
        .iter()
        .filter_map(|o| o.3.map(|r| format!("{} at {r}/s", o.0)))
        .collect();
    match (kept.is_empty(), turned.is_empty()) {
        (_, true) => format!(
            "Every model kept its p99 within {KEEPS_UP}× of the ideal at every offered rate."
        ),
        (true, false) => format!(
            "Every model's p99 left its ideal by more than {KEEPS_UP}×: {}.",
            turned.join(", ")
        ),
        (false, false) => format!(
            "{} kept its p99 within {KEEPS_UP}× of the ideal at every rate; p99 left it by more \
             than that for {}.",
            kept.join(", "),
            turned.join(", ")
        ),
    }
}

/// One line per point past its model's capacity: the ideal says the queue grows there too.
pub fn notes(points: &[Point]) -> Vec<String> {
    let past: Vec<String> = points
        .iter()
        .filter(|p| p.past_knee())
        .map(|p| format!("{} at {}/s", p.model, p.rate))
        .collect();
    match past.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "Past capacity (min(k, W) / delay), where even the ideal queues: {}.",
            past.join(", ")
        )],
    }
}

/// The knee chart's sentence: per model, its p99 in the first and the last bucket.
pub fn knee_takeaway(growth: &[(ModelKind, f64, f64, f64)]) -> String {
    let parts: Vec<String> = growth
        .iter()
        .map(|(m, first, last, rate)| {
            format!("{m} at {rate}/s went from {} to {}", secs(*first), secs(*last))
        })
        .collect();
    format!("p99 of the first bucket's completions to the last's: {}.", parts.join("; "))
}
