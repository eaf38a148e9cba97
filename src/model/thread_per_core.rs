//! `thread-per-core`: one tokio current-thread runtime per allowed CPU, each on an OS thread of its
//! own, tasks dealt round-robin across the loops as they are submitted and never moved after (no work
//! stealing) — the shape of glommio, monoio and pingora's no-steal runtime. Beside `async` (tokio's
//! multi-thread runtime, which steals) it shows what stealing buys or costs; beside `async-single`,
//! what a loop per core adds.
//!
//! The loops are not pinned to CPUs. On a machine shared with other work (this project's own runs
//! sit beside builds and a slow server), a pinned loop whose core another process is using can only
//! wait, and that would be measured as the model's cost; unpinned, the kernel may move a loop to an
//! idle core, but never moves a *task* between loops, which is the property measured. One loop per
//! allowed CPU (`--cpus` narrows them), and never more loops than tasks.
//!
//! The submitting thread deals the tasks (as an acceptor deals connections to per-core loops) and
//! then joins them; it does no task's work.

use super::async_tasks::{spawn_on, Cpu};
use super::footprint::{Holds, TASK};
use super::{Execution, Job, Lanes, Model};
use std::time::Instant;

pub struct ThreadPerCore;

/// Loops for `tasks` tasks on `cores` CPUs: one per CPU, never more than tasks.
pub fn loops(tasks: usize, cores: usize) -> usize {
    cores.min(tasks).max(1)
}

impl Model for ThreadPerCore {
    fn about(&self) -> &'static str {
        "a tokio current-thread runtime per core, tasks dealt round-robin, no work stealing \
         (glommio's, monoio's shape)"
    }
    fn takes_limit(&self) -> bool {
        false
    }
    fn lanes(&self, tasks: usize, _limit: usize, _per_worker: usize, cores: usize) -> Lanes {
        Lanes {
            in_flight: tasks,
            cpu: loops(tasks, cores),
        }
    }
    fn holds(&self, tasks: usize, _limit: usize, _per_worker: usize) -> Holds {
        Holds::on_a_loop(vec![(TASK, tasks)])
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let t = Instant::now();
        let cores = crate::measure::machine::allowed_cpus().len().max(1);
        let n = loops(job.tasks, cores);
        let mut handles = Vec::with_capacity(n);
        let mut stops = Vec::with_capacity(n);
        let mut threads = Vec::with_capacity(n);
        for i in 0..n {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            handles.push(rt.handle().clone());
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            stops.push(stop);
            // The loop drives its runtime until told to stop; the runtime is dropped on its own
            // thread, after the makespan.
            threads.push(
                std::thread::Builder::new()
                    .name(format!("loop-{i}"))
                    .spawn(move || {
                        let _ = rt.block_on(stopped);
                    })?,
            );
        }
        // The submitter's own runtime only joins the handles (JoinHandles wake across runtimes).
        let joiner = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let setup = t.elapsed();
        let exec = spawn_on(joiner, setup, job, None, Cpu::OnTheLoop, &handles);
        for stop in stops {
            let _ = stop.send(());
        }
        for thread in threads {
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("a thread-per-core loop panicked"))?;
        }
        Ok(exec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_per_core_never_more_than_tasks() {
        assert_eq!(loops(1, 2), 1);
        assert_eq!(loops(243, 2), 2);
        assert_eq!(loops(3, 8), 3);
        assert_eq!(loops(0, 2), 1);
    }
}
