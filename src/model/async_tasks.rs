//! The shared body of the tokio models: spawn one task per task on a given runtime, optionally gated by
//! a semaphore, and join them all. The async models differ only in the runtime, the permits and where
//! CPU work runs, so the difference measured is that and nothing else.

use super::{Execution, Job, TaskRecord};
use crate::workload::{FailureKind, TaskResult};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Where a task's CPU work runs: on the event loop that runs the task, or in tokio's blocking pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cpu {
    OnTheLoop,
    Offloaded,
}

/// Run every task of `job` on `rt`; `permits` bounds how many are past their permit at once.
pub fn spawn_all(
    rt: tokio::runtime::Runtime,
    setup: Duration,
    job: &Job,
    permits: Option<usize>,
    cpu: Cpu,
) -> Execution {
    let t0 = Instant::now();
    let records = rt.block_on(async {
        let gate = permits.map(|k| Arc::new(Semaphore::new(k)));
        let handles: Vec<_> = (0..job.tasks as u64)
            .map(|task| {
                let (workload, gate) = (job.workload.clone(), gate.clone());
                tokio::spawn(async move {
                    let _permit = match &gate {
                        Some(g) => Some(g.acquire().await.expect("the semaphore is never closed")),
                        None => None,
                    };
                    let start = t0.elapsed();
                    let result = match cpu {
                        Cpu::OnTheLoop => workload.run_async(task).await,
                        Cpu::Offloaded => workload.run_async_offloaded(task).await,
                    };
                    TaskRecord {
                        start,
                        end: t0.elapsed(),
                        result,
                        attempts: 1,
                    }
                })
            })
            .collect();
        let mut records = Vec::with_capacity(handles.len());
        for handle in handles {
            // A panicking task fails alone; its start is unknown, so it is recorded as ending there.
            records.push(handle.await.unwrap_or_else(|_| {
                let at = t0.elapsed();
                TaskRecord {
                    start: at,
                    end: at,
                    result: TaskResult {
                        outcome: Err(FailureKind::Panic),
                        service: None,
                    },
                    attempts: 1,
                }
            }));
        }
        records
    });
    // Tear-down (joining runtime threads) is after the clock and not the model's makespan.
    drop(rt);
    Execution {
        setup,
        records,
        workers: None,
        pool: None,
        stages: None,
    }
}

/// A multi-thread runtime with tokio's default worker count (one per allowed CPU).
pub fn multi_thread() -> anyhow::Result<(tokio::runtime::Runtime, Duration)> {
    let t = Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    Ok((rt, t.elapsed()))
}

/// Worker threads of a default multi-thread runtime on this machine.
pub fn runtime_threads(cores: usize) -> usize {
    cores.max(1)
}
