//! The contention section: the cost of sharing one counter, and what sharing it unguarded loses. Its
//! chart sets ns per update against the threads sharing, one line per sync; its group's table gets
//! ns per update, the ideal's and the updates lost as columns (beside the generic ideal, efficiency
//! and context switches); a further table gives ns per update by units for every model and sync. All
//! read `data`.

pub mod chart;
pub mod data;
pub mod sentences;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::fmt::count;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::{CsvCells, Section};
use crate::report::table::Column;
use crate::results::CaseResult;
use data::{ns, Point};

pub struct Contention;

impl Section for Contention {
    fn groups(&self) -> &'static [Group] {
        &[Group::Contention]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["contention"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        chart::chart(data).into_iter().collect()
    }

    fn columns<'a>(&self, _cases: &[&'a CaseResult]) -> Vec<Column<'a>> {
        vec![
            (
                "ns / update".into(),
                Box::new(|c| Point::of(c).map_or("–".into(), |p| ns(p.ns))),
            ),
            (
                "ideal ns / update".into(),
                Box::new(|c| {
                    Point::of(c)
                        .and_then(|p| p.ideal_ns)
                        .map_or("–".into(), ns)
                }),
            ),
            (
                "lost updates".into(),
                Box::new(|c| Point::of(c).map_or("–".into(), |p| lost(&p))),
            ),
        ]
    }

    fn footnotes(&self, _cases: &[&CaseResult]) -> Vec<String> {
        vec![COLUMNS.to_string()]
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        let points = data::points(data);
        if group != Group::Contention || points.is_empty() {
            return Vec::new();
        }
        vec![by_units(&points)]
    }

    fn csv_headers(&self) -> &'static [&'static str] {
        &["ns_per_update", "lost_updates"]
    }

    fn csv_cells<'a>(&'a self, _data: &'a ReportData) -> CsvCells<'a> {
        Box::new(|c| match Point::of(c) {
            Some(p) => vec![
                format!("{:.3}", p.ns),
                p.lost.map_or(String::new(), |l| l.to_string()),
            ],
            None => vec![String::new(), String::new()],
        })
    }
}

/// What the section's columns hold.
pub const COLUMNS: &str = "ns / update: the median makespan over N × M operations (rwlock's reads \
    count as operations); ideal ns / update: the ideal over the same. Lost updates: the updates the \
    tasks made less the count read after the run, the median over samples, with its share; only \
    unguarded may lose any. Context switches are the case process's and its pool workers', \
    voluntary and involuntary: a lock that makes its waiters sleep shows in them.";

/// Lost updates in a cell: `1,234 (0.8 %)`, `0`, or `–` for a file without counts.
fn lost(p: &Point) -> String {
    match (p.lost, p.lost_share()) {
        (Some(0), _) => "0".into(),
        (Some(l), Some(s)) => format!("{} ({})", count(l), crate::render::fmt::pct(s)),
        (Some(l), None) => count(l),
        (None, _) => "–".into(),
    }
}

/// ns per update by units, one row per model and sync.
fn by_units(points: &[Point]) -> Table {
    let mut units: Vec<usize> = points.iter().map(|p| p.units).collect();
    units.sort_unstable();
    units.dedup();
    let mut rows: Vec<(String, String)> = Vec::new();
    for p in points {
        let key = (p.model.to_string(), p.sync_name());
        if !rows.contains(&key) {
            rows.push(key);
        }
    }
    let mut header = vec!["model".to_string(), "sync".to_string()];
    header.extend(units.iter().map(|n| format!("N = {n}")));
    let body = rows
        .iter()
        .map(|(model, sync)| {
            let mut row = vec![model.clone(), sync.clone()];
            for &n in &units {
                let cell = points
                    .iter()
                    .find(|p| p.model.name() == model && &p.sync_name() == sync && p.units == n)
                    .map_or("–".into(), |p| {
                        format!("{}{}", ns(p.ns), p.flags.mark())
                    });
                row.push(cell);
            }
            row
        })
        .collect();
    Table {
        group: format!("{}: ns per update by units", Group::Contention),
        header,
        rows: body,
        note: "The median makespan over N × M operations, per model and sync, as the units \
               sharing the counter grow. The pools run a worker per unit; the process pool's \
               workers share the counter through a mapping, with process-shared pthread locks for \
               mutex and rwlock."
            .into(),
    }
}
