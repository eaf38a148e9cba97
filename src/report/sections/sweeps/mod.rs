//! The sweeps section: makespan as the number of tasks N grows (the io sweep, one panel per server)
//! and as the bound k grows (the limit sweep), each a sweep panel (`report::sweep`) with its sentence.

pub mod io;
pub mod limit;
pub mod sentences;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::report::data::ReportData;
use crate::report::ledger;
use crate::report::sections::Section;

pub struct Sweeps;

impl Section for Sweeps {
    fn groups(&self) -> &'static [Group] {
        &[Group::IoSweep, Group::LimitSweep]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["io-sweep", "limit-sweep", "ledger-io-sweep", "ledger-limit-sweep"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        [
            io::chart(data),
            limit::chart(data),
            ledger::chart(
                data,
                &[Group::IoSweep],
                "ledger-io-sweep",
                "io sweep: where the time went",
            ),
            ledger::chart(
                data,
                &[Group::LimitSweep],
                "ledger-limit-sweep",
                "limit sweep: where the time went",
            ),
        ]
            .into_iter()
            .flatten()
            .collect()
    }
}
