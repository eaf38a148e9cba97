//! A group's geometric-mean row and its own verdict: is the group as a whole slower (or faster) on
//! this input than on the baseline? The geomean of the cases' ratios says by how much; a rank test
//! stratified by case says whether the shift is more than the samples' scatter — van Elteren's
//! statistic (each case's rank sum of the other input's makespans, weighted by 1 / (n + 1)), its
//! p-value counted over random relabellings of the samples within each case. The cases of a group
//! share a question (a sweep, a suite section), so a shift they show together is evidence a single
//! case cannot give: three cases of 3 samples a side reach p < 0.05 together where none can alone.
//! The verdict follows the per-case rules — a change beyond the threshold or `~`, `n/a` when no
//! arrangement of these sample sizes could reach alpha — but yields to any unstable side of any of
//! the group's cases (`noisy`), where a case's own rank verdict stands when its samples merely
//! disagree. The test sees each case's scatter, but the geomean it vouches for averages every case's
//! ratio of medians, and one case whose samples disagree can move that ratio far by chance: in two
//! quick runs of the same code, a case whose samples fell in two modes, one twice the other, moved
//! its group's geomean by a fifth while the group's other cases moved by a few per cent the same way
//! — together significant. A group's verdict therefore speaks only for groups whose every case is
//! stable.

use super::comparison::{beyond, Row, Rule, Side, Verdict, ALPHA};
use crate::rng::Rng;
use crate::stats;
use serde::Serialize;

/// Most relabellings counted per test: the p-value's own error at p = 0.05 is then ±0.002 (one
/// standard error), small beside the distance a verdict needs from alpha.
pub const PERMUTATIONS: usize = 20_000;
/// Relabellings at least as extreme as the data after which counting stops (Besag and Clifford's
/// sequential p-value, `EXTREMES / relabellings`): a p near 0.5 is known after 800 relabellings, to
/// within 5 % of itself, and only p-values near or below alpha need all of them.
pub const EXTREMES: usize = 400;
/// The relabellings are drawn from a fixed seed, so the same files always give the same p.
const SEED: u64 = 0x0c0a_7be0_c4ba_5e11;

/// The group's geometric means and, per non-baseline input, its verdict on them.
#[derive(Debug, Clone, Serialize)]
pub struct Geomean {
    /// Of the median makespans, one per input, seconds.
    pub medians_s: Vec<f64>,
    /// Of the ratios, one per non-baseline input.
    pub ratios: Vec<f64>,
    /// One per non-baseline input: how the group as a whole compares with the baseline.
    pub versus: Vec<GroupVersus>,
}

/// A non-baseline input against the baseline over a whole group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupVersus {
    pub label: String,
    /// The geometric mean of the group's ratios (as `Geomean::ratios`).
    pub ratio: f64,
    /// Two-sided p of the stratified rank test; absent when these sample sizes cannot reach alpha.
    pub p: Option<f64>,
    /// `rank` (the stratified test decided) or `none` (no test possible).
    pub rule: Rule,
    pub verdict: Verdict,
}

/// The geomean row of a group: `rows` with, per row, every input's makespans (baseline first).
pub fn geomean(rows: &[Row], makespans: &[Vec<Vec<f64>>], threshold: f64) -> Geomean {
    let inputs = rows.first().map_or(0, |r| r.sides.len());
    let of = |f: &dyn Fn(&Row) -> f64| stats::geomean(&rows.iter().map(f).collect::<Vec<_>>());
    let medians_s: Vec<f64> = (0..inputs).map(|i| of(&|r| r.sides[i].median_s)).collect();
    let ratios: Vec<f64> = (1..inputs)
        .map(|i| of(&|r| r.versus[i - 1].ratio))
        .collect();
    let versus = (1..inputs)
        .map(|i| {
            let strata: Vec<(&[f64], &[f64])> = makespans
                .iter()
                .map(|m| (m[0].as_slice(), m[i].as_slice()))
                .collect();
            let sides = rows.iter().flat_map(|r| [&r.sides[0], &r.sides[i]]);
            let label = rows[0].versus[i - 1].label.clone();
            group_verdict(label, ratios[i - 1], &strata, sides, threshold)
        })
        .collect();
    Geomean {
        medians_s,
        ratios,
        versus,
    }
}

fn group_verdict<'a>(
    label: String,
    ratio: f64,
    strata: &[(&[f64], &[f64])],
    sides: impl IntoIterator<Item = &'a Side>,
    threshold: f64,
) -> GroupVersus {
    let (p, rule, verdict) = if smallest_p(strata) >= ALPHA {
        (None, Rule::None, Verdict::NotTested)
    } else {
        let p = stratified_p(strata, PERMUTATIONS, SEED);
        let verdict = if p < ALPHA {
            beyond(ratio, threshold)
        } else {
            Verdict::Same
        };
        (Some(p), Rule::Rank, verdict)
    };
    let unstable = sides.into_iter().any(|s| !s.unstable.is_empty());
    GroupVersus {
        label,
        ratio,
        p,
        rule,
        verdict: if unstable { Verdict::Noisy } else { verdict },
    }
}

/// The smallest two-sided p the stratified test can give these sample sizes: every case completely
/// separated in the same direction, the one arrangement of each case that maximises its rank sum,
/// so `2 × Π 1 / C(n_a + n_b, n_b)`. A case with no sample on a side adds nothing.
pub fn smallest_p(strata: &[(&[f64], &[f64])]) -> f64 {
    let one_sided: f64 = strata
        .iter()
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        // Below 1, smallest_p is exactly 2 / C(n_a + n_b, n_b); 1 vs 1 gives 2 / 2.
        .map(|(a, b)| super::comparison::smallest_p(a.len(), b.len()) / 2.0)
        .product();
    (2.0 * one_sided).min(1.0)
}

/// One case of the test: the midranks of its pooled makespans, the baseline's first, how many
/// belong to the other input, and van Elteren's weight.
struct Stratum {
    ranks: Vec<f64>,
    other: usize,
    weight: f64,
}

impl Stratum {
    fn new(base: &[f64], other: &[f64]) -> Stratum {
        let pooled: Vec<f64> = base.iter().chain(other).copied().collect();
        let (ranks, _) = stats::midranks(&pooled);
        Stratum {
            weight: 1.0 / (pooled.len() + 1) as f64,
            other: other.len(),
            ranks,
        }
    }

    /// The weighted rank sum of `ranks[from..]` (the other input's) above what no change expects.
    fn score(&self, ranks: &[f64]) -> f64 {
        let n = ranks.len() as f64;
        let sum: f64 = ranks[ranks.len() - self.other..].iter().sum();
        self.weight * (sum - self.other as f64 * (n + 1.0) / 2.0)
    }
}

/// Two-sided p of van Elteren's stratified rank test of `other` against `base`, case by case, by up
/// to `permutations` random relabellings within each case (Monte Carlo, seeded, so the same samples
/// give the same p; ties take midranks), stopping once [`EXTREMES`] of them were at least as extreme.
/// Permuting only within cases keeps each case's own level and scatter: what is tested is the shift
/// alone.
pub fn stratified_p(strata: &[(&[f64], &[f64])], permutations: usize, seed: u64) -> f64 {
    let strata: Vec<Stratum> = strata
        .iter()
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .map(|(a, b)| Stratum::new(a, b))
        .collect();
    let observed: f64 = strata.iter().map(|s| s.score(&s.ranks)).sum::<f64>().abs();
    // Sums of a few ranks are exact in f64; the margin only absorbs the weights' rounding, so an
    // arrangement that scores the same as the observed one counts as at least as extreme.
    let at_least = observed - 1e-9 * (1.0 + observed);
    let mut rng = Rng::new(seed);
    let mut scratch: Vec<Vec<f64>> = strata.iter().map(|s| s.ranks.clone()).collect();
    let mut extreme = 0usize;
    for done in 1..=permutations {
        let mut t = 0.0;
        for (s, ranks) in strata.iter().zip(&mut scratch) {
            // A partial Fisher-Yates: the last `other` places get a uniform draw without replacement.
            let n = ranks.len();
            for i in (n - s.other..n).rev() {
                ranks.swap(i, rng.below(i + 1));
            }
            t += s.score(ranks);
        }
        if t.abs() >= at_least {
            extreme += 1;
            if extreme == EXTREMES {
                return extreme as f64 / done as f64;
            }
        }
    }
    (1 + extreme) as f64 / (1 + permutations) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` samples around `centre`, evenly spread ±0.5 %, shifted by `phase` of a step so two sides
    /// never tie.
    fn spread(centre: f64, n: usize, phase: f64) -> Vec<f64> {
        (0..n)
            .map(|i| centre * (1.0 + 0.01 * ((i as f64 + phase) / n as f64 - 0.5)))
            .collect()
    }

    fn p_of(pairs: &[(Vec<f64>, Vec<f64>)]) -> f64 {
        let strata: Vec<(&[f64], &[f64])> = pairs
            .iter()
            .map(|(a, b)| (a.as_slice(), b.as_slice()))
            .collect();
        stratified_p(&strata, PERMUTATIONS, SEED)
    }

    #[test]
    fn the_smallest_p_is_every_case_separated_alike() {
        let three = [1.0, 2.0, 3.0];
        let strata = [(&three[..], &three[..]); 2];
        // 2 × (1/20)²: two cases of 3 vs 3.
        assert!((smallest_p(&strata) - 2.0 / 400.0).abs() < 1e-12);
        let one = [1.0];
        assert_eq!(smallest_p(&[(&one[..], &one[..])]), 1.0, "1 vs 1 alone");
        // Six cases of 1 vs 1, a sign test over cases: 2 × 2⁻⁶ = 0.031.
        assert!((smallest_p(&[(&one[..], &one[..]); 6]) - 2.0 / 64.0).abs() < 1e-12);
        assert_eq!(smallest_p(&[(&one[..], &[][..])]), 1.0, "an empty side");
        // And the permutations reach it: six 1-vs-1 cases all slower.
        let pairs: Vec<_> = (0..6)
            .map(|i| (vec![i as f64], vec![i as f64 + 0.5]))
            .collect();
        assert!(
            (p_of(&pairs) - 2.0 / 64.0).abs() < 0.005,
            "{}",
            p_of(&pairs)
        );
    }

    #[test]
    fn cases_too_few_alone_decide_together() {
        // Three cases of 3 vs 3, each 10 % slower: none can reach 0.05 alone (its smallest p is 0.1),
        // together they reach 2 / 20³.
        let pairs: Vec<_> = [1.0, 2.0, 5.0]
            .iter()
            .map(|&c| (spread(c, 3, 0.0), spread(c * 1.1, 3, 0.5)))
            .collect();
        let p = p_of(&pairs);
        assert!(p < 0.001, "{p}");
    }

    #[test]
    fn no_shift_is_no_finding() {
        // Interleaved samples in every case: nothing to find.
        let pairs: Vec<_> = [1.0, 2.0, 5.0, 0.3]
            .iter()
            .map(|&c| (spread(c, 6, 0.0), spread(c, 6, 0.5)))
            .collect();
        let p = p_of(&pairs);
        assert!(p > 0.3, "{p}");
        // Identical samples tie everywhere: p = 1.
        let same: Vec<_> = pairs.iter().map(|(a, _)| (a.clone(), a.clone())).collect();
        assert_eq!(p_of(&same), 1.0);
    }

    #[test]
    fn opposite_shifts_cancel() {
        // One case much slower, one much faster: the group as a whole did not move.
        let pairs = vec![
            (spread(1.0, 6, 0.0), spread(1.3, 6, 0.5)),
            (spread(2.0, 6, 0.0), spread(2.0 / 1.3, 6, 0.5)),
        ];
        assert!(p_of(&pairs) > 0.5, "{}", p_of(&pairs));
    }

    #[test]
    fn under_no_change_it_rejects_about_alpha_of_the_time() {
        // Three cases of 4 vs 4 from one distribution, 400 draws: the share with p < 0.05 is near
        // 0.05 (binomial: 95 % of runs between 0.03 and 0.075) — a test that can reject, at the
        // rate it claims.
        let mut rng = Rng::new(11);
        let trials = 400;
        let hits = (0..trials)
            .filter(|_| {
                let mut draw = |n| (0..n).map(|_| 1.0 + rng.unit()).collect::<Vec<f64>>();
                let pairs: Vec<_> = (0..3).map(|_| (draw(4), draw(4))).collect();
                let strata: Vec<(&[f64], &[f64])> = pairs
                    .iter()
                    .map(|(a, b)| (a.as_slice(), b.as_slice()))
                    .collect();
                stratified_p(&strata, 2_000, 5) < ALPHA
            })
            .count();
        let rate = hits as f64 / trials as f64;
        assert!((0.02..0.085).contains(&rate), "{rate}");
    }
}
