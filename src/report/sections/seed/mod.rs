//! The seed section: the talk's clients against 3 workers and 1 s. Three charts — each case's makespan
//! beside its ideal with the talk's and this machine's Python times as marks (`bars`), the tasks in
//! flight over one typical repetition against what the server could serve (`timeline`), and the
//! task-latency percentiles (`latency`) — drawn from what `data` reads of the seed cases, and their
//! sentences; the talk's published times live in `talk`.

pub mod bars;
pub mod data;
pub mod latency;
pub mod sentences;
pub mod talk;
pub mod timeline;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::report::data::ReportData;
use crate::report::ledger;
use crate::report::sections::Section;

pub struct Seed;

impl Section for Seed {
    fn groups(&self) -> &'static [Group] {
        &[Group::Seed]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["seed", "timeline", "latency", "ledger-seed"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        [
            bars::chart(data),
            timeline::chart(data),
            latency::chart(data),
            ledger::chart(data, &[Group::Seed], "ledger-seed", "Seed: where the time went"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}
