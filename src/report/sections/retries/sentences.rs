//! What the retries section says: one sentence per shape (the article's two) — every model's makespan
//! under each policy against the ideal and the tries it holds, the tries per task against the expected
//! 1 / (1 − p), and whether the server's count of failures matched the clients'. The figures are the
//! rows' own, so a model that retried more than the others, or a count that disagrees, is said.

use super::data::{kind, ms, Agreement, RetryRow};
use super::table::{counted, tries};
use crate::render::fmt::{pct, secs};
use crate::report::flags::{Flags, Namer};
use crate::report::sentence::list;

/// One sentence per shape, in the order the shapes first ran; none without retries cases.
pub fn retries(rows: &[RetryRow]) -> Vec<String> {
    let mut shapes: Vec<Vec<&RetryRow>> = Vec::new();
    for r in rows {
        match shapes.iter_mut().find(|s| s[0].shape() == r.shape()) {
            Some(s) => s.push(r),
            None => shapes.push(vec![r]),
        }
    }
    shapes.iter().map(|rows| shape(rows)).collect()
}

/// `a, b and c` of owned strings.
fn and(items: &[String]) -> String {
    list(&items.iter().map(String::as_str).collect::<Vec<_>>())
}

/// A row's caveats in words, bracketed, as a name would carry them (empty without any).
fn caveats(namer: &Namer, flags: &Flags) -> String {
    namer.caveats(flags).map_or(String::new(), |c| format!(" ({c})"))
}

/// The shape as a sentence opens: `7 GETs of 100 ms at once, half of their tries failing (500), each
/// resubmitted as it failed`.
pub fn lead(r: &RetryRow) -> String {
    let delay = r.delay_ms.map_or(String::new(), |d| format!(" of {d} ms"));
    let (lanes, again) = match r.workers() {
        Some(k) => (format!("on {k} workers"), "each retried until it succeeded"),
        None => ("at once".to_string(), "each resubmitted as it failed"),
    };
    let fail = r.fail.map_or(String::new(), |f| {
        // Half reads as the article says it; any other share as a percentage.
        let share = match f.p == 0.5 {
            true => "half".to_string(),
            false => pct(f.p),
        };
        format!(", {share} of their tries failing ({})", kind(f.kind))
    });
    format!("{} GETs{delay} {lanes}{fail}, {again}", r.tasks)
}

fn shape(rows: &[&RetryRow]) -> String {
    let namer = Namer::new(rows.iter().map(|r| &r.flags));
    // The policies in run order, each with its cases in run order.
    let mut policies: Vec<Vec<&RetryRow>> = Vec::new();
    for r in rows {
        match policies.iter_mut().find(|p| p[0].backoff == r.backoff) {
            Some(p) => p.push(r),
            None => policies.push(vec![r]),
        }
    }
    let names = |p: &[&RetryRow]| p.iter().map(|r| r.name()).collect::<Vec<_>>();
    let mut parts = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        let short = i > 0 && names(p) == names(&policies[0]);
        let each: Vec<String> = p
            .iter()
            .enumerate()
            .map(|(j, r)| {
                let name = match (short, j) {
                    (true, _) => String::new(),
                    (false, 0) => r.name() + " took ",
                    (false, _) => r.name() + " ",
                };
                format!("{name}{}{}", secs(r.makespan), caveats(&namer, &r.flags))
            })
            .collect();
        let how = match (policies.len(), p[0].backoff) {
            (1, _) => String::new(),
            (_, Some(_)) => "after a backoff with full jitter, ".into(),
            (_, None) => "retrying at once, ".into(),
        };
        parts.push(format!("{how}{}", and(&each)));
    }
    let mut out = format!("{}: {}", lead(rows[0]), parts.join("; "));
    let ideals: Vec<f64> = rows.iter().filter_map(|r| r.ideal).collect();
    if let Some(&ideal) = ideals.first() {
        let same = ideals.iter().all(|&i| (i - ideal).abs() < 1e-9);
        let delays = rows[0]
            .delay_ms
            .filter(|&d| d > 0 && same)
            .map_or(String::new(), |d| {
                let n = (ideal * 1000.0 / d as f64).round();
                format!(" ({n:.0} delays of {})", ms(d))
            });
        // With several policies the ideal is every one's, not the last one's.
        let all = if policies.len() > 1 { "; all" } else { "" };
        out += &match same {
            true => format!(
                "{all} against an ideal of {}, which holds the failing tries{delays}",
                secs(ideal)
            ),
            false => format!("{all} against ideals that hold each case's failing tries"),
        };
    }
    // Every model meets the same failing tries (one seed), so one figure usually says them all.
    let each: Vec<f64> = rows.iter().filter_map(|r| r.tries_per_task()).collect();
    let low = tries(each.iter().copied().reduce(f64::min));
    let high = tries(each.iter().copied().reduce(f64::max));
    let expected = rows[0].expected_tries().map_or(String::new(), |e| {
        format!(" against the expected {}", tries(Some(e)))
    });
    out += &match low == high {
        true => format!("; {low} tries a task{expected}"),
        false => format!("; {low} to {high} tries a task{expected}"),
    };
    out += &agreement(rows);
    namer.sentence(&(out + "."))
}

/// Whether the server's failures matched the clients' failed tries, as a closing clause.
fn agreement(rows: &[&RetryRow]) -> String {
    let off: Vec<String> = rows
        .iter()
        .filter(|r| r.agreement != Agreement::Agree)
        .map(|r| format!("{} ({})", r.name(), r.policy_label()))
        .collect();
    if !off.is_empty() {
        return format!(
            "; the server's count of failures did not match the client's, or was not read, for {}",
            and(&off)
        );
    }
    let mut failed: Vec<String> = rows.iter().map(|r| counted(r.failed)).collect();
    failed.dedup();
    format!(
        ", and the server dealt exactly the failures the clients counted ({} a repetition)",
        and(&failed)
    )
}
