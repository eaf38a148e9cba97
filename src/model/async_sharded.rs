//! `async-sharded`: the `async` model over k processes — the async-process-pool shape, with no
//! dispatcher: each shard (a pool worker, see `shard`) is handed an exact, contiguous share of the N
//! tasks once, runs it on its own multi-thread runtime as `async` runs a whole job, and answers once
//! with every record or their fold. Its reason to exist is the open-file limit: every connection is a
//! descriptor, and a process may hold 20,000 on the machines this was built on, so 100,000 connections
//! at once need at least six processes (`--limit k`). The clock starts once every shard is spawned,
//! initialised and armed (set-up), and each shard's times are moved onto it through CLOCK_MONOTONIC.

use super::aggregate::Joined;
use super::footprint::{Holds, PROCESS, TASK};
use super::pool_worker::{FromWorker, ToWorker};
use super::shard::{self, ShardRun};
use super::worker_process::Worker;
use super::{Execution, Job, Lanes, Model};
use crate::results::WorkerUsage;
use std::time::{Duration, Instant};

pub struct AsyncSharded;

impl Model for AsyncSharded {
    fn about(&self) -> &'static str {
        "async over k processes, each an exact share of the tasks and their connections (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn default_limit(&self, cores: usize) -> Option<usize> {
        Some(cores)
    }
    fn lanes(&self, tasks: usize, _limit: usize, _per_worker: usize, cores: usize) -> Lanes {
        Lanes {
            in_flight: tasks,
            // Every shard's runtime has a thread per core; the cores are the machine's.
            cpu: cores.max(1).min(tasks),
        }
    }
    fn holds(&self, tasks: usize, limit: usize, _per_worker: usize) -> Holds {
        Holds::on_a_loop(vec![(PROCESS, limit.min(tasks)), (TASK, tasks)])
    }
    fn client_processes(&self, limit: usize) -> usize {
        limit.max(1)
    }
    fn refuses(&self, params: &crate::workload::Params) -> Option<String> {
        let staged = params.describe().stage_workers().is_some();
        staged.then(|| {
            "async-sharded runs each task on its own; a staged workload's stages join the tasks \
             of one process"
                .to_string()
        })
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        run(job)
    }
}

fn run(job: &Job) -> anyhow::Result<Execution> {
    let shares = shard::shares(job.tasks, job.limit);
    let setup_start = Instant::now();
    let mut shards = Vec::with_capacity(shares.len());
    for &(first, count) in &shares {
        let mut w = Worker::spawn(job, false)?;
        w.tell(&ToWorker::Shard { first, count })?;
        shards.push(w);
    }
    for w in &mut shards {
        match w.receive()? {
            (FromWorker::Armed, _) => {}
            (other, _) => anyhow::bail!("a shard answered {other:?} when armed"),
        }
    }
    let setup = setup_start.elapsed();
    let t0 = Instant::now();
    let t0_ns = crate::ledger::clock::instant_ns(t0);
    // A shard whose pipe is gone cannot be told: its answer below fails, and its tasks are lost.
    for w in &mut shards {
        let _ = w.tell(&ToWorker::Go);
    }
    let mut joined = Joined::new(job);
    let mut usage = WorkerUsage::default();
    let mut spawning = Some(Duration::ZERO);
    for (mut w, &(first, count)) in shards.into_iter().zip(&shares) {
        match answer(&mut w) {
            Ok(run) => {
                anyhow::ensure!(
                    run.first == first && run.count == count && run.tasks() == count,
                    "shard {first}+{count} answered for {}+{} with {} tasks",
                    run.first,
                    run.count,
                    run.tasks()
                );
                let shift = Duration::from_nanos(run.t0_ns.saturating_sub(t0_ns));
                let own = run.spawning_ns.map(|s| shift + Duration::from_nanos(s));
                spawning = spawning.zip(own).map(|(a, b)| a.max(b));
                shard::merge(&mut joined, &run, shift);
                usage.add(&w.finish());
            }
            Err(_) => {
                // The shard died with its share: each of its tasks failed as worker-lost.
                shard::lost(&mut joined, count, t0.elapsed());
                spawning = None;
                usage.add(&w.reap());
            }
        }
    }
    Ok(Execution {
        workers: Some(usage),
        pool: Some(shares.len()),
        t0_ns,
        ..shard::execution(setup, joined, spawning.map(|s| (job.tasks, s)))
    })
}

/// A shard's one answer after `Go`.
fn answer(w: &mut Worker) -> anyhow::Result<ShardRun> {
    match w.receive()? {
        (FromWorker::Shard, bytes) => Ok(serde_json::from_slice(&bytes)?),
        (other, _) => anyhow::bail!("a shard answered {other:?} to go"),
    }
}
