//! The scale section: a thousand to a million tasks and connections. Its two charts — memory per task
//! as N grows, beside the bare programs and published figures (`memory_chart`), and io up to 100,000
//! connections (`io_chart`, a sweep panel) — and its three tables (memory per task, spawn cost per
//! unit, io at scale: `tables`) read what `data` gathers of the scale cases and the published figures
//! in `anchors`.

pub mod anchors;
pub mod data;
pub mod io_chart;
pub mod memory_chart;
pub mod sentences;
pub mod tables;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct Scale;

impl Section for Scale {
    fn groups(&self) -> &'static [Group] {
        &[Group::Scale]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["scale-memory", "scale-io"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        [memory_chart::chart(data), io_chart::chart(data)]
            .into_iter()
            .flatten()
            .collect()
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        tables::tables(data, group)
    }
}
