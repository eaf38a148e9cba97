//! The contention chart: ns per update against the units updating at once, on threads, one line per
//! sync, both axes log (units double from tick to tick). A flat line shares for free; a line that
//! climbs pays more per update the more units share — the lock's hand-offs, the cache line's trips
//! between cores, the owner's queue.

use super::data::{self, Line, Point};
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::style::{self, LINE_WIDTH, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::ReportData;
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct ContentionChart {
    pub lines: Vec<Line>,
    pub points: Vec<Point>,
}

/// The chart, when the report holds contention cases on threads.
pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let points = data::points(data);
    let lines = data::lines(&points);
    (!lines.is_empty()).then(|| Box::new(ContentionChart { lines, points }) as Box<dyn Chart>)
}

/// A sync's colour: its place among the syncs in the section's own palette.
fn colour(line: &Line) -> RGBColor {
    let at = crate::workload::contention::SyncKind::ALL
        .iter()
        .position(|s| *s == line.sync)
        .unwrap_or(0);
    style::SYNC_COLOURS[at % style::SYNC_COLOURS.len()]
}

impl ContentionChart {
    fn legend(&self) -> Vec<Entry> {
        self.lines
            .iter()
            .map(|l| (Mark::Line(colour(l)), l.name.clone()))
            .collect()
    }
}

impl Plot for ContentionChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "contention",
            title: "Contention: ns per update as more threads share one counter".into(),
            how_to_read: "N threads each make M updates of one shared counter under a sync; the \
                median makespan over N × M, in nanoseconds (log scale), against N (log scale), one \
                line per sync. sharded gives each thread a counter on a cache line of its own and \
                sums them at the end; unguarded loads and stores with no lock and loses updates \
                (see the table); the others serialise every update on one lock, one atomic's cache \
                line or one owner thread. A line that climbs pays for sharing.",
            takeaway: sentences::takeaway(&self.points),
            series: self.lines.iter().map(|l| l.name.clone()).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        sentences::notes(&self.points)
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let units: Vec<usize> = {
            let mut u: Vec<usize> = self
                .lines
                .iter()
                .flat_map(|l| l.points.iter().map(|p| p.0))
                .collect();
            u.sort_unstable();
            u.dedup();
            u
        };
        let x = |n: usize| (n.max(1) as f64).log2();
        let x_max = units.last().map_or(1.0, |&n| x(n)).max(1.0);
        let y = axis::log_range(self.lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)));
        let y_ticks = axis::log_ticks(&y);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(-0.3..x_max + 0.3, y.log_scale().with_key_points(y_ticks))?;
        let label = |v: &f64| {
            units
                .iter()
                .find(|&&n| (x(n) - v).abs() < 1e-6)
                .map_or(String::new(), |n| n.to_string())
        };
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_labels((x_max as usize + 1) * 4)
            .x_desc("threads updating at once, N (log scale)")
            .y_desc("ns per update (log scale)")
            .x_label_formatter(&label)
            .y_label_formatter(&|v| fmt::tick(*v))
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        for l in &self.lines {
            let c = colour(l);
            let points: Vec<(f64, f64)> = l.points.iter().map(|&(n, ns)| (x(n), ns)).collect();
            chart.draw_series(LineSeries::new(
                points.iter().copied(),
                c.stroke_width(LINE_WIDTH),
            ))?;
            chart.draw_series(
                points
                    .iter()
                    .map(|&p| Circle::new(p, style::MARKER_SIZE, c.filled())),
            )?;
        }
        Ok(())
    }
}
