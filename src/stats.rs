//! Statistics over few, long samples: benchmark makespans come in handfuls
//! (typically 3-20 per case), so everything here is rank-based and
//! distribution-free where that is affordable — medians with order-statistic
//! confidence intervals, Mann-Whitney tests (exact for small tie-free samples),
//! Holm correction across many cases, and Hodges-Lehmann style intervals for
//! the ratio between two machines. Inputs never contain NaN; std only.

use std::f64::consts::SQRT_2;

/// A confidence interval `[low, high]` together with the coverage `level` it
/// actually achieves (which, for order statistics, is rarely the one asked for).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Coverage probability of the interval, in `[0, 1]`.
    pub level: f64,
}

impl Interval {
    const NAN: Interval = Interval {
        low: f64::NAN,
        high: f64::NAN,
        level: f64::NAN,
    };
}

/// Result of a two-sided Mann-Whitney U test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U statistic of the first sample: pairs `(x, y)` with `x > y`, ties count ½.
    pub u: f64,
    /// Two-sided p-value.
    pub p: f64,
}

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

fn median_of_sorted(s: &[f64]) -> f64 {
    let n = s.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => s[n / 2],
        _ => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// Median; the mean of the two middle values for even length. NaN if empty.
pub fn median(xs: &[f64]) -> f64 {
    median_of_sorted(&sorted(xs))
}

/// Median absolute deviation from the median, unscaled (no 1.4826 factor).
/// NaN if empty.
pub fn mad(xs: &[f64]) -> f64 {
    let m = median(xs);
    let dev: Vec<f64> = xs.iter().map(|x| (x - m).abs()).collect();
    median(&dev)
}

/// `P(Bin(n, 1/2) < j)` for `j = 0..=n`, i.e. `cdf[j] = sum_{i<j} C(n,i) / 2^n`.
/// Log-space pmf so that large `n` does not underflow `0.5^n` to zero first.
fn binomial_half_below(n: usize) -> Vec<f64> {
    let mut cdf = Vec::with_capacity(n + 1);
    let (mut ln_pmf, mut acc) = (n as f64 * 0.5f64.ln(), 0.0);
    for i in 0..=n {
        cdf.push(acc);
        acc += ln_pmf.exp();
        ln_pmf += ((n - i) as f64 / (i + 1) as f64).ln();
    }
    cdf
}

/// Distribution-free confidence interval of the median from order statistics.
///
/// Picks the narrowest symmetric pair `(x_(j), x_(n+1-j))` whose coverage
/// `1 - 2 P(Bin(n, 1/2) < j)` is at least `level`. If even `[min, max]` falls
/// short (small `n`), returns `[min, max]` with its coverage `1 - 2 * 0.5^n`;
/// `n = 1` gives `[x, x]` with level 0. Empty input gives all fields NaN.
pub fn median_ci(xs: &[f64], level: f64) -> Interval {
    let s = sorted(xs);
    let n = s.len();
    if n == 0 {
        return Interval::NAN;
    }
    let below = binomial_half_below(n);
    let coverage = |j: usize| 1.0 - 2.0 * below[j];
    let mut j = 1;
    while j < n.div_ceil(2) && coverage(j + 1) >= level {
        j += 1;
    }
    Interval {
        low: s[j - 1],
        high: s[n - j],
        level: coverage(j),
    }
}

/// Midranks of the pooled sample (1-based) and the tie term `sum(t^3 - t)`.
pub fn midranks(pooled: &[f64]) -> (Vec<f64>, f64) {
    let mut idx: Vec<usize> = (0..pooled.len()).collect();
    idx.sort_by(|&i, &j| pooled[i].total_cmp(&pooled[j]));
    let mut ranks = vec![0.0; pooled.len()];
    let mut ties = 0.0;
    let mut start = 0;
    while start < idx.len() {
        let mut end = start + 1;
        while end < idx.len() && pooled[idx[end]] == pooled[idx[start]] {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0;
        for &i in &idx[start..end] {
            ranks[i] = rank;
        }
        let t = (end - start) as f64;
        ties += t * t * t - t;
        start = end;
    }
    (ranks, ties)
}

/// Number of arrangements giving each `U = 0..=n1*n2` (no ties), by the
/// recurrence on whether the overall largest value belongs to `a` (adding `n`
/// to U) or to `b`. Counts stay exact in f64 up to 2^53 and only lose
/// relative precision beyond, which is harmless for probabilities.
fn u_counts(n1: usize, n2: usize) -> Vec<f64> {
    let len = n1 * n2 + 1;
    // rows[n][u] = count for (m, n); m grows one step per outer iteration.
    let mut rows = vec![vec![0.0; len]; n2 + 1];
    for row in &mut rows {
        row[0] = 1.0;
    }
    for _m in 1..=n1 {
        for n in 1..=n2 {
            let (done, rest) = rows.split_at_mut(n);
            let (prev_n, cur) = (&done[n - 1], &mut rest[0]);
            // Walk u downwards so cur[u - n] still holds the (m - 1) value.
            for u in (0..len).rev() {
                let from_a = if u >= n { cur[u - n] } else { 0.0 };
                cur[u] = from_a + prev_n[u];
            }
        }
    }
    rows.pop().unwrap_or_default()
}

/// Two-sided Mann-Whitney U test of `a` against `b`.
///
/// `u` is the U statistic of `a`. The p-value is exact when the pooled sample
/// has no ties and both sizes are ≤ 50; otherwise it uses the normal
/// approximation with tie and continuity corrections. Either way
/// `p = min(1, 2 min(P(U ≤ u), P(U ≥ u)))`. Empty `a` or `b` gives `u = 0, p = 1`.
pub fn mann_whitney(a: &[f64], b: &[f64]) -> MannWhitney {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return MannWhitney { u: 0.0, p: 1.0 };
    }
    let pooled: Vec<f64> = a.iter().chain(b).copied().collect();
    let (ranks, ties) = midranks(&pooled);
    let rank_sum_a: f64 = ranks[..n1].iter().sum();
    let u = rank_sum_a - (n1 * (n1 + 1)) as f64 / 2.0;

    let (lower, upper) = if ties == 0.0 && n1 <= 50 && n2 <= 50 {
        let counts = u_counts(n1, n2);
        let total: f64 = counts.iter().sum();
        // No ties means u is an exact integer.
        let k = u as usize;
        let le: f64 = counts[..=k].iter().sum();
        let ge: f64 = counts[k..].iter().sum();
        (le / total, ge / total)
    } else {
        let (m, n) = (n1 as f64, n2 as f64);
        let big_n = m + n;
        let var = m * n / 12.0 * ((big_n + 1.0) - ties / (big_n * (big_n - 1.0)));
        if var <= 0.0 {
            // Everything tied: no evidence of any difference.
            return MannWhitney { u, p: 1.0 };
        }
        let (mean, sd) = (m * n / 2.0, var.sqrt());
        (
            normal_cdf((u + 0.5 - mean) / sd),
            normal_cdf((mean - u + 0.5) / sd),
        )
    };
    MannWhitney {
        u,
        p: (2.0 * lower.min(upper)).min(1.0),
    }
}

/// Holm-Bonferroni adjusted p-values, returned in input order. Adjusted values
/// are monotone in the raw ones and clipped at 1.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]));
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// Geometric mean of positive values, via the mean of logs. NaN if empty;
/// a zero yields 0 and a negative value NaN.
pub fn geomean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp()
}

/// Confidence interval of the ratio `median(other) / median(base)` for
/// positive samples.
///
/// Hodges-Lehmann style: order statistics of all `n1*n2` pairwise log ratios
/// `ln(o / b)`, with rank bounds from the normal approximation of the
/// Mann-Whitney U distribution, mapped back with `exp`. The reported `level`
/// is the requested one and only approximate (conservative bounds get wide
/// for tiny samples, clamped at the extreme ratios). Empty input gives all NaN.
pub fn ratio_ci(base: &[f64], other: &[f64], level: f64) -> Interval {
    let (n1, n2) = (base.len(), other.len());
    if n1 == 0 || n2 == 0 {
        return Interval::NAN;
    }
    let log_b: Vec<f64> = base.iter().map(|b| b.ln()).collect();
    let diffs: Vec<f64> = other
        .iter()
        .flat_map(|o| log_b.iter().map(move |lb| o.ln() - lb))
        .collect();
    let d = sorted(&diffs);
    let n = d.len();
    let (m1, m2) = (n1 as f64, n2 as f64);
    let half_width = z_for(level) * (m1 * m2 * (m1 + m2 + 1.0) / 12.0).sqrt();
    let k = (n as f64 / 2.0 - half_width).floor();
    // Clamp into range and keep low <= high when `level` is tiny.
    let k = (k.max(0.0) as usize).min((n - 1) / 2);
    Interval {
        low: d[k].exp(),
        high: d[n - 1 - k].exp(),
        level,
    }
}

/// Two-sided standard normal quantile: `z` with `P(|Z| ≤ z) = level`
/// (0.95 → 1.959964). Returns 0 for `level ≤ 0` and +∞ for `level ≥ 1`.
pub fn z_for(level: f64) -> f64 {
    if level <= 0.0 {
        0.0
    } else if level >= 1.0 {
        f64::INFINITY
    } else {
        inverse_normal_cdf(0.5 + level / 2.0)
    }
}

/// Acklam's rational approximation of the normal quantile (relative error
/// ≈ 1.2e-9), for `p` in (0, 1).
fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let horner = |coef: &[f64], x: f64| coef.iter().fold(0.0, |acc, c| acc * x + c);
    let tail = |q: f64| {
        let q = (-2.0 * q.ln()).sqrt();
        horner(&C, q) / (horner(&D, q) * q + 1.0)
    };
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        tail(p)
    } else if p > 1.0 - P_LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        horner(&A, r) * q / (horner(&B, r) * r + 1.0)
    }
}

/// Complementary error function, Numerical Recipes' Chebyshev fit
/// (fractional error < 1.2e-7 everywhere), good enough for tail p-values
/// where 1 - erf would cancel catastrophically.
fn erfc(x: f64) -> f64 {
    const K: [f64; 10] = [
        0.17087277,
        -0.82215223,
        1.48851587,
        -1.13520398,
        0.27886807,
        -0.18628806,
        0.09678418,
        0.37409196,
        1.00002368,
        -1.26551223,
    ];
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = K.iter().fold(0.0, |acc, k| acc * t + k);
    let ans = t * (-z * z + poly).exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

/// Standard normal CDF.
fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn median_and_mad() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(mad(&[1.0, 2.0, 3.0, 4.0, 100.0]), 1.0);
        assert!(median(&[]).is_nan() && mad(&[]).is_nan());
    }

    #[test]
    fn median_ci_small_n_falls_back_to_range() {
        let ci = median_ci(&[5.0, 1.0, 3.0], 0.95);
        assert_eq!((ci.low, ci.high, ci.level), (1.0, 5.0, 0.75));
        assert_eq!(
            median_ci(&[7.0], 0.95),
            Interval {
                low: 7.0,
                high: 7.0,
                level: 0.0
            }
        );
        assert!(median_ci(&[], 0.95).low.is_nan());
    }

    #[test]
    fn median_ci_order_statistics() {
        // Reversed so the function has to sort.
        let xs: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let ci = median_ci(&xs, 0.95);
        assert_eq!((ci.low, ci.high), (2.0, 9.0));
        assert_eq!(ci.level, 1.0 - 2.0 * 11.0 / 1024.0);

        // n = 20: P(Bin(20, .5) < 6) = 21700 / 2^20.
        let xs: Vec<f64> = (1..=20).map(f64::from).collect();
        let ci = median_ci(&xs, 0.95);
        assert_eq!((ci.low, ci.high), (6.0, 15.0));
        assert!(close(ci.level, 1.0 - 2.0 * 21700.0 / 1048576.0, 1e-12));
        assert!(close(ci.level, 0.9586, 1e-4));
    }

    #[test]
    fn mann_whitney_exact() {
        let r = mann_whitney(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]);
        assert_eq!(r.u, 0.0);
        assert!(close(r.p, 0.1, 1e-12));
        let r = mann_whitney(&[4.0, 5.0, 6.0], &[1.0, 2.0, 3.0]);
        assert_eq!(r.u, 9.0);
        assert!(close(r.p, 0.1, 1e-12));
        let r = mann_whitney(&[1.0, 2.0, 3.0, 4.0], &[5.0, 6.0, 7.0, 8.0]);
        assert!(close(r.p, 2.0 / 70.0, 1e-12));
        // U counts for 3 vs 3: 1,1,2,3,3,3,3,2,1,1 → P(U ≤ 3) = 7/20.
        let r = mann_whitney(&[1.0, 3.0, 5.0], &[2.0, 4.0, 6.0]);
        assert_eq!(r.u, 3.0);
        assert!(close(r.p, 0.7, 1e-12));
    }

    #[test]
    fn mann_whitney_identical_and_empty() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(mann_whitney(&xs, &xs).p, 1.0);
        assert_eq!(mann_whitney(&[2.0; 4], &[2.0; 3]).p, 1.0);
        assert_eq!(mann_whitney(&[], &xs), MannWhitney { u: 0.0, p: 1.0 });
    }

    #[test]
    fn mann_whitney_ties_normal_approx() {
        // Midranks: 1→1, 2→3 (×3), 3→5.5 (×2), 4→7, 5→8; R_a = 12.5, U = 2.5.
        // Tie term 24 + 6 = 30; var = 16/12 (9 - 30/56) = 11.2857142857.
        // p = 2 Φ((2.5 + 0.5 - 8) / sqrt(var)) = 2 Φ(-1.48835).
        let r = mann_whitney(&[1.0, 2.0, 2.0, 3.0], &[2.0, 3.0, 4.0, 5.0]);
        assert_eq!(r.u, 2.5);
        assert!(close(r.p, 0.1366582, 1e-6));
    }

    #[test]
    fn mann_whitney_large_samples() {
        // No ties: b = a + 4.5, U = 1 + ... + 55 = 1540; sd = sqrt(3600 * 121 / 12).
        let a: Vec<f64> = (0..60).map(f64::from).collect();
        let b: Vec<f64> = a.iter().map(|x| x + 4.5).collect();
        let r = mann_whitney(&a, &b);
        assert_eq!(r.u, 1540.0);
        assert!(close(r.p, 0.173191, 1e-3));
        // Heavy ties: a = 0..9 six times each, b = a + 1; tie term 15864.
        let a: Vec<f64> = (0..60).map(|i| f64::from(i % 10)).collect();
        let b: Vec<f64> = a.iter().map(|x| x + 1.0).collect();
        let r = mann_whitney(&a, &b);
        assert_eq!(r.u, 1458.0);
        assert!(close(r.p, 0.071751, 1e-3));
    }

    #[test]
    fn exact_path_at_size_limit_sums_to_one() {
        let a: Vec<f64> = (0..50).map(|i| f64::from(2 * i)).collect();
        let b: Vec<f64> = (0..50).map(|i| f64::from(2 * i + 1)).collect();
        let r = mann_whitney(&a, &b);
        assert!(r.p > 0.5 && r.p <= 1.0);
        let counts = u_counts(50, 50);
        // C(100, 50) ≈ 1.0089134e29.
        assert!(close(
            counts.iter().sum::<f64>() / 1.0089134454556417e29,
            1.0,
            1e-12
        ));
    }

    #[test]
    fn holm_adjustment() {
        let adj = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        assert!(adj.iter().zip(want).all(|(a, w)| close(*a, w, 1e-12)));
        assert_eq!(holm(&[0.5, 0.6]), vec![1.0, 1.0]);
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn geometric_mean() {
        assert!(close(geomean(&[1.0, 4.0]), 2.0, 1e-12));
        assert!(close(geomean(&[2.0, 2.0, 2.0]), 2.0, 1e-12));
        assert!(geomean(&[]).is_nan());
    }

    #[test]
    fn ratio_interval() {
        let base = [1.00, 1.02, 0.98, 1.01, 0.99, 1.005];
        let slower: Vec<f64> = base.iter().map(|b| b * 1.3).collect();
        let ci = ratio_ci(&base, &slower, 0.95);
        assert!(ci.low <= 1.3 && 1.3 <= ci.high, "{ci:?}");
        assert!(ci.low > 1.0);
        assert_eq!(ci.level, 0.95);
        let ci = ratio_ci(&base, &base, 0.95);
        assert!(
            ci.low <= 1.0 && 1.0 <= ci.high && ci.low < ci.high,
            "{ci:?}"
        );
        assert!(ratio_ci(&[], &base, 0.95).low.is_nan());
    }

    #[test]
    fn normal_functions() {
        assert!(close(z_for(0.95), 1.959964, 1e-5));
        assert!(close(z_for(0.99), 2.575829, 1e-5));
        assert!(close(inverse_normal_cdf(0.001), -3.090232, 1e-5));
        assert!(close(normal_cdf(1.96), 0.9750021, 1e-6));
        assert!(close(normal_cdf(-5.0) / 2.866516e-7, 1.0, 1e-3));
        assert!(close(normal_cdf(0.0), 0.5, 1e-7));
    }
}
