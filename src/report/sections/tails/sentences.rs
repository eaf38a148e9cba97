//! What the tails section says: one sentence per model family (the models that run as many requests
//! at once — all N, or k at a time), the first model's makespan under every policy with the extra
//! requests each sent and the threads a hedge held, then the others' makespans and threads. The figures
//! are the rows' own, so a report where hedging did not help says so.

use super::data::{Meeting, TailRow};
use super::table::counted;
use crate::render::fmt::{count, pct, secs};
use crate::report::flags::Namer;
use crate::report::sentence::list;
use concbench_server::delay_dist::DelayDist;

/// A family's key (N, and k when fewer than N) and its cases in run order.
type Family<'a> = ((usize, Option<usize>), Vec<&'a TailRow>);

/// One sentence per family, in the order the families first ran; none without tails cases.
pub fn tails(rows: &[TailRow]) -> Vec<String> {
    let mut families: Vec<Family> = Vec::new();
    for r in rows {
        match families.iter_mut().find(|f| f.0 == r.family()) {
            Some(f) => f.1.push(r),
            None => families.push((r.family(), vec![r])),
        }
    }
    families.iter().map(|(k, rows)| family(*k, rows)).collect()
}

/// Shares a sentence says in words rather than as a percentage.
const SHARES: [(f64, &str); 5] = [
    (0.5, "half"),
    (0.25, "a quarter"),
    (0.2, "a fifth"),
    (0.1, "a tenth"),
    (0.01, "one in a hundred"),
];

/// What the server did to requests, as a sentence starts: `a tenth of requests held 10×`.
pub fn held(dist: Option<&DelayDist>) -> String {
    match dist {
        Some(DelayDist::Tail { p, x }) => {
            let share = SHARES
                .iter()
                .find(|(q, _)| q == p)
                .map_or_else(|| pct(*p), |(_, words)| words.to_string());
            format!("{share} of requests held {x}×")
        }
        Some(d @ DelayDist::LogNormal { .. }) => format!("delays drawn as {d}"),
        Some(DelayDist::Fixed) | None => "the server's fixed delay".into(),
    }
}

fn family((tasks, k): (usize, Option<usize>), rows: &[&TailRow]) -> String {
    let namer = Namer::new(rows.iter().map(|r| &r.flags));
    // The models in run order, each with its cases in run order.
    let mut models: Vec<(String, Vec<&TailRow>)> = Vec::new();
    for r in rows {
        match models.iter_mut().find(|m| m.0 == r.name()) {
            Some(m) => m.1.push(r),
            None => models.push((r.name(), vec![r])),
        }
    }
    let first = rows[0];
    let delay = first
        .delay_ms
        .map_or(String::new(), |d| format!(" of {d} ms"));
    let at = match k {
        Some(k) => format!("{k} at a time"),
        None => "all at once".into(),
    };
    let mut out = format!(
        "Against {} ({} GETs{delay}, {at}), ",
        held(first.dist.as_ref()),
        count(tasks as u64)
    );
    let (name, cases) = &models[0];
    out += &format!("{name} took {}", full(&namer, cases));
    let meetings = |cases: &[&TailRow]| cases.iter().map(|r| r.meeting).collect::<Vec<_>>();
    for (name, cases) in &models[1..] {
        if meetings(cases) != meetings(&models[0].1) {
            out += &format!("; {name} took {}", full(&namer, cases));
            continue;
        }
        let each: Vec<String> = cases
            .iter()
            .map(|r| {
                let why = namer.caveats(&r.flags).map_or(String::new(), |c| format!(" ({c})"));
                format!("{}{why}", secs(r.makespan))
            })
            .collect();
        let threads: Vec<u64> = cases.iter().map(|r| r.threads_peak).collect();
        let held = match threads.iter().all(|&t| t == threads[0]) {
            true if cases.len() > 1 => format!(" on {} threads throughout", count(threads[0])),
            true => format!(" on {} threads", count(threads[0])),
            false => format!(
                " with {} threads at peak",
                and(&threads.iter().map(|&t| count(t)).collect::<Vec<_>>())
            ),
        };
        out += &format!("; {name} {}{held}", and(&each));
    }
    namer.sentence(&(out + "."))
}

/// `a, b and c` of owned strings.
fn and(items: &[String]) -> String {
    list(&items.iter().map(String::as_str).collect::<Vec<_>>())
}

/// One model's cases in full: each makespan with its policy, and what the policy cost beside the
/// plain case (extra requests, threads held at peak).
fn full(namer: &Namer, cases: &[&TailRow]) -> String {
    let plain = cases.iter().find(|r| r.meeting == PLAIN);
    let clauses: Vec<String> = cases
        .iter()
        .map(|r| {
            let mut why = Vec::new();
            if r.meeting != PLAIN {
                if let Some(e) = r.extra() {
                    let one = e.round() == 1.0;
                    why.push(format!(
                        "{} extra {}",
                        counted(Some(e)),
                        if one { "request" } else { "requests" }
                    ));
                }
                if let Some(p) = plain.filter(|p| p.threads_peak != r.threads_peak) {
                    why.push(format!(
                        "{} threads at peak against {}",
                        count(r.threads_peak),
                        count(p.threads_peak)
                    ));
                }
            }
            why.extend(namer.caveats(&r.flags));
            let why = match why.is_empty() {
                true => String::new(),
                false => format!(" ({})", why.join(", ")),
            };
            format!("{} {}{why}", secs(r.makespan), r.meeting.phrase())
        })
        .collect();
    clauses.join(", ")
}

const PLAIN: Meeting = Meeting {
    timeout_ms: None,
    retries: 0,
    hedge_after_ms: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_reads_as_a_share() {
        let d = DelayDist::Tail { p: 0.1, x: 10.0 };
        assert_eq!(held(Some(&d)), "a tenth of requests held 10×");
        let d = DelayDist::Tail { p: 0.03, x: 4.0 };
        assert_eq!(held(Some(&d)), "3.0 % of requests held 4×");
        assert_eq!(held(None), "the server's fixed delay");
    }
}
