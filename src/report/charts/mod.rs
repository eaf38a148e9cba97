//! The report's charts: one file per chart kind, each building its data from the report (the point
//! types in [`super::data`]), computing its takeaway and drawing itself on the frame, axes and lines of
//! [`crate::render`]. A chart whose data is absent from the input is not made at all; a chart may add
//! caption notes that depend on its data.

pub mod cpu;
pub mod db;
pub mod io_sweep;
pub mod latency;
pub mod limit_sweep;
pub mod memory;
pub mod mixed;
pub mod pipeline;
pub mod scale_io;
pub mod scale_memory;
pub mod seed;
pub mod sweep;
pub mod timeline;

use super::data::ReportData;
use crate::render::chart::Chart;

/// Every chart the data allows, in reading order.
pub fn all(data: &ReportData) -> Vec<Box<dyn Chart>> {
    [
        seed::chart(data),
        timeline::chart(data),
        latency::chart(data),
        io_sweep::chart(data),
        limit_sweep::chart(data),
        cpu::chart(data),
        memory::chart(data),
        mixed::chart(data),
        pipeline::chart(data),
        db::chart(data),
        scale_memory::chart(data),
        scale_io::chart(data),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every chart file stem there is, drawn or not: stale files of an earlier report are removed by it.
pub const ALL_STEMS: [&str; 12] = [
    "seed",
    "timeline",
    "latency",
    "io-sweep",
    "limit-sweep",
    "cpu",
    "memory",
    "mixed",
    "pipeline",
    "db",
    "scale-memory",
    "scale-io",
];
