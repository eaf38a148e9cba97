//! What the two sweep charts share: makespan against a swept parameter, one line per model, each
//! model's ideal as a dashed grey line, on a log x axis whose ticks are exactly the swept values.

use super::{by_model, dashed, font, model_lines, DrawResult, Entry, Mark, Series};
use crate::report::fmt;
use crate::report::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::results::CaseResult;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One measured point of a sweep.
#[derive(Debug, Clone)]
pub struct Point {
    pub model: String,
    pub label: String,
    /// The swept value (N or k).
    pub x: f64,
    pub median: f64,
    pub ideal: f64,
    pub efficiency: f64,
}

impl Point {
    pub fn of(c: &CaseResult, x: usize) -> Point {
        Point {
            model: c.params.model.clone(),
            label: crate::report::data::label(c),
            x: x as f64,
            median: c.summary.makespan.median,
            ideal: c.ideal_s.unwrap_or(f64::NAN),
            efficiency: c.summary.efficiency.unwrap_or(f64::NAN),
        }
    }
}

/// One panel: the points measured against one server.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub points: Vec<Point>,
}

pub const IDEAL: &str = "ideal (dashed; one line per distinct bound)";

impl Panel {
    pub fn series(&self) -> Vec<Series> {
        by_model(self.points.iter().map(|p| (p.model.clone(), p.x, p.median)))
    }

    /// Each model's ideal curve, drawn once when several models share it.
    pub fn ideals(&self) -> Vec<Vec<(f64, f64)>> {
        let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
        for s in by_model(self.points.iter().map(|p| (p.model.clone(), p.x, p.ideal))) {
            if !out.contains(&s.points) {
                out.push(s.points);
            }
        }
        out
    }

    fn xs(&self) -> Vec<f64> {
        let mut xs: Vec<f64> = self.points.iter().map(|p| p.x).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        xs
    }
}

/// The legend of a sweep chart: every model in any panel, then the ideal.
pub fn legend(panels: &[Panel]) -> Vec<Entry> {
    let mut seen: Vec<Entry> = Vec::new();
    for p in panels {
        for s in p.series() {
            if !seen.iter().any(|e| e.1 == s.model) {
                seen.push(s.entry());
            }
        }
    }
    seen.push((Mark::Dashed(style::IDEAL), IDEAL.to_string()));
    seen
}

/// Draw one panel, log-log: makespans span orders of magnitude across a sweep.
pub fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    x_desc: &str,
) -> DrawResult<(), DB> {
    let xs = panel.xs();
    let x_range = super::log_range(xs.iter().copied());
    let ys = panel.points.iter().flat_map(|p| [p.median, p.ideal]);
    let caption = (panel.title.as_str(), font(style::SUBTITLE_SIZE + 2));
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(caption.0, caption.1)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA);
    let x = x_range.log_scale().with_key_points(xs.clone());
    let y_range = super::log_range(ys);
    let y_ticks = super::log_ticks(&y_range);
    let mut chart = builder.build_cartesian_2d(x, y_range.log_scale().with_key_points(y_ticks))?;
    chart
        .configure_mesh()
        .bold_line_style(style::GRID)
        .light_line_style(style::GRID_LIGHT)
        .x_desc(x_desc)
        .y_desc("makespan, seconds (log scale)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| fmt::tick(*v))
        .label_style(font(TICK_SIZE))
        .axis_desc_style(font(style::AXIS_DESC_SIZE))
        .draw()?;
    for ideal in panel.ideals() {
        dashed(&mut chart, &ideal, style::IDEAL)?;
    }
    model_lines(&mut chart, &panel.series())
}
