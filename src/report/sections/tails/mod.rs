//! The tails section: slow tails met plain, with a timeout and retries, and with a hedge ("The Tail at
//! Scale"), per model (issue 23, part 1). Its further table lists every case's makespan against the
//! ideal, task p99, the requests it sent and the extra ones, its timeouts and hedges and the threads it
//! held; its sentences, one per model family, sit under the group's table (the section draws no
//! chart). All read the group's cases.

pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;
use crate::results::CaseResult;

pub struct Tails;

impl Section for Tails {
    fn groups(&self) -> &'static [Group] {
        &[Group::Tails]
    }

    fn footnotes(&self, cases: &[&CaseResult]) -> Vec<String> {
        sentences::tails(&data::rows_of(cases))
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::Tails {
            return Vec::new();
        }
        table::table(&data::rows(data)).into_iter().collect()
    }
}
