//! The ratio charts: each run's makespans relative to the baseline's, on a log axis centred on 1 (so
//! 2× slower and 2× faster are the same distance from the 1.0 line), each point coloured by its
//! verdict — faster, slower, `~`, `noisy` (a side is unstable), or `n/a` (too few samples: a hollow
//! dot, since there is no verdict to colour) — and said in words in a column of its own on the right,
//! where no label can cover a point or another label. Two of them: the summary, one row per group at
//! its geomean with the count of each verdict among its cases, and one per group, a row per case with
//! its 95 % interval. Each group's axis is its own, so one group's large ratios never flatten another's.

use super::{case_rows, height, plot_width, spaced_ticks, text_width, NOISY, NOT_TESTED};
use crate::compare::comparison::{Comparison, Group, Verdict};
use crate::compare::text::short_case;
use crate::render::axis::AXIS_LIMIT;
use crate::render::chart::{font, frame, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::rows::row_y;
use crate::render::style::{self, MARKER_SIZE, VALUE_SIZE};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const POINT_PX: u32 = 18;
const GAP_PX: u32 = 10;
/// The font of the words beside each point.
const SAY_SIZE: u32 = VALUE_SIZE - 2;
/// Between the plot's right edge and the words, and after them, pixels.
const SAY_PAD: u32 = 10;

// Not "significant": a verdict of the range rule has no p-value, and is a verdict all the same.
pub const FASTER: &str = "faster, beyond the threshold";
pub const SLOWER: &str = "slower, beyond the threshold";
pub const SAME: &str = "~ no change found";
pub const NOISY_NAME: &str = "noisy (a side is unstable: no claim)";
pub const NOT_TESTED_NAME: &str = "n/a (too few samples to test)";
pub const PARITY: &str = "1.0 = as fast as the baseline";

/// Ticks of the ratio axis, in order of preference: the ones a reader places at once first.
const TICKS: [f64; 21] = [
    1.0, 0.5, 2.0, 0.1, 10.0, 0.2, 5.0, 0.01, 100.0, 0.02, 50.0, 0.05, 20.0, 0.8, 1.2, 0.9, 1.1,
    0.7, 1.5, 0.3, 3.0,
];

/// One run against the baseline, for one row.
#[derive(Debug, Clone)]
pub struct Point {
    /// The run's label (`B`, `C`, …).
    pub run: String,
    pub ratio: f64,
    /// Its 95 % interval, when it has one (a case's, not a geomean's).
    pub ci: Option<(f64, f64)>,
    pub verdict: Verdict,
    /// What the words column says of it.
    pub says: String,
}

pub struct RatioChart {
    pub stem: &'static str,
    pub title: String,
    pub how_to_read: &'static str,
    pub baseline: String,
    /// Row labels and one point per non-baseline run.
    pub rows: Vec<(String, Vec<Point>)>,
}

/// The summary: one row per group at its geomean ratio, with its verdict and how many of its cases
/// got each verdict.
pub fn summary(c: &Comparison) -> RatioChart {
    let several = c.inputs.len() > 2;
    RatioChart {
        stem: "summary",
        title: format!("Each group relative to the baseline {}", c.inputs[0].label),
        how_to_read: "One row per group: the dot is the geometric mean of its cases' ratios of \
            median makespans (run ÷ baseline, log scale centred on 1: left of the 1.0 line is \
            faster), coloured by the group's own verdict (a rank test of all its cases, stratified \
            by case). Beside it, how many of its cases were faster, slower, ~, noisy or n/a.",
        baseline: c.inputs[0].label.clone(),
        rows: c
            .groups
            .iter()
            .map(|g| {
                let points = g
                    .geomean
                    .versus
                    .iter()
                    .enumerate()
                    .map(|(j, v)| {
                        let run = if several {
                            format!("{} ", v.label)
                        } else {
                            String::new()
                        };
                        Point {
                            run: v.label.clone(),
                            ratio: v.ratio,
                            ci: None,
                            verdict: v.verdict,
                            says: format!(
                                "{run}{:.2}× {}; cases: {}",
                                v.ratio,
                                v.verdict.name(),
                                counts(g, j)
                            ),
                        }
                    })
                    .collect();
                (format!("{} ({})", g.name, g.rows.len()), points)
            })
            .collect(),
    }
}

/// How many of a group's cases got each verdict against input `j + 1`: `3 faster, 10 ~, 2 n/a`.
pub fn counts(g: &Group, j: usize) -> String {
    let parts: Vec<String> = Verdict::ALL
        .iter()
        .map(|&v| {
            (
                v,
                g.rows.iter().filter(|r| r.versus[j].verdict == v).count(),
            )
        })
        .filter(|&(_, n)| n > 0)
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    parts.join(", ")
}

/// One group's cases: per case each run's ratio with its 95 % interval.
pub fn group(c: &Comparison, g: &Group) -> RatioChart {
    let several = c.inputs.len() > 2;
    RatioChart {
        stem: "ratios",
        title: format!("{}: each case relative to the baseline {}", g.name, c.inputs[0].label),
        how_to_read: "One row per case: the dot is the ratio of median makespans (run ÷ \
            baseline, log scale centred on 1: left of the 1.0 line is faster), the whisker its 95 % \
            interval. Green and red mark changes beyond the threshold that the rank test (Holm within \
            the group) or, for few samples, the range rule established; grey ones are ~ (no such \
            change); amber ones are noisy (a side is unstable); hollow light-grey ones n/a (too few \
            samples to test).",
        baseline: c.inputs[0].label.clone(),
        rows: g
            .rows
            .iter()
            .map(|r| {
                let points = r
                    .versus
                    .iter()
                    .map(|v| {
                        let run = if several {
                            format!("{} ", v.label)
                        } else {
                            String::new()
                        };
                        Point {
                            run: v.label.clone(),
                            ratio: v.ratio,
                            ci: Some((v.ci_low, v.ci_high)),
                            verdict: v.verdict,
                            says: format!("{run}{} {:.2}×", v.verdict.name(), v.ratio),
                        }
                    })
                    .collect();
                (short_case(&r.case, &g.name), points)
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

/// A usable ratio: finite and positive, within what an axis holds.
fn usable(v: f64) -> Option<f64> {
    (v.is_finite() && v > 0.0).then(|| v.clamp(1.0 / AXIS_LIMIT, AXIS_LIMIT))
}

impl RatioChart {
    fn legend(&self) -> Vec<Entry> {
        let mut entries = vec![
            (Mark::Bar(style::FASTER), FASTER.to_string()),
            (Mark::Bar(style::SLOWER), SLOWER.to_string()),
            (Mark::Bar(style::UNCHANGED), SAME.to_string()),
        ];
        // Only when present: most comparisons have neither, and a legend names what the chart shows.
        let has = |v: Verdict| self.points().any(|p| p.verdict == v);
        if has(Verdict::Noisy) {
            entries.push((Mark::Bar(NOISY), NOISY_NAME.to_string()));
        }
        if has(Verdict::NotTested) {
            entries.push((Mark::Bar(NOT_TESTED), NOT_TESTED_NAME.to_string()));
        }
        entries.push((Mark::Tick(style::REFERENCE), PARITY.to_string()));
        entries
    }

    fn points(&self) -> impl Iterator<Item = &Point> {
        self.rows.iter().flat_map(|(_, p)| p)
    }

    fn runs(&self) -> usize {
        self.rows
            .iter()
            .map(|(_, p)| p.len())
            .max()
            .unwrap_or(1)
            .max(1)
    }

    /// The x axis: centred on 1 on a log scale, out to the point or interval end farthest from it
    /// (at least ±10 %, so a change at the threshold stands apart from the line), with room.
    pub fn x_range(&self) -> std::ops::Range<f64> {
        let far = self
            .points()
            .flat_map(|p| {
                let (lo, hi) = p.ci.unwrap_or((p.ratio, p.ratio));
                [p.ratio, lo, hi]
            })
            .filter_map(usable)
            .map(|v| v.max(1.0 / v))
            .fold(1.1f64, f64::max);
        let r = (far * 1.15).min(AXIS_LIMIT);
        1.0 / r..r
    }

    /// Width of the words column: the longest words and their padding.
    fn say_width(&self) -> u32 {
        let widest = self
            .points()
            .map(|p| text_width(&p.says, SAY_SIZE))
            .max()
            .unwrap_or(0);
        widest + 2 * SAY_PAD
    }
}

impl Plot for RatioChart {
    fn info(&self) -> ChartInfo {
        let row_px = POINT_PX * self.runs() as u32 + GAP_PX;
        ChartInfo {
            stem: self.stem,
            title: self.title.clone(),
            how_to_read: self.how_to_read,
            takeaway: String::new(),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, height(self.rows.len(), row_px)),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let (width, _) = area.dim_in_pixel();
        let (left, _) = area.split_horizontally(width.saturating_sub(self.say_width()));
        let x = self.x_range();
        let labels: Vec<String> = self.rows.iter().map(|(l, _)| l.clone()).collect();
        let ticks = spaced_ticks(&x, &TICKS, plot_width(left.dim_in_pixel().0, &labels));
        let desc = format!(
            "median makespan ÷ baseline {} (log scale, centred on 1)",
            self.baseline
        );
        let mut chart = case_rows(&left, &labels, x.clone(), ticks, &desc)?;
        let n = self.rows.len();
        chart.draw_series([PathElement::new(
            vec![(1.0, -0.5), (1.0, n as f64 - 0.5)],
            style::REFERENCE.stroke_width(2),
        )])?;
        let plot = chart.plotting_area();
        let words_x = plot.get_base_pixel().0 + plot.dim_in_pixel().0 as i32 + SAY_PAD as i32;
        let step = 0.8 / self.runs() as f64;
        for (i, (_, points)) in self.rows.iter().enumerate() {
            for (j, p) in points.iter().enumerate() {
                let y = row_y(i, n) + 0.4 - step * (j as f64 + 0.5);
                let c = colour(p.verdict);
                let words = font(SAY_SIZE)
                    .color(&c)
                    .pos(Pos::new(HPos::Left, VPos::Center));
                let (_, py) = chart.backend_coord(&(1.0, y));
                root.draw(&Text::new(p.says.clone(), (words_x, py), words))?;
                let Some(ratio) = usable(p.ratio) else {
                    continue;
                };
                if let Some((lo, hi)) = p.ci {
                    let whisker = c.stroke_width(2);
                    let lo = usable(lo).unwrap_or(x.start).clamp(x.start, x.end);
                    let hi = usable(hi).unwrap_or(x.end).clamp(x.start, x.end);
                    let cap = step * 0.25;
                    chart.draw_series([
                        PathElement::new(vec![(lo, y), (hi, y)], whisker),
                        PathElement::new(vec![(lo, y - cap), (lo, y + cap)], whisker),
                        PathElement::new(vec![(hi, y - cap), (hi, y + cap)], whisker),
                    ])?;
                }
                let dot = if p.verdict == Verdict::NotTested {
                    c.stroke_width(2)
                } else {
                    c.filled()
                };
                chart.draw_series([Circle::new((ratio, y), MARKER_SIZE + 1, dot)])?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(ratios: &[(f64, (f64, f64))]) -> RatioChart {
        RatioChart {
            stem: "ratios",
            title: String::new(),
            how_to_read: "",
            baseline: "A".into(),
            rows: ratios
                .iter()
                .map(|&(ratio, ci)| {
                    let p = Point {
                        run: "B".into(),
                        ratio,
                        ci: Some(ci),
                        verdict: Verdict::Same,
                        says: String::new(),
                    };
                    ("case".to_string(), vec![p])
                })
                .collect(),
        }
    }

    #[test]
    fn the_axis_is_centred_on_one() {
        // The cpu group's 0.4 sets its own axis, 1/0.4 × 1.15 either side of 1.
        let x = chart(&[(0.4, (0.38, 0.45)), (1.01, (0.99, 1.03))]).x_range();
        assert!((x.start * x.end - 1.0).abs() < 1e-12, "{x:?}");
        assert!((x.end - 1.15 / 0.38).abs() < 1e-9, "{x:?}");
        // A group near 1 keeps ±10 % at least, not a sliver around the line.
        let x = chart(&[(1.01, (0.995, 1.02))]).x_range();
        assert!((x.end - 1.1 * 1.15).abs() < 1e-9, "{x:?}");
        // Nothing usable: still a range.
        let x = chart(&[(f64::NAN, (f64::NAN, f64::INFINITY))]).x_range();
        assert!(x.start < 1.0 && x.end > 1.0);
    }
}
