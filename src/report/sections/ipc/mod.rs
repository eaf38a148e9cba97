//! The ipc section: processes exchanging data (issue 24 §2). Its chart sets each transport's MB/s
//! against the message size under memcpy's; its further table gives, per transport and size, MB/s,
//! messages/s, round-trip p50/p99 and memcpy beside them; its sentences name the fastest transport
//! per size and how far it stays below memcpy, and Python's beside Rust's; results.csv gets the same
//! medians as columns. All read `data`.

pub mod chart;
pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::sections::{CsvCells, Section};

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

    fn csv_headers(&self) -> &'static [&'static str] {
        &[
            "ipc_mb_per_s",
            "ipc_msgs_per_s",
            "ipc_rtt_p50_s",
            "ipc_rtt_p99_s",
            "ipc_memcpy_mb_per_s",
        ]
    }

    fn csv_cells<'a>(&'a self, _data: &'a ReportData) -> CsvCells<'a> {
        Box::new(|c| {
            let figures = data::IpcRow::of(c).and_then(|r| r.figures);
            match figures {
                Some(f) => [
                    f.mb_per_s,
                    f.messages_per_s,
                    f.rtt_p50_s,
                    f.rtt_p99_s,
                    f.memcpy_mb_per_s,
                ]
                .iter()
                .map(|v| v.to_string())
                .collect(),
                None => vec![String::new(); 5],
            }
        })
    }
}
