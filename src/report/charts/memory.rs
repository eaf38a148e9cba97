//! The memory chart: peak resident memory per task in flight against the tasks in flight, log-log, one
//! line per model — what one more concurrent task costs in threads, async tasks or processes.

use super::{by_model, font, frame, model_lines, ChartInfo, DrawResult, Plot, Series};
use crate::report::data::{self, ReportData};
use crate::report::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::{fmt, takeaway};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One memory case: its model, tasks in flight and peak RSS per task.
#[derive(Debug, Clone)]
pub struct MemoryPoint {
    pub model: String,
    pub in_flight: usize,
    pub per_task_kib: f64,
    pub total_kib: f64,
}

pub struct MemoryChart {
    pub points: Vec<MemoryPoint>,
}

pub fn chart(data: &ReportData) -> Option<Box<dyn super::Chart>> {
    let points: Vec<MemoryPoint> = data
        .group("memory")
        .into_iter()
        .filter(|c| !c.samples.is_empty())
        .map(|c| MemoryPoint {
            model: c.params.model.clone(),
            in_flight: c.params.concurrency.max(1),
            per_task_kib: data::rss_per_task_kib(c),
            total_kib: data::total_rss_kib(c),
        })
        .collect();
    (!points.is_empty()).then(|| Box::new(MemoryChart { points }) as Box<dyn super::Chart>)
}

impl MemoryChart {
    fn series(&self) -> Vec<Series> {
        by_model(
            self.points
                .iter()
                .map(|p| (p.model.clone(), p.in_flight as f64, p.per_task_kib)),
        )
    }
}

impl Plot for MemoryChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "memory",
            title: "Peak memory per task in flight".into(),
            how_to_read: "Peak resident memory of the case process (plus its pool workers) divided by \
                the tasks it had in flight, against those tasks, both on log scales. Each task sleeps, \
                so the memory is the model's own: a falling line is a fixed base spread over more \
                tasks; where it flattens is the true cost of one more concurrent task.",
            takeaway: takeaway::memory(&self.points),
            series: self.series().iter().map(|s| s.model.clone()).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let series = self.series();
        let legend: Vec<super::Entry> = series.iter().map(Series::entry).collect();
        let area = frame(root, &Plot::info(self).title, &legend)?;
        let mut xs: Vec<f64> = self.points.iter().map(|p| p.in_flight as f64).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let x = super::log_range(xs.iter().copied())
            .log_scale()
            .with_key_points(xs.clone());
        let y_range = super::log_range(self.points.iter().map(|p| p.per_task_kib));
        let y_ticks = super::log_ticks(&y_range);
        let y = y_range.log_scale().with_key_points(y_ticks);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA + 10)
            .build_cartesian_2d(x, y)?;
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_desc("tasks in flight (log scale)")
            .y_desc("peak RSS per task, KiB (log scale)")
            .x_label_formatter(&|v| fmt::count(v.round() as u64))
            .y_label_formatter(&|v| match *v >= 10.0 {
                true => fmt::count(v.round() as u64),
                false => fmt::tick(*v),
            })
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        model_lines(&mut chart, &series)
    }
}
