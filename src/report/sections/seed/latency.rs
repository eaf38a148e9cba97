//! The latency chart: task-latency percentiles (p50, p90, p99, max; medians over repetitions) per seed
//! case, as four bars in one row per case. Task latency runs from submission to completion, so time a
//! task spent queued — in the client or at the server — counts.

use super::data::LatencyRow;
use super::sentences;
use crate::render::axis;
use crate::render::chart::{frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::rows::case_rows;
use crate::render::style::{self, CASE_LABEL_AREA, PERCENTILE_COLOURS};
use crate::report::data::{self, ReportData};
use crate::report::flags::{self, Flags};
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct LatencyChart {
    pub rows: Vec<LatencyRow>,
}

pub const PERCENTILES: [&str; 4] = ["p50", "p90", "p99", "max"];

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let rows: Vec<LatencyRow> = data
        .group(crate::names::Group::Seed)
        .into_iter()
        .filter(|c| !c.samples.is_empty())
        .map(|c| LatencyRow {
            label: data::label(c),
            values: [
                data::median_of(c, |s| s.task_latency.p50),
                data::median_of(c, |s| s.task_latency.p90),
                data::median_of(c, |s| s.task_latency.p99),
                data::median_of(c, |s| s.task_latency.max),
            ],
            flags: Flags::of(c),
        })
        .collect();
    (!rows.is_empty()).then(|| Box::new(LatencyChart { rows }) as Box<dyn Chart>)
}

impl LatencyChart {
    fn legend(&self) -> Vec<Entry> {
        let mut l: Vec<Entry> = PERCENTILES
            .iter()
            .zip(PERCENTILE_COLOURS)
            .map(|(p, c)| (Mark::Bar(c), p.to_string()))
            .collect();
        let flags: Vec<&Flags> = self.rows.iter().map(|r| &r.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }
}

impl Plot for LatencyChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "latency",
            title: "Task latency percentiles, seed cases".into(),
            how_to_read: "One row per seed case; its four bars are the 50th, 90th and 99th percentile \
                and the maximum of task latency, from the moment a task was submitted to the moment \
                it finished (medians over repetitions). Bars of equal length: every task took as long \
                as the typical one. A long max beside a short p50: some tasks queued.",
            takeaway: sentences::latency(&self.rows),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let n = self.rows.len();
        let x_max = axis::linear_top(self.rows.iter().flat_map(|r| r.values), 0.0, 1.08);
        let labels: Vec<String> = self.rows.iter().map(|r| r.flags.label(&r.label)).collect();
        let mut chart = case_rows(
            &area,
            0.0..x_max.max(1e-3),
            &labels,
            CASE_LABEL_AREA,
            "task latency, seconds",
        )?;
        let band = 0.8 / PERCENTILES.len() as f64;
        for (i, r) in self.rows.iter().enumerate() {
            let top = (n - 1 - i) as f64 + 0.4;
            chart.draw_series(r.values.iter().zip(PERCENTILE_COLOURS).enumerate().map(
                |(j, (&v, c))| {
                    let y1 = top - j as f64 * band;
                    Rectangle::new([(0.0, y1 - band * 0.9), (v, y1)], c.filled())
                },
            ))?;
        }
        Ok(())
    }
}
