//! The coordination section: units that wait on each other, the threading article's shapes. A table
//! per shape under the group's table — the semaphore's waves and the most units it admitted, the
//! handoff's cost per item through a condition and a channel and whether every item was taken once,
//! the barrier's teams filled and broken against its ideal — with the section's sentences in each
//! note; and a column on the group's table saying what each case's shape counted. No chart: the
//! samples hold makespans and counts, not the units admitted over time. All read `data`.

pub mod data;
pub mod sentences;
pub mod tables;

use crate::names::{CoordinationShape, Group};
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::{CsvCells, Section};
use crate::report::table::Column;
use crate::results::CaseResult;
use data::{range, ShapeRow};

pub struct Coordination;

impl Section for Coordination {
    fn groups(&self) -> &'static [Group] {
        &[Group::Coordination]
    }

    fn columns<'a>(&self, _cases: &[&'a CaseResult]) -> Vec<Column<'a>> {
        vec![(
            "counted".into(),
            Box::new(|c| ShapeRow::of(c).map_or("–".into(), |r| counted(&r))),
        )]
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::Coordination {
            return Vec::new();
        }
        tables::tables(&data::rows(data))
    }

    fn csv_headers(&self) -> &'static [&'static str] {
        &["max_admitted", "items_exactly_once", "teams_filled", "teams_broken"]
    }

    fn csv_cells<'a>(&'a self, _data: &'a ReportData) -> CsvCells<'a> {
        Box::new(|c| {
            let Some(r) = ShapeRow::of(c) else {
                return vec![String::new(); 4];
            };
            let teams = r.teams();
            vec![
                r.max_admitted().map_or(String::new(), |m| m.to_string()),
                r.exactly_once().map_or(String::new(), |b| b.to_string()),
                teams.map_or(String::new(), |(f, _)| f.1.to_string()),
                teams.map_or(String::new(), |(_, b)| b.1.to_string()),
            ]
        })
    }
}

/// What a case's shape counted, in a few words: `5 of 5 admitted`, `5000 items, each once`,
/// `4 filled, 1 broken`.
pub fn counted(r: &ShapeRow) -> String {
    match r.shape() {
        CoordinationShape::Semaphore => r.max_admitted().map_or("–".into(), |m| {
            format!("{m} of {} admitted", r.params.permits())
        }),
        CoordinationShape::Condition | CoordinationShape::Channel => match r.exactly_once() {
            Some(true) => format!("{} items, each once", r.params.items()),
            Some(false) => {
                let (lost, doubled) = r.lost_and_doubled();
                format!("{lost} lost, {doubled} doubled")
            }
            None => "–".into(),
        },
        CoordinationShape::Barrier => r.teams().map_or("–".into(), |(f, b)| {
            format!("{} filled, {} broken", range(f), range(b))
        }),
    }
}
