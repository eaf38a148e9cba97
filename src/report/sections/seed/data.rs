//! What the seed section reads of each seed case: the bar of the seed chart (the median with its
//! interval, the ideal and efficiency, the talk's published Python time when the case reproduces one
//! of its clients, the same client's time in Python on this machine, when its first result came),
//! the timeline's step function of tasks in flight in one typical repetition (with how many requests
//! waited for a server worker and for how long), and the latency chart's task-latency percentiles —
//! with each case's caveats. The charts draw these values and the sentences read them; neither needs
//! the other's code.

use super::talk::TalkTime;
use crate::names::ModelKind;
use crate::report::flags::Flags;
use crate::report::interval::Interval;

/// One seed case as the chart draws it.
#[derive(Debug, Clone)]
pub struct SeedBar {
    pub label: String,
    pub median: f64,
    /// The interval of the median; None for one sample, drawn without a whisker.
    pub ci: Option<Interval>,
    pub ideal: Option<f64>,
    /// None without an ideal or when tasks failed.
    pub efficiency: Option<f64>,
    pub talk: Option<&'static TalkTime>,
    /// The median of the same client in Python on this machine (its `py-*` twin), when measured
    /// without failures.
    pub python_here: Option<f64>,
    /// First submission → first task done, median over samples; None in files without it.
    pub first_result: Option<f64>,
    pub flags: Flags,
}

/// One seed case's latency percentiles, seconds.
#[derive(Debug, Clone)]
pub struct LatencyRow {
    pub label: String,
    /// p50, p90, p99, max.
    pub values: [f64; 4],
    pub flags: Flags,
}

/// One seed case's typical repetition as a step function of tasks in flight.
#[derive(Debug, Clone)]
pub struct Lane {
    pub label: String,
    pub model: ModelKind,
    pub tasks: usize,
    /// Server workers; None = unbounded.
    pub workers: Option<usize>,
    pub makespan: f64,
    /// (time, tasks in flight from then on), starting at (0, 0).
    pub steps: Vec<(f64, usize)>,
    pub peak: usize,
    /// Most requests waiting for a worker at once: in flight beyond W.
    pub waiting_peak: usize,
    /// Time × requests spent waiting for a worker, task-seconds.
    pub waiting_task_s: f64,
    pub flags: Flags,
}

impl Lane {
    /// From per-task [start, end] times; `workers` bounds what the server serves.
    pub fn from_timeline(
        label: String,
        model: ModelKind,
        workers: Option<usize>,
        timeline: &[[f64; 2]],
    ) -> Lane {
        let mut events: Vec<(f64, i64)> = timeline
            .iter()
            .flat_map(|&[s, e]| [(s, 1), (e, -1)])
            .collect();
        // At one instant a task ending frees its slot before the next one starts.
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut steps = vec![(0.0, 0usize)];
        let (mut now, mut last_t) = (0i64, 0.0f64);
        let (mut peak, mut waiting_peak, mut waiting_task_s) = (0usize, 0usize, 0.0f64);
        let cap = workers.unwrap_or(usize::MAX);
        for (t, d) in events {
            let waiting = (now as usize).saturating_sub(cap);
            waiting_task_s += waiting as f64 * (t - last_t);
            now += d;
            last_t = t;
            match steps.last_mut() {
                Some(last) if last.0 == t => last.1 = now.max(0) as usize,
                _ => steps.push((t, now.max(0) as usize)),
            }
            peak = peak.max(now.max(0) as usize);
            waiting_peak = waiting_peak.max((now.max(0) as usize).saturating_sub(cap));
        }
        let makespan = timeline.iter().map(|t| t[1]).fold(0.0, f64::max);
        Lane {
            label,
            model,
            tasks: timeline.len(),
            workers,
            makespan,
            steps,
            peak,
            waiting_peak,
            waiting_task_s,
            flags: Flags::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_tasks_on_three_workers_wait_nine_task_seconds() {
        // Nine threads start at once; the server serves three a second.
        let timeline: Vec<[f64; 2]> = (0..9).map(|i| [0.0, (i / 3 + 1) as f64]).collect();
        let lane = Lane::from_timeline("t".into(), ModelKind::Threads, Some(3), &timeline);
        assert_eq!((lane.peak, lane.waiting_peak), (9, 6));
        assert!(
            (lane.waiting_task_s - 9.0).abs() < 1e-9,
            "{}",
            lane.waiting_task_s
        );
        assert_eq!(lane.makespan, 3.0);
        assert_eq!(lane.steps, vec![(0.0, 9), (1.0, 6), (2.0, 3), (3.0, 0)]);
    }

    #[test]
    fn a_bounded_client_never_waits_at_the_server() {
        // A semaphore of 3: each task starts when one ends.
        let timeline: Vec<[f64; 2]> = (0..9)
            .map(|i| [(i / 3) as f64, (i / 3 + 1) as f64])
            .collect();
        let lane = Lane::from_timeline("t".into(), ModelKind::AsyncSemaphore, Some(3), &timeline);
        assert_eq!((lane.peak, lane.waiting_peak), (3, 0));
        assert_eq!(lane.waiting_task_s, 0.0);
    }
}
