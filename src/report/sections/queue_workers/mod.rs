//! The queue-workers section: a task queue served to workers over TCP, through the own broker and
//! through Redis, beside process-pool's workers on pipes, on the same tasks at the same k. Its table
//! sets each case's makespan against the ideal and the ideal plus one hop per task along each
//! worker's lane, with the hop itself (p50, p99) and the broker's CPU; its sentences, under the
//! table, put each broker's hop against process-pool's as a ratio. All read `data`.

pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct QueueWorkers;

impl Section for QueueWorkers {
    fn groups(&self) -> &'static [Group] {
        &[Group::QueueWorkers]
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::QueueWorkers {
            return Vec::new();
        }
        table::table(&data::rows(data)).into_iter().collect()
    }
}
