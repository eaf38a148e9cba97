//! The pipeline chart's sentence: the stage that bounded the ideal rate and how close each model's
//! pace through it came, then the deepest queue between two stages.

use super::data::{stage_name, Flow};
use crate::render::fmt::{count, pct};
use crate::report::flags::Namer;
use crate::report::sentence::{failed_clause, list};

/// Items a second, rounded: `600 items/s`.
fn rate(r: f64) -> String {
    format!("{} items/s", count(r.max(0.0).round() as u64))
}

pub fn pipeline(flows: &[Flow]) -> String {
    let namer = Namer::new(flows.iter().map(|f| &f.flags));
    let name = |f: &Flow| namer.name(&f.label, &f.flags);
    let sound: Vec<&Flow> = flows.iter().filter(|f| f.flags.failures == 0).collect();
    let failed = failed_clause(
        &namer,
        flows
            .iter()
            .filter(|f| f.flags.failures > 0)
            .map(|f| (f.label.as_str(), &f.flags)),
    );
    // How close each model's pace at its bounding stage came to that stage's ideal rate.
    let kept: Vec<(&Flow, usize, f64, f64)> = sound
        .iter()
        .filter_map(|f| {
            let b = f.bound?;
            Some((*f, b.stage, b.rate, f.pace(b.stage)?))
        })
        .collect();
    let shared = kept.first().filter(|(_, stage, r, _)| {
        kept.iter()
            .all(|(_, s, q, _)| s == stage && (q / r - 1.0).abs() < 0.01)
    });
    let core = match (shared, kept.as_slice()) {
        (_, []) => match sound.first() {
            // Without an ideal rate, the pace alone.
            Some(f) => {
                let last = f.exits.len().saturating_sub(1);
                match f.pace(last) {
                    Some(p) => format!(
                        "No ideal rate is known (t₁ was not recorded); {} finished {}",
                        name(f),
                        rate(p)
                    ),
                    None => String::new(),
                }
            }
            None if failed.is_empty() => return String::new(),
            None => "No pipeline case can be compared with its ideal".to_string(),
        },
        (Some(&(_, stage, r, _)), kept) => {
            let each: Vec<String> = kept
                .iter()
                .map(|&(f, _, _, pace)| {
                    format!(
                        "{} moved {} through it ({} of that)",
                        name(f),
                        rate(pace),
                        pct(pace / r)
                    )
                })
                .collect();
            format!(
                "The {} stage bounded the ideal at {}: {}",
                stage_name(stage),
                rate(r),
                list(&each.iter().map(String::as_str).collect::<Vec<_>>())
            )
        }
        (None, kept) => {
            let each: Vec<String> = kept
                .iter()
                .map(|&(f, stage, r, pace)| {
                    format!(
                        "{}'s ideal was bounded by its {} stage at {}, and it moved {} through \
                         it ({} of that)",
                        name(f),
                        stage_name(stage),
                        rate(r),
                        rate(pace),
                        pct(pace / r)
                    )
                })
                .collect();
            each.join("; ")
        }
    };
    // The deepest queue any model built, and where.
    let deepest = sound
        .iter()
        .flat_map(|f| (1..f.exits.len()).map(move |s| (*f, s, f.most_between(s))))
        .max_by_key(|&(_, _, n)| n);
    let queued = match deepest {
        Some((f, stage, n)) if n > 0 && !core.is_empty() => format!(
            "; the most items ever between two stages was {}, before {} in {}",
            count(n as u64),
            stage_name(stage),
            name(f)
        ),
        _ => String::new(),
    };
    if core.is_empty() {
        return String::new();
    }
    namer.sentence(&format!("{core}{queued}{failed}."))
}
