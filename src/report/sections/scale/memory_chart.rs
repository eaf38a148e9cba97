//! The scale memory chart: peak RSS per task above the base against the tasks started, log-log, one
//! solid line per sleeping model as the harness ran it, a dashed line in the same colour for the bare
//! program of its shape (run right after each repetition), and the published figures of other
//! machines as labelled × marks in the colour of the model whose shape they ran. Every figure is taken
//! the same way (see `tables::INCLUDES`).

use super::data::{self, Origin, RssPoint, RssSeries};
use super::sentences;
use super::tables::INCLUDES;
use crate::names::ModelKind;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::notes::PointNotes;
use crate::render::series::{model_lines, Series};
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How far the x axis runs past the largest N, as a factor on its log scale: a published mark's
/// label there still fits.
const LABEL_ROOM: f64 = 3.0;

pub struct ScaleMemoryChart {
    pub series: Vec<RssSeries>,
    pub overheads: Vec<data::Overhead>,
}

pub const BARE: &str = "dashed, hollow points: the bare program of the model's shape";
pub const PUBLISHED: &str = "published, other machines (≤: one point, base included)";

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let series = data::memory(data);
    let drawable = series
        .iter()
        .any(|s| matches!(s.origin, Origin::Harness(_)) && s.points.iter().any(drawn));
    let overheads = data::overheads(&series, data);
    drawable.then(|| Box::new(ScaleMemoryChart { series, overheads }) as Box<dyn Chart>)
}

/// A point a log axis can show: a figure above zero.
fn drawn(p: &RssPoint) -> bool {
    p.per_task_kib.is_some_and(|k| k > 0.0 && k.is_finite())
}

/// A series' drawable points, one per number of units started: two steps the OS cut at the same
/// count (20,000 and 30,000 threads, both stopped at the kernel's limit) are one point, the first.
fn drawable(s: &RssSeries) -> Vec<&RssPoint> {
    let mut out: Vec<&RssPoint> = Vec::new();
    for p in s.points.iter().filter(|p| drawn(p)) {
        if !out.iter().any(|q| q.units == p.units) {
            out.push(p);
        }
    }
    out
}

/// The model whose colour a series takes.
fn colour_model(s: &RssSeries) -> ModelKind {
    match s.origin {
        Origin::Harness(m) | Origin::Bare(m) => m,
        Origin::Published(p) => data::model_of(p.shape),
    }
}

impl ScaleMemoryChart {
    /// The measured lines: the harness's solid, the bare programs' dashed.
    fn lines(&self) -> Vec<Series> {
        self.series
            .iter()
            .filter(|s| !matches!(s.origin, Origin::Published(_)))
            .map(|s| Series {
                model: colour_model(s),
                points: drawable(s)
                    .into_iter()
                    .map(|p| (p.units as f64, p.per_task_kib.unwrap_or(0.0)))
                    .collect(),
                dashed: matches!(s.origin, Origin::Bare(_)),
            })
            .filter(|s| !s.points.is_empty())
            .collect()
    }

    fn legend(&self) -> Vec<Entry> {
        let mut legend: Vec<Entry> = self
            .series
            .iter()
            .filter(|s| matches!(s.origin, Origin::Harness(_)))
            .map(|s| {
                (
                    Mark::Line(style::model_colour(colour_model(s))),
                    s.label.clone(),
                )
            })
            .collect();
        if self
            .series
            .iter()
            .any(|s| matches!(s.origin, Origin::Bare(_)))
        {
            legend.push((Mark::Dashed(style::TEXT), BARE.to_string()));
        }
        if self
            .series
            .iter()
            .any(|s| matches!(s.origin, Origin::Published(_)))
        {
            legend.push((Mark::Cross(style::TEXT), PUBLISHED.to_string()));
        }
        let flags: Vec<&Flags> = self
            .series
            .iter()
            .flat_map(|s| &s.points)
            .map(|p| &p.flags)
            .collect();
        if let Some(f) = flags::legend(&flags) {
            legend.push((Mark::Tick(style::TEXT), f));
        }
        legend
    }
}

impl Plot for ScaleMemoryChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "scale-memory",
            title: "Memory per task at scale, beside the bare programs and the published figures"
                .into(),
            how_to_read: "What one more sleeping task adds to peak resident memory, against the \
                tasks started, both on log scales. Solid lines: the models as the harness ran them; \
                dashed lines with hollow points in the same colour: the bare program of that shape \
                (no harness at all), run right after each repetition; the gap between the two is \
                what the harness adds per task. × marks: figures published from other machines, in \
                the colour of the model whose shape they ran, labelled with their source. Every \
                figure is the growth above its series' base, not peak / N (see the notes).",
            takeaway: sentences::scale_memory(&self.series, &self.overheads),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT + 80),
        }
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = vec![INCLUDES.to_string()];
        for s in &self.series {
            if let Some(n) = s.failed_at {
                notes.push(format!(
                    "{} failed at N = {}: no figure there.",
                    s.label,
                    fmt::count(n as u64)
                ));
            }
            for p in s.points.iter().filter(|p| p.units < p.asked) {
                notes.push(format!(
                    "{} at N = {}: {} started before {}; its figure is per unit started.",
                    s.label,
                    fmt::count(p.asked as u64),
                    fmt::count(p.units as u64),
                    p.refused.as_deref().unwrap_or("the next was refused")
                ));
            }
            let hidden: Vec<String> = s
                .points
                .iter()
                .filter(|p| p.per_task_kib.is_some() && !drawn(p))
                .map(|p| format!("N = {}", fmt::count(p.asked as u64)))
                .collect();
            if !hidden.is_empty() {
                notes.push(format!(
                    "{} not drawn at {}: it grew no more than its base's own noise, which a log \
                     axis cannot show.",
                    s.label,
                    hidden.join(", ")
                ));
            }
        }
        notes
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let all = || {
            self.series
                .iter()
                .flat_map(|s| &s.points)
                .filter(|p| drawn(p))
        };
        let mut xs: Vec<f64> = all().map(|p| p.units as f64).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let x_range = axis::log_range(xs.iter().copied());
        let x_ticks = axis::log_ticks(&x_range);
        // Room on the right for the label beside the last published mark.
        let x_range = x_range.start..x_range.end * LABEL_ROOM;
        let y_range = axis::log_range(all().filter_map(|p| p.per_task_kib));
        let y_ticks = axis::log_ticks(&y_range);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA + 10)
            .build_cartesian_2d(
                x_range.log_scale().with_key_points(x_ticks),
                y_range.log_scale().with_key_points(y_ticks),
            )?;
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_desc("tasks started (log scale)")
            .y_desc("memory per task above the base (log scale)")
            .x_label_formatter(&|v| fmt::count(v.round() as u64))
            .y_label_formatter(&|v| format!("{} KiB", fmt::tick(*v)))
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        model_lines(&mut chart, &self.lines())?;
        let mut notes = PointNotes::new();
        for s in &self.series {
            let model = colour_model(s);
            match s.origin {
                Origin::Published(p) => {
                    let colour = style::model_colour(model);
                    let label_style = font(style::VALUE_SIZE)
                        .color(&colour)
                        .pos(Pos::new(HPos::Left, VPos::Center));
                    for pt in s.points.iter().filter(|p| drawn(p)) {
                        let at = (pt.units as f64, pt.per_task_kib.unwrap_or(0.0));
                        let bound = if pt.upper_bound { "≤ " } else { "" };
                        chart.draw_series([EmptyElement::at(at)
                            + Cross::new(
                                (0, 0),
                                style::CROSS_SIZE,
                                colour.stroke_width(style::LINE_WIDTH),
                            )
                            + Text::new(
                                format!("{bound}{}", p.source.name),
                                (style::CROSS_SIZE as i32 + 4, 0),
                                label_style.clone(),
                            )])?;
                    }
                }
                _ => {
                    for pt in drawable(s) {
                        let mark = pt.flags.mark();
                        if !mark.is_empty() {
                            let at = (pt.units as f64, pt.per_task_kib.unwrap_or(0.0));
                            notes.draw(&mut chart, model, at, mark.trim())?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
