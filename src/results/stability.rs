//! When a case's figure should not be trusted, and why. Two kinds of reason, each a sentence kept in
//! the case's summary and shown beside it wherever it appears: its samples disagree (pyperf's rules:
//! a standard deviation of 10 % of the mean or more, or a minimum or maximum 50 % or more away from
//! the median), or the machine was busy with other work while it ran.
//!
//! The busy threshold is the dispersion threshold seen from the other side: other processes taking
//! 10 % of the machine's CPU time can move a case that needs the whole machine by about 10 %, the
//! most pyperf lets samples disagree; steal is held to half that, because a vCPU the host takes away
//! stops the case outright. Both are judged over all samples together, and only once they cover half
//! a second of wall time: /proc/stat counts in 10 ms ticks, too coarse for one short repetition.

use crate::results::{Instability, InstabilityKind, Sample};

/// Samples' standard deviation at or above this share of their mean: unstable.
pub const MAX_STDEV: f64 = 0.10;
/// A minimum or maximum at least this far from the median (as a share of it): unstable.
pub const MAX_OUTLIER: f64 = 0.50;
/// Other processes' share of the machine's CPU time above which the machine was busy.
pub const MAX_OTHER_BUSY: f64 = 0.10;
/// Steal above this share of the machine's CPU time: the host was busy.
pub const MAX_STEAL: f64 = 0.05;
/// Wall time the samples must cover before the machine's counters are read as a share.
const MIN_NOISE_WALL_S: f64 = 0.5;

/// Why these samples are unstable; empty when they are not.
pub fn reasons(samples: &[Sample]) -> Vec<Instability> {
    let spread = dispersion(&samples.iter().map(|s| s.makespan_s).collect::<Vec<_>>());
    let of = |kind| move |why| Instability { kind, why };
    spread
        .into_iter()
        .map(of(InstabilityKind::Dispersion))
        .chain(busy(samples).into_iter().map(of(InstabilityKind::Busy)))
        .collect()
}

/// pyperf's rules on the makespans.
pub fn dispersion(xs: &[f64]) -> Vec<String> {
    let mut why = Vec::new();
    if xs.len() < 2 {
        return why;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let stdev = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    if mean > 0.0 && stdev >= MAX_STDEV * mean {
        why.push(format!(
            "samples disagree: standard deviation {:.0} % of the mean",
            100.0 * stdev / mean
        ));
    }
    let median = crate::stats::median(xs);
    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if median > 0.0 && min <= (1.0 - MAX_OUTLIER) * median {
        why.push(format!(
            "samples disagree: the fastest is {:.0} % below the median",
            100.0 * (1.0 - min / median)
        ));
    }
    if median > 0.0 && max >= (1.0 + MAX_OUTLIER) * median {
        why.push(format!(
            "samples disagree: the slowest is {:.0} % above the median",
            100.0 * (max / median - 1.0)
        ));
    }
    why
}

/// Other processes and steal, as shares of the machine's CPU time over every sample.
pub fn busy(samples: &[Sample]) -> Vec<String> {
    let noise: Vec<_> = samples.iter().filter_map(|s| s.noise).collect();
    let wall: f64 = noise.iter().map(|n| n.wall_s).sum();
    let capacity: f64 = noise.iter().map(|n| n.wall_s * n.cpus.max(1) as f64).sum();
    if wall < MIN_NOISE_WALL_S || capacity <= 0.0 {
        return Vec::new();
    }
    let share = |f: fn(&crate::results::Noise) -> f64| noise.iter().map(f).sum::<f64>() / capacity;
    let mut why = Vec::new();
    let other = share(|n| n.other_busy_s);
    if other > MAX_OTHER_BUSY {
        why.push(format!(
            "machine busy: other processes took {:.0} % of its CPU time",
            100.0 * other
        ));
    }
    let steal = share(|n| n.steal_s);
    if steal > MAX_STEAL {
        why.push(format!(
            "host busy: {:.0} % of CPU time stolen",
            100.0 * steal
        ));
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Noise;

    fn sample(makespan_s: f64, noise: Option<Noise>) -> Sample {
        Sample {
            makespan_s,
            noise,
            ..Sample::default()
        }
    }

    fn quiet(wall_s: f64) -> Noise {
        Noise {
            load_1m: 0.1,
            wall_s,
            cpus: 2,
            busy_s: 0.0,
            steal_s: 0.0,
            iowait_s: 0.0,
            server_cpu_s: None,
            other_busy_s: 0.0,
            listen_overflows: 0,
            listen_drops: 0,
            tcp_timeouts: 0,
            syn_retrans: 0,
        }
    }

    #[test]
    fn close_samples_on_a_quiet_machine_are_stable() {
        let s: Vec<_> = [1.00, 1.02, 0.99, 1.01]
            .iter()
            .map(|&m| sample(m, Some(quiet(m))))
            .collect();
        assert!(reasons(&s).is_empty(), "{:?}", reasons(&s));
        assert!(
            reasons(&[sample(5.0, None)]).is_empty(),
            "one sample cannot disagree"
        );
    }

    #[test]
    fn a_wide_spread_is_unstable() {
        let why = dispersion(&[1.0, 1.3, 0.8, 1.1]);
        assert!(
            why.iter().any(|w| w.contains("standard deviation")),
            "{why:?}"
        );
        // 9 % stdev but one sample half the median: the outlier rule alone.
        let why = dispersion(&[1.0; 20].iter().chain(&[0.5]).copied().collect::<Vec<_>>());
        assert_eq!(why.len(), 2, "{why:?}");
        assert!(why.iter().any(|w| w.contains("fastest is 50 %")), "{why:?}");
        let why = dispersion(&[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.6]);
        assert!(why.iter().any(|w| w.contains("slowest is 60 %")), "{why:?}");
    }

    #[test]
    fn a_busy_machine_is_unstable_once_the_samples_are_long_enough() {
        let busy = |wall: f64, other: f64, steal: f64| Noise {
            other_busy_s: other,
            steal_s: steal,
            ..quiet(wall)
        };
        // 2 CPUs × 1 s = 2 CPU-seconds; 0.3 of them elsewhere = 15 %.
        let why = |s: &[Sample]| -> Vec<(InstabilityKind, String)> {
            reasons(s).into_iter().map(|i| (i.kind, i.why)).collect()
        };
        let busy_because = |w: &str| vec![(InstabilityKind::Busy, w.to_string())];
        let s = [sample(1.0, Some(busy(1.0, 0.3, 0.0)))];
        assert_eq!(
            why(&s),
            busy_because("machine busy: other processes took 15 % of its CPU time")
        );
        let s = [sample(1.0, Some(busy(1.0, 0.1, 0.0)))];
        assert!(reasons(&s).is_empty(), "5 % is within the threshold");
        let s = [sample(1.0, Some(busy(1.0, 0.0, 0.2)))];
        assert_eq!(why(&s), busy_because("host busy: 10 % of CPU time stolen"));
        let spread = [sample(1.0, None), sample(2.0, None)];
        assert!(reasons(&spread)
            .iter()
            .all(|i| i.kind == InstabilityKind::Dispersion));
        // 10 ms of wall in all: ticks of 10 ms cannot say, so nothing is claimed.
        let s = [sample(0.01, Some(busy(0.01, 0.02, 0.0)))];
        assert!(reasons(&s).is_empty());
    }
}
