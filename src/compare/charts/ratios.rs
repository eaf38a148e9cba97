//! The ratio chart: every matched case's median makespan relative to the baseline's, with its 95 %
//! interval, on a log axis (so 2× slower and 2× faster are the same distance from 1.0), a line at 1.0,
//! and each point coloured and labelled by its verdict: faster, slower, `~`, `noisy` (a side is
//! unstable), or `n/a` (too few samples: a hollow dot, since there is no verdict to colour).

use super::{case_rows, height, NOISY, NOT_TESTED};
use crate::compare::comparison::{Comparison, Verdict};
use crate::render::axis::log_range;
use crate::render::chart::{font, frame, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::rows::row_y;
use crate::render::style::{self, MARKER_SIZE, VALUE_SIZE};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const POINT_PX: u32 = 18;
const GAP_PX: u32 = 10;

// Not "significant": a verdict of the range rule has no p-value, and is a verdict all the same.
pub const FASTER: &str = "faster, beyond the threshold";
pub const SLOWER: &str = "slower, beyond the threshold";
pub const SAME: &str = "~ no change found";
pub const NOISY_NAME: &str = "noisy (a side is unstable: no claim)";
pub const NOT_TESTED_NAME: &str = "n/a (too few samples to test)";
pub const PARITY: &str = "1.0 = as fast as the baseline";

/// One run against the baseline for one case.
#[derive(Debug, Clone)]
pub struct Point {
    /// The run's label (`B`, `C`, …).
    pub run: String,
    pub ratio: f64,
    pub ci: (f64, f64),
    pub verdict: Verdict,
}

pub struct RatioChart {
    pub baseline: String,
    /// Full case ids (every group in one chart) and one point per non-baseline run.
    pub rows: Vec<(String, Vec<Point>)>,
}

pub fn chart(c: &Comparison) -> RatioChart {
    RatioChart {
        baseline: c.inputs[0].label.clone(),
        rows: c
            .groups
            .iter()
            .flat_map(|g| &g.rows)
            .map(|r| {
                let points = r
                    .versus
                    .iter()
                    .map(|v| Point {
                        run: v.label.clone(),
                        ratio: v.ratio,
                        ci: (v.ci_low, v.ci_high),
                        verdict: v.verdict,
                    })
                    .collect();
                (r.case.clone(), points)
            })
            .collect(),
    }
}

fn colour(v: Verdict) -> RGBColor {
    match v {
        Verdict::Faster => style::FASTER,
        Verdict::Slower => style::SLOWER,
        Verdict::Same => style::UNCHANGED,
        Verdict::Noisy => NOISY,
        Verdict::NotTested => NOT_TESTED,
    }
}

impl RatioChart {
    fn legend(&self) -> Vec<Entry> {
        let mut entries = vec![
            (Mark::Bar(style::FASTER), FASTER.to_string()),
            (Mark::Bar(style::SLOWER), SLOWER.to_string()),
            (Mark::Bar(style::UNCHANGED), SAME.to_string()),
        ];
        // Only when present: most comparisons have neither, and a legend names what the chart shows.
        let has = |v: Verdict| {
            self.rows
                .iter()
                .flat_map(|(_, p)| p)
                .any(|p| p.verdict == v)
        };
        if has(Verdict::Noisy) {
            entries.push((Mark::Bar(NOISY), NOISY_NAME.to_string()));
        }
        if has(Verdict::NotTested) {
            entries.push((Mark::Bar(NOT_TESTED), NOT_TESTED_NAME.to_string()));
        }
        entries.push((Mark::Tick(style::REFERENCE), PARITY.to_string()));
        entries
    }

    fn runs(&self) -> usize {
        self.rows
            .iter()
            .map(|(_, p)| p.len())
            .max()
            .unwrap_or(1)
            .max(1)
    }
}

impl Plot for RatioChart {
    fn info(&self) -> ChartInfo {
        let row_px = POINT_PX * self.runs() as u32 + GAP_PX;
        ChartInfo {
            stem: "ratios",
            title: format!("Each run relative to the baseline {}", self.baseline),
            how_to_read: "One row per case: the dot is the ratio of median makespans (run ÷ \
                baseline, log scale: left of the 1.0 line is faster), the whisker its 95 % interval. \
                Green and red mark changes beyond the threshold that the rank test (Holm within \
                the group) or, for few samples, the range rule established; grey ones are ~ (no \
                such change); amber ones are noisy (a side is unstable); hollow light-grey ones \
                n/a (too few samples to test).",
            takeaway: String::new(),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, height(self.rows.len(), row_px)),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let values = self
            .rows
            .iter()
            .flat_map(|(_, ps)| ps.iter().flat_map(|p| [p.ratio, p.ci.0, p.ci.1]))
            .chain([1.0]);
        let range = log_range(values);
        // Room on the right for the verdict labels.
        let x = range.start..range.end * 1.8;
        let labels: Vec<String> = self.rows.iter().map(|(l, _)| l.clone()).collect();
        // A narrow range around 1.0 would get a single 1-2-5 tick; these keep the axis readable.
        let fine = [0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.5];
        let desc = format!("median makespan ÷ baseline {} (log scale)", self.baseline);
        let mut chart = case_rows(&area, &labels, x.clone(), &fine, &desc)?;
        let n = self.rows.len();
        chart.draw_series([PathElement::new(
            vec![(1.0, -0.5), (1.0, n as f64 - 0.5)],
            style::REFERENCE.stroke_width(2),
        )])?;
        let runs = self.runs() as f64;
        let step = 0.8 / runs;
        for (i, (_, points)) in self.rows.iter().enumerate() {
            for (j, p) in points.iter().enumerate() {
                if !(p.ratio.is_finite() && p.ratio > 0.0) {
                    continue;
                }
                let y = row_y(i, n) + 0.4 - step * (j as f64 + 0.5);
                let c = colour(p.verdict);
                let whisker = c.stroke_width(2);
                let (lo, hi) = (p.ci.0.max(x.start), p.ci.1.min(x.end));
                let cap = step * 0.25;
                chart.draw_series([
                    PathElement::new(vec![(lo, y), (hi, y)], whisker),
                    PathElement::new(vec![(lo, y - cap), (lo, y + cap)], whisker),
                    PathElement::new(vec![(hi, y - cap), (hi, y + cap)], whisker),
                ])?;
                let dot = if p.verdict == Verdict::NotTested {
                    c.stroke_width(2)
                } else {
                    c.filled()
                };
                chart.draw_series([Circle::new((p.ratio, y), MARKER_SIZE + 1, dot)])?;
                let text = match p.verdict {
                    Verdict::Same if points.len() == 1 => format!("{:.2}×", p.ratio),
                    Verdict::Same => format!("{}: {:.2}×", p.run, p.ratio),
                    v if points.len() == 1 => format!("{} {:.2}×", v.name(), p.ratio),
                    v => format!("{} {} {:.2}×", p.run, v.name(), p.ratio),
                };
                chart.draw_series([Text::new(
                    text,
                    (hi.max(p.ratio) * 1.03, y),
                    font(VALUE_SIZE - 2)
                        .color(&c)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                )])?;
            }
        }
        Ok(())
    }
}
