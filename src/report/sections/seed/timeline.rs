//! The timeline chart: for each seed case, the number of tasks in flight over one typical repetition,
//! from the per-task [start, end] times, over a grey area showing what the server could serve at that
//! moment, min(in flight, W). Where the line rises above the area, requests wait in the server's
//! listen backlog: queueing seen at a glance.

use super::data::Lane;
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::style::{self, MARGIN, PANEL_COLUMNS, PANEL_HEIGHT, TICK_SIZE};
use crate::report::data::{self, ReportData};
use crate::report::flags::{self, Flags};
use plotters::coord::Shift;
use plotters::prelude::*;

// How a lane is drawn lives here, beside the drawing; what it holds lives in `data::timeline`.
impl Lane {
    /// Step points of a curve: horizontal then vertical moves, ending at the makespan.
    fn staircase(&self, cap: Option<usize>) -> Vec<(f64, f64)> {
        let limit = |n: usize| cap.map_or(n, |w| n.min(w)) as f64;
        let mut out = Vec::new();
        let mut prev = 0.0;
        for &(t, n) in &self.steps {
            out.push((t, prev));
            prev = limit(n);
            out.push((t, prev));
        }
        out
    }
}

pub struct TimelineChart {
    pub lanes: Vec<Lane>,
}

pub const CLIENT: &str = "tasks in flight, client side (line in the model's colour)";
pub const SERVER: &str = "what the server could serve: min(in flight, W)";

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let lanes: Vec<Lane> = data
        .group(crate::names::Group::Seed)
        .into_iter()
        .filter_map(|c| {
            let timeline = data::typical_sample(c)?.timeline.as_ref()?;
            let workers = data::server_workers(c).flatten();
            (!timeline.is_empty()).then(|| Lane {
                flags: Flags::of(c),
                ..Lane::from_timeline(data::label(c), c.params.model, workers, timeline)
            })
        })
        .collect();
    (!lanes.is_empty()).then(|| Box::new(TimelineChart { lanes }) as Box<dyn Chart>)
}

impl TimelineChart {
    fn legend(&self) -> Vec<Entry> {
        let mut l = vec![
            (Mark::Line(style::TEXT), CLIENT.to_string()),
            (Mark::Bar(style::SERVER_AREA), SERVER.to_string()),
        ];
        let flags: Vec<&Flags> = self.lanes.iter().map(|l| &l.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }

    fn rows(&self) -> usize {
        self.lanes.len().div_ceil(PANEL_COLUMNS)
    }
}

impl Plot for TimelineChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "timeline",
            title: "Tasks in flight over time, seed cases".into(),
            how_to_read: "One panel per seed case, drawn from one typical repetition (the one nearest \
                the median). The coloured line counts the tasks the client had started and not yet \
                finished; the grey area is what the server could serve at that moment, at most W \
                workers. Line above the area: requests waiting in the server's listen backlog. Line \
                below W: the client left workers idle.",
            takeaway: sentences::timeline(&self.lanes),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, 90 + self.rows() as u32 * PANEL_HEIGHT),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let x_max = axis::linear_top(self.lanes.iter().map(|l| l.makespan), 0.0, 1.05);
        let y_max = self.lanes.iter().map(|l| l.peak).max().unwrap_or(1) as f64 + 1.0;
        let panels = area.split_evenly((self.rows(), PANEL_COLUMNS));
        for (lane, panel) in self.lanes.iter().zip(panels.iter()) {
            let w = lane
                .workers
                .map_or("unbounded server".to_string(), |w| format!("W = {w}"));
            let mut chart = ChartBuilder::on(panel)
                .caption(
                    format!("{} ({w})", lane.flags.label(&lane.label)),
                    font(style::SUBTITLE_SIZE),
                )
                .margin(MARGIN / 2)
                .x_label_area_size(28)
                .y_label_area_size(34)
                .build_cartesian_2d(0.0..x_max.max(1e-3), 0.0..y_max)?;
            chart
                .configure_mesh()
                .bold_line_style(style::GRID)
                .light_line_style(style::GRID_LIGHT)
                .x_labels(6)
                .y_labels(5)
                .x_label_formatter(&|v| format!("{} s", fmt::tick(*v)))
                .y_label_formatter(&|v| format!("{v:.0}"))
                .label_style(font(TICK_SIZE - 2))
                .draw()?;
            let mut served = lane.staircase(Some(lane.workers.unwrap_or(usize::MAX)));
            served.push((lane.makespan, 0.0));
            served.push((0.0, 0.0));
            chart.draw_series([Polygon::new(served, style::SERVER_AREA.filled())])?;
            chart.draw_series(LineSeries::new(
                lane.staircase(None),
                style::model_colour(lane.model).stroke_width(style::LINE_WIDTH),
            ))?;
        }
        Ok(())
    }
}
