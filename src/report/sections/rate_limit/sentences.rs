//! What the rate-limit section says: one sentence per model against one limit, as the issue put it —
//! the first answer to a 429 with its makespan against the ideal and the 429s it drew, the others'
//! makespans and 429s, then the CPU the server spent under the most and the least wasteful answer.
//! Every figure is the rows' own, so a report where backing off lost to retrying at once says so.

use super::data::LimitRow;
use super::table::counted;
use crate::render::fmt::{count, secs};
use crate::report::flags::{Flags, Namer};

/// One sentence per model and limit, in the order they first ran; none without rate-limit cases.
pub fn rate_limit(rows: &[LimitRow]) -> Vec<String> {
    let mut shapes: Vec<Vec<&LimitRow>> = Vec::new();
    for r in rows {
        match shapes.iter_mut().find(|s| s[0].shape() == r.shape()) {
            Some(s) => s.push(r),
            None => shapes.push(vec![r]),
        }
    }
    shapes.iter().map(|rows| shape(rows)).collect()
}

/// A row's caveats in words, bracketed, as a name would carry them (empty without any).
fn caveats(namer: &Namer, flags: &Flags) -> String {
    namer.caveats(flags).map_or(String::new(), |c| format!(" ({c})"))
}

/// The limit as a sentence starts: `Under a 25 req/s limit with a burst of 5`.
pub fn lead(r: &LimitRow) -> String {
    let rate = r.rate.map_or("a".to_string(), |rate| {
        format!("a {} req/s", rate.per_sec())
    });
    let burst = r.burst.map_or(String::new(), |b| {
        format!(" with a burst of {}", count(b.into()))
    });
    format!("Under {rate} limit{burst}")
}

fn shape(rows: &[&LimitRow]) -> String {
    let namer = Namer::new(rows.iter().map(|r| &r.flags));
    let first = rows[0];
    let ideal = first.ideal.map_or(String::new(), |i| {
        format!(" against an ideal of {}", secs(i))
    });
    let mut clauses = vec![format!(
        "{}, {} {} finished {} requests in {}{}{ideal} and drew {} 429s",
        lead(first),
        first.name(),
        first.policy_phrase(),
        counted(Some(first.ok)),
        secs(first.makespan),
        caveats(&namer, &first.flags),
        counted(first.refused_client),
    )];
    for r in &rows[1..] {
        clauses.push(format!(
            "{} took {}{} and drew {}",
            r.policy_phrase(),
            secs(r.makespan),
            caveats(&namer, &r.flags),
            counted(r.refused_client)
        ));
    }
    // The server's cost of the most and the least wasteful answer: refusing is its only extra work.
    let cpu: Vec<(&LimitRow, f64)> = rows
        .iter()
        .filter_map(|r| Some((*r, r.server_cpu?)))
        .collect();
    let most = cpu.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let least = cpu.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(most), Some(least)) = (most, least) {
        if cpu.len() > 1 && most.1 > least.1 {
            clauses.push(format!(
                "{} cost the server {} of CPU, {} {}",
                most.0.policy_short(),
                secs(most.1),
                least.0.policy_short(),
                secs(least.1)
            ));
        }
    }
    namer.sentence(&format!("{}.", clauses.join("; ")))
}
