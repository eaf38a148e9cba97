//! What a model keeps of its tasks when there are too many to keep each one. Up to
//! [`KEEP_EACH`] tasks a model records every task (start, end, outcome: the report's timelines); beyond,
//! it folds each finished task into an [`Aggregate`] — counts by outcome, latency histograms, the
//! makespan and the first result — so that a million tasks cost the harness a few kilobytes, not the 80 MB of a record each,
//! and the memory measured is the model's.

use super::{Job, TaskRecord};
use crate::names::FailureKind;
use crate::results::RequestCounts;
use hdrhistogram::Histogram;
use std::collections::BTreeMap;
use std::time::Duration;

/// Runs of up to this many tasks keep a record per task (the report draws timelines of at most 243).
pub const KEEP_EACH: usize = 1_000;

/// Whether a run keeps a record of every task: up to [`KEEP_EACH`] tasks, and always for a workload
/// whose audit needs each task's result (a database workload's: which rows must be in the table),
/// whatever their number.
pub fn keeps_each(job: &Job) -> bool {
    // Open loop too: latency counts from each task's release, which the fold needs beside its end.
    job.tasks <= KEEP_EACH || job.workload.audits() || job.schedule.is_some()
}

/// A run's tasks as their joins return them: each kept (see [`keeps_each`]) or folded in.
pub struct Joined<'a> {
    job: &'a Job,
    keep: bool,
    records: Vec<TaskRecord>,
    aggregate: Aggregate,
}

impl<'a> Joined<'a> {
    pub fn new(job: &'a Job) -> Joined<'a> {
        let keep = keeps_each(job);
        Joined {
            job,
            keep,
            records: Vec::with_capacity(if keep { job.tasks } else { 0 }),
            aggregate: Aggregate::default(),
        }
    }

    pub fn add(&mut self, record: TaskRecord) {
        if self.keep {
            self.records.push(record);
        } else {
            self.aggregate.add(&record, |v| self.job.workload.verify(v));
        }
    }

    /// Fold in tasks already folded elsewhere (a shard's): `add` them to the fold. A run that keeps
    /// each record has no fold to add to, and its shards keep theirs (they keep at fewer tasks).
    pub fn absorb(&mut self, add: impl FnOnce(&mut Aggregate)) {
        debug_assert!(!self.keep, "a run that keeps each record gets records");
        add(&mut self.aggregate);
    }

    /// The records kept, or the fold of them all.
    pub fn finish(self) -> (Vec<TaskRecord>, Option<Aggregate>) {
        (self.records, (!self.keep).then_some(self.aggregate))
    }
}

/// Every task of a run, folded.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub ok: u64,
    pub failures: BTreeMap<FailureKind, u64>,
    /// Task latency (submitted → done), microseconds.
    pub task_latency: Histogram<u64>,
    /// Service latency (request sent → response read), microseconds.
    pub service_latency: Histogram<u64>,
    /// The last task's end, from the first submission.
    pub makespan: Duration,
    /// The first task's end, whatever its outcome, from the first submission: when `as_completed`
    /// would yield its first answer (`wait(FIRST_COMPLETED)` return). None before any task ended.
    pub first_done: Option<Duration>,
    /// Submissions over all tasks.
    pub attempts: u64,
    /// The requests every task sent and what they met.
    pub tries: RequestCounts,
    /// The first successful task whose value was wrong (a miscompiled count), if any.
    pub wrong: Option<String>,
    /// CPU parts whose run time was measured where they ran (crate::ledger::part), and its sum, ns.
    pub cpu_parts: u64,
    pub cpu_part_run_ns: u64,
}

impl Default for Aggregate {
    fn default() -> Self {
        let histogram = || Histogram::new(3).expect("3 significant digits is valid");
        Aggregate {
            ok: 0,
            failures: BTreeMap::new(),
            task_latency: histogram(),
            service_latency: histogram(),
            makespan: Duration::ZERO,
            first_done: None,
            attempts: 0,
            tries: Default::default(),
            wrong: None,
            cpu_parts: 0,
            cpu_part_run_ns: 0,
        }
    }
}

impl Aggregate {
    /// Fold one finished task in; `verify` checks a successful task's value.
    pub fn add(&mut self, r: &TaskRecord, verify: impl Fn(u64) -> Result<(), String>) {
        self.add_released(r, Duration::ZERO, verify)
    }

    /// [`Aggregate::add`] for a task released at `since` from the first submission (open loop): its
    /// latency counts from then, however late its model took it up.
    pub fn add_released(
        &mut self,
        r: &TaskRecord,
        since: Duration,
        verify: impl Fn(u64) -> Result<(), String>,
    ) {
        let us = |d: Duration| d.as_micros().max(1) as u64;
        self.task_latency
            .record(us(r.end.saturating_sub(since)))
            .expect("auto-resizing histogram");
        if let Some(s) = r.result.service {
            self.service_latency
                .record(us(s))
                .expect("auto-resizing histogram");
        }
        self.makespan = self.makespan.max(r.end);
        self.first_done = Some(self.first_done.map_or(r.end, |f| f.min(r.end)));
        self.attempts += r.attempts as u64;
        let t = &r.result.tries;
        self.tries.sent += u64::from(t.requests);
        self.tries.refused_429 += u64::from(t.refused);
        self.tries.hedges += u64::from(t.hedges);
        self.tries.timeouts += u64::from(t.timeouts);
        self.tries.failed += u64::from(t.failed);
        if let Some(p) = r.result.part {
            self.cpu_parts += 1;
            self.cpu_part_run_ns += p.run_ns;
        }
        match r.result.outcome {
            Ok(v) => {
                if let (Err(e), None) = (verify(v), &self.wrong) {
                    self.wrong = Some(e);
                }
                self.ok += 1;
            }
            Err(kind) => *self.failures.entry(kind).or_insert(0) += 1,
        }
    }

    /// The mean run time of the CPU parts measured, seconds (None: none measured).
    pub fn cpu_part_s(&self) -> Option<f64> {
        (self.cpu_parts > 0).then(|| self.cpu_part_run_ns as f64 / self.cpu_parts as f64 / 1e9)
    }

    /// Every record of a run that kept them.
    pub fn of(records: &[TaskRecord], verify: impl Fn(u64) -> Result<(), String>) -> Aggregate {
        let mut a = Aggregate::default();
        for r in records {
            a.add(r, &verify);
        }
        a
    }

    /// Every record of an open-loop run, task i released at `schedule[i]`.
    pub fn of_released(
        records: &[TaskRecord],
        schedule: &[Duration],
        verify: impl Fn(u64) -> Result<(), String>,
    ) -> Aggregate {
        let mut a = Aggregate::default();
        for (i, r) in records.iter().enumerate() {
            a.add_released(r, schedule.get(i).copied().unwrap_or_default(), &verify);
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Params, SleepParams, TaskFuture, TaskResult, Workload};
    use std::sync::Arc;

    /// A task whose run is audited afterwards, as a database workload's rows are.
    struct Audited;

    impl Workload for Audited {
        fn blocking(&self, task: u64) -> TaskResult {
            TaskResult::ok(task)
        }
        fn run_async(&self, task: u64) -> TaskFuture<'_> {
            Box::pin(async move { TaskResult::ok(task) })
        }
        fn audits(&self) -> bool {
            true
        }
    }

    fn job(workload: Arc<dyn Workload>, tasks: usize) -> Job {
        Job {
            workload,
            params: Params::Sleep(SleepParams::new(Duration::from_millis(1))),
            url: String::new(),
            tasks,
            limit: 1,
            exe: "concbench".into(),
            retries: 0,
            per_worker: 1,
            max_threads: None,
            broker: None,
            schedule: None,
        }
    }

    #[test]
    fn a_workload_that_audits_keeps_every_task_however_many() {
        let sleep = Params::Sleep(SleepParams::new(Duration::from_millis(1)))
            .describe()
            .build("")
            .unwrap();
        assert!(keeps_each(&job(sleep.clone(), KEEP_EACH)));
        assert!(!keeps_each(&job(sleep, KEEP_EACH + 1)), "folded beyond");
        assert!(
            keeps_each(&job(Arc::new(Audited), 100 * KEEP_EACH)),
            "the count needs each"
        );
    }

    fn record(end_ms: u64, outcome: Result<u64, FailureKind>) -> TaskRecord {
        TaskRecord {
            start: Duration::ZERO,
            end: Duration::from_millis(end_ms),
            result: TaskResult {
                outcome,
                service: Some(Duration::from_millis(end_ms / 2)),
                tries: Default::default(),
                call: None,
                part: None,
            },
            marks: Default::default(),
            attempts: 1,
        }
    }

    #[test]
    fn folding_counts_what_keeping_would_have_shown() {
        let records: Vec<TaskRecord> = (1..=100)
            .map(|i| {
                record(
                    i,
                    if i % 10 == 0 {
                        Err(FailureKind::Io)
                    } else {
                        Ok(7)
                    },
                )
            })
            .collect();
        let a = Aggregate::of(&records, |v| if v == 7 { Ok(()) } else { Err("no".into()) });
        assert_eq!(
            (a.ok, a.failures[&FailureKind::Io], a.attempts),
            (90, 10, 100)
        );
        assert_eq!(a.makespan, Duration::from_millis(100));
        assert_eq!(a.first_done, Some(Duration::from_millis(1)));
        assert!((a.task_latency.value_at_quantile(0.5) as i64 - 50_000).abs() < 100);
        assert_eq!(a.wrong, None);
        let bad = Aggregate::of(&records[..1], |_| Err("a count of 6".into()));
        assert_eq!(bad.wrong.as_deref(), Some("a count of 6"));
        // No CPU part measured: no speed to tell; two measured at 10 and 30 ms: their mean.
        assert_eq!(a.cpu_part_s(), None);
        let parted: Vec<TaskRecord> = [10, 30]
            .map(|ms| {
                let mut r = record(ms, Ok(7));
                r.result.part = Some(crate::ledger::part::PartRun {
                    run_ns: ms * 1_000_000,
                    ..Default::default()
                });
                r
            })
            .into();
        let p = Aggregate::of(&parted, |_| Ok(()));
        assert!((p.cpu_part_s().unwrap() - 0.020).abs() < 1e-12);
    }

    #[test]
    fn the_first_result_is_the_earliest_end_in_any_order_and_any_outcome() {
        // Task order is not end order: a sequential run ends in order, a pool out of it; a task
        // that failed first is still the first answer (as_completed yields its exception).
        let records = [
            record(300, Ok(7)),
            record(120, Err(FailureKind::Timeout)),
            record(250, Ok(7)),
        ];
        let a = Aggregate::of(&records, |_| Ok(()));
        assert_eq!(a.first_done, Some(Duration::from_millis(120)));
        assert_eq!(a.makespan, Duration::from_millis(300));
        // Folding one by one, as a model past KEEP_EACH does, gives the same.
        let mut folded = Aggregate::default();
        assert_eq!(folded.first_done, None, "no task ended yet");
        for r in records.iter().rev() {
            folded.add(r, |_| Ok(()));
        }
        assert_eq!(folded.first_done, a.first_done);
    }
}
