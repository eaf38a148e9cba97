//! Charts: one file per chart kind, each extracting its data from the report, computing its takeaway
//! and drawing itself on any plotters backend; this module draws every kind twice, as SVG text and as a
//! PNG file, and holds what they share: the frame (title, a legend band that never covers data, fonts),
//! model lines (a second, dashed line for a model's library-client cases), whiskers for intervals and
//! the short notes (`!`, failure counts) beside points. A chart whose data is absent from the input is
//! not made at all; a chart may add caption notes that depend on its data.

pub mod cpu;
pub mod io_sweep;
pub mod latency;
pub mod limit_sweep;
pub mod memory;
pub mod seed;
pub mod sweep;
pub mod timeline;

use super::data::ReportData;
use super::style::{self, FONT, LEGEND_SIZE, LINE_WIDTH, MARGIN, TEXT, TITLE_SIZE};
use anyhow::Context;
use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// What a drawing step returns: plotters' own error, so `?` works inside `plot`.
pub type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// What a chart says about itself, beside its picture.
#[derive(Debug, Clone)]
pub struct ChartInfo {
    /// File name without extension: `seed` → charts/seed.svg and charts/seed.png.
    pub stem: &'static str,
    pub title: String,
    /// How to read the axes and marks (fixed: it describes the chart, not the data).
    pub how_to_read: &'static str,
    /// One sentence computed from the data.
    pub takeaway: String,
    /// Names in the legend: the series a reader looks for.
    pub series: Vec<String>,
    pub size: (u32, u32),
}

/// One chart kind, drawn on any backend.
pub trait Plot {
    fn info(&self) -> ChartInfo;
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB>;
    /// Caption lines that depend on the data (what a figure includes, which cases have no ideal and
    /// why, the constants an ideal used), shown under the takeaway.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A chart as the report uses it: its description, drawn as SVG text or a PNG file.
pub trait Chart {
    fn info(&self) -> ChartInfo;
    fn notes(&self) -> Vec<String>;
    fn svg(&self) -> anyhow::Result<String>;
    fn png(&self, path: &Path) -> anyhow::Result<()>;
}

impl<T: Plot> Chart for T {
    fn info(&self) -> ChartInfo {
        Plot::info(self)
    }

    fn notes(&self) -> Vec<String> {
        Plot::notes(self)
    }

    fn svg(&self) -> anyhow::Result<String> {
        style::ensure_font();
        let info = Plot::info(self);
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, info.size).into_drawing_area();
            self.plot(&root)
                .and_then(|_| root.present())
                .map_err(|e| anyhow::anyhow!("drawing the {} chart: {e}", info.stem))?;
        }
        Ok(out)
    }

    fn png(&self, path: &Path) -> anyhow::Result<()> {
        style::ensure_font();
        let info = Plot::info(self);
        let root = BitMapBackend::new(path, info.size).into_drawing_area();
        self.plot(&root)
            .and_then(|_| root.present())
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Every chart the data allows, in reading order.
pub fn all(data: &ReportData) -> Vec<Box<dyn Chart>> {
    [
        seed::chart(data),
        timeline::chart(data),
        latency::chart(data),
        io_sweep::chart(data),
        limit_sweep::chart(data),
        cpu::chart(data),
        memory::chart(data),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every chart file stem there is, drawn or not: stale files of an earlier report are removed by it.
pub const ALL_STEMS: [&str; 7] = [
    "seed",
    "timeline",
    "latency",
    "io-sweep",
    "limit-sweep",
    "cpu",
    "memory",
];

pub fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&TEXT)
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    Bar(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    /// A short vertical stroke: a reference value on a bar.
    Tick(RGBColor),
}

/// A legend entry: its mark and its name.
pub type Entry = (Mark, String);

const SWATCH: i32 = 22;
const LEGEND_ROW: i32 = 22;

/// White background, the title, and a legend band above the plot (so no legend ever hides data);
/// returns the area left for the plot.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &[Entry],
) -> DrawResult<DrawingArea<DB, Shift>, DB> {
    root.fill(&WHITE)?;
    let body = root.titled(title, font(TITLE_SIZE))?;
    let (width, _) = body.dim_in_pixel();
    let style = font(LEGEND_SIZE);
    // Lay the entries out left to right, wrapping when a row is full.
    let mut placed: Vec<(i32, i32, &Entry)> = Vec::new();
    let (mut x, mut row) = (MARGIN as i32, 0);
    for entry in legend {
        let (tw, _) = body.estimate_text_size(&entry.1, &style)?;
        let w = SWATCH + 6 + tw as i32 + 20;
        if x + w > width as i32 - MARGIN as i32 && x > MARGIN as i32 {
            x = MARGIN as i32;
            row += 1;
        }
        placed.push((x, row, entry));
        x += w;
    }
    if placed.is_empty() {
        return Ok(body);
    }
    let height = (row + 1) * LEGEND_ROW + 8;
    let (band, plot) = body.split_vertically(height);
    for (x, row, (mark, name)) in placed {
        let y = row * LEGEND_ROW + LEGEND_ROW / 2;
        draw_mark(&band, *mark, x, y)?;
        band.draw(&Text::new(
            name.clone(),
            (x + SWATCH + 6, y),
            style.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(plot)
}

fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mark: Mark,
    x: i32,
    y: i32,
) -> DrawResult<(), DB> {
    match mark {
        Mark::Bar(c) => area.draw(&Rectangle::new(
            [(x, y - 6), (x + SWATCH, y + 6)],
            c.filled(),
        )),
        Mark::Line(c) => {
            area.draw(&PathElement::new(
                vec![(x, y), (x + SWATCH, y)],
                c.stroke_width(LINE_WIDTH),
            ))?;
            area.draw(&Circle::new((x + SWATCH / 2, y), 3, c.filled()))
        }
        Mark::Dashed(c) => {
            for dx in [0, 9, 18] {
                area.draw(&PathElement::new(
                    vec![(x + dx, y), (x + dx + 5, y)],
                    c.stroke_width(LINE_WIDTH),
                ))?;
            }
            Ok(())
        }
        Mark::Tick(c) => area.draw(&PathElement::new(
            vec![(x + SWATCH / 2, y - 8), (x + SWATCH / 2, y + 8)],
            c.stroke_width(3),
        )),
    }
}

/// A dashed line in data coordinates (dashes laid out in pixels, so log axes look the same).
pub fn dashed<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    points: &[(f64, f64)],
    colour: RGBColor,
) -> DrawResult<(), DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    chart.draw_series(DashedLineSeries::new(
        points.iter().copied(),
        style::IDEAL_DASH.0,
        style::IDEAL_DASH.1,
        colour.stroke_width(LINE_WIDTH),
    ))?;
    Ok(())
}

/// Draw one line with point markers per named series, in the model's colour.
pub fn model_lines<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    series: &[Series],
) -> DrawResult<(), DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for s in series {
        let colour = style::model_colour(&s.model);
        if s.dashed {
            chart.draw_series(DashedLineSeries::new(
                s.points.iter().copied(),
                style::SECOND_DASH.0,
                style::SECOND_DASH.1,
                colour.stroke_width(LINE_WIDTH),
            ))?;
            // Hollow markers: the second line of a model reads apart from its first in grey print.
            chart.draw_series(
                s.points
                    .iter()
                    .map(|&p| Circle::new(p, style::MARKER_SIZE, colour.stroke_width(LINE_WIDTH))),
            )?;
        } else {
            chart.draw_series(LineSeries::new(
                s.points.iter().copied(),
                colour.stroke_width(LINE_WIDTH),
            ))?;
            chart.draw_series(
                s.points
                    .iter()
                    .map(|&p| Circle::new(p, style::MARKER_SIZE, colour.filled())),
            )?;
        }
    }
    Ok(())
}

/// A point's interval as a vertical whisker with caps, in the model's colour. Only points with an
/// interval get one: a single sample is drawn as a bare point.
pub fn whisker<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    model: &str,
    x: f64,
    (low, high): (f64, f64),
) -> DrawResult<(), DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let colour = style::model_colour(model).stroke_width(style::WHISKER_WIDTH);
    let cap = style::WHISKER_CAP as i32;
    chart.draw_series([PathElement::new(vec![(x, low), (x, high)], colour)])?;
    // Caps in pixels, so they look the same on log and linear axes.
    chart.draw_series(
        [low, high].map(|y| {
            EmptyElement::at((x, y)) + PathElement::new(vec![(-cap, 0), (cap, 0)], colour)
        }),
    )?;
    Ok(())
}

/// A short text beside a point (the unstable mark, a failure count), in the model's colour.
pub fn point_note<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    model: &str,
    at: (f64, f64),
    label: &str,
) -> DrawResult<(), DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let offset = (
        style::MARKER_SIZE as i32 + 3,
        -(style::MARKER_SIZE as i32) - 2,
    );
    let colour = style::model_colour(model);
    let text = font(style::VALUE_SIZE)
        .color(&colour)
        .pos(Pos::new(HPos::Left, VPos::Bottom));
    chart.draw_series([EmptyElement::at(at) + Text::new(label.to_string(), offset, text)])?;
    Ok(())
}

/// One model's points in a line chart.
#[derive(Debug, Clone)]
pub struct Series {
    pub model: String,
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed with hollow markers: a second line of the same model (the library client).
    pub dashed: bool,
}

impl Series {
    pub fn entry(&self) -> Entry {
        (
            Mark::Line(style::model_colour(&self.model)),
            self.model.clone(),
        )
    }
}

/// Group (model, x, y) triples into one series per model, in first-seen order, points sorted by x.
pub fn by_model(points: impl IntoIterator<Item = (String, f64, f64)>) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for (model, x, y) in points {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        match out.iter_mut().find(|s| s.model == model) {
            Some(s) => s.points.push((x, y)),
            None => out.push(Series {
                model,
                points: vec![(x, y)],
                dashed: false,
            }),
        }
    }
    for s in &mut out {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

/// The label of a horizontal chart's row at y = `v`, rows laid out from the top at y = n-1-i so
/// the first label reads first; empty between rows.
pub fn row_label(labels: &[String], v: f64) -> String {
    let i = labels.len() as f64 - 1.0 - v.round();
    match (v.fract() == 0.0 && i >= 0.0, labels.get(i as usize)) {
        (true, Some(l)) => l.clone(),
        _ => String::new(),
    }
}

/// The largest magnitude an axis takes (10¹²: 32,000 years in seconds, an exabyte in KiB). A result file
/// may hold any finite number; a chart must still finish, so values beyond are drawn at the limit.
pub const AXIS_LIMIT: f64 = 1e12;

/// A value an axis can hold: finite, clamped to ±[`AXIS_LIMIT`].
pub fn on_axis(v: f64) -> Option<f64> {
    v.is_finite().then(|| v.clamp(-AXIS_LIMIT, AXIS_LIMIT))
}

/// The top of a linear axis from 0 holding every value: the largest (at least `floor`) times `room`.
pub fn linear_top(values: impl IntoIterator<Item = f64>, floor: f64, room: f64) -> f64 {
    values.into_iter().filter_map(on_axis).fold(floor, f64::max) * room
}

/// A log axis range that holds every value with a little room either side.
pub fn log_range(values: impl IntoIterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(|v| v.clamp(1.0 / AXIS_LIMIT, AXIS_LIMIT))
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return 0.1..10.0;
    }
    lo / 1.3..hi * 1.3
}

/// Ticks for a log axis: 1, 2 and 5 times each power of ten inside the range, so every decade is
/// labelled however narrow the range.
pub fn log_ticks(range: &std::ops::Range<f64>) -> Vec<f64> {
    let mut out = Vec::new();
    // An infinite or absurd range would ask for billions of decades: never more than the axis holds.
    let limit = (1.3 / AXIS_LIMIT)..(AXIS_LIMIT * 1.3);
    let sane = range.start > 0.0
        && range.end > range.start
        && limit.contains(&range.start)
        && limit.contains(&range.end);
    if !sane {
        return out;
    }
    let first = range.start.log10().floor() as i32;
    let last = range.end.log10().ceil() as i32;
    for e in first..=last {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(e);
            if range.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}
