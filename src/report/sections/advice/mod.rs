//! The advice section: how well `concbench advise` predicts jobs it never saw, and what it advises
//! for this machine. It owns the `advice-check` group (jobs drawn by a recorded seed, measured): a
//! table per model of the median absolute percentage error of the predicted makespan and memory
//! beside the goals, a log–log chart of predicted against measured with the diagonal drawn, and a
//! table of named job shapes (the talk's, an API fan-out, a crawler at 10k, a CPU batch, the
//! article's mixed job) with the recommended model, the runner-up and the margin. All read `data`,
//! whose costs are fitted on every case of the report but the check's own.

pub mod chart;
pub mod data;
pub mod table;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct Advice;

impl Section for Advice {
    fn groups(&self) -> &'static [Group] {
        &[Group::AdviceCheck]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["advice-check"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        chart::chart(data).into_iter().collect()
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::AdviceCheck {
            return Vec::new();
        }
        let d = data::read(data);
        [table::errors(&d), table::shapes(&d)]
            .into_iter()
            .flatten()
            .collect()
    }
}
