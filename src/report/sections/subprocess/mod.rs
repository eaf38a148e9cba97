//! The subprocess section: Effective Python's item 52, a child process per task. Its chart sets each
//! case's makespan beside its ideal and the book's 1.02 s; its group's table gets each case's start
//! cost per child as a column, and a further table sets the cost of starting a child beside that of a
//! thread and a tokio task (from the scale suite, when it is among the report's files). All read
//! `data`.

pub mod book;
pub mod chart;
pub mod data;
pub mod sentences;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::ledger;
use crate::report::sections::{CsvCells, Section};
use crate::report::table::Column;
use crate::results::CaseResult;
use data::{short, ChildBar, Others, UnitStart};

pub struct Subprocess;

impl Section for Subprocess {
    fn groups(&self) -> &'static [Group] {
        &[Group::Subprocess]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["subprocess", "ledger-subprocess"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        [
            chart::chart(data),
            ledger::chart(data, &[Group::Subprocess], "ledger-subprocess", "subprocess: where the time went"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn columns<'a>(&self, _cases: &[&'a CaseResult]) -> Vec<Column<'a>> {
        vec![(
            "child start".into(),
            Box::new(|c| data::start_cost(c).map_or("–".into(), short)),
        )]
    }

    fn footnotes(&self, _cases: &[&CaseResult]) -> Vec<String> {
        vec![START.to_string()]
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        let bars = data::bars(data);
        if group != Group::Subprocess || bars.is_empty() {
            return Vec::new();
        }
        vec![starts(&bars, &Others::of(data))]
    }

    fn csv_headers(&self) -> &'static [&'static str] {
        &["child_start_s"]
    }

    fn csv_cells<'a>(&'a self, _data: &'a ReportData) -> CsvCells<'a> {
        Box::new(|c| {
            vec![match c.group {
                Group::Subprocess => data::start_cost(c).map_or(String::new(), |s| s.to_string()),
                _ => String::new(),
            }]
        })
    }
}

/// What the start cost column holds.
pub const START: &str = "Child start: the median over samples of each sample's median time from a \
    task's spawn call to its child's main running — a fork (not posix_spawn: the child's \
    PR_SET_PDEATHSIG hook runs between fork and exec), an exec and the program's own start \
    (concbench-child, std only), on the monotonic clock the two processes share — so with many \
    children starting at once it includes their wait for a core.";

/// Starting a child, one at a time, beside a thread and a tokio task from the scale suite.
fn starts(bars: &[ChildBar], others: &Others) -> Table {
    let child = match data::one_at_a_time(bars) {
        Some((each, cases)) => vec![
            "child process".to_string(),
            short(each),
            "spawn call → the child's main running, one child at a time".into(),
            cases.join(", "),
        ],
        None => vec![
            "child process".to_string(),
            "–".into(),
            "spawn call → the child's main running, one child at a time".into(),
            "no sequential case in this report".into(),
        ],
    };
    let other = |unit: &str, u: &Option<UnitStart>, timed: &str| match u {
        Some(u) => vec![unit.to_string(), short(u.each), timed.into(), u.case.clone()],
        None => vec![
            unit.to_string(),
            "–".into(),
            timed.into(),
            "the scale suite is not in this report".into(),
        ],
    };
    Table {
        group: format!("{}: starting a child beside a thread and a task", Group::Subprocess),
        header: ["unit", "start cost", "what is timed", "measured in"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: vec![
            child,
            other(
                "thread",
                &others.thread,
                "std::thread spawn calls of all the threads, per thread",
            ),
            other(
                "tokio task",
                &others.task,
                "tokio::spawn calls of all the tasks, per task",
            ),
        ],
        note: "A child's start runs to its own first instruction of main; a thread's and a task's \
               to their spawn calls' return (the scale suite's spawn cost per unit, from its sleep \
               case of the fewest units). A thread or a task shares the process it starts in; a child \
               is a process of its own, forked, executed and loaded."
            .into(),
    }
}
