//! The payload table: per model, its makespan at every size, the makespan added per byte moved, and
//! that cost over this machine's memcpy. Added under the payload group's own table.

use super::data::{self, PayloadRow};
use super::sentences::ns;
use crate::names::Group;
use crate::render::fmt;
use crate::render::table::Table;
use crate::results::DataFloors;

/// "Cost per byte moved", when the report holds payload cases.
pub fn table(rows: &[PayloadRow], floors: Option<DataFloors>) -> Option<Table> {
    if rows.is_empty() {
        return None;
    }
    let sizes = data::sizes(rows);
    let mut header = vec!["model".to_string(), "N".to_string()];
    header.extend(sizes.iter().map(|&b| format!("B = {}", fmt::bytes(b as f64))));
    header.extend(["ns per byte moved".to_string(), "÷ memcpy".to_string()]);
    let body = rows
        .iter()
        .map(|r| {
            let mut row = vec![r.name(), r.tasks.to_string()];
            for &b in &sizes {
                let cell = r.points.iter().find(|p| p.0 == b).map_or("–".into(), |p| {
                    format!("{}{}", fmt::secs(p.2), p.3.mark())
                });
                row.push(cell);
            }
            let slope = r.ns_per_byte();
            row.push(slope.map_or("–".into(), ns));
            row.push(match (slope, floors) {
                (Some(s), Some(f)) => fmt::times(s / f.memcpy_ns_per_byte),
                _ => "–".into(),
            });
            row
        })
        .collect();
    let floor = floors.map_or(String::from("This run measured no floors."), |f| {
        format!(
            "This machine's floors: memcpy {}, a pipe between two threads {}.",
            ns(f.memcpy_ns_per_byte),
            ns(f.pipe_ns_per_byte)
        )
    });
    Some(Table {
        group: format!("{}: cost per byte moved", Group::Payload),
        header,
        rows: body,
        note: format!(
            "Median makespans. B: bytes handed to each task, and as many handed back. ns per byte \
             moved: the least-squares slope of the makespan against the bytes the run moved (N × \
             2B), in nanoseconds — what one more byte to a task and back adds to the whole job, \
             with the model's lanes working at once. ÷ memcpy: that slope over this machine's \
             memcpy per byte. {floor}"
        ),
    })
}
