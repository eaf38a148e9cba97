//! Latency over time at the knee: for one repetition per model (its typical one) at the lowest
//! offered rate that reaches its capacity against the bounded server, the p99 latency of the tasks
//! that completed in each 100 ms bucket against the time since the first release. A model that keeps
//! up stays flat; one whose queue grows climbs for as long as tasks keep arriving.

use super::data;
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Plot};
use crate::render::series::{model_lines, Series};
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::{typical_sample, ReportData};
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct KneeTimeline {
    pub lines: Vec<Series>,
    /// Per line: its model, offered rate and the server.
    pub labels: Vec<String>,
    pub takeaway: String,
}

/// The chart, when a load-curve run kept time lines.
pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let points = data::points(data);
    let servers = data::servers(&points);
    let workers = *servers.first()?;
    let knees = data::at_knee(data, workers);
    let mut lines = Vec::new();
    let mut labels = Vec::new();
    let mut growth = Vec::new();
    for (p, c) in &knees {
        let Some(series) = typical_sample(c).and_then(|s| s.series.as_ref()) else {
            continue;
        };
        let points: Vec<(f64, f64)> = series
            .iter()
            .filter_map(|b| b.p99_s.map(|p99| (b.t_s + 0.05, p99)))
            .collect();
        if points.is_empty() {
            continue;
        }
        growth.push((p.model, points[0].1, points[points.len() - 1].1, p.rate));
        labels.push(format!("{} at {}/s against {}", p.model, p.rate, p.server()));
        lines.push(Series {
            model: p.model,
            points,
            dashed: false,
        });
    }
    (!lines.is_empty()).then(|| {
        Box::new(KneeTimeline {
            lines,
            labels,
            takeaway: sentences::knee_takeaway(&growth),
        }) as Box<dyn Chart>
    })
}

impl Plot for KneeTimeline {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "load-curve-knee",
            title: "Load curve: p99 latency over one run at the knee".into(),
            how_to_read: "One repetition per model (the one whose makespan is nearest the median) at \
                the lowest offered rate that reaches the model's capacity against the bounded \
                server. x: seconds since the first release; y: the p99 latency, from each task's \
                scheduled release, of the tasks that completed in each 100 ms bucket. Flat: the \
                model keeps up; climbing: its queue grows while tasks arrive, then drains.",
            takeaway: self.takeaway.clone(),
            series: self.lines.iter().map(|l| l.model.to_string()).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        vec![format!("Cases: {}.", self.labels.join("; "))]
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let legend: Vec<_> = self.lines.iter().map(Series::entry).collect();
        let area = frame(root, &Plot::info(self).title, &legend)?;
        let all = || self.lines.iter().flat_map(|l| l.points.iter());
        let x_max = axis::linear_top(all().map(|p| p.0), 0.5, 1.04);
        let y_max = axis::linear_top(all().map(|p| p.1), 0.01, 1.1);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA + 20)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_desc("seconds since the first release")
            .y_desc("p99 latency of the bucket's completions")
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| super::data::tick(*v))
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        model_lines(&mut chart, &self.lines)?;
        Ok(())
    }
}
