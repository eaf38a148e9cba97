//! The ipc chart: MB/s streamed against the message size, both on log scales, one line per transport
//! — Rust's solid, Python's dashed in the colour of the Rust transport of the same mechanism (a
//! socket pair, a framed queue, shared memory) — under memcpy's MB/s at each size, the grey dashed
//! floor measured in Rust's case processes. A line's distance below the floor is what the transport
//! costs over one copy.

use super::data::{self, IpcRow};
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::series::dashed;
use crate::render::style::{self, LINE_WIDTH, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::ReportData;
use crate::stats::median;
use crate::workload::ipc::Transport;
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct IpcChart {
    pub rows: Vec<IpcRow>,
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let rows = data::rows(data);
    rows.iter()
        .any(|r| r.figures.is_some())
        .then(|| Box::new(IpcChart { rows }) as Box<dyn Chart>)
}

/// A transport's colour: Python's share the colour of Rust's transport of the same mechanism.
fn colour(t: Transport) -> RGBColor {
    style::run_colour(match t {
        Transport::Pipe => 0,
        Transport::Unix | Transport::MpPipe => 1,
        Transport::Tcp => 2,
        Transport::Shm | Transport::MpSharedMemory => 3,
        Transport::Queue | Transport::MpQueue => 4,
        Transport::MpManager => 5,
    })
}

const FLOOR: &str = "memcpy at that size (Rust's case processes)";

impl IpcChart {
    /// Per transport: (size, MB/s) at each size it has figures for.
    fn lines(&self) -> Vec<(Transport, Vec<(f64, f64)>)> {
        data::transports(&self.rows)
            .into_iter()
            .map(|t| {
                let points = self
                    .rows
                    .iter()
                    .filter(|r| r.transport == t)
                    .filter_map(|r| Some((r.size as f64, r.figures?.mb_per_s)))
                    .collect();
                (t, points)
            })
            .filter(|(_, p): &(Transport, Vec<(f64, f64)>)| !p.is_empty())
            .collect()
    }

    /// memcpy's MB/s per size: the median over Rust's cases at that size.
    fn floor(&self) -> Vec<(f64, f64)> {
        data::sizes(&self.rows)
            .into_iter()
            .filter_map(|s| {
                let at: Vec<f64> = self
                    .rows
                    .iter()
                    .filter(|r| r.size == s && !r.transport.is_python())
                    .filter_map(|r| Some(r.figures?.memcpy_mb_per_s))
                    .collect();
                (!at.is_empty()).then(|| (s as f64, median(&at)))
            })
            .collect()
    }

    fn legend(&self) -> Vec<Entry> {
        let mut l: Vec<Entry> = self
            .lines()
            .iter()
            .map(|(t, _)| {
                let mark = match t.is_python() {
                    true => Mark::Dashed(colour(*t)),
                    false => Mark::Line(colour(*t)),
                };
                (mark, t.to_string())
            })
            .collect();
        if !self.floor().is_empty() {
            l.push((Mark::Dashed(style::IDEAL), FLOOR.to_string()));
        }
        l
    }
}

impl Plot for IpcChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "ipc",
            title: "Processes exchanging data: MB/s by message size, per transport".into(),
            how_to_read: "Each point is one transport at one message size: megabytes of message a \
                second one pair of processes streams one way (median over samples), on log scales. \
                Solid lines are Rust's transports, dashed ones Python's multiprocessing (in the \
                colour of Rust's transport of the same mechanism). The grey dashed line is memcpy \
                at the same size, measured in the case process: a transport copies each message at \
                least once, so its line stays under the floor, and the gap is what its system \
                calls, wake-ups and framing cost.",
            takeaway: sentences::takeaway(&self.rows),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let sizes = data::sizes(&self.rows);
        let lines = self.lines();
        let floor = self.floor();
        let x = match (sizes.first(), sizes.last()) {
            (Some(&lo), Some(&hi)) => lo as f64 / 1.5..hi as f64 * 1.5,
            _ => 1.0..10.0,
        };
        let keys: Vec<f64> = sizes.iter().map(|&s| s as f64).collect();
        let y = axis::log_range(
            lines
                .iter()
                .flat_map(|(_, p)| p.iter().map(|q| q.1))
                .chain(floor.iter().map(|q| q.1)),
        );
        let y_ticks = axis::log_ticks(&y);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                x.log_scale().with_key_points(keys),
                y.log_scale().with_key_points(y_ticks),
            )?;
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_desc("message size (log scale)")
            .y_desc("MB/s streamed one way (log scale)")
            .x_label_formatter(&|v| fmt::bytes(v.round()))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        if !floor.is_empty() {
            dashed(&mut chart, &floor, style::IDEAL)?;
        }
        for (t, points) in &lines {
            let c = colour(*t);
            match t.is_python() {
                true => dashed(&mut chart, points, c)?,
                false => {
                    chart.draw_series(LineSeries::new(
                        points.iter().copied(),
                        c.stroke_width(LINE_WIDTH),
                    ))?;
                }
            }
            chart.draw_series(
                points
                    .iter()
                    .map(|&p| Circle::new(p, style::MARKER_SIZE, c.filled())),
            )?;
        }
        Ok(())
    }
}
