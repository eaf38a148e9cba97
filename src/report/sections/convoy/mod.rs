//! The convoy section: GETs beside counting tasks, the threading and multiprocessing article's convoy
//! effect. Its chart sets each model's GET latency in the mix over d (p50 and p99) beside the same
//! GETs alone; its further table lists the latencies and both inflations. All read `data`.

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

pub struct Convoy;

impl Section for Convoy {
    fn groups(&self) -> &'static [Group] {
        &[Group::Convoy]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["convoy", "ledger-convoy"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        [
            chart::chart(data),
            ledger::chart(data, &[Group::Convoy], "ledger-convoy", "convoy: where the time went"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::Convoy {
            return Vec::new();
        }
        table::table(&data::rows(data)).into_iter().collect()
    }
}
