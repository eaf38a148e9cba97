//! The rate-limit table: one row per case (model × answer to a 429) — makespan against the ideal
//! (N − B) / R, goodput, the 429s the client drew beside those the server sent (✓ when they agree in
//! every repetition), and the server's CPU time. Added under the rate-limit group's own table.

use super::data::{Agreement, LimitRow};
use crate::names::Group;
use crate::render::fmt::{count, secs};
use crate::render::table::Table;

/// A median count as a cell: whole numbers with separators; `–` when unknown.
pub fn counted(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| count(v.round().max(0.0) as u64))
}

/// Requests a second, as the goodput column and the sentences give it.
pub fn per_sec(v: f64) -> String {
    match v.is_finite() {
        true => format!("{v:.1} req/s"),
        false => "–".into(),
    }
}

/// "429s by model and policy", when the report holds rate-limit cases.
pub fn table(rows: &[LimitRow]) -> Option<Table> {
    if rows.is_empty() {
        return None;
    }
    let header = [
        "model",
        "on 429",
        "N",
        "makespan",
        "ideal (N − B) / R",
        "efficiency",
        "goodput",
        "429s (client)",
        "429s (server)",
        "agree",
        "server CPU",
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                r.flags.label(&r.name()),
                r.policy_label(),
                count(r.tasks as u64),
                secs(r.makespan),
                r.ideal.map_or("–".into(), secs),
                r.efficiency.clone(),
                per_sec(r.goodput),
                counted(r.refused_client),
                counted(r.refused_server),
                r.agreement.mark().into(),
                r.server_cpu.map_or("–".into(), secs),
            ]
        })
        .collect();
    Some(Table {
        group: format!("{}: 429s by model and policy", Group::RateLimit),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows: body,
        note: "Medians over the repetitions; counts are one repetition's (the median), not a sum. \
               Ideal: the N requests that succeed need N tokens of a bucket that starts with B and \
               gains R a second, so (N − B) / R at least. Goodput: tasks answered 200 per second of \
               makespan. 429s (client): requests the client sent that were refused — the wasted \
               requests; 429s (server): the 429s the server counted itself. Agree: ✓ when the two are \
               equal in every repetition, ✗ when some repetition differs (named under the group's \
               table), ? when a side was not read. Server CPU: the slow server's CPU time over a \
               repetition — refusing a request costs it far less than serving one, but a client \
               that retries at once sends thousands."
            .into(),
    })
}

/// One line per case whose counts disagree or were not read: the checks behind a ✗ or a `?`.
pub fn disagreements(rows: &[LimitRow]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| match &r.agreement {
            Agreement::Agree => None,
            Agreement::Unknown => Some(format!(
                "? {}: the client's or the server's count of 429s was not read in some \
                 repetition, so they cannot be compared.",
                r.id
            )),
            Agreement::Disagree(each) => {
                let each: Vec<String> = each
                    .iter()
                    .map(|(i, client, server)| {
                        format!(
                            "repetition {}: the client drew {} and the server sent {}",
                            i + 1,
                            count(*client),
                            count(*server)
                        )
                    })
                    .collect();
                Some(format!(
                    "✗ {}: the counts of 429s disagree — {}.",
                    r.id,
                    each.join("; ")
                ))
            }
        })
        .collect()
}
