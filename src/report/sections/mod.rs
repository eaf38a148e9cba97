//! The report's sections: one folder per part of the report, each owning the suite group(s) it reads,
//! its reading of the result data, its charts, its tables and its sentences. [`SECTIONS`] lists them
//! in reading order — a new section is its folder and one line in `sections!` below. Everything the
//! report shows of a group beyond the generic per-case table (`report::table`) comes from the section
//! that owns the group; a group no section owns (ad-hoc cases) gets the generic table alone. No
//! section imports another (tests/layers.rs checks it): what two sections share lives beside them in
//! `report/` (the sweep panel, memory per task, flags, intervals, sentence helpers).

use super::data::ReportData;
use super::table::Column;
use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::results::CaseResult;

/// The registry: one line per section, in reading order (their charts appear in this order). It
/// declares the section's folder and lists the section.
macro_rules! sections {
    ($($module:ident::$section:ident,)*) => {
        $(pub mod $module;)*

        /// Every section, in reading order.
        pub const SECTIONS: &[&dyn Section] = &[$(&$module::$section,)*];
    };
}

sections! {
    seed::Seed,
    sweeps::Sweeps,
    cpu::Cpu,
    memory::Memory,
    mixed::Mixed,
    pipeline::Pipeline,
    db::Db,
    subprocess::Subprocess,
    convoy::Convoy,
    payload::Payload,
    coordination::Coordination,
    ipc::Ipc,
    queue_workers::QueueWorkers,
    contention::Contention,
    tails::Tails,
    rate_limit::RateLimit,
    retries::Retries,
    load_curve::LoadCurve,
    scale::Scale,
    advice::Advice,
    fidelity::Fidelity,
    calibrate::Calibrate,
    bench::Bench,
}

/// One part of the report. Every method but `groups` has a default that adds nothing.
pub trait Section: Sync {
    /// The suite groups whose cases it reads; no two sections own the same group.
    fn groups(&self) -> &'static [Group];

    /// The file stem of every chart it may draw, drawn or not: files of an earlier report that this
    /// one does not draw are removed by these.
    fn stems(&self) -> &'static [&'static str] {
        &[]
    }

    /// Its charts that the data allows, in reading order (none when its groups are absent).
    fn charts(&self, _data: &ReportData) -> Vec<Box<dyn Chart>> {
        Vec::new()
    }

    /// Its own table of a group's cases, instead of the generic one (`cargo bench` results, which
    /// hold makespans only).
    fn table(&self, _cases: &[&CaseResult]) -> Option<Table> {
        None
    }

    /// Columns it adds to the generic table of one of its groups, after the memory columns.
    fn columns<'a>(&self, _cases: &[&'a CaseResult]) -> Vec<Column<'a>> {
        Vec::new()
    }

    /// Footnotes under one of its group's tables, after the notes on single cases.
    fn footnotes(&self, _cases: &[&CaseResult]) -> Vec<String> {
        Vec::new()
    }

    /// Further tables under one of its groups' table.
    fn tables(&self, _data: &ReportData, _group: Group) -> Vec<Table> {
        Vec::new()
    }

    /// Columns it adds to results.csv, in every row (empty in rows of other groups' cases).
    fn csv_headers(&self) -> &'static [&'static str] {
        &[]
    }

    /// Its cells of the results.csv columns for one case of its groups, one per header.
    fn csv_cells<'a>(&'a self, _data: &'a ReportData) -> CsvCells<'a> {
        Box::new(|_| Vec::new())
    }
}

/// A section's cells of its results.csv columns for one case.
pub type CsvCells<'a> = Box<dyn Fn(&CaseResult) -> Vec<String> + 'a>;

/// The section that owns `group`, when one does.
pub fn owner(group: Group) -> Option<&'static dyn Section> {
    SECTIONS
        .iter()
        .copied()
        .find(|s| s.groups().contains(&group))
}

/// Every chart file stem there is, drawn or not.
pub fn stems() -> impl Iterator<Item = &'static str> {
    SECTIONS.iter().flat_map(|s| s.stems().iter().copied())
}

/// Every chart the data allows, in reading order.
pub fn charts(data: &ReportData) -> Vec<Box<dyn Chart>> {
    SECTIONS.iter().flat_map(|s| s.charts(data)).collect()
}

#[cfg(test)]
pub mod tests {
    use super::*;

    #[test]
    fn no_two_sections_own_a_group_and_no_two_charts_share_a_stem() {
        let mut groups: Vec<Group> = SECTIONS.iter().flat_map(|s| s.groups()).copied().collect();
        let n = groups.len();
        groups.sort();
        groups.dedup();
        assert_eq!(groups.len(), n, "a group owned twice");
        let mut all: Vec<&str> = stems().collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a chart stem used twice");
    }
}
