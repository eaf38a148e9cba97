//! The db section: a process pool writing to a database (and every other model doing the same), a
//! connection per task against one per worker, on SQLite and PostgreSQL. Its chart sets the two
//! connection policies side by side per model and database; `data` reads each pair and its ideals.

pub mod chart;
pub mod data;
pub mod sentences;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct Db;

impl Section for Db {
    fn groups(&self) -> &'static [Group] {
        &[Group::Db]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["db"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        chart::chart(data).into_iter().collect()
    }
}
