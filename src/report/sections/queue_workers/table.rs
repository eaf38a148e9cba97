//! The queue-workers table: per case, its makespan beside the ideal and the ideal plus one hop per
//! task along each lane, the hop's p50 and p99, and the broker's CPU; the section's sentences are its
//! note. Added under the group's own table.

use super::data::Row;
use super::sentences;
use crate::names::Group;
use crate::render::fmt;
use crate::render::table::Table;

/// "A task queue served to workers", when the report holds queue-workers cases.
pub fn table(rows: &[Row]) -> Option<Table> {
    if rows.is_empty() {
        return None;
    }
    let opt = |v: Option<f64>| v.map_or("–".to_string(), fmt::secs);
    let body = rows
        .iter()
        .map(|r| {
            vec![
                r.shape.clone(),
                r.name(),
                format!("{} / {}", r.tasks, r.k),
                fmt::secs(r.makespan),
                opt(r.ideal),
                opt(r.ideal_plus_hops()),
                opt(r.hop_p50),
                opt(r.hop_p99),
                opt(r.broker_cpu),
            ]
        })
        .collect();
    Some(Table {
        group: format!("{}: the hop through a broker", Group::QueueWorkers),
        header: [
            "tasks",
            "model (broker)",
            "N / k",
            "makespan",
            "ideal",
            "ideal + hops",
            "hop p50",
            "hop p99",
            "broker CPU",
        ]
        .map(String::from)
        .to_vec(),
        rows: body,
        note: format!(
            "Medians over repetitions. A task's hop: the time from its worker being free for it \
             (its previous answer back, or the submission) to its answer back, less the worker's \
             own run time of the task — one round trip through the broker, or over process-pool's \
             pipes, measured the same way by both. ideal + hops: the ideal plus ⌈N / k⌉ hops at \
             p50, one per task along each worker's lane. broker CPU: the broker process's user + \
             sys time over a repetition. {}",
            sentences::queue_workers(rows)
        ),
    })
}
