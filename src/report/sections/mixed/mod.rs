//! The mixed section: the aiomultiprocess article's question — one event loop whose CPU work blocks
//! it, against event loops in several processes and the models between. Its chart sets each case's
//! makespan beside its ideal and the time computing alone would take; its table splits each case's
//! time into computing and waiting. Both read `data`.

pub mod chart;
pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct Mixed;

impl Section for Mixed {
    fn groups(&self) -> &'static [Group] {
        &[Group::Mixed]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["mixed"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        chart::chart(data).into_iter().collect()
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        table::table(data, group).into_iter().collect()
    }
}
