//! The interval drawn as a whisker and printed as a bracket: the order-statistic confidence interval
//! of the median makespan, and the coverage it really achieves with the samples there are (3 samples
//! give [min, max], 75 %; 6 give at least 95 %). One sample has no interval at all, so it is drawn as
//! a bare point, never as a whisker of zero width that would pass for certainty.

use crate::render::fmt::pct;
use crate::results::CaseResult;

/// A case's interval of the median makespan, seconds, and its coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
    /// 0.75 for 3 samples, ≥ 0.95 from 6 on.
    pub level: f64,
}

impl Interval {
    /// None with fewer than two samples: nothing to draw.
    pub fn of(c: &CaseResult) -> Option<Interval> {
        let m = &c.summary.makespan;
        (c.samples.len() >= 2 && m.ci_low.is_finite() && m.ci_high.is_finite()).then_some(
            Interval {
                low: m.ci_low,
                high: m.ci_high,
                level: m.ci_level,
            },
        )
    }

    /// The same interval mapped through `f` (a speedup is the baseline over the makespan, so the
    /// ends swap), kept in order.
    pub fn map(self, f: impl Fn(f64) -> f64) -> Interval {
        let (a, b) = (f(self.low), f(self.high));
        Interval {
            low: a.min(b),
            high: a.max(b),
            level: self.level,
        }
    }
}

/// `CI 75 %` when every interval covers the same, `CI 75–95 %` when they differ; None without any.
pub fn level_label(levels: impl IntoIterator<Item = f64>) -> Option<String> {
    let mut levels: Vec<f64> = levels.into_iter().filter(|l| l.is_finite()).collect();
    levels.sort_by(f64::total_cmp);
    // Levels are computed from the same formula: equal counts give bit-equal levels.
    levels.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    match levels.as_slice() {
        [] => None,
        [one] => Some(format!("CI {}", pct(*one))),
        [lo, .., hi] => Some(format!(
            "CI {}–{}",
            pct(*lo).trim_end_matches(" %"),
            pct(*hi)
        )),
    }
}

/// The legend text of a chart's whiskers, when some point has one.
pub fn whisker_legend(intervals: impl IntoIterator<Item = Interval>) -> Option<String> {
    level_label(intervals.into_iter().map(|i| i.level))
        .map(|l| format!("whisker: CI of the median [{l}]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_as_one_figure_or_a_range() {
        assert_eq!(level_label([0.75, 0.75]), Some("CI 75 %".into()));
        assert_eq!(level_label([0.75, 0.96875]), Some("CI 75–97 %".into()));
        assert_eq!(level_label([]), None);
    }
}
