//! One shard of `async-sharded`: a pool worker process that runs an exact, contiguous share of a job's
//! tasks as the `async` model runs a whole job (a multi-thread runtime, a spawned task per task, all
//! joined), and sends back in one message what the async model would return — a record per task, or
//! their fold past `aggregate::KEEP_EACH` — with the instant it began on CLOCK_MONOTONIC, which every
//! process of the machine reads alike. The parent shifts each shard's times onto its own first
//! submission and adds them up (`merge`): so N tasks over k processes are one execution, as if one
//! process had held every connection, which this machine's open-file limit (20,000 a process) forbids.

use super::aggregate::{Aggregate, Joined};
use super::async_tasks::{multi_thread, spawn_from, Cpu};
use super::{Execution, Job, Marks, TaskRecord};
use crate::names::FailureKind;
use crate::results::RequestCounts;
use crate::workload::TaskResult;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The shares of N tasks over k shards: contiguous ranges (first task, count) covering 0..N exactly
/// once, their sizes differing by at most one, the larger first; never an empty share (k > N gives N
/// shards of one).
pub fn shares(tasks: usize, k: usize) -> Vec<(u64, u64)> {
    let k = k.clamp(1, tasks.max(1));
    let (base, extra) = (tasks / k, tasks % k);
    let mut first = 0u64;
    (0..k)
        .map(|i| {
            let count = (base + usize::from(i < extra)) as u64;
            let share = (first, count);
            first += count;
            share
        })
        .filter(|&(_, count)| count > 0)
        .collect()
}

/// A shard made ready before the clock starts: its runtime built (the async model's set-up) and its
/// share known.
pub struct Armed {
    rt: tokio::runtime::Runtime,
    setup: Duration,
    first: u64,
    count: u64,
}

/// Build the runtime for tasks `first .. first + count`.
pub fn arm(first: u64, count: u64) -> anyhow::Result<Armed> {
    let (rt, setup) = multi_thread()?;
    Ok(Armed {
        rt,
        setup,
        first,
        count,
    })
}

/// Run the armed share of `job` (its workload built in this worker) and say what happened.
pub fn run(armed: Armed, job: &Job) -> ShardRun {
    let share = Job {
        workload: job.workload.clone(),
        params: job.params.clone(),
        url: job.url.clone(),
        tasks: armed.count as usize,
        limit: armed.count as usize,
        exe: job.exe.clone(),
        retries: 0,
        per_worker: 1,
        max_threads: None,
        broker: None,
        schedule: None,
    };
    let exec = spawn_from(
        armed.rt,
        armed.setup,
        &share,
        armed.first,
        None,
        Cpu::OnTheLoop,
        &[],
    );
    ShardRun {
        first: armed.first,
        count: armed.count,
        t0_ns: exec.t0_ns,
        setup_ns: exec.setup.as_nanos() as u64,
        spawning_ns: exec.spawned.map(|(_, d)| d.as_nanos() as u64),
        records: exec.records.iter().map(WireRecord::from).collect(),
        fold: exec.aggregate.as_ref().map(WireFold::from),
    }
}

/// What a shard sends back: its share, when it began, and its tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardRun {
    pub first: u64,
    pub count: u64,
    /// Its first submission, CLOCK_MONOTONIC ns.
    pub t0_ns: u64,
    /// Its runtime's build, before its clock started.
    pub setup_ns: u64,
    /// Spawning its tasks, from its first submission.
    pub spawning_ns: Option<u64>,
    /// A record per task, in task order, when its share keeps them.
    pub records: Vec<WireRecord>,
    /// Their fold, when it does not.
    pub fold: Option<WireFold>,
}

impl ShardRun {
    /// Tasks it accounts for: its records, or its fold's outcomes.
    pub fn tasks(&self) -> u64 {
        match &self.fold {
            Some(f) => f.ok + f.failures.iter().map(|(_, n)| n).sum::<u64>(),
            None => self.records.len() as u64,
        }
    }
}

/// A task's record on the wire: times in ns from the shard's first submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireRecord {
    pub start_ns: u64,
    pub end_ns: u64,
    pub result: TaskResult,
    pub attempts: u32,
    pub begun_ns: Option<u64>,
    pub run_delay_ns: u64,
    pub run_ns: Option<u64>,
    pub done_ns: Option<u64>,
    #[serde(default)]
    pub polled_ns: Option<u64>,
}

fn ns(d: Duration) -> u64 {
    d.as_nanos() as u64
}

impl From<&TaskRecord> for WireRecord {
    fn from(r: &TaskRecord) -> WireRecord {
        WireRecord {
            start_ns: ns(r.start),
            end_ns: ns(r.end),
            result: r.result,
            attempts: r.attempts,
            begun_ns: r.marks.begun.map(ns),
            run_delay_ns: ns(r.marks.run_delay),
            run_ns: r.marks.run.map(ns),
            done_ns: r.marks.done.map(ns),
            polled_ns: r.marks.polled.map(ns),
        }
    }
}

impl WireRecord {
    /// The record on the parent's time line, `shift` after the shard's.
    fn shifted(&self, shift: Duration) -> TaskRecord {
        let at = |n: u64| Duration::from_nanos(n) + shift;
        TaskRecord {
            start: at(self.start_ns),
            end: at(self.end_ns),
            result: self.result,
            attempts: self.attempts,
            marks: Marks {
                begun: self.begun_ns.map(at),
                run_delay: Duration::from_nanos(self.run_delay_ns),
                run: self.run_ns.map(Duration::from_nanos),
                done: self.done_ns.map(at),
                polled: self.polled_ns.map(Duration::from_nanos),
            },
        }
    }
}

/// An [`Aggregate`] on the wire: the histograms as (value, count) pairs, times in ns from the shard's
/// first submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireFold {
    pub ok: u64,
    pub failures: Vec<(FailureKind, u64)>,
    pub task_latency_us: Vec<(u64, u64)>,
    pub service_latency_us: Vec<(u64, u64)>,
    pub makespan_ns: u64,
    pub first_done_ns: Option<u64>,
    pub attempts: u64,
    pub tries: RequestCounts,
    pub wrong: Option<String>,
    #[serde(default)]
    pub cpu_parts: u64,
    #[serde(default)]
    pub cpu_part_run_ns: u64,
}

fn pairs(h: &hdrhistogram::Histogram<u64>) -> Vec<(u64, u64)> {
    h.iter_recorded()
        .map(|v| (v.value_iterated_to(), v.count_at_value()))
        .collect()
}

impl From<&Aggregate> for WireFold {
    fn from(a: &Aggregate) -> WireFold {
        WireFold {
            ok: a.ok,
            failures: a.failures.iter().map(|(k, n)| (*k, *n)).collect(),
            task_latency_us: pairs(&a.task_latency),
            service_latency_us: pairs(&a.service_latency),
            makespan_ns: ns(a.makespan),
            first_done_ns: a.first_done.map(ns),
            attempts: a.attempts,
            tries: a.tries,
            wrong: a.wrong.clone(),
            cpu_parts: a.cpu_parts,
            cpu_part_run_ns: a.cpu_part_run_ns,
        }
    }
}

impl WireFold {
    /// Folded into `into`, `shift` later: a task latency counts from the parent's first submission,
    /// so each grows by the shift (a folded value stands for its bucket, so a shifted one is exact to
    /// the histogram's resolution, 3 significant digits); a service latency is the request's own and
    /// does not.
    fn add_to(&self, into: &mut Aggregate, shift: Duration) {
        let shift_us = shift.as_micros() as u64;
        for &(v, n) in &self.task_latency_us {
            into.task_latency
                .record_n(v + shift_us, n)
                .expect("auto-resizing histogram");
        }
        for &(v, n) in &self.service_latency_us {
            into.service_latency
                .record_n(v, n)
                .expect("auto-resizing histogram");
        }
        into.ok += self.ok;
        for &(kind, n) in &self.failures {
            *into.failures.entry(kind).or_insert(0) += n;
        }
        let at = |n: u64| Duration::from_nanos(n) + shift;
        into.makespan = into.makespan.max(at(self.makespan_ns));
        if let Some(f) = self.first_done_ns.map(at) {
            into.first_done = Some(into.first_done.map_or(f, |g| g.min(f)));
        }
        into.attempts += self.attempts;
        let (t, s) = (&mut into.tries, &self.tries);
        t.sent += s.sent;
        t.refused_429 += s.refused_429;
        t.hedges += s.hedges;
        t.timeouts += s.timeouts;
        t.failed += s.failed;
        if into.wrong.is_none() {
            into.wrong.clone_from(&self.wrong);
        }
        into.cpu_parts += self.cpu_parts;
        into.cpu_part_run_ns += self.cpu_part_run_ns;
    }
}

/// Every task of one shard, `shift` after the parent's first submission, added to the parent's.
pub fn merge(into: &mut Joined<'_>, run: &ShardRun, shift: Duration) {
    for r in &run.records {
        into.add(r.shifted(shift));
    }
    if let Some(fold) = &run.fold {
        into.absorb(|a| fold.add_to(a, shift));
    }
}

/// The `count` tasks of a shard that died before it answered: each failed as `worker-lost`, at `at`.
pub fn lost(into: &mut Joined<'_>, count: u64, at: Duration) {
    for _ in 0..count {
        into.add(TaskRecord {
            start: at,
            end: at,
            result: TaskResult::failed(FailureKind::WorkerLost),
            attempts: 1,
            marks: Default::default(),
        });
    }
}

/// A fold of the records `shards` would send, as the parent makes it: for tests of the merge.
#[cfg(test)]
fn merged(job: &Job, shards: &[(ShardRun, Duration)]) -> (Vec<TaskRecord>, Option<Aggregate>) {
    let mut joined = Joined::new(job);
    for (run, shift) in shards {
        merge(&mut joined, run, *shift);
    }
    joined.finish()
}

/// The execution's own parts a parent reports beside the merged tasks.
pub fn execution(
    setup: Duration,
    joined: Joined<'_>,
    spawned: Option<(usize, Duration)>,
) -> Execution {
    let (records, aggregate) = joined.finish();
    Execution {
        aggregate,
        spawned,
        ..Execution::of(setup, records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Params, SleepParams};

    #[test]
    fn shares_cover_every_task_exactly_once_and_differ_by_one_at_most() {
        for (n, k) in [(0, 3), (1, 1), (7, 3), (100_000, 7), (5, 8), (12, 4)] {
            let s = shares(n, k);
            assert_eq!(s.iter().map(|&(_, c)| c).sum::<u64>(), n as u64, "{n}/{k}");
            let mut next = 0;
            for &(first, count) in &s {
                assert_eq!(first, next, "contiguous: {s:?}");
                assert!(count > 0, "no empty share: {s:?}");
                next += count;
            }
            let (lo, hi) = (
                s.iter().map(|s| s.1).min().unwrap_or(0),
                s.iter().map(|s| s.1).max().unwrap_or(0),
            );
            assert!(hi - lo <= 1, "{n}/{k}: {s:?}");
            assert_eq!(s.len(), k.min(n), "{n}/{k}");
        }
        assert_eq!(shares(7, 3), vec![(0, 3), (3, 2), (5, 2)]);
    }

    fn job(tasks: usize) -> Job {
        let params = Params::Sleep(SleepParams::new(Duration::from_millis(1)));
        Job {
            workload: params.describe().build("").unwrap(),
            params,
            url: String::new(),
            tasks,
            limit: 2,
            exe: Default::default(),
            retries: 0,
            per_worker: 1,
            max_threads: None,
            broker: None,
            schedule: None,
        }
    }

    fn record(start_ms: u64, end_ms: u64, outcome: Result<u64, FailureKind>) -> TaskRecord {
        TaskRecord {
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
            result: TaskResult {
                outcome,
                service: Some(Duration::from_millis(end_ms - start_ms)),
                tries: Default::default(),
                call: None,
                part: None,
            },
            attempts: 1,
            marks: Default::default(),
        }
    }

    fn run_of(first: u64, records: &[TaskRecord], fold: bool) -> ShardRun {
        ShardRun {
            first,
            count: records.len() as u64,
            t0_ns: 0,
            setup_ns: 0,
            spawning_ns: None,
            records: if fold {
                Vec::new()
            } else {
                records.iter().map(WireRecord::from).collect()
            },
            fold: fold.then(|| WireFold::from(&Aggregate::of(records, |_| Ok(())))),
        }
    }

    #[test]
    fn shards_sum_to_the_fold_of_every_task_on_the_parents_time_line() {
        let a = [
            record(0, 1000, Ok(22)),
            record(1, 1200, Err(FailureKind::Timeout)),
        ];
        let b = [
            record(0, 900, Ok(22)),
            record(2, 1500, Ok(22)),
            record(2, 1001, Ok(22)),
        ];
        let shift = Duration::from_millis(3);
        // What one process would have folded: b's tasks 3 ms later.
        let moved: Vec<TaskRecord> = a
            .iter()
            .copied()
            .chain(b.iter().map(|r| WireRecord::from(r).shifted(shift)))
            .collect();
        let whole = Aggregate::of(&moved, |_| Ok(()));
        for fold in [false, true] {
            let big = job(2 * crate::model::aggregate::KEEP_EACH);
            let (records, agg) = merged(
                &big,
                &[
                    (run_of(0, &a, fold), Duration::ZERO),
                    (run_of(2, &b, fold), shift),
                ],
            );
            assert!(records.is_empty(), "past KEEP_EACH the parent folds");
            let agg = agg.unwrap();
            assert_eq!((agg.ok, agg.attempts), (4, 5));
            assert_eq!(agg.failures.get(&FailureKind::Timeout), Some(&1));
            assert_eq!(
                agg.makespan,
                Duration::from_millis(1503),
                "b's last, shifted"
            );
            assert_eq!(agg.first_done, Some(Duration::from_millis(903)));
            assert_eq!(agg.task_latency.len(), whole.task_latency.len());
            for q in [0.0, 0.5, 1.0] {
                // A folded value is its bucket's; shifted, it may round into the next bucket: one
                // bucket at 3 significant digits is at most 1/1024 of the value.
                let (got, want) = (
                    agg.task_latency.value_at_quantile(q) as f64,
                    whole.task_latency.value_at_quantile(q) as f64,
                );
                assert!(
                    (got - want).abs() <= want / 1024.0 + 1.0,
                    "fold {fold}, q {q}: {got} vs {want}"
                );
                assert_eq!(
                    agg.service_latency.value_at_quantile(q),
                    whole.service_latency.value_at_quantile(q)
                );
            }
        }
        // A parent that keeps each record gets them shifted, in shard order.
        let (records, agg) = merged(
            &job(5),
            &[
                (run_of(0, &a, false), Duration::ZERO),
                (run_of(2, &b, false), shift),
            ],
        );
        assert!(agg.is_none());
        assert_eq!(records, moved);
    }

    #[test]
    fn a_lost_shard_counts_each_of_its_tasks() {
        let j = job(5_000);
        let mut joined = Joined::new(&j);
        lost(&mut joined, 1_234, Duration::from_millis(7));
        let (_, agg) = joined.finish();
        let agg = agg.unwrap();
        assert_eq!(agg.failures.get(&FailureKind::WorkerLost), Some(&1_234));
        assert_eq!(agg.ok, 0);
    }

    #[test]
    fn a_shard_run_survives_the_wire() {
        let recs = [record(0, 10, Ok(22))];
        for fold in [false, true] {
            let run = run_of(4, &recs, fold);
            let back: ShardRun =
                serde_json::from_slice(&serde_json::to_vec(&run).unwrap()).unwrap();
            assert_eq!(back, run);
            assert_eq!(back.tasks(), 1);
        }
    }
}
