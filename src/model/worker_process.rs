//! A pool worker process as the pool sees it: the concbench binary re-executed as `__worker`, spawned
//! so it dies with its parent, initialised once with the job's workload (its clients are its own, as a
//! pool initializer makes them), then fed task numbers (and their data) over its stdin and answering
//! on its stdout, in `pool_worker`'s frames. Both
//! process pools use it, and run their dispatchers in one frame ([`run_pool`]); the worker's side of
//! the protocol is `pool_worker`.

use super::pool_worker::{receive, send, FromWorker, ToWorker};
use super::{Execution, Job, TaskRecord};
use crate::measure::rusage::{self, Usage};
use crate::results::WorkerUsage;
use crate::workload::TaskResult;
use anyhow::Context;
use std::collections::VecDeque;
use std::io::BufReader;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The tasks waiting for a worker, each with its submission number (1, then one more per retry).
pub type Queue = Mutex<VecDeque<(u64, u32)>>;
/// Per task, its record once it is settled, and its hop when its dispatcher measured one.
pub type Records = Mutex<Vec<Option<(TaskRecord, Option<std::time::Duration>)>>>;

/// What both process pools do around their own dispatch: start k workers (the pool's setup), feed them
/// from one queue with a dispatcher thread each, and collect every task's record and every worker's
/// usage. `event_loop`: each worker runs the tasks it is given at once on its own loop. A dispatcher
/// gets its worker, the job, the instant tasks were submitted, the queue and the records, and returns
/// the usage of every process it owned (it replaces a worker that dies).
pub fn run_pool(
    job: &Job,
    event_loop: bool,
    dispatch: impl Fn(Worker, &Job, Instant, &Queue, &Records) -> anyhow::Result<WorkerUsage> + Sync,
) -> anyhow::Result<Execution> {
    let setup_start = Instant::now();
    // Spawned here, on the thread that outlives the run: a worker dies with the thread that started
    // it (PR_SET_PDEATHSIG), and dispatcher threads end before the run does.
    let workers = (0..job.limit)
        .map(|_| Worker::spawn(job, event_loop))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let setup = setup_start.elapsed();
    let t0 = Instant::now();
    let queue: Queue = Mutex::new((0..job.tasks as u64).map(|i| (i, 1u32)).collect());
    let records: Records = Mutex::new(vec![None; job.tasks]);
    let usage = std::thread::scope(|s| {
        let handles: Vec<_> = workers
            .into_iter()
            .map(|w| s.spawn(|| dispatch(w, job, t0, &queue, &records)))
            .collect();
        let mut total = WorkerUsage::default();
        for h in handles {
            total.merge(&h.join().expect("dispatchers do not panic")?);
        }
        anyhow::Ok(total)
    })?;
    let (records, hops): (Vec<TaskRecord>, Vec<Option<std::time::Duration>>) = records
        .into_inner()
        .expect("no dispatcher panicked")
        .into_iter()
        .map(|r| r.expect("every task was recorded"))
        .unzip();
    Ok(Execution {
        workers: Some(usage),
        pool: Some(job.limit),
        t0_ns: crate::ledger::clock::instant_ns(t0),
        hops: hops.iter().any(Option::is_some).then_some(hops),
        ..Execution::of(setup, records)
    })
}

/// A task's result and the data it handed back.
pub type Answered = (TaskResult, Vec<u8>);

/// How a worker ran a task, as it says: its own time running it, seconds (None: an older worker),
/// and its thread's run delay and run time over the task, for the ledger.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ran {
    pub s: Option<f64>,
    pub run_delay: Duration,
    pub run: Option<Duration>,
    /// When the worker was done with it, CLOCK_MONOTONIC ns (none with the ledger off).
    pub done_ns: Option<u64>,
}

/// One worker process and its pipes.
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    /// Start a worker for `job`, initialised (its workload and clients built: the pool's initializer)
    /// and ready; `event_loop`: it runs the tasks it is given at once on its own tokio loop.
    pub fn spawn(job: &Job, event_loop: bool) -> anyhow::Result<Worker> {
        let mut cmd = Command::new(&job.exe);
        cmd.arg("__worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        crate::spawn::die_with_parent(&mut cmd);
        // The case's ledger switch: a worker marks its requests (sent back in each task's result)
        // only when the case does.
        cmd.env(
            crate::ledger::clock::SWITCH_ENV,
            match crate::ledger::enabled() {
                true => "on",
                false => "off",
            },
        );
        job.workload.to_worker(&mut cmd)?;
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
            event_loop,
        };
        send(stdin, &init, &[]).context("a pool worker died before its first task")?;
        match worker.receive() {
            Ok((FromWorker::Ready, _)) => Ok(worker),
            other => anyhow::bail!("a pool worker did not start: {other:?}"),
        }
    }

    /// The worker's next message and its data; an error when its pipe ended (it is gone).
    pub fn receive(&mut self) -> anyhow::Result<(FromWorker, Vec<u8>)> {
        receive(&mut self.stdout)?.ok_or_else(|| anyhow::anyhow!("worker pipe closed"))
    }

    /// Hand it task number `task` and the data its submitter made for it.
    pub fn send(&mut self, task: u64, data: &[u8]) -> anyhow::Result<()> {
        send(
            self.stdin.as_mut().expect("open until finish"),
            &ToWorker::Task(task),
            data,
        )?;
        Ok(())
    }

    /// Send it a message other than a task (a shard's `Shard` and `Go`).
    pub fn tell(&mut self, msg: &ToWorker) -> anyhow::Result<()> {
        send(self.stdin.as_mut().expect("open until finish"), msg, &[])?;
        Ok(())
    }

    /// Run one task and wait for its answer, the data it hands back and the worker's own time
    /// running it (a worker without an event loop).
    pub fn run(&mut self, task: u64, data: &[u8]) -> anyhow::Result<(Answered, Ran)> {
        self.send(task, data)?;
        match self.receive()? {
            (
                FromWorker::Done {
                    task: t,
                    result,
                    ran_s,
                    run_delay_ns,
                    run_ns,
                    done_ns,
                    ..
                },
                back,
            ) if t == task => Ok((
                (result, back),
                Ran {
                    s: ran_s,
                    run_delay: Duration::from_nanos(run_delay_ns),
                    run: run_ns.map(Duration::from_nanos),
                    done_ns: (done_ns > 0).then_some(done_ns),
                },
            )),
            (other, _) => anyhow::bail!("worker answered {other:?} to task {task}"),
        }
    }

    /// Close its stdin so it exits by itself, read its own peak RSS, then reap it for its CPU time.
    pub fn finish(mut self) -> Usage {
        drop(self.stdin.take());
        let own = match self.receive() {
            Ok((FromWorker::Exit { peak_rss_kib }, _)) => peak_rss_kib,
            _ => None,
        };
        let mut usage = rusage::wait(self.child.id())
            .map(|(_, u)| u)
            .unwrap_or_default();
        usage.max_rss_kib = own.unwrap_or(usage.max_rss_kib);
        usage
    }

    /// Reap a worker whose pipe broke; one that hung up but still runs must not block the reaping.
    pub fn reap(&mut self) -> Usage {
        let _ = self.child.kill();
        rusage::wait(self.child.id())
            .map(|(_, u)| u)
            .unwrap_or_default()
    }
}

impl WorkerUsage {
    /// One more worker process, reaped.
    pub fn add(&mut self, u: &Usage) {
        self.processes += 1;
        self.rss_sum_kib += u.max_rss_kib;
        self.rss_max_kib = self.rss_max_kib.max(u.max_rss_kib);
        self.user_s += u.user.as_secs_f64();
        self.sys_s += u.sys.as_secs_f64();
    }

    /// Another dispatcher's workers.
    pub fn merge(&mut self, u: &WorkerUsage) {
        self.processes += u.processes;
        self.rss_sum_kib += u.rss_sum_kib;
        self.rss_max_kib = self.rss_max_kib.max(u.rss_max_kib);
        self.user_s += u.user_s;
        self.sys_s += u.sys_s;
    }
}
