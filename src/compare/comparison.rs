//! The comparison itself, as data every output format (table, Markdown, JSON, CSV, and later the HTML
//! page's charts) renders from: per matched case the median makespan of each input, the ratio of each
//! input to the baseline with its 95 % interval, the Mann-Whitney p over the raw makespans, Holm-adjusted
//! across every test of the comparison, and a verdict that needs both significance and a change beyond
//! the practical threshold (benchstat's `~` otherwise); a geometric-mean row per group.

use super::input::Input;
use super::matching::Matched;
use crate::results::{CaseParams, CaseResult, Machine};
use crate::stats;
use serde::Serialize;

/// Significance level of the adjusted p-values.
pub const ALPHA: f64 = 0.05;
/// Coverage of the ratio intervals.
pub const CI_LEVEL: f64 = 0.95;

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Smallest change flagged, percent.
    pub threshold_pct: f64,
    pub alpha: f64,
    /// The inputs in argument order; the first is the baseline.
    pub inputs: Vec<InputInfo>,
    /// Matched cases by group, in the baseline's order.
    pub groups: Vec<Group>,
    /// Cases missing from at least one input.
    pub unmatched: Vec<Unmatched>,
    /// Differences that weaken the comparison (versions, incomplete runs); printed on stderr.
    pub warnings: Vec<String>,
    /// Footnotes for the reader (too few samples to ever be significant).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    pub label: String,
    /// The argument as given.
    pub source: String,
    /// Result files used, newest first.
    pub files: Vec<String>,
    pub suite: String,
    pub concbench_version: String,
    pub git_commit: Option<String>,
    pub machine: Machine,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub name: String,
    pub rows: Vec<Row>,
    /// Geometric means over the group's rows.
    pub geomean: Geomean,
}

#[derive(Debug, Clone, Serialize)]
pub struct Geomean {
    /// Of the median makespans, one per input, seconds.
    pub medians_s: Vec<f64>,
    /// Of the ratios, one per non-baseline input.
    pub ratios: Vec<f64>,
}

/// One matched case.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The baseline's case id.
    pub case: String,
    pub params: CaseParams,
    /// One per input, in input order.
    pub sides: Vec<Side>,
    /// One per non-baseline input: how it compares with the baseline.
    pub versus: Vec<Versus>,
}

/// One input's view of a case.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub median_s: f64,
    pub ideal_s: Option<f64>,
    /// ideal / median on that machine: comparable across machines; absent without an ideal or when
    /// tasks failed.
    pub efficiency: Option<f64>,
    pub samples: usize,
}

/// A non-baseline input against the baseline, for one case.
#[derive(Debug, Clone, Serialize)]
pub struct Versus {
    pub label: String,
    /// median(input) / median(baseline): above 1 is slower.
    pub ratio: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Two-sided Mann-Whitney p over the raw makespans.
    pub p: f64,
    /// Holm-adjusted over every test of the comparison.
    pub p_adjusted: f64,
    pub verdict: Verdict,
    /// False when these sample sizes cannot reach an adjusted p below alpha, whatever the data.
    pub can_be_significant: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    #[serde(rename = "faster")]
    Faster,
    #[serde(rename = "slower")]
    Slower,
    /// No significant change beyond the threshold.
    #[serde(rename = "~")]
    Same,
}

impl Verdict {
    pub fn symbol(self) -> &'static str {
        match self {
            Verdict::Faster => "faster",
            Verdict::Slower => "slower",
            Verdict::Same => "~",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Unmatched {
    pub case: String,
    pub group: String,
    /// Labels of the inputs that have it.
    pub present_in: Vec<String>,
}

/// Build the comparison of matched cases. `threshold_pct` is the smallest change worth flagging.
pub fn analyse(inputs: &[Input], matched: &Matched, threshold_pct: f64) -> Comparison {
    let mut rows: Vec<(String, Row)> = matched
        .rows
        .iter()
        .map(|cases| (cases[0].group.clone(), row(inputs, cases)))
        .collect();
    adjust(&mut rows, threshold_pct / 100.0);
    let notes = power_notes(&rows);
    let mut groups: Vec<Group> = Vec::new();
    for (name, row) in rows {
        match groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.rows.push(row),
            None => groups.push(Group {
                name,
                rows: vec![row],
                geomean: Geomean {
                    medians_s: vec![],
                    ratios: vec![],
                },
            }),
        }
    }
    for g in &mut groups {
        g.geomean = geomean(&g.rows, inputs.len());
    }
    Comparison {
        threshold_pct,
        alpha: ALPHA,
        inputs: inputs.iter().map(info).collect(),
        groups,
        unmatched: matched
            .unmatched
            .iter()
            .map(|(c, present)| Unmatched {
                case: c.id.clone(),
                group: c.group.clone(),
                present_in: present.clone(),
            })
            .collect(),
        warnings: super::machines::warnings(inputs),
        notes,
    }
}

fn info(input: &Input) -> InputInfo {
    InputInfo {
        label: input.label.clone(),
        source: input.source.clone(),
        files: input
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        suite: input.run.suite.clone(),
        concbench_version: input.run.concbench_version.clone(),
        git_commit: input.run.git_commit.clone(),
        machine: input.run.machine.clone(),
    }
}

fn makespans(c: &CaseResult) -> Vec<f64> {
    c.samples.iter().map(|s| s.makespan_s).collect()
}

/// Medians, ratios, intervals and raw p-values; adjusted p and verdicts come after, over all rows.
fn row(inputs: &[Input], cases: &[&CaseResult]) -> Row {
    let base = makespans(cases[0]);
    let sides: Vec<Side> = cases
        .iter()
        .map(|c| {
            let median = stats::median(&makespans(c));
            Side {
                median_s: median,
                ideal_s: c.ideal_s,
                efficiency: c.summary.efficiency.and(c.ideal_s).map(|i| i / median),
                samples: c.samples.len(),
            }
        })
        .collect();
    let versus = cases[1..]
        .iter()
        .zip(&inputs[1..])
        .zip(&sides[1..])
        .map(|((c, input), side)| {
            let other = makespans(c);
            let ci = stats::ratio_ci(&base, &other, CI_LEVEL);
            Versus {
                label: input.label.clone(),
                ratio: side.median_s / sides[0].median_s,
                ci_low: ci.low,
                ci_high: ci.high,
                p: stats::mann_whitney(&base, &other).p,
                p_adjusted: f64::NAN,
                verdict: Verdict::Same,
                can_be_significant: true,
            }
        })
        .collect();
    Row {
        case: cases[0].id.clone(),
        params: cases[0].params.clone(),
        sides,
        versus,
    }
}

/// Holm over every test of the comparison (each case against each non-baseline input), then the
/// verdicts: significant and beyond the threshold, or `~`.
fn adjust(rows: &mut [(String, Row)], threshold: f64) {
    let raw: Vec<f64> = rows
        .iter()
        .flat_map(|(_, r)| r.versus.iter().map(|v| v.p))
        .collect();
    let tests = raw.len();
    let mut adjusted = stats::holm(&raw).into_iter();
    for (_, r) in rows.iter_mut() {
        let n_base = r.sides[0].samples;
        for (v, side) in r.versus.iter_mut().zip(&r.sides[1..]) {
            v.p_adjusted = adjusted.next().expect("one adjusted p per test");
            v.can_be_significant = tests as f64 * smallest_p(n_base, side.samples) < ALPHA;
            v.verdict = verdict(v.ratio, v.p_adjusted, threshold);
        }
    }
}

/// Flagged only when significant and beyond the practical threshold either way.
pub fn verdict(ratio: f64, p_adjusted: f64, threshold: f64) -> Verdict {
    if p_adjusted.is_nan() || p_adjusted >= ALPHA {
        Verdict::Same
    } else if ratio > 1.0 + threshold {
        Verdict::Slower
    } else if ratio < 1.0 - threshold {
        Verdict::Faster
    } else {
        Verdict::Same
    }
}

/// The smallest two-sided exact Mann-Whitney p two samples of these sizes can give: complete
/// separation, `2 / C(n1 + n2, n1)`. Holm multiplies the smallest p of m tests by m, so m times this
/// bounds every adjusted p from below.
pub fn smallest_p(n1: usize, n2: usize) -> f64 {
    if n1 == 0 || n2 == 0 {
        return 1.0;
    }
    // C(n1 + n2, n1) as a running product; exact enough in f64 for any sample size that matters.
    let choose = (1..=n1).fold(1.0, |acc, i| acc * (n2 + i) as f64 / i as f64);
    (2.0 / choose).min(1.0)
}

/// The smallest equal sample size that could reach significance over `tests` tests.
fn repeats_needed(tests: usize) -> usize {
    (2..)
        .find(|&n| tests as f64 * smallest_p(n, n) < ALPHA)
        .expect("grows without bound")
}

/// One footnote per distinct pair of sample sizes that can never be significant here.
fn power_notes(rows: &[(String, Row)]) -> Vec<String> {
    let tests: usize = rows.iter().map(|(_, r)| r.versus.len()).sum();
    let mut sizes: Vec<(usize, usize)> = rows
        .iter()
        .flat_map(|(_, r)| {
            r.versus
                .iter()
                .zip(&r.sides[1..])
                .filter(|(v, _)| !v.can_be_significant)
                .map(|(_, s)| (r.sides[0].samples, s.samples))
                .collect::<Vec<_>>()
        })
        .collect();
    sizes.sort();
    sizes.dedup();
    sizes
        .into_iter()
        .map(|(a, b)| {
            let over = if tests > 1 {
                format!(" over {tests} tests (Holm)")
            } else {
                String::new()
            };
            format!(
                "n={a} vs {b}{over}: cannot reach p < {ALPHA} (smallest possible p {:.3}); use --repeat ≥ {}",
                smallest_p(a, b),
                repeats_needed(tests)
            )
        })
        .collect()
}

fn geomean(rows: &[Row], inputs: usize) -> Geomean {
    Geomean {
        medians_s: (0..inputs)
            .map(|i| stats::geomean(&rows.iter().map(|r| r.sides[i].median_s).collect::<Vec<_>>()))
            .collect(),
        ratios: (0..inputs.saturating_sub(1))
            .map(|i| stats::geomean(&rows.iter().map(|r| r.versus[i].ratio).collect::<Vec<_>>()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_p_by_hand() {
        // 3 vs 3: 2 / C(6, 3) = 2 / 20; 4 vs 4: 2 / 70; 8 vs 8: 2 / 12870.
        assert!((smallest_p(3, 3) - 0.1).abs() < 1e-12);
        assert!((smallest_p(4, 4) - 2.0 / 70.0).abs() < 1e-12);
        assert!((smallest_p(8, 8) - 2.0 / 12870.0).abs() < 1e-12);
        assert!((smallest_p(2, 5) - 2.0 / 21.0).abs() < 1e-12);
        assert_eq!(smallest_p(0, 5), 1.0);
        // The exact test agrees on complete separation.
        let p = stats::mann_whitney(&[1.0, 2.0, 3.0, 4.0], &[5.0, 6.0, 7.0, 8.0]).p;
        assert!((p - smallest_p(4, 4)).abs() < 1e-12);
    }

    #[test]
    fn repeats_needed_grows_with_the_tests() {
        assert_eq!(repeats_needed(1), 4);
        // 16 tests: 5 vs 5 gives 16 · 2/252 = 0.127; 6 vs 6 gives 16 · 2/924 = 0.035.
        assert_eq!(repeats_needed(16), 6);
    }

    #[test]
    fn verdicts_need_significance_and_size() {
        assert_eq!(verdict(1.30, 0.001, 0.05), Verdict::Slower);
        assert_eq!(verdict(0.50, 0.001, 0.05), Verdict::Faster);
        assert_eq!(verdict(1.03, 0.001, 0.05), Verdict::Same);
        assert_eq!(verdict(1.30, 0.2, 0.05), Verdict::Same);
        assert_eq!(verdict(f64::NAN, f64::NAN, 0.05), Verdict::Same);
    }
}
