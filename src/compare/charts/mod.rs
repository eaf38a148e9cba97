//! The compare page's charts: the groups' summary and each group's cases as ratios to the baseline
//! ([`ratios`]), and a grouped-bar chart of each group's medians ([`bars`]). All are horizontal, one
//! row per case (or group) on a log x axis; this module holds that shared layout — how wide a row's
//! label and a value's label are, which ticks fit the axis without their labels touching — while the
//! frame, fonts, legend and SVG drawing come from [`crate::render`], as the report's do. Labels are
//! placed from estimates of their width that err wide (see [`text_width`]), so none overlaps another
//! or leaves the picture.

pub mod bars;
pub mod ratios;

use crate::render::chart::DrawResult;
use crate::render::fmt;
use crate::render::rows;
use crate::render::style::{CASE_LABEL_AREA, MARGIN, TICK_SIZE, X_LABEL_AREA};
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

/// Pixels a line of `text` takes at font `size` (plotters' size; the SVG's font-size is 1/1.24 of
/// it), erring wide: 0.55 of the size per character is 0.68 em of the SVG's font, more than DejaVu
/// Sans's digits (0.64 em) and most of its letters. Layout reserves this much, so a label placed by
/// it never reaches its neighbour.
pub fn text_width(text: &str, size: u32) -> u32 {
    (text.chars().count() as u32 * size * 55).div_ceil(100)
}

/// The widest a row's label area may be; longer labels are shortened to fit (see [`fit_label`]).
const MAX_LABEL_AREA: u32 = 2 * CASE_LABEL_AREA;
/// Room between a row's label and the axis (plotters' tick and gap), pixels.
const LABEL_PAD: u32 = 16;

/// Room for the longest row label, within sane bounds.
fn label_area(labels: &[String]) -> u32 {
    let widest = labels
        .iter()
        .map(|l| text_width(l, TICK_SIZE))
        .max()
        .unwrap_or(0);
    (widest + LABEL_PAD).clamp(CASE_LABEL_AREA / 2, MAX_LABEL_AREA)
}

/// `label` shortened in the middle (`io/threads/n243…-library`) to what a row's label area holds;
/// the table under the chart gives it whole.
pub fn fit_label(label: &str) -> String {
    let room = ((MAX_LABEL_AREA - LABEL_PAD) * 100 / (TICK_SIZE * 55)) as usize;
    let chars: Vec<char> = label.chars().collect();
    if chars.len() <= room {
        return label.to_string();
    }
    let keep = room - 1;
    let head: String = chars[..keep / 2].iter().collect();
    let tail: String = chars[chars.len() - (keep - keep / 2)..].iter().collect();
    format!("{head}…{tail}")
}

/// Width in pixels of the plot inside an area `area_width` wide whose rows are labelled `labels`:
/// what [`case_rows`] leaves between the label area and the right margin.
pub fn plot_width(area_width: u32, labels: &[String]) -> u32 {
    area_width.saturating_sub(2 * MARGIN + label_area(labels))
}

/// Of `candidates`, in order of preference, the ticks whose labels fit an axis `width` pixels wide
/// over the log range `x` without touching: each label centred on its tick and kept a quarter of its
/// width (at least 8 px) from the next, and inside the axis.
pub fn spaced_ticks(x: &std::ops::Range<f64>, candidates: &[f64], width: u32) -> Vec<f64> {
    let (lo, hi) = (x.start.ln(), x.end.ln());
    let px = |v: f64| (v.ln() - lo) / (hi - lo) * width as f64;
    let mut taken: Vec<(f64, f64)> = Vec::new();
    let mut ticks = Vec::new();
    for &v in candidates {
        if !(v > x.start && v < x.end) || ticks.contains(&v) {
            continue;
        }
        let w = text_width(&fmt::tick(v), TICK_SIZE) as f64;
        let gap = (w / 4.0).max(8.0);
        let (left, right) = (px(v) - w / 2.0 - gap, px(v) + w / 2.0 + gap);
        if left < -gap || right > width as f64 + gap {
            continue;
        }
        if taken.iter().all(|&(l, r)| right <= l || left >= r) {
            taken.push((left, right));
            ticks.push(v);
        }
    }
    ticks.sort_by(f64::total_cmp);
    ticks
}

/// 1, 2 and 5 times each power of ten in `x`, the powers of ten first: the ticks of a log axis of
/// seconds, in order of preference for [`spaced_ticks`].
pub fn decade_ticks(x: &std::ops::Range<f64>) -> Vec<f64> {
    let mut ticks = crate::render::axis::log_ticks(x);
    // Stable: within a rank, the order of the axis.
    ticks.sort_by_key(
        |v| match (v / 10f64.powf(v.log10().floor())).round() as u8 {
            1 => 0,
            2 => 1,
            _ => 2,
        },
    );
    ticks
}

pub type RowChart<'a, B> = rows::RowChart<'a, B, WithKeyPoints<LogCoord<f64>>>;

/// A chart with one labelled row per case, the first at the top (row i at y = n-1-i), over a log x
/// axis from `x` with exactly these `ticks` labelled. Labels too long for the label area are
/// shortened (see [`fit_label`]).
pub fn case_rows<'a, B: DrawingBackend>(
    area: &'a DrawingArea<B, Shift>,
    labels: &[String],
    x: std::ops::Range<f64>,
    ticks: Vec<f64>,
    x_desc: &str,
) -> DrawResult<RowChart<'a, B>, B> {
    let labels: Vec<String> = labels.iter().map(|l| fit_label(l)).collect();
    let x = x.log_scale().with_key_points(ticks);
    rows::case_rows(area, x, &labels, label_area(&labels), x_desc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_shortened_in_the_middle_to_fit() {
        let long = "pipeline/threads/n1000-winf-0s-s3.4.5-q8-5ms-c2ms-6ms-and-then-some-more";
        let short = fit_label(long);
        assert!(short.starts_with("pipeline/threads") && short.ends_with("some-more"));
        assert!(label_area(std::slice::from_ref(&short)) <= MAX_LABEL_AREA);
        assert!(
            text_width(&short, TICK_SIZE) + LABEL_PAD <= MAX_LABEL_AREA,
            "{short}"
        );
        assert_eq!(fit_label("io/async/n3"), "io/async/n3");
    }

    #[test]
    fn ticks_keep_apart_and_prefer_the_first_candidates() {
        // 0.4 to 2.5 on 300 px: 1, 0.5 and 2 first; 0.9, 1.1 and 1.2 would crowd 1 and are left out.
        let x = 0.4..2.5;
        let ticks = spaced_ticks(&x, &[1.0, 0.5, 2.0, 0.8, 1.2, 0.9, 1.1], 300);
        assert!(ticks.contains(&1.0) && ticks.contains(&0.5) && ticks.contains(&2.0));
        assert!(!ticks.contains(&1.1), "{ticks:?}");
        let px = |v: f64| (v.ln() - x.start.ln()) / (x.end.ln() - x.start.ln()) * 300.0;
        for w in ticks.windows(2) {
            let half = |v: f64| text_width(&fmt::tick(v), TICK_SIZE) as f64 / 2.0;
            assert!(px(w[1]) - px(w[0]) >= half(w[0]) + half(w[1]), "{ticks:?}");
        }
        // Wide enough, they all fit.
        assert_eq!(spaced_ticks(&x, &[1.0, 1.1, 0.9], 3000).len(), 3);
    }

    #[test]
    fn decades_come_first() {
        assert_eq!(
            decade_ticks(&(0.06..30.0)),
            [0.1, 1.0, 10.0, 0.2, 2.0, 20.0, 0.5, 5.0]
        );
    }
}
