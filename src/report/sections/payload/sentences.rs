//! What the payload section says: which model pays most and least per byte moved against this
//! machine's floors, and where Python's process pool stops beating its thread pool.

use super::data::{crossing, Crossing, PayloadRow};
use crate::names::ModelKind;
use crate::render::fmt;
use crate::results::DataFloors;

/// The takeaway: the costs per byte, then Python's crossing.
pub fn payload(rows: &[PayloadRow], floors: Option<DataFloors>) -> String {
    let mut said = Vec::new();
    let mut costs: Vec<(&PayloadRow, f64)> = rows
        .iter()
        .filter_map(|r| Some((r, r.ns_per_byte()?)))
        .collect();
    costs.sort_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(least), Some(most)) = (costs.first(), costs.last()) {
        let floor = floors.map_or(String::new(), |f| {
            format!(
                " (this machine's memcpy: {}, its pipe: {})",
                ns(f.memcpy_ns_per_byte),
                ns(f.pipe_ns_per_byte)
            )
        });
        said.push(format!(
            "{} paid the most makespan per byte moved, {}, and {} the least, {}{floor}",
            most.0.name(),
            ns(most.1),
            least.0.name(),
            ns(least.1)
        ));
    }
    if let Some(c) = python_crossing(rows) {
        said.push(c);
    }
    match said.is_empty() {
        true => "No payload case has a makespan to compare.".into(),
        false => format!("{}.", said.join("; ")),
    }
}

/// "Python's process pool ... from about 5.2 MiB a task on", or why not.
pub fn python_crossing(rows: &[PayloadRow]) -> Option<String> {
    let find = |m: ModelKind| rows.iter().find(|r| r.model == m);
    let (pool, threads) = (find(ModelKind::PyProcessPool)?, find(ModelKind::PyThreadPool)?);
    Some(match crossing(pool, threads)? {
        Crossing::At { between, at } => format!(
            "{} beat {} up to {} a task and lost from {} on: the crossing is near {} (linear \
             between the two)",
            pool.name(),
            threads.name(),
            fmt::bytes(between.0 as f64),
            fmt::bytes(between.1 as f64),
            fmt::bytes(at.round())
        ),
        Crossing::Never { up_to } => format!(
            "{} beat {} at every size up to {}: no crossing in the sizes measured",
            pool.name(),
            threads.name(),
            fmt::bytes(up_to as f64)
        ),
        Crossing::Always => format!(
            "{} was slower than {} at every size measured, even with no data to move",
            pool.name(),
            threads.name()
        ),
    })
}

/// Caption lines: what the ideal leaves out, and the floors.
pub fn notes(rows: &[PayloadRow], floors: Option<DataFloors>) -> Vec<String> {
    let mut notes = vec![
        "The ideal of every payload case is its CPU part's compute bound alone: making, moving \
         and checking the bytes are left out of it on purpose, so the efficiency falls as B grows \
         by what the data costs."
            .to_string(),
    ];
    if let Some(f) = floors {
        notes.push(format!(
            "This machine's floors, the best of 3 passes over 64 MiB: memcpy {} ({:.1} GB/s), a \
             pipe between two threads {} ({:.1} GB/s).",
            ns(f.memcpy_ns_per_byte),
            1.0 / f.memcpy_ns_per_byte,
            ns(f.pipe_ns_per_byte),
            1.0 / f.pipe_ns_per_byte
        ));
    }
    if rows.iter().all(|r| !r.model.is_python()) {
        notes.push(
            "Python's pools are not in this run (no `make python-env`): no crossing to show."
                .into(),
        );
    }
    notes
}

/// Nanoseconds per byte, as the section gives them.
pub fn ns(v: f64) -> String {
    match v.abs() >= 10.0 {
        true => format!("{v:.0} ns/B"),
        false => format!("{v:.2} ns/B"),
    }
}
