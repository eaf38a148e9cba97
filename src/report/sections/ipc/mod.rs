//! The ipc section: processes exchanging data (issue 24 §2). Its chart sets each transport's MB/s
//! against the message size under memcpy's; its further table gives, per transport and size, MB/s,
//! messages/s, round-trip p50/p99 and memcpy beside them; its sentences name the fastest transport
//! per size and how far it stays below memcpy, and Python's beside Rust's. All read `data`.

pub mod chart;
pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::Section;

pub struct Ipc;

impl Section for Ipc {
    fn groups(&self) -> &'static [Group] {
        &[Group::Ipc]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["ipc"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        chart::chart(data).into_iter().collect()
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        if group != Group::Ipc {
            return Vec::new();
        }
        table::table(&data::rows(data)).into_iter().collect()
    }
}
