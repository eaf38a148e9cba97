//! What a line chart draws per model in data coordinates: one [`Series`] of points per model, in the
//! model's colour (a second, dashed line with hollow markers for a model's library-client cases),
//! dashed reference lines such as an ideal, whiskers for intervals, and points drawn apart from
//! their line (a hollow square: most of the point's tasks failed). Dashes, caps and offsets are laid
//! out in pixels, so log and linear axes look the same.

use super::chart::{DrawResult, Entry, Mark};
use super::style::{self, LINE_WIDTH};
use crate::names::ModelKind;
use plotters::prelude::*;

/// A dashed line in data coordinates (dashes laid out in pixels, so log axes look the same).
pub fn dashed<B, X, Y>(
    chart: &mut ChartContext<'_, B, Cartesian2d<X, Y>>,
    points: &[(f64, f64)],
    colour: RGBColor,
) -> DrawResult<(), B>
where
    B: DrawingBackend,
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
pub fn model_lines<B, X, Y>(
    chart: &mut ChartContext<'_, B, Cartesian2d<X, Y>>,
    series: &[Series],
) -> DrawResult<(), B>
where
    B: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for s in series {
        let colour = style::model_colour(s.model);
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
pub fn whisker<B, X, Y>(
    chart: &mut ChartContext<'_, B, Cartesian2d<X, Y>>,
    model: ModelKind,
    x: f64,
    (low, high): (f64, f64),
) -> DrawResult<(), B>
where
    B: DrawingBackend,
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

/// A point drawn apart from its model's line: a hollow square in the model's colour (half its
/// tasks or more failed, so its makespan is not the model's).
pub fn hollow_square<B, X, Y>(
    chart: &mut ChartContext<'_, B, Cartesian2d<X, Y>>,
    model: ModelKind,
    at: (f64, f64),
) -> DrawResult<(), B>
where
    B: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let s = style::MARKER_SIZE as i32 + 1;
    let colour = style::model_colour(model);
    chart
        .draw_series([EmptyElement::at(at)
            + Rectangle::new([(-s, -s), (s, s)], colour.stroke_width(LINE_WIDTH))])?;
    Ok(())
}

/// One model's points in a line chart.
#[derive(Debug, Clone)]
pub struct Series {
    pub model: ModelKind,
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed with hollow markers: a second line of the same model (the library client).
    pub dashed: bool,
}

impl Series {
    pub fn entry(&self) -> Entry {
        (
            Mark::Line(style::model_colour(self.model)),
            self.model.to_string(),
        )
    }
}

/// Group (model, x, y) triples into one series per model, in first-seen order, points sorted by x.
pub fn by_model(points: impl IntoIterator<Item = (ModelKind, f64, f64)>) -> Vec<Series> {
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
