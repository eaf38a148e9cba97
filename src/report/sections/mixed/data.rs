//! What the mixed chart and the mixed table show of each mixed case, and the chart's takeaway reads:
//! the makespan beside its ideal, and the makespan split into computing and waiting — the CPU time the
//! case process and its workers used, the CPU part's own share of it (N × t₁), the waits the tasks
//! had to sit through, and how much of that waiting the model hid behind other work.

use crate::names::ModelKind;
use crate::report::data;
use crate::report::flags::Flags;
use crate::report::interval::Interval;
use crate::results::CaseResult;
use crate::workload::{ideal_speedup, Params};

/// One mixed case: its makespan against its ideal, and where the time went.
#[derive(Debug, Clone)]
pub struct MixedBar {
    pub label: String,
    pub model: ModelKind,
    pub tasks: usize,
    pub samples: usize,
    pub median: f64,
    /// The interval of the median; None for one sample, drawn without a whisker.
    pub ci: Option<Interval>,
    pub ideal: Option<f64>,
    /// None without an ideal or when tasks failed.
    pub efficiency: Option<f64>,
    pub split: Split,
    pub flags: Flags,
}

/// A mixed case's time split into computing and waiting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    /// CPU time of the case process and its workers (user + sys), median over samples.
    pub cpu_s: f64,
    /// Threads or processes that could count at once on this machine: min(the model's CPU lanes,
    /// cores).
    pub lanes: usize,
    /// t₁, the calibrated time of one CPU part; None when the file has none.
    pub t1: Option<f64>,
    /// N × t₁: the counting alone, one part after another.
    pub cpu_part: Option<f64>,
    /// N × t₁ over the lanes at the machine's scaling: the least time computing can take.
    pub computing: Option<f64>,
    /// Σ over tasks of its seeded wait and the server's hold of its GET.
    pub waiting: f64,
    /// The waiting the model hid behind other work: `waiting` less the part of the makespan not
    /// spent computing at full width (makespan − `computing`), kept within [0, waiting].
    pub overlapped: Option<f64>,
}

impl Split {
    /// The share of the waiting that was overlapped.
    pub fn overlapped_share(&self) -> Option<f64> {
        let o = self.overlapped?;
        (self.waiting > 0.0).then(|| o / self.waiting)
    }
}

impl MixedBar {
    /// A mixed case as the chart and the table show it; None for other workloads or no samples.
    pub fn of(c: &CaseResult, cores: usize) -> Option<MixedBar> {
        let Params::Mixed(p) = &c.params.workload else {
            return None;
        };
        if c.samples.is_empty() {
            return None;
        }
        let n = c.params.tasks;
        let request = p.io.request_delay().unwrap_or_default().as_secs_f64();
        let waiting: f64 = (0..n as u64)
            .map(|i| p.wait(i).as_secs_f64() + request)
            .sum();
        let lanes = c.params.cpu_lanes.clamp(1, cores.max(1));
        let cpu_part = c.t1_s.map(|t1| n as f64 * t1);
        // The same width the ideal's compute bound uses: min(lanes, cores) × s from two lanes on.
        let computing = cpu_part
            .map(|part| part / ideal_speedup(lanes as f64, cores, c.scaling.unwrap_or(1.0)));
        let median = c.summary.makespan.median;
        let overlapped =
            computing.map(|comp| (waiting - (median - comp).max(0.0)).clamp(0.0, waiting));
        Some(MixedBar {
            label: data::label(c),
            model: c.params.model,
            tasks: n,
            samples: c.samples.len(),
            median,
            ci: Interval::of(c),
            ideal: c.ideal_s,
            efficiency: c.summary.efficiency,
            split: Split {
                cpu_s: data::median_of(c, |s| s.user_s + s.sys_s),
                lanes,
                t1: c.t1_s,
                cpu_part,
                computing,
                waiting,
                overlapped,
            },
            flags: Flags::of(c),
        })
    }
}

/// The one event loop a model is set against on the article-shape chart: Python's for a Python
/// model (the article's own pair is py-asyncio against py-async-process-pool), Rust's otherwise.
pub fn one_loop_of(model: ModelKind) -> ModelKind {
    match model.is_python() {
        true => ModelKind::PyAsyncio,
        false => ModelKind::AsyncSingle,
    }
}

/// One case of the article's shape: its bar, and how much faster than the one loop of its language
/// it was.
#[derive(Debug, Clone)]
pub struct ArticleBar {
    pub bar: MixedBar,
    /// The one loop's median makespan over this case's; None without that loop, or when either's
    /// tasks failed (a failed task can end sooner than a served one).
    pub speedup: Option<f64>,
    /// The one loop's ideal over this case's ideal: the speedup physics allows this model.
    pub ideal_speedup: Option<f64>,
}

/// Each bar set against the one loop of its language, in the bars' order.
pub fn article_bars(bars: &[MixedBar]) -> Vec<ArticleBar> {
    let sound = |b: &&MixedBar| b.flags.failures == 0;
    bars.iter()
        .map(|b| {
            let one = bars
                .iter()
                .find(|o| o.model == one_loop_of(b.model) && o.tasks == b.tasks);
            let speedup = one
                .filter(sound)
                .filter(|_| sound(&b))
                .map(|o| o.median / b.median)
                .filter(|s| s.is_finite());
            let ideal_speedup = one
                .and_then(|o| Some(o.ideal? / b.ideal?))
                .filter(|s| s.is_finite());
            ArticleBar {
                bar: b.clone(),
                speedup,
                ideal_speedup,
            }
        })
        .collect()
}

/// The article's pair among `bars`: one loop and a pool of loops of one language (Rust's
/// async-single and async-process-pool, or Python's py-asyncio and py-async-process-pool), both
/// without failures.
pub fn pair(bars: &[MixedBar], python: bool) -> Option<(&MixedBar, &MixedBar)> {
    let (one, many) = match python {
        false => (ModelKind::AsyncSingle, ModelKind::AsyncProcessPool),
        true => (ModelKind::PyAsyncio, ModelKind::PyAsyncProcessPool),
    };
    let find = |m: ModelKind| {
        bars.iter()
            .find(|b| b.model == m && b.flags.failures == 0)
    };
    Some((find(one)?, find(many)?))
}
