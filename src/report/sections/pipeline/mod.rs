//! The pipeline section: Effective Python's item 55, items through download → resize → upload on
//! bounded queues. Its chart draws, per model, when items left each stage against the stage that
//! bounds the ideal rate; `data` reads those exits and the ideal rates of the stages.

pub mod chart;
pub mod data;
pub mod sentences;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct Pipeline;

impl Section for Pipeline {
    fn groups(&self) -> &'static [Group] {
        &[Group::Pipeline]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["pipeline"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        chart::chart(data).into_iter().collect()
    }
}
