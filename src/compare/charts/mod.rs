//! The compare page's charts: a grouped-bar chart per suite group ([`bars`]) and one ratio chart
//! ([`ratios`]). Both are horizontal, one row per case on a log x axis; this module holds that shared
//! layout, while the frame, fonts, legend and SVG drawing come from [`crate::render`], as the report's do.

pub mod bars;
pub mod ratios;

use crate::render::axis::log_ticks;
use crate::render::chart::DrawResult;
use crate::render::rows;
use crate::render::style::{CASE_LABEL_AREA, TICK_SIZE, X_LABEL_AREA};
use plotters::coord::combinators::{LogCoord, WithKeyPoints};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Verdicts the report never shows, so its palette has no colour for them: amber for `noisy` (a
/// warning, not a change), a light grey for `n/a` (nothing to see), both apart from faster, slower and
/// `~`.
pub const NOISY: RGBColor = RGBColor(0xd9, 0x8c, 0x00);
pub const NOT_TESTED: RGBColor = RGBColor(0xbb, 0xbb, 0xbb);

/// Title, legend band and axis labels: what a chart needs above and below its rows, pixels.
const CHROME: u32 = 170;

/// Height of a chart of `rows` rows, each `row_px` tall.
pub fn height(rows: usize, row_px: u32) -> u32 {
    CHROME + X_LABEL_AREA + rows as u32 * row_px
}

/// Room for the longest case label, within sane bounds (long ids are cut by the SVG's edge otherwise).
fn label_area(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
    (longest * TICK_SIZE * 55 / 100 + 16).clamp(CASE_LABEL_AREA / 2, 2 * CASE_LABEL_AREA)
}

pub type RowChart<'a, B> = rows::RowChart<'a, B, WithKeyPoints<LogCoord<f64>>>;

/// A chart with one labelled row per case, the first at the top (row i at y = n-1-i), over a log x
/// axis from `x` with extra `ticks` labelled beside the 1-2-5 ones.
pub fn case_rows<'a, B: DrawingBackend>(
    area: &'a DrawingArea<B, Shift>,
    labels: &[String],
    x: std::ops::Range<f64>,
    ticks: &[f64],
    x_desc: &str,
) -> DrawResult<RowChart<'a, B>, B> {
    let mut keys = log_ticks(&x);
    keys.extend(ticks.iter().copied().filter(|t| x.contains(t)));
    keys.sort_by(f64::total_cmp);
    keys.dedup();
    let x = x.log_scale().with_key_points(keys);
    rows::case_rows(area, x, labels, label_area(labels), x_desc)
}
