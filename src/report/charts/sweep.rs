//! What the two sweep charts share: makespan against a swept parameter, one line per model (a second,
//! dashed line in the same colour for cases measured with the library client), each point's interval
//! of the median as a whisker when it has one, each model's ideal as a dashed grey line, on a log x
//! axis whose ticks are exactly the swept values. Unstable points carry the `!` mark, points whose
//! tasks failed their failure count.

use crate::render::axis;
use crate::render::chart::{font, DrawResult, Entry, Mark};
use crate::render::fmt;
use crate::render::series::{by_model, dashed, model_lines, point_note, whisker, Series};
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::sweep::{Panel, Point};
use crate::report::flags::{self, Flags};
use crate::report::interval;
use plotters::coord::Shift;
use plotters::prelude::*;

pub const IDEAL: &str = "ideal (dashed grey; one line per distinct bound)";
pub const LIBRARY_LINE: &str =
    "short dashes, hollow points (a little to the right): library client (ureq / reqwest)";

// How a point and a panel are drawn lives here, beside the drawing; what they hold lives in
// `data::sweep`, where the takeaways read it.
impl Point {
    /// Where the point is drawn on the x axis: the library's a little to the right of its twin.
    pub fn drawn_x(&self) -> f64 {
        match self.library {
            true => self.x * style::SECOND_DODGE,
            false => self.x,
        }
    }
}

impl Panel {
    /// One line per model and client: the direct client's solid, the library's dashed.
    pub fn series(&self) -> Vec<Series> {
        let line = |library: bool| {
            by_model(
                self.points
                    .iter()
                    .filter(move |p| p.library == library)
                    .map(|p| (p.model.clone(), p.drawn_x(), p.median)),
            )
            .into_iter()
            .map(move |s| Series {
                dashed: library,
                ..s
            })
        };
        line(false).chain(line(true)).collect()
    }

    /// Each model's ideal curve, drawn once when several models share it; cases without an ideal
    /// leave it out.
    pub fn ideals(&self) -> Vec<Vec<(f64, f64)>> {
        let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
        let known = self
            .points
            .iter()
            .filter_map(|p| p.ideal.map(|i| (p.model.clone(), p.x, i)));
        for s in by_model(known) {
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

/// The legend of a sweep chart: every model in any panel, the library line and the whisker when
/// drawn, the ideal, and the marks when some point carries one.
pub fn legend(panels: &[Panel]) -> Vec<Entry> {
    let mut seen: Vec<Entry> = Vec::new();
    for p in panels {
        for s in p.series() {
            if !seen.iter().any(|e| e.1 == s.model) {
                seen.push(s.entry());
            }
        }
    }
    let points = || panels.iter().flat_map(|p| &p.points);
    if points().any(|p| p.library) {
        seen.push((Mark::Dashed(style::TEXT), LIBRARY_LINE.to_string()));
    }
    if let Some(w) = interval::whisker_legend(points().filter_map(|p| p.ci)) {
        seen.push((Mark::Tick(style::TEXT), w));
    }
    seen.push((Mark::Dashed(style::IDEAL), IDEAL.to_string()));
    let flags: Vec<&Flags> = points().map(|p| &p.flags).collect();
    if let Some(l) = flags::legend(&flags) {
        seen.push((Mark::Tick(style::TEXT), l));
    }
    seen
}

/// Caption lines: the points drawn without an ideal, and why.
pub fn notes(panels: &[Panel]) -> Vec<String> {
    let missing: Vec<String> = panels
        .iter()
        .flat_map(|p| &p.points)
        .filter(|p| p.ideal.is_none())
        .map(|p| p.flags.label(&p.label))
        .collect();
    match missing.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "No ideal is known for {}, so none is drawn for it (an external server of unknown \
             workers or delay).",
            missing.join(", ")
        )],
    }
}

/// Draw one panel, log-log: makespans span orders of magnitude across a sweep.
pub fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    x_desc: &str,
) -> DrawResult<(), DB> {
    let xs = panel.xs();
    let dodged = panel.points.iter().map(|p| p.drawn_x());
    let x_range = axis::log_range(xs.iter().copied().chain(dodged));
    let ys = panel.points.iter().flat_map(|p| {
        let ci = p.ci.map_or([None, None], |i| [Some(i.low), Some(i.high)]);
        [Some(p.median), p.ideal, ci[0], ci[1]]
            .into_iter()
            .flatten()
    });
    let caption = (panel.title.as_str(), font(style::SUBTITLE_SIZE + 2));
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(caption.0, caption.1)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA);
    let x = x_range.log_scale().with_key_points(xs.clone());
    let y_range = axis::log_range(ys);
    let y_ticks = axis::log_ticks(&y_range);
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
        match ideal.as_slice() {
            // One swept value: a short level mark, since a line through one point draws nothing.
            [(x, y)] => dashed(&mut chart, &[(x / 1.15, *y), (x * 1.15, *y)], style::IDEAL)?,
            _ => dashed(&mut chart, &ideal, style::IDEAL)?,
        }
    }
    for p in &panel.points {
        if let Some(i) = p.ci {
            whisker(&mut chart, &p.model, p.drawn_x(), (i.low, i.high))?;
        }
    }
    model_lines(&mut chart, &panel.series())?;
    for p in &panel.points {
        let mark = p.flags.mark();
        if !mark.is_empty() && p.median > 0.0 {
            point_note(&mut chart, &p.model, (p.drawn_x(), p.median), mark.trim())?;
        }
    }
    Ok(())
}
