//! `threads`: one OS thread per task, all started, then all joined — the talk's second client. Thread
//! start-up is part of the makespan because a thread per task is started per task.

use super::footprint::{Holds, THREAD};
use super::{timed_on, Execution, Job, Lanes, Model, TaskRecord};
use crate::names::FailureKind;
use crate::workload::TaskResult;
use std::time::{Duration, Instant};

pub struct Threads;

impl Model for Threads {
    fn about(&self) -> &'static str {
        "one OS thread per task, all started then joined"
    }
    fn takes_limit(&self) -> bool {
        false
    }
    fn lanes(&self, tasks: usize, _limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        Lanes {
            in_flight: tasks,
            cpu: tasks,
        }
    }
    fn holds(&self, tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        Holds::blocking(vec![(THREAD, tasks)])
    }
    fn runs_stages(&self) -> bool {
        true
    }
    fn takes_arrival(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        if let Some(stages) = job.workload.stages() {
            return Ok(super::stages::on_threads(stages, job));
        }
        // Read before the clock: how many threads the kernel's mapping limit leaves room for.
        let room = crate::thread_room::Room::now();
        let t0 = Instant::now();
        let mut refused: Option<(usize, String)> = None;
        let (mut records, spawning) = std::thread::scope(|s| {
            let mut handles = Vec::with_capacity(job.tasks);
            for i in 0..job.tasks {
                // Open loop: the thread is started at its task's release, not before.
                super::release::wait(job, t0, i);
                if job.max_threads.is_some_and(|cap| i >= cap) {
                    let cap = job.max_threads.unwrap_or(i);
                    refused = Some((
                        i,
                        format!("the thread cap of {cap} was reached (--max-threads)"),
                    ));
                    break;
                }
                if let Some(room) = room.filter(|r| i >= r.threads()) {
                    refused = Some((i, room.refusal(i + 1)));
                    break;
                }
                let spawned = std::thread::Builder::new().spawn_scoped(s, move || {
                    timed_on(t0, true, || job.workload.blocking(i as u64))
                });
                match spawned {
                    Ok(handle) => handles.push(handle),
                    // The OS's limit (threads, memory, pids) is a result, not a crash: the threads
                    // started run to the end, the rest count as failures of kind `spawn`.
                    Err(e) => {
                        refused = Some((i, format!("the OS refused thread {}: {e}", i + 1)));
                        break;
                    }
                }
            }
            let spawning = t0.elapsed();
            let records: Vec<_> = handles
                .into_iter()
                .map(|h| h.join().expect("timed() catches panics"))
                .collect();
            (records, spawning)
        });
        if let Some((started, _)) = &refused {
            let at = spawning;
            records.extend((*started..job.tasks).map(|_| TaskRecord {
                start: at,
                end: at,
                result: TaskResult::failed(FailureKind::Spawn),
                marks: Default::default(),
                attempts: 1,
            }));
        }
        let started = refused.as_ref().map_or(job.tasks, |(n, _)| *n);
        Ok(Execution {
            // Released at a rate, the loop's time is the schedule's, not the cost of starting threads.
            spawned: job.schedule.is_none().then_some((started, spawning)),
            spawn_error: refused.map(|(_, why)| why),
            hops: None,
            t0_ns: crate::ledger::clock::instant_ns(t0),
            ..Execution::of(Duration::ZERO, records)
        })
    }
}
