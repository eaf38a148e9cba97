//! `threads`: one OS thread per task, all started, then all joined — the talk's second client. Thread
//! start-up is part of the makespan because a thread per task is started per task.

use super::{timed, Execution, Job, Lanes, Model};
use anyhow::Context;
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
    fn runs_pipelines(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        if let Some(stages) = job.workload.stages() {
            return Ok(super::pipeline::on_threads(stages, job));
        }
        let t0 = Instant::now();
        let records = std::thread::scope(|s| {
            let mut handles = Vec::with_capacity(job.tasks);
            for i in 0..job.tasks {
                let handle = std::thread::Builder::new()
                    .spawn_scoped(s, move || timed(t0, || job.workload.blocking(i as u64)))
                    .with_context(|| {
                        format!(
                            "cannot start thread {} of {}; lower --tasks or use thread-pool",
                            i + 1,
                            job.tasks
                        )
                    })?;
                handles.push(handle);
            }
            anyhow::Ok(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("timed() catches panics"))
                    .collect(),
            )
        })?;
        Ok(Execution {
            setup: Duration::ZERO,
            records,
            workers: None,
            pool: None,
            stages: None,
        })
    }
}
