//! The frame of every chart with one labelled row per case (the horizontal bars of the report's
//! sections and of the compare page): the plot area with the case labels on the left, the first case at the top (row i at y = n-1-i), one tick per row, a vertical grid only, and
//! the x axis given by the chart — linear from zero, or logarithmic with its own key points. And the
//! marks of a row that sets a measured bar beside its ideal: the two bars and the whisker.

use super::axis::row_label;
use super::chart::{font, DrawResult};
use super::fmt;
use super::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The chart context [`case_rows`] returns: x as the chart chose, y the rows.
pub type RowChart<'a, B, X> = ChartContext<'a, B, Cartesian2d<X, RangedCoordf64>>;

/// A chart of one row per label over the x axis `x`, the labels in an area `label_area` pixels wide;
/// the mesh is drawn, the rows are the caller's.
pub fn case_rows<'a, B, X>(
    area: &'a DrawingArea<B, Shift>,
    x: X,
    labels: &[String],
    label_area: u32,
    x_desc: &str,
) -> DrawResult<RowChart<'a, B, X::CoordDescType>, B>
where
    B: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let n = labels.len();
    let mut chart = ChartBuilder::on(area)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(label_area)
        // With one label per row allowed, the ticks fall on the whole numbers: one per row.
        .build_cartesian_2d(x, -0.5..n as f64 - 0.5)?;
    chart
        .configure_mesh()
        .bold_line_style(style::GRID)
        .light_line_style(style::GRID_LIGHT)
        .disable_y_mesh()
        .y_labels(n)
        .x_desc(x_desc)
        .x_label_formatter(&|v| fmt::tick(*v))
        .y_label_formatter(&|v| row_label(labels, *v))
        .label_style(font(TICK_SIZE))
        .axis_desc_style(font(style::AXIS_DESC_SIZE))
        .draw()?;
    Ok(chart)
}

/// The y of row `i` of `n`, counted from the top.
pub fn row_y(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

/// The measured bar of the row at `y`: from 0 to `value`, above the row's centre.
pub fn measured_bar<B, X>(
    chart: &mut RowChart<'_, B, X>,
    y: f64,
    value: f64,
    colour: RGBColor,
) -> DrawResult<(), B>
where
    B: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    chart.draw_series([Rectangle::new(
        [(0.0, y + 0.04), (value, y + 0.40)],
        colour.filled(),
    )])?;
    Ok(())
}

/// The ideal's bar of the row at `y`: from 0 to `value`, below the row's centre.
pub fn ideal_bar<B, X>(
    chart: &mut RowChart<'_, B, X>,
    y: f64,
    value: f64,
    colour: RGBColor,
) -> DrawResult<(), B>
where
    B: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    chart.draw_series([Rectangle::new(
        [(0.0, y - 0.40), (value, y - 0.04)],
        colour.filled(),
    )])?;
    Ok(())
}

/// The interval of the median across the measured bar of the row at `y`, with caps at both ends.
pub fn whisker<B, X>(
    chart: &mut RowChart<'_, B, X>,
    y: f64,
    (low, high): (f64, f64),
) -> DrawResult<(), B>
where
    B: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let mid = y + 0.22;
    let stroke = style::TEXT.stroke_width(2);
    chart.draw_series([
        PathElement::new(vec![(low, mid), (high, mid)], stroke),
        PathElement::new(vec![(low, mid - 0.08), (low, mid + 0.08)], stroke),
        PathElement::new(vec![(high, mid - 0.08), (high, mid + 0.08)], stroke),
    ])?;
    Ok(())
}
