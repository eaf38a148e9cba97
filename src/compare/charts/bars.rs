//! The grouped-bar chart of one suite group: per case, the median makespan of every run side by side
//! (one bar per run, the baseline on top), on a log axis because a group's cases span orders of
//! magnitude, each bar's value at its end. The axis reaches far enough right for the longest bar's
//! value to fit inside the picture.

use super::{case_rows, decade_ticks, height, plot_width, spaced_ticks, text_width};
use crate::compare::comparison::{Comparison, Group};
use crate::render::axis::log_range;
use crate::render::chart::{font, frame, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::rows::row_y;
use crate::render::style::{self, VALUE_SIZE};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Pixels per bar, and between cases.
const BAR_PX: u32 = 16;
const GAP_PX: u32 = 12;
/// The font of a bar's value, and its distance from the bar's end, pixels.
const VALUE_FONT: u32 = VALUE_SIZE - 3;
const VALUE_PAD: u32 = 4;

pub struct BarsChart {
    pub group: String,
    /// One per run: `A: machine-id`.
    pub runs: Vec<String>,
    /// Case labels (without the group prefix) and one median per run, seconds.
    pub rows: Vec<(String, Vec<f64>)>,
}

/// A legend name per run: its label and machine id.
pub fn run_names(c: &Comparison) -> Vec<String> {
    c.inputs
        .iter()
        .enumerate()
        .map(|(i, inp)| {
            let base = if i == 0 { ", baseline" } else { "" };
            format!("{}: {}{base}", inp.label, inp.machine.machine_id)
        })
        .collect()
}

pub fn chart(c: &Comparison, g: &Group) -> BarsChart {
    BarsChart {
        group: g.name.clone(),
        runs: run_names(c),
        rows: g
            .rows
            .iter()
            .map(|r| {
                (
                    crate::compare::text::short_case(&r.case, &g.name),
                    r.sides.iter().map(|s| s.median_s).collect(),
                )
            })
            .collect(),
    }
}

impl BarsChart {
    fn legend(&self) -> Vec<Entry> {
        self.runs
            .iter()
            .enumerate()
            .map(|(i, r)| (Mark::Bar(style::run_colour(i)), r.clone()))
            .collect()
    }
}

impl Plot for BarsChart {
    fn info(&self) -> ChartInfo {
        let row_px = BAR_PX * self.runs.len() as u32 + GAP_PX;
        ChartInfo {
            stem: "bars",
            title: format!("{}: median makespan per case, one bar per run", self.group),
            how_to_read: "One row per case; each bar is one run's median makespan (log scale, \
                shorter is faster), the baseline's first. The figure at a bar's end is its value.",
            takeaway: String::new(),
            series: self.runs.clone(),
            size: (style::WIDTH, height(self.rows.len(), row_px)),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let labels: Vec<String> = self.rows.iter().map(|(l, _)| l.clone()).collect();
        let width = plot_width(area.dim_in_pixel().0, &labels);
        let x = self.x_range(width);
        let ticks = spaced_ticks(&x, &decade_ticks(&x), width);
        let mut chart = case_rows(
            &area,
            &labels,
            x.clone(),
            ticks,
            "median makespan, seconds (log scale)",
        )?;
        let runs = self.runs.len().max(1) as f64;
        // A row spans 1.0 in y; the bars share 80 % of it, the baseline's on top.
        let bar = 0.8 / runs;
        let n = self.rows.len();
        let value_font = font(VALUE_FONT).pos(Pos::new(HPos::Left, VPos::Center));
        for (i, (_, medians)) in self.rows.iter().enumerate() {
            let y = row_y(i, n);
            for (j, &m) in medians.iter().enumerate() {
                if !(m.is_finite() && m > 0.0) {
                    continue;
                }
                let m = m.clamp(x.start, x.end);
                let top = y + 0.4 - j as f64 * bar;
                let colour = style::run_colour(j);
                chart.draw_series([Rectangle::new(
                    [(x.start, top - bar * 0.9), (m, top)],
                    colour.filled(),
                )])?;
                let (px, py) = chart.backend_coord(&(m, top - bar * 0.45));
                root.draw(&Text::new(
                    fmt::secs(m),
                    (px + VALUE_PAD as i32, py),
                    value_font.clone(),
                ))?;
            }
        }
        Ok(())
    }
}

impl BarsChart {
    /// The x axis for a plot `width` pixels wide: every median with room either side, and to the
    /// right of each bar room for its value (the widest bar's value decides): a bar of value v at
    /// ln(v / lo) of the axis's ln(hi / lo) leaves (1 − that) × width to its right, which must hold
    /// the label's width w, so ln(hi / v) ≥ ln(v / lo) × w / (width − w).
    pub fn x_range(&self, width: u32) -> std::ops::Range<f64> {
        let values: Vec<f64> = self
            .rows
            .iter()
            .flat_map(|(_, m)| m.iter().copied())
            .filter(|v| v.is_finite() && *v > 0.0)
            .collect();
        let range = log_range(values.iter().copied());
        let lo = range.start;
        let hi = values
            .iter()
            .map(|&v| {
                let v = v.clamp(lo, range.end);
                let w = (text_width(&fmt::secs(v), VALUE_FONT) + 2 * VALUE_PAD) as f64;
                let share = (w / (width as f64 - w).max(1.0)).min(20.0);
                v * ((v / lo).ln() * share).exp()
            })
            .fold(range.end, f64::max);
        lo..hi.min(crate::render::axis::AXIS_LIMIT)
    }
}
