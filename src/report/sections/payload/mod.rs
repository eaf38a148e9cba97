//! The payload section: data moved to workers (Effective Python item 64). Its chart sets each model's
//! makespan against the bytes each task is handed and hands back; its further table gives the cost
//! per byte moved beside this machine's memcpy and pipe; its sentence names where Python's process
//! pool stops beating its thread pool. All read `data`.

pub mod chart;
pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::ledger;
use crate::report::sections::Section;

pub struct Payload;

impl Section for Payload {
    fn groups(&self) -> &'static [Group] {
        &[Group::Payload]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["payload", "ledger-payload"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        [
            chart::chart(data),
            ledger::chart(data, &[Group::Payload], "ledger-payload", "payload: where the time went"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::Payload {
            return Vec::new();
        }
        table::table(&data::rows(data), data.data_floors)
            .into_iter()
            .collect()
    }
}
