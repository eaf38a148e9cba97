//! The cpu section: 32 counting tasks per model, speedup over N × t₁ against k beside the ideal
//! speedup; and Python's threads against its process pool (the GIL, measured), whose group has the
//! generic table alone: t₁ is Rust's loop, so its cases have no ideal to chart.

pub mod chart;
pub mod data;
pub mod sentences;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct Cpu;

impl Section for Cpu {
    fn groups(&self) -> &'static [Group] {
        &[Group::Cpu, Group::PyCpu]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["cpu"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        chart::chart(data).into_iter().collect()
    }
}
