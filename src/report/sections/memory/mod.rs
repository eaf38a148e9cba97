//! The memory section: peak RSS per concurrent task, sleeping 1 s at up to 10,000 tasks. Its chart
//! draws what one more task in flight costs each model (memory per task, `report::per_task`), its
//! group's table gets that figure as a column with a footnote per model on how it was obtained, and
//! results.csv gets it as two columns.

pub mod chart;
pub mod data;
pub mod sentences;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::fmt::{count, kib};
use crate::report::data::ReportData;
use crate::report::per_task::{self, Basis};
use crate::report::sections::{CsvCells, Section};
use crate::report::table::Column;
use crate::results::CaseResult;

pub struct Memory;

impl Section for Memory {
    fn groups(&self) -> &'static [Group] {
        &[Group::Memory]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["memory"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        chart::chart(data).into_iter().collect()
    }

    fn columns<'a>(&self, cases: &[&'a CaseResult]) -> Vec<Column<'a>> {
        let costs = per_task::costs(cases);
        vec![(
            "RSS per task".into(),
            Box::new(move |c| {
                per_task::of_case(&costs, &c.id).map_or("–".into(), |f| match f.basis {
                    Basis::PerWorker => format!("{} per worker", kib(f.kib)),
                    _ => kib(f.kib),
                })
            }),
        )]
    }

    /// How each model's memory per task was obtained, then what every figure includes.
    fn footnotes(&self, cases: &[&CaseResult]) -> Vec<String> {
        let mut out: Vec<String> = per_task::costs(cases)
            .iter()
            .map(|m| match (m.basis, m.base_n) {
                (Some(b), _) => format!("RSS per task, {}: {}.", m.model, b.describe()),
                (None, Some(n)) => format!(
                    "RSS per task, {}: only N = {} was measured, so no figure without the base.",
                    m.model,
                    count(n as u64)
                ),
                (None, None) => format!("RSS per task, {}: not measured.", m.model),
            })
            .collect();
        out.push(per_task::INCLUDES.to_string());
        out
    }

    fn csv_headers(&self) -> &'static [&'static str] {
        &["rss_per_task_kib", "rss_per_task_basis"]
    }

    /// Only the memory group measures memory against a base case; in other rows the columns stay
    /// empty rather than hold a figure nobody designed the cases for.
    fn csv_cells<'a>(&'a self, data: &'a ReportData) -> CsvCells<'a> {
        let costs = per_task::costs(&data.group(Group::Memory));
        Box::new(move |c| match per_task::of_case(&costs, &c.id) {
            Some(f) => vec![f.kib.to_string(), f.basis.describe()],
            None => vec![String::new(); 2],
        })
    }
}
