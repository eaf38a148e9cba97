//! The grouped-bar chart of one suite group: per case, the median makespan of every run side by side
//! (one bar per run, the baseline on top), on a log axis because a group's cases span orders of
//! magnitude.

use super::{case_rows, height};
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
        let values = self.rows.iter().flat_map(|(_, m)| m.iter().copied());
        let range = log_range(values);
        // Room on the right for the value labels.
        let x = range.start..range.end * 2.0;
        let labels: Vec<String> = self.rows.iter().map(|(l, _)| l.clone()).collect();
        let mut chart = case_rows(
            &area,
            &labels,
            x.clone(),
            &[],
            "median makespan, seconds (log scale)",
        )?;
        let runs = self.runs.len().max(1) as f64;
        // A row spans 1.0 in y; the bars share 80 % of it, the baseline's on top.
        let bar = 0.8 / runs;
        let n = self.rows.len();
        for (i, (_, medians)) in self.rows.iter().enumerate() {
            let y = row_y(i, n);
            for (j, &m) in medians.iter().enumerate() {
                if !(m.is_finite() && m > 0.0) {
                    continue;
                }
                let top = y + 0.4 - j as f64 * bar;
                let colour = style::run_colour(j);
                chart.draw_series([Rectangle::new(
                    [(x.start, top - bar * 0.9), (m, top)],
                    colour.filled(),
                )])?;
                chart.draw_series([Text::new(
                    fmt::secs(m),
                    (m * 1.02, top - bar * 0.45),
                    font(VALUE_SIZE - 3).pos(Pos::new(HPos::Left, VPos::Center)),
                )])?;
            }
        }
        Ok(())
    }
}
