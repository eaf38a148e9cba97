//! The retries table: one row per case — its shape, model and policy, makespan against an ideal that
//! holds the failing tries, tries per task beside the expected 1 / (1 − p), and the failed tries the
//! client counted beside the server's 500s and resets (✓ when they agree in every repetition). Added
//! under the retries group's own table.

use super::data::RetryRow;
use crate::names::Group;
use crate::render::fmt::{count, secs};
use crate::render::table::Table;

/// A median count as a cell: whole numbers with separators; `–` when unknown.
pub fn counted(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| count(v.round().max(0.0) as u64))
}

/// Tries per task as the table and the sentences give them: `1.43`.
pub fn tries(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or("–".into(), |v| format!("{v:.2}"))
}

/// "Tries and failures by case", when the report holds retries cases.
pub fn table(rows: &[RetryRow]) -> Option<Table> {
    if rows.is_empty() {
        return None;
    }
    let header = [
        "shape",
        "model",
        "policy",
        "makespan",
        "ideal",
        "efficiency",
        "tries per task",
        "expected 1 / (1 − p)",
        "failed tries (client)",
        "500 + reset (server)",
        "agree",
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                r.shape_label(),
                r.flags.label(&r.name()),
                r.policy_label(),
                secs(r.makespan),
                r.ideal.map_or("–".into(), secs),
                r.efficiency.clone(),
                tries(r.tries_per_task()),
                tries(r.expected_tries()),
                counted(r.failed),
                format!("{} + {}", counted(r.server_500), counted(r.server_reset)),
                r.agreement.mark().into(),
            ]
        })
        .collect();
    Some(Table {
        group: format!("{}: tries and failures by case", Group::Retries),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows: body,
        note: "Median makespans over the repetitions; counts are one repetition's (the median), not \
               a sum. Ideal: each task's chain of tries up to its first success, as the server's \
               seeded draws will make them, each a whole delay — the lanes cannot finish sooner than \
               the longest chain, nor than all the tries shared out; a backoff's waits are the \
               client's choice and left out. Tries per task: requests sent over N; expected: 1 / (1 − \
               p) for a share p of tries failing, whatever the model (one seed, so every model meets \
               the same failing tries). Failed tries (client): tries answered 500 or reset, as the \
               client counted them; 500 + reset (server): the failures the server dealt itself. Agree: \
               ✓ when they are equal in every repetition, ✗ when some repetition differs, ? when a \
               side was not read."
            .into(),
    })
}
