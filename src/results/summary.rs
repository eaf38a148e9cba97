//! A case's summary from its samples: medians of every per-sample figure, the makespan's spread and the
//! confidence interval of its median, the efficiency against the ideal (only when every task of every
//! sample succeeded), and the reasons the case is unstable. Pure over the samples, so a run, a
//! criterion baseline and a test build summaries the same way.

use super::{Sample, Spread, Summary};
use crate::names::Bottleneck;

/// Medians over samples; the makespan gets its full spread and confidence interval. Efficiency only
/// when there is an ideal and every task of every sample succeeded.
pub fn summarise(samples: &[Sample], ideal: Option<f64>, bottleneck: Bottleneck) -> Summary {
    let med = |f: &dyn Fn(&Sample) -> f64| {
        crate::stats::median(&samples.iter().map(f).collect::<Vec<_>>())
    };
    let makespan = Spread::of(&samples.iter().map(|s| s.makespan_s).collect::<Vec<_>>());
    let failures = samples
        .iter()
        .map(|s| s.failures.values().sum::<u64>())
        .sum();
    Summary {
        efficiency: ideal
            .filter(|_| failures == 0 && makespan.median > 0.0)
            .map(|i| i / makespan.median),
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
    }
}
