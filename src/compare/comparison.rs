//! The comparison itself, as data every output format (table, Markdown, JSON, CSV, the HTML page's
//! charts) renders from: per matched case the median makespan and range of each input, the ratio of
//! each input to the baseline with its 95 % interval, the Mann-Whitney p over the raw makespans, and a
//! verdict with the rule that reached it; a geometric-mean row per group with the group's own verdict
//! ([`super::geomean`]); footnotes saying why a verdict could not be reached, or cannot be trusted.
//!
//! How a verdict is reached, group by group (a group is a suite section: `seed`, `io-sweep`, `cpu`, …):
//! - **rank** — a group's tests whose sample sizes let the Mann-Whitney test reach p < α after Holm
//!   over those same tests form the group's family; a verdict needs the adjusted p < α and a change
//!   beyond the threshold (benchstat's `~` otherwise).
//! - **range** — where the rank test cannot speak but both sides have ≥ 3 samples: the two sides'
//!   [min, max] ranges must be apart by more than either is wide, and the change beyond the threshold.
//! - **none** — fewer than 3 samples on a side and too few for the rank test: `n/a`, never `~`.
//!
//! Whatever the rule, a case unstable on either side (its samples disagree, or the machine was busy)
//! is `noisy`: such data can show neither a change nor its absence.

pub use super::geomean::{Geomean, GroupVersus};
use super::input::Input;
use super::matching::Matched;
use crate::results::{CaseParams, CaseResult, Instability, InstabilityKind, Machine};
use crate::stats;
use serde::Serialize;

/// Significance level of the adjusted p-values.
pub const ALPHA: f64 = 0.05;
/// Coverage of the ratio intervals.
pub const CI_LEVEL: f64 = 0.95;
/// Samples a side the range rule needs: with fewer, a range says nothing about where the next sample
/// lands (1 vs 1 always "separates").
pub const RANGE_MIN_SAMPLES: usize = 3;

/// Footnote marks, shared by every format.
pub const MARK_POWERLESS: &str = "†";
pub const MARK_NOISY: &str = "noisy";

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
    /// Footnotes for the reader: verdicts the rank test could not reach, unstable cases.
    pub notes: Vec<Note>,
    /// With `--fail-on`: whether the comparison fails the gate, and which rows fail it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<super::gate::Gate>,
}

/// One footnote: its mark (as the tables show it) and what it says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub mark: String,
    pub text: String,
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
    /// Geometric means over the group's rows, and the group's own verdict on them.
    pub geomean: Geomean,
    /// Tests of the group: its cases times the non-baseline inputs.
    pub tests: usize,
    /// Of those, the ones the rank test decides: the group's Holm family.
    pub rank_family: usize,
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
    /// Fastest and slowest sample, seconds: what the range rule compares.
    pub min_s: f64,
    pub max_s: f64,
    pub ideal_s: Option<f64>,
    /// ideal / median on that machine: comparable across machines; absent without an ideal or when
    /// tasks failed.
    pub efficiency: Option<f64>,
    /// ideal / median when the ideal measured beside the repetitions came out above what they took
    /// (no physical bound allows that): the efficiency it would have been, withheld.
    pub ideal_unreliable: Option<f64>,
    pub samples: usize,
    /// Failed tasks over all samples.
    pub failures: u64,
    /// Why this side's case is unstable (from its result file); empty when stable.
    pub unstable: Vec<Instability>,
}

impl Side {
    /// Something ran beside this side's case (or its calibration): a bias no test can see.
    fn busy(&self) -> bool {
        self.unstable
            .iter()
            .any(|i| i.kind == InstabilityKind::Busy)
    }
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
    /// Holm-adjusted within the group's family; absent when the rank test did not decide.
    pub p_adjusted: Option<f64>,
    /// Which rule decided (or would have, for a `noisy` verdict).
    pub rule: Rule,
    pub verdict: Verdict,
    /// False when these sample sizes cannot reach an adjusted p below alpha in this group, whatever
    /// the data: the rank test did not decide.
    pub can_be_significant: bool,
}

crate::names::name_enum! {
    /// The rule that decides a test, fixed by the sample sizes alone, before any makespan is looked
    /// at; spelled as JSON and CSV spell it.
    pub enum Rule {
        /// Mann-Whitney, Holm within the group.
        Rank = "rank",
        /// Separated [min, max] ranges.
        Range = "range",
        /// Too few samples for either.
        None = "none",
    }
}

crate::names::name_enum! {
    /// What a comparison says of a case or a group, as every format spells it.
    pub enum Verdict {
        Faster = "faster",
        Slower = "slower",
        /// No change beyond the threshold that the rule could establish.
        Same = "~",
        /// A side is unstable: no claim either way.
        Noisy = "noisy",
        /// Too few samples to test.
        NotTested = "n/a",
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Unmatched {
    pub case: String,
    pub group: String,
    /// Labels of the inputs that have it.
    pub present_in: Vec<String>,
}

/// A row before its verdicts, with the raw makespans the rules need.
struct Pending {
    group: String,
    row: Row,
    /// One per input.
    makespans: Vec<Vec<f64>>,
}

/// Build the comparison of matched cases. `threshold_pct` is the smallest change worth flagging.
pub fn analyse(inputs: &[Input], matched: &Matched, threshold_pct: f64) -> Comparison {
    let mut pending: Vec<Vec<Pending>> = Vec::new();
    for cases in &matched.rows {
        let p = row(inputs, cases);
        match pending.iter_mut().find(|g| g[0].group == p.group) {
            Some(g) => g.push(p),
            None => pending.push(vec![p]),
        }
    }
    let threshold = threshold_pct / 100.0;
    let groups: Vec<Group> = pending
        .into_iter()
        .map(|g| decide_group(g, threshold))
        .collect();
    let mut notes = power_notes(&groups);
    notes.extend(noisy_notes(&groups, inputs));
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
                group: c.group.to_string(),
                present_in: present.clone(),
            })
            .collect(),
        warnings: super::machines::warnings(inputs),
        notes,
        gate: None,
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

fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// Medians, ranges, ratios, intervals and raw p-values; rules and verdicts come after, per group.
fn row(inputs: &[Input], cases: &[&CaseResult]) -> Pending {
    let all: Vec<Vec<f64>> = cases.iter().map(|c| makespans(c)).collect();
    let sides: Vec<Side> = cases
        .iter()
        .zip(&all)
        .map(|(c, xs)| {
            let median = stats::median(xs);
            Side {
                median_s: median,
                min_s: min(xs),
                max_s: max(xs),
                ideal_s: c.ideal_s,
                efficiency: c.summary.efficiency.and(c.ideal_s).map(|i| i / median),
                ideal_unreliable: c.summary.ideal_unreliable,
                samples: xs.len(),
                failures: c.summary.failures,
                unstable: c.summary.unstable.clone(),
            }
        })
        .collect();
    let versus = inputs[1..]
        .iter()
        .zip(&all[1..])
        .zip(&sides[1..])
        .map(|((input, other), side)| {
            let ci = stats::ratio_ci(&all[0], other, CI_LEVEL);
            Versus {
                label: input.label.clone(),
                ratio: side.median_s / sides[0].median_s,
                ci_low: ci.low,
                ci_high: ci.high,
                p: stats::mann_whitney(&all[0], other).p,
                p_adjusted: None,
                rule: Rule::None,
                verdict: Verdict::NotTested,
                can_be_significant: false,
            }
        })
        .collect();
    Pending {
        group: cases[0].group.to_string(),
        row: Row {
            case: cases[0].id.clone(),
            params: cases[0].params.clone(),
            sides,
            versus,
        },
        makespans: all,
    }
}

/// Rules and verdicts for one group.
///
/// Each group is its own family of tests: it answers its own question (how the seed's clients
/// compare, how a sweep bends, whether CPU work scales) and is read on its own, so its error rate is
/// controlled over its own tests. Holm across every case of every suite would make a 7-case question
/// pay for a 92-case sweep beside it, and with the few repetitions long cases can afford, no verdict
/// could ever be reached (the issue that brought this rule: 155 tests, all `~†`). With several
/// non-baseline inputs the family holds all their tests of the group: they are read in one table.
fn decide_group(pending: Vec<Pending>, threshold: f64) -> Group {
    let name = pending[0].group.clone();
    // One test per case and non-baseline input, in row order.
    let sizes: Vec<(usize, usize)> = pending
        .iter()
        .flat_map(|p| {
            let n_base = p.row.sides[0].samples;
            p.row.sides[1..].iter().map(move |s| (n_base, s.samples))
        })
        .collect();
    let in_family = rank_family(&sizes);
    let family: Vec<(f64, f64)> = pending
        .iter()
        .flat_map(|p| p.row.versus.iter().map(|v| (v.ratio, v.p)))
        .zip(&in_family)
        .filter(|(_, &f)| f)
        .map(|(t, _)| t)
        .collect();
    let mut ranked = rank_verdicts(&family, threshold).into_iter();
    let mut member = in_family.iter();
    let mut rows = Vec::with_capacity(pending.len());
    let mut all = Vec::with_capacity(pending.len());
    for Pending {
        mut row, makespans, ..
    } in pending
    {
        for (j, v) in row.versus.iter_mut().enumerate() {
            let other = &makespans[j + 1];
            v.can_be_significant = *member.next().expect("one family flag per test");
            let verdict = if v.can_be_significant {
                let (p_adjusted, verdict) = ranked.next().expect("one verdict per family member");
                v.rule = Rule::Rank;
                v.p_adjusted = Some(p_adjusted);
                verdict
            } else if let Some(verdict) = range_verdict(&makespans[0], other, threshold) {
                v.rule = Rule::Range;
                verdict
            } else {
                v.rule = Rule::None;
                Verdict::NotTested
            };
            let (base, other) = (&row.sides[0], &row.sides[j + 1]);
            v.verdict = noisy_or(verdict, v.rule, [base, other]);
        }
        rows.push(row);
        all.push(makespans);
    }
    let geomean = super::geomean::geomean(&rows, &all, threshold);
    Group {
        name,
        rows,
        geomean,
        tests: sizes.len(),
        rank_family: in_family.iter().filter(|&&f| f).count(),
    }
}

/// The verdict, or `noisy` when the sides cannot support it. A side measured beside other work (the
/// machine or the host busy, during its samples or its calibration) is biased in a way no test over its
/// samples sees: nothing is claimed. A side whose samples merely disagree is random noise, which the rank
/// test accounts for — its faster or slower stands (this host's vCPUs change speed 2× from minute to
/// minute, so every cpu case disagrees with itself, yet 1 CPU against 2 is p < 0.001) — but the range
/// rule assumes near-deterministic samples, and `~` claims no change as firmly as the others claim one:
/// both yield to the spread.
pub fn noisy_or(verdict: Verdict, rule: Rule, sides: [&Side; 2]) -> Verdict {
    let busy = sides.iter().any(|s| s.busy());
    let spread = sides.iter().any(|s| !s.unstable.is_empty());
    let firm = rule == Rule::Rank && matches!(verdict, Verdict::Faster | Verdict::Slower);
    match (busy, spread) {
        (true, _) => Verdict::Noisy,
        (false, true) if !firm => Verdict::Noisy,
        _ => verdict,
    }
}

/// Which of a group's tests (given as sample sizes, baseline first) the rank test decides.
///
/// With m tests of one size in the family, the smallest adjusted p any of them can reach is
/// m · [`smallest_p`]: a test whose sizes cannot beat that is no use to the family and only raises
/// every other test's correction. So sizes are admitted from the largest samples down, as long as every
/// admitted test could still pass Holm over the admitted ones. Membership depends on sample sizes alone,
/// never on the makespans, so Holm's guarantee over the family holds.
pub fn rank_family(sizes: &[(usize, usize)]) -> Vec<bool> {
    let sp: Vec<f64> = sizes.iter().map(|&(a, b)| smallest_p(a, b)).collect();
    let mut levels = sp.clone();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let mut cut = f64::NEG_INFINITY;
    for level in levels {
        // A whole size class joins or none of it: tests alike are treated alike.
        let m = sp.iter().filter(|&&p| p <= level).count();
        if m as f64 * level < ALPHA {
            cut = level;
        } else {
            break;
        }
    }
    sp.iter().map(|&p| p <= cut).collect()
}

/// Holm over exactly these tests — one family, given as (ratio, raw p) — and their verdicts: the
/// adjusted p below alpha and a change beyond the threshold, or `~`.
pub fn rank_verdicts(family: &[(f64, f64)], threshold: f64) -> Vec<(f64, Verdict)> {
    let raw: Vec<f64> = family.iter().map(|&(_, p)| p).collect();
    stats::holm(&raw)
        .into_iter()
        .zip(family)
        .map(|(adjusted, &(ratio, _))| (adjusted, verdict(ratio, adjusted, threshold)))
        .collect()
}

/// Flagged only when significant and beyond the practical threshold either way.
pub fn verdict(ratio: f64, p_adjusted: f64, threshold: f64) -> Verdict {
    if p_adjusted.is_nan() || p_adjusted >= ALPHA {
        Verdict::Same
    } else {
        beyond(ratio, threshold)
    }
}

/// The direction of a change beyond the threshold, or `~`.
pub(super) fn beyond(ratio: f64, threshold: f64) -> Verdict {
    if ratio > 1.0 + threshold {
        Verdict::Slower
    } else if ratio < 1.0 - threshold {
        Verdict::Faster
    } else {
        Verdict::Same
    }
}

/// The range rule, for samples too few for the rank test: a change when the two sides' [min, max]
/// ranges are apart by more than either is wide, and the medians differ beyond the threshold; `~`
/// otherwise; `None` (no test) with fewer than [`RANGE_MIN_SAMPLES`] on a side.
///
/// Under no change, 3 vs 3 samples separate completely by chance 2 times in C(6, 3) = 20 (10 %) —
/// the rank test's smallest p, and too often to call a change. The gap condition removes most of
/// that: the chance is ≈ 0 for near-deterministic cases (io and sleep spread 0.1–1 % against a 5 %
/// threshold), at most ≈ 1.3 % for single-mode noise of any width (simulated: uniform, normal,
/// exponential, log-normal, Pareto), and at worst 2⁻⁵ = 3.1 % for a machine flipping between two
/// speeds with even odds, every baseline sample landing on one speed and every other on the other.
pub fn range_verdict(base: &[f64], other: &[f64], threshold: f64) -> Option<Verdict> {
    if base.len() < RANGE_MIN_SAMPLES || other.len() < RANGE_MIN_SAMPLES {
        return None;
    }
    let ratio = stats::median(other) / stats::median(base);
    let (lo, hi) = if ratio >= 1.0 {
        (base, other)
    } else {
        (other, base)
    };
    let gap = min(hi) - max(lo);
    let widest = (max(lo) - min(lo)).max(max(hi) - min(hi));
    Some(if gap > widest {
        beyond(ratio, threshold)
    } else {
        Verdict::Same
    })
}

/// The smallest two-sided exact Mann-Whitney p two samples of these sizes can give: complete
/// separation, `2 / C(n1 + n2, n1)`. Holm multiplies the smallest p of m tests by m, so m times this
/// bounds the adjusted p of m tests of these sizes from below.
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

/// One footnote per group and pair of sample sizes the rank test could not decide: which rule did
/// instead, and how many repetitions would let the rank test decide them all.
fn power_notes(groups: &[Group]) -> Vec<Note> {
    let mut notes = Vec::new();
    for g in groups {
        let mut sizes: Vec<(usize, usize, Rule)> = g
            .rows
            .iter()
            .flat_map(|r| {
                r.versus
                    .iter()
                    .zip(&r.sides[1..])
                    .filter(|(v, _)| v.rule != Rule::Rank)
                    .map(|(v, s)| (r.sides[0].samples, s.samples, v.rule))
            })
            .collect();
        sizes.sort_by_key(|&(a, b, rule)| (a, b, rule == Rule::None));
        sizes.dedup();
        let repeat = repeats_needed(g.tests);
        for (a, b, rule) in sizes {
            let text = match rule {
                Rule::None => format!(
                    "{}, n={a} vs {b}: no test possible (n/a): the range rule needs --repeat ≥ {RANGE_MIN_SAMPLES}, the rank test --repeat ≥ {repeat}",
                    g.name
                ),
                _ => {
                    let sp = smallest_p(a, b);
                    // The family this size would have joined: every test with as many samples or more.
                    let m = g
                        .rows
                        .iter()
                        .flat_map(|r| r.sides[1..].iter().map(|s| (r.sides[0].samples, s.samples)))
                        .filter(|&(x, y)| smallest_p(x, y) <= sp)
                        .count();
                    let over = if m > 1 {
                        format!(" over the group's {m} tests (Holm)")
                    } else {
                        String::new()
                    };
                    format!(
                        "{}, n={a} vs {b}: the rank test cannot reach p < {ALPHA}{over}, its smallest possible p being {sp:.3}, so the range rule decided (p adj `range`); --repeat ≥ {repeat} lets the rank test decide",
                        g.name
                    )
                }
            };
            notes.push(Note {
                mark: MARK_POWERLESS.into(),
                text,
            });
        }
    }
    notes
}

/// One footnote per noisy case: each unstable side and the first reason it is.
fn noisy_notes(groups: &[Group], inputs: &[Input]) -> Vec<Note> {
    groups
        .iter()
        .flat_map(|g| &g.rows)
        .filter(|r| r.versus.iter().any(|v| v.verdict == Verdict::Noisy))
        .map(|r| {
            let why: Vec<String> = r
                .sides
                .iter()
                .zip(inputs)
                .filter_map(|(s, i)| s.unstable.first().map(|w| format!("{}: {w}", i.label)))
                .collect();
            Note {
                mark: MARK_NOISY.into(),
                text: format!("{}: {}", r.case, why.join("; ")),
            }
        })
        .collect()
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

    #[test]
    fn the_rank_family_admits_whole_size_classes_while_they_can_pass() {
        // 7 tests of 6 vs 6: 7 · 2/924 = 0.015; 24 of them: 0.052, too many.
        assert!(rank_family(&[(6, 6); 7]).iter().all(|&f| f));
        assert!(rank_family(&[(6, 6); 24]).iter().all(|&f| !f));
        assert!(rank_family(&[(6, 6); 23]).iter().all(|&f| f));
        // 3 vs 3 can never pass (0.1 alone), so it stays out and costs the 8 vs 8 tests nothing.
        let varied = [(8, 8), (3, 3), (8, 8), (3, 3), (1, 1)];
        assert_eq!(rank_family(&varied), [true, false, true, false, false]);
        // 4 vs 4 passes alone (2/70 = 0.029) but not two of them (0.057): a class joins whole or not.
        assert_eq!(rank_family(&[(4, 4)]), [true]);
        assert_eq!(rank_family(&[(4, 4), (4, 4)]), [false, false]);
        assert_eq!(rank_family(&[(10, 10), (4, 4)]), [true, false]);
    }

    /// Six makespans around `centre`, 0.5 % apart: each pair of sides fully separated once shifted.
    fn six(centre: f64) -> Vec<f64> {
        [-0.0125, -0.0075, -0.0025, 0.0025, 0.0075, 0.0125]
            .iter()
            .map(|e| centre * (1.0 + e))
            .collect()
    }

    #[test]
    fn holm_within_a_small_group_reaches_what_holm_over_every_test_cannot() {
        let base = six(1.0);
        let shifted = (1.3, stats::mann_whitney(&base, &six(1.3)).p);
        // Interleaved by one sample: no change, p = 1 or near it.
        let unchanged = |centre: f64| {
            let other: Vec<f64> = six(centre).iter().map(|x| x * 1.001).collect();
            (1.001, stats::mann_whitney(&six(centre), &other).p)
        };
        let small: Vec<(f64, f64)> = vec![shifted, unchanged(2.0), unchanged(3.0)];
        let big: Vec<(f64, f64)> = (0..60).map(|i| unchanged(1.0 + i as f64 / 10.0)).collect();
        let (p_small, v_small) = rank_verdicts(&small, 0.05)[0];
        assert_eq!(v_small, Verdict::Slower, "adjusted p {p_small}");
        assert!((p_small - 3.0 * smallest_p(6, 6)).abs() < 1e-12);
        // The same test, Holm over every test of both groups (63): 63 · 2/924 = 0.136.
        let every: Vec<(f64, f64)> = small.iter().chain(&big).copied().collect();
        let (p_all, v_all) = rank_verdicts(&every, 0.05)[0];
        assert_eq!(v_all, Verdict::Same, "adjusted p {p_all}");
        assert!(p_all > 0.13, "{p_all}");
        // And the sizes alone say so: the big group's 60 tests of 6 vs 6 are no rank family.
        assert!(rank_family(&[(6, 6); 63]).iter().all(|&f| !f));
        assert!(rank_family(&[(6, 6); 3]).iter().all(|&f| f));
    }

    /// Three near-deterministic io makespans (spread 0.2 %) around `centre`.
    fn io3(centre: f64) -> Vec<f64> {
        [0.999, 1.0, 1.001].iter().map(|e| centre * e).collect()
    }

    #[test]
    fn the_range_rule_needs_separation_a_gap_and_the_threshold() {
        let base = io3(1.0);
        assert_eq!(range_verdict(&base, &io3(1.2), 0.05), Some(Verdict::Slower));
        assert_eq!(range_verdict(&base, &io3(0.8), 0.05), Some(Verdict::Faster));
        // Separated, but within the threshold.
        assert_eq!(range_verdict(&base, &io3(1.03), 0.05), Some(Verdict::Same));
        // Overlapping ranges, medians 20 % apart: one stray sample is enough to say nothing.
        assert_eq!(
            range_verdict(&base, &[1.2, 1.2, 0.9995], 0.05),
            Some(Verdict::Same)
        );
        // Separated by less than a side is wide: noise as wide as the change.
        assert_eq!(
            range_verdict(&[1.0, 1.1, 1.2], &[1.25, 1.35, 1.45], 0.05),
            Some(Verdict::Same)
        );
        // Fewer than 3 a side: no test.
        assert_eq!(range_verdict(&[1.0, 1.0], &io3(2.0), 0.05), None);
        assert_eq!(range_verdict(&[1.0], &[2.0], 0.05), None);
    }

    /// How often the range rule calls a change between two 3-sample draws of the same distribution.
    fn false_positives(draw: &mut dyn FnMut() -> f64) -> f64 {
        let trials = 20_000;
        let hits = (0..trials)
            .filter(|_| {
                let a: Vec<f64> = (0..3).map(|_| draw()).collect();
                let b: Vec<f64> = (0..3).map(|_| draw()).collect();
                range_verdict(&a, &b, 0.05) != Some(Verdict::Same)
            })
            .count();
        hits as f64 / trials as f64
    }

    #[test]
    fn the_range_rule_rarely_calls_a_change_that_is_not_there() {
        let mut rng = crate::rng::Rng::new(7);
        // Near-deterministic, as io and sleep cases are: never.
        let fp = false_positives(&mut || 1.0 + 0.002 * rng.unit());
        assert_eq!(fp, 0.0);
        // Uniform noise 50 % wide, ten times the threshold: separation alone happens 10 % of the time;
        // the gap condition leaves about 1.3 %.
        let fp = false_positives(&mut || 1.0 + 0.5 * rng.unit());
        assert!(fp > 0.005 && fp < 0.02, "{fp}");
        // The worst case: two speeds 20 % apart with even odds, 2 · 2⁻⁶ = 3.1 %.
        let fp =
            false_positives(&mut || if rng.unit() < 0.5 { 1.0 } else { 1.2 } + 0.001 * rng.unit());
        assert!(fp > 0.025 && fp < 0.04, "{fp}");
    }
}
