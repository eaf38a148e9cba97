//! The sweeps section: makespan as the number of tasks N grows (the io sweep, one panel per server)
//! and as the bound k grows (the limit sweep), each a sweep panel (`report::sweep`) with its sentence.

pub mod io;
pub mod limit;
pub mod sentences;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct Sweeps;

impl Section for Sweeps {
    fn groups(&self) -> &'static [Group] {
        &[Group::IoSweep, Group::LimitSweep]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["io-sweep", "limit-sweep"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        [io::chart(data), limit::chart(data)]
            .into_iter()
            .flatten()
            .collect()
    }
}
