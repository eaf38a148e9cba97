//! The retries section: failures retried, for every model (issue 23, part 3) — the aiomultiprocess
//! article's two shapes, N tasks failing half the time resubmitted as each fails, and tasks on k
//! workers retried until they succeed, at once or after a backoff. Its further table lists every
//! case's makespan against an ideal that holds the failing tries, tries per task beside 1 / (1 − p),
//! and the failed tries the client counted beside the server's own; its sentences, one per shape, sit
//! under the group's table (the section draws no chart). All read the group's cases.

pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;
use crate::results::CaseResult;

pub struct Retries;

impl Section for Retries {
    fn groups(&self) -> &'static [Group] {
        &[Group::Retries]
    }

    fn footnotes(&self, cases: &[&CaseResult]) -> Vec<String> {
        sentences::retries(&data::rows_of(cases))
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::Retries {
            return Vec::new();
        }
        table::table(&data::rows(data)).into_iter().collect()
    }
}
