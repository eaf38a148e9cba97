//! `process-pool`: k worker processes (this binary in worker mode), fed one task at a time over pipes,
//! like `multiprocessing.Pool(k).map`. One dispatcher thread per worker sends a task, waits for its
//! answer and sends the next. A worker that dies is noticed at once (its pipe ends), its task counts as
//! `worker-lost`, and a fresh worker takes its place; `retries` resubmits failed tasks.

use super::pool_worker::{send, FromWorker, ToWorker};
use super::{Execution, Job, Lanes, Model, TaskRecord};
use crate::measure::rusage::{self, Usage};
use crate::results::WorkerUsage;
use crate::workload::{FailureKind, TaskResult};
use anyhow::Context;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

pub struct ProcessPool;

impl Model for ProcessPool {
    fn about(&self) -> &'static str {
        "k worker processes fed over pipes, one task at a time each (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn lanes(&self, tasks: usize, limit: usize, _cores: usize) -> Lanes {
        Lanes::bounded(tasks, limit)
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let setup_start = Instant::now();
        let workers = (0..job.limit)
            .map(|_| Worker::spawn(job))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let setup = setup_start.elapsed();
        let t0 = Instant::now();
        let queue = Mutex::new((0..job.tasks).map(|i| (i, 1u32)).collect::<VecDeque<_>>());
        let records = Mutex::new(vec![None; job.tasks]);
        let usage = std::thread::scope(|s| {
            let handles: Vec<_> = workers
                .into_iter()
                .map(|w| s.spawn(|| dispatch(w, job, t0, &queue, &records)))
                .collect();
            let mut total = WorkerUsage::default();
            for h in handles {
                let u = h.join().expect("dispatchers do not panic")?;
                total.processes += u.processes;
                total.rss_sum_kib += u.rss_sum_kib;
                total.rss_max_kib = total.rss_max_kib.max(u.rss_max_kib);
                total.user_s += u.user_s;
                total.sys_s += u.sys_s;
            }
            anyhow::Ok(total)
        })?;
        let records = records
            .into_inner()
            .expect("no dispatcher panicked")
            .into_iter()
            .map(|r| r.expect("every task was recorded"))
            .collect();
        Ok(Execution {
            setup,
            records,
            workers: Some(usage),
            pool: Some(job.limit),
        })
    }
}

/// Feed one worker until the queue is empty, replacing it if it dies; returns the usage of every
/// process this dispatcher owned. The worker is spawned and reaped by the same dispatcher's lifetime.
fn dispatch(
    mut worker: Worker,
    job: &Job,
    t0: Instant,
    queue: &Mutex<VecDeque<(usize, u32)>>,
    records: &Mutex<Vec<Option<TaskRecord>>>,
) -> anyhow::Result<WorkerUsage> {
    let mut usage = WorkerUsage::default();
    loop {
        let Some((task, attempt)) = queue.lock().unwrap().pop_front() else {
            break;
        };
        let start = t0.elapsed();
        let answer = worker.run(task as u64);
        let end = t0.elapsed();
        let result = match answer {
            Ok(result) => result,
            Err(_) => {
                // The pipe ended: the worker is gone. Reap it and start a fresh one in its place.
                usage.add(&worker.reap());
                worker = Worker::spawn(job)?;
                TaskResult {
                    outcome: Err(FailureKind::WorkerLost),
                    service: None,
                }
            }
        };
        if result.outcome.is_err() && (attempt as usize) <= job.retries {
            queue.lock().unwrap().push_back((task, attempt + 1));
            continue;
        }
        records.lock().unwrap()[task] = Some(TaskRecord {
            start,
            end,
            result,
            attempts: attempt,
        });
    }
    usage.add(&worker.finish());
    Ok(usage)
}

struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn spawn(job: &Job) -> anyhow::Result<Worker> {
        let mut cmd = Command::new(&job.exe);
        cmd.arg("__worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        crate::spawn::die_with_parent(&mut cmd);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start a pool worker ({})", job.exe.display()))?;
        let mut worker = Worker {
            stdin: child.stdin.take(),
            stdout: BufReader::new(child.stdout.take().expect("piped")),
            child,
        };
        let stdin = worker.stdin.as_mut().expect("open until finish");
        let init = ToWorker::Init {
            params: job.params.clone(),
            url: job.url.clone(),
        };
        send(stdin, &init).context("a pool worker died before its first task")?;
        match worker.receive() {
            Ok(FromWorker::Ready) => Ok(worker),
            other => anyhow::bail!("a pool worker did not start: {other:?}"),
        }
    }

    fn receive(&mut self) -> anyhow::Result<FromWorker> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            anyhow::bail!("worker pipe closed");
        }
        Ok(serde_json::from_str(&line)?)
    }

    fn run(&mut self, task: u64) -> anyhow::Result<TaskResult> {
        send(
            self.stdin.as_mut().expect("open until finish"),
            &ToWorker::Task(task),
        )?;
        match self.receive()? {
            FromWorker::Done { task: t, result } if t == task => Ok(result),
            other => anyhow::bail!("worker answered {other:?} to task {task}"),
        }
    }

    /// Close its stdin so it exits by itself, read its own peak RSS, then reap it for its CPU time.
    fn finish(mut self) -> Usage {
        drop(self.stdin.take());
        let own = match self.receive() {
            Ok(FromWorker::Exit { peak_rss_kib }) => peak_rss_kib,
            _ => None,
        };
        let mut usage = rusage::wait(self.child.id())
            .map(|(_, u)| u)
            .unwrap_or_default();
        usage.max_rss_kib = own.unwrap_or(usage.max_rss_kib);
        usage
    }

    /// Reap a worker whose pipe broke; one that hung up but still runs must not block the reaping.
    fn reap(&mut self) -> Usage {
        let _ = self.child.kill();
        rusage::wait(self.child.id())
            .map(|(_, u)| u)
            .unwrap_or_default()
    }
}

impl WorkerUsage {
    fn add(&mut self, u: &Usage) {
        self.processes += 1;
        self.rss_sum_kib += u.max_rss_kib;
        self.rss_max_kib = self.rss_max_kib.max(u.max_rss_kib);
        self.user_s += u.user.as_secs_f64();
        self.sys_s += u.sys.as_secs_f64();
    }
}
