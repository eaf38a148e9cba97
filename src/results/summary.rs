//! A case's summary from its samples: medians of every per-sample figure, the makespan's spread and the
//! confidence interval of its median, the efficiency against the ideal (only when every task of every
//! sample succeeded, and only when the ideal is a bound), and the reasons the case is unstable. Pure
//! over the samples, so a run, a criterion baseline and a test build summaries the same way.

use super::{Sample, Spread, Summary};
use crate::names::Bottleneck;

/// The most an efficiency may exceed 1 by and still be shown: what the clocks and the probes' own
/// medians can be off by. Beyond it the ideal is no bound on this machine, and it says so.
pub const IDEAL_SLACK: f64 = 0.01;

/// What every view (report tables, charts, compare rows) says in place of an efficiency the ideal
/// cannot give.
pub const IDEAL_UNRELIABLE: &str = "ideal unreliable on this machine";

/// ideal ÷ makespan: per sample, each against the ideal measured beside it, where the samples carry
/// their own (the median of those ratios); else the case's one ideal against the median makespan.
pub fn efficiency(samples: &[Sample], ideal: Option<f64>, median: f64) -> Option<f64> {
    let own: Vec<f64> = samples
        .iter()
        .filter_map(|s| Some(s.ideal_s? / s.makespan_s))
        .filter(|e| e.is_finite())
        .collect();
    match own.is_empty() {
        false => Some(crate::stats::median(&own)),
        true => ideal.filter(|_| median > 0.0).map(|i| i / median),
    }
}

/// Medians over samples; the makespan gets its full spread and confidence interval. Efficiency only
/// when there is an ideal, every task of every sample succeeded, and the ideal is no more than
/// [`IDEAL_SLACK`] above what was measured.
pub fn summarise(samples: &[Sample], ideal: Option<f64>, bottleneck: Bottleneck) -> Summary {
    let med = |f: &dyn Fn(&Sample) -> f64| {
        crate::stats::median(&samples.iter().map(f).collect::<Vec<_>>())
    };
    let makespan = Spread::of(&samples.iter().map(|s| s.makespan_s).collect::<Vec<_>>());
    let failures = samples
        .iter()
        .map(|s| s.failures.values().sum::<u64>())
        .sum();
    let efficiency = efficiency(samples, ideal, makespan.median).filter(|_| failures == 0);
    let unreliable = efficiency.filter(|e| *e > 1.0 + IDEAL_SLACK);
    Summary {
        efficiency: efficiency.filter(|_| unreliable.is_none()),
        ideal_unreliable: unreliable,
        makespan,
        bottleneck,
        setup_s: med(&|s| s.setup_s),
        task_p50_s: med(&|s| s.task_latency.p50),
        task_p99_s: med(&|s| s.task_latency.p99),
        cpu_s: med(&|s| s.user_s + s.sys_s),
        max_rss_kib: med(&|s| s.max_rss_kib as f64) as u64,
        threads_peak: med(&|s| s.threads_peak as f64) as u64,
        ctx_switches: med(&|s| (s.voluntary_ctx + s.involuntary_ctx) as f64) as u64,
        server_max_in_flight: samples
            .iter()
            .filter_map(|s| s.server.map(|o| o.max_in_flight))
            .max(),
        failures,
        unstable: super::stability::reasons(samples),
        ledger: crate::ledger::Ledger::median(
            &samples.iter().filter_map(|s| s.ledger).collect::<Vec<_>>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sample of this makespan whose own ideal (from the probe beside it) was `ideal`.
    fn sample(makespan_s: f64, ideal: Option<f64>) -> Sample {
        Sample {
            makespan_s,
            ok: 1,
            ideal_s: ideal,
            ..Sample::default()
        }
    }

    #[test]
    fn each_repetition_is_judged_against_the_ideal_measured_beside_it() {
        // A host that ran the vCPU at two speeds: fast repetitions had fast probes. Paired, every
        // repetition is at 95 %; the case's one median ideal against its median makespan would not be.
        let samples = [
            sample(0.100, Some(0.095)),
            sample(0.200, Some(0.190)),
            sample(0.101, Some(0.096)),
            sample(0.199, Some(0.189)),
            sample(0.102, Some(0.097)),
        ];
        let s = summarise(&samples, Some(0.189), Bottleneck::Cpu);
        let e = s.efficiency.expect("an efficiency");
        assert!((e - 0.95).abs() < 0.002, "{e}");
        assert_eq!(s.ideal_unreliable, None);
        // Without paired ideals, the case's ideal against the median makespan, as before.
        let unpaired: Vec<Sample> = samples.iter().map(|s| sample(s.makespan_s, None)).collect();
        let s = summarise(&unpaired, Some(0.095), Bottleneck::Cpu);
        assert_eq!(s.efficiency, Some(0.095 / 0.102));
    }

    #[test]
    fn an_ideal_above_what_was_measured_is_unreliable_not_an_efficiency_above_one() {
        // Within the slack: shown as it is.
        let close = [sample(1.0, Some(1.01)), sample(1.0, Some(1.005))];
        let s = summarise(&close, Some(1.0075), Bottleneck::Cpu);
        assert!(s
            .efficiency
            .is_some_and(|e| e > 1.0 && e <= 1.0 + IDEAL_SLACK));
        assert_eq!(s.ideal_unreliable, None);
        // Beyond it: no efficiency, and what it would have been.
        let above = [
            sample(1.0, Some(1.2)),
            sample(1.0, Some(1.18)),
            sample(1.0, Some(1.19)),
        ];
        let s = summarise(&above, Some(1.19), Bottleneck::Cpu);
        assert_eq!(s.efficiency, None);
        assert!(s.ideal_unreliable.is_some_and(|e| (e - 1.19).abs() < 1e-9));
        // The same for a case's one ideal against its median makespan.
        let s = summarise(&[sample(0.5, None)], Some(0.6), Bottleneck::Cpu);
        assert_eq!((s.efficiency, s.ideal_unreliable), (None, Some(1.2)));
    }

    #[test]
    fn a_case_whose_tasks_failed_has_no_efficiency_and_no_verdict_on_its_ideal() {
        let mut failed = sample(1.0, Some(0.9));
        failed.failures.insert("timeout".into(), 1);
        let s = summarise(&[failed], Some(0.9), Bottleneck::Server);
        assert_eq!((s.efficiency, s.ideal_unreliable), (None, None));
    }
}
