//! The rate-limit section: a server that answers 429 beyond R a second (burst B), met by each answer a
//! client can give a 429 — retry at once, back off with jitter, honour Retry-After, pace itself with a
//! client-side limiter (issue 23, part 2). Its further table lists every case's makespan against the
//! ideal (N − B) / R, goodput, the 429s the client drew beside the server's own count, and the
//! server's CPU; its sentences, one per model, and any disagreement between the two counts sit under
//! the group's table (the section draws no chart). All read the group's cases.

pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;
use crate::results::CaseResult;

pub struct RateLimit;

impl Section for RateLimit {
    fn groups(&self) -> &'static [Group] {
        &[Group::RateLimit]
    }

    fn footnotes(&self, cases: &[&CaseResult]) -> Vec<String> {
        let rows = data::rows_of(cases);
        let mut out = sentences::rate_limit(&rows);
        out.extend(table::disagreements(&rows));
        out
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::RateLimit {
            return Vec::new();
        }
        table::table(&data::rows(data)).into_iter().collect()
    }
}
