//! The payload chart: makespan against the bytes each task is handed (and hands back), one line per
//! model, on a log time axis over one tick per size swept — sizes spaced evenly, since 0 B has no
//! place on a log axis. A flat line moved its data for nothing; a line that climbs pays per byte.

use super::data::{self, PayloadRow};
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Plot};
use crate::render::fmt;
use crate::render::notes::PointNotes;
use crate::render::series::{model_lines, Series};
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags};
use crate::results::DataFloors;
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct PayloadChart {
    pub rows: Vec<PayloadRow>,
    pub floors: Option<DataFloors>,
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let rows = data::rows(data);
    (!rows.is_empty()).then(|| {
        Box::new(PayloadChart {
            rows,
            floors: data.data_floors,
        }) as Box<dyn Chart>
    })
}

impl PayloadChart {
    fn sizes(&self) -> Vec<u64> {
        data::sizes(&self.rows)
    }

    /// One line per model: (the size's place on the axis, makespan).
    fn series(&self) -> Vec<Series> {
        let sizes = self.sizes();
        let place = |b: u64| sizes.iter().position(|&s| s == b).unwrap_or(0) as f64;
        self.rows
            .iter()
            .map(|r| Series {
                model: r.model,
                points: r.points.iter().map(|p| (place(p.0), p.2)).collect(),
                dashed: false,
            })
            .collect()
    }

    fn legend(&self) -> Vec<Entry> {
        let mut l: Vec<Entry> = self.series().iter().map(Series::entry).collect();
        let flags: Vec<&Flags> = self
            .rows
            .iter()
            .flat_map(|r| r.points.iter().map(|p| &p.3))
            .collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((crate::render::chart::Mark::Tick(style::TEXT), f));
        }
        l
    }
}

impl Plot for PayloadChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "payload",
            title: "Data moved to workers: makespan as each task's data grows".into(),
            how_to_read: "Each task is handed B bytes by its submitter, checks them, counts for a \
                fixed time, and hands B bytes back, which the submitter checks. Makespan (log \
                scale) against B, one tick per size, one line per model. Sequential moves nothing, \
                the thread pools hand over a reference, the process pools copy every byte down a \
                pipe and back (Python's pickle it). Where a process pool's line rises through its \
                thread pool's, moving the data has eaten what the second core gained.",
            takeaway: sentences::payload(&self.rows, self.floors),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        sentences::notes(&self.rows, self.floors)
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let sizes = self.sizes();
        let n = sizes.len().max(1);
        let series = self.series();
        let y = axis::log_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
        let y_ticks = axis::log_ticks(&y);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, y.log_scale().with_key_points(y_ticks))?;
        let label = |v: &f64| {
            let i = v.round();
            match (v - i).abs() < 1e-6 && i >= 0.0 {
                true => sizes.get(i as usize).map_or(String::new(), |&b| fmt::bytes(b as f64)),
                false => String::new(),
            }
        };
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_labels(n)
            .x_desc("bytes handed to each task and back, B (one tick per size)")
            .y_desc("makespan, seconds (log scale)")
            .x_label_formatter(&label)
            .y_label_formatter(&|v| fmt::tick(*v))
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        model_lines(&mut chart, &series)?;
        let mut notes = PointNotes::new();
        for s in &series {
            for &p in &s.points {
                notes.avoid(&chart, p);
            }
        }
        for (r, s) in self.rows.iter().zip(&series) {
            for (p, &at) in r.points.iter().zip(&s.points) {
                let mark = p.3.mark();
                if !mark.is_empty() {
                    notes.draw(&mut chart, r.model, at, mark.trim())?;
                }
            }
        }
        Ok(())
    }
}
