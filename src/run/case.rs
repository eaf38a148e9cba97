//! One repetition of one case in a fresh process. The parent sends a [`CaseSpec`] on the child's stdin
//! (hidden `__case` subcommand), the child runs the model once and answers one [`CaseOutput`] line,
//! and the parent reaps it with `wait4`, so CPU time, peak RSS and context switches belong to this
//! repetition alone — the way `/usr/bin/time` and hyperfine measure.

use crate::measure::{latency, rusage, series, threads::ThreadSampler};
use crate::model::aggregate::Aggregate;
use crate::model::{Job, ModelKind};
use crate::results::{Percentiles, WorkerUsage};
use crate::workload::{Params, TaskResult};
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Per-task start/end times are kept for runs up to this size (the report's timeline).
pub const TIMELINE_MAX_TASKS: usize = crate::model::aggregate::KEEP_EACH;

/// What a case child is asked to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    pub model: ModelKind,
    pub workload: Params,
    /// The server's base URL, for workloads that make requests (empty otherwise).
    pub url: String,
    pub tasks: usize,
    pub limit: usize,
    pub retries: usize,
    /// Tasks each worker runs at once (async-process-pool's child concurrency; 1 elsewhere).
    pub per_worker: usize,
    /// `threads`: start no more than this many.
    #[serde(default)]
    pub max_threads: Option<usize>,
    /// queue-workers: the run's broker and its key.
    #[serde(default)]
    pub broker: Option<crate::model::queue_protocol::BrokerAddr>,
    /// Whether tasks take the ledger's marks (`--ledger`; on unless said otherwise).
    #[serde(default = "on")]
    pub ledger: bool,
    /// How its tasks are released (`--arrival`; a batch unless said otherwise).
    #[serde(default)]
    pub arrival: crate::arrival::Arrival,
    /// The run's seed, which a Poisson schedule is drawn from: every case of a run meets the same
    /// times.
    #[serde(default)]
    pub seed: u64,
}

fn on() -> bool {
    true
}

/// What a case child measured from inside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOutput {
    pub setup_s: f64,
    pub makespan_s: f64,
    /// First submission → first task done (any outcome), seconds.
    #[serde(default)]
    pub first_result_s: Option<f64>,
    /// The mean run time of the CPU parts measured where they ran, seconds (none measured: None).
    #[serde(default)]
    pub cpu_part_s: Option<f64>,
    pub ok: u64,
    pub failures: BTreeMap<String, u64>,
    pub task_latency: Percentiles,
    pub service_latency: Option<Percentiles>,
    pub threads_peak: u64,
    pub workers: Option<WorkerUsage>,
    pub timeline: Option<Vec<[f64; 2]>>,
    /// Submissions over all tasks (tasks + retries used).
    pub attempts: u64,
    /// The requests the tasks sent, when they sent any.
    #[serde(default)]
    pub requests: Option<crate::results::RequestCounts>,
    /// Threads or processes a pool started.
    pub pool_started: Option<usize>,
    /// The case process's own peak RSS (VmHWM), KiB, when readable.
    pub peak_rss_kib: Option<u64>,
    /// Staged workloads: per stage, when each item left it, seconds (runs of ≤ 10,000 items).
    pub stages: Option<Vec<Vec<f64>>>,
    /// Units the model started (threads, tasks, processes) and the seconds starting them took.
    pub spawned: Option<(usize, f64)>,
    /// Why it started fewer units than asked, when it did.
    pub spawn_error: Option<String>,
    /// What units that wait on each other counted (coordination).
    #[serde(default)]
    pub tally: Option<crate::workload::coordination::Tally>,
    /// What an ipc case's pairs exchanged.
    #[serde(default)]
    pub ipc: Option<crate::workload::ipc::Exchanged>,
    /// Per-task hops (process-pool, queue-workers), seconds.
    #[serde(default)]
    pub hop: Option<Percentiles>,
    /// What the tasks counted in shared state, and what they made (contention).
    #[serde(default)]
    pub count: Option<crate::results::SharedCount>,
    /// The ledger's critical path, summed by kind (docs/ledger.md): absent with the ledger off, for
    /// a workload or model that keeps none, and for runs too large to keep each task.
    #[serde(default)]
    pub ledger: Option<crate::ledger::path::PathSums>,
    /// Open loop: the time line in 100 ms buckets.
    #[serde(default)]
    pub series: Option<Vec<crate::results::Bucket>>,
}

/// Run the case in this process: build the workload (setup), run the model once, summarise.
pub fn execute(spec: &CaseSpec, exe: &Path) -> anyhow::Result<CaseOutput> {
    crate::ledger::set_enabled(spec.ledger);
    let sampler = ThreadSampler::start();
    let built = std::time::Instant::now();
    let workload = spec.workload.describe().build(&spec.url)?;
    // What this repetition starts from (a database workload: its table, empty), before the first
    // submission.
    workload.prepare()?;
    let build = built.elapsed();
    let job = Job {
        workload: workload.clone(),
        params: spec.workload.clone(),
        url: spec.url.clone(),
        tasks: spec.tasks,
        limit: spec.limit,
        exe: exe.to_path_buf(),
        retries: spec.retries,
        per_worker: spec.per_worker,
        max_threads: spec.max_threads,
        broker: spec.broker.clone(),
        schedule: spec.arrival.schedule(spec.tasks, spec.seed).map(Into::into),
    };
    let mut exec = spec.model.model().run(&job)?;
    // After the clock, before anything is folded: the walk needs every task.
    let ledger = super::ledger::path(&exec, &spec.workload, spec.model);
    let threads_peak = sampler.finish();
    // After the clock: what the tasks left behind, checked against what they said (a database
    // workload counts its rows).
    // A workload that audits is never folded (`aggregate::keeps_each`), so every task is here.
    let mut results: Vec<&mut TaskResult> =
        exec.records.iter_mut().map(|r| &mut r.result).collect();
    workload.audit(&mut results)?;
    let tally = workload.tally();
    // After the clock too: the floor an ipc case's figures are set beside.
    let ipc = workload.exchanged();
    // The shared state's final count against what the tasks that succeeded say they added.
    let count = workload
        .counted()?
        .map(|counted| crate::results::SharedCount {
            counted,
            expected: results.iter().filter_map(|r| r.outcome.ok()).sum::<u64>(),
        });
    // Every task folded, whether the model kept a record of each or folded them as they ended.
    // Open loop: latency from each task's scheduled release (a model with a schedule keeps every
    // record: `aggregate::keeps_each`).
    let all = match (&exec.aggregate, &job.schedule) {
        (Some(a), _) => a.clone(),
        (None, Some(s)) => Aggregate::of_released(&exec.records, s, |v| workload.verify(v)),
        (None, None) => Aggregate::of(&exec.records, |v| workload.verify(v)),
    };
    let series = job
        .schedule
        .as_ref()
        .filter(|_| !exec.records.is_empty())
        .map(|s| {
            let tasks: Vec<series::Done> = exec
                .records
                .iter()
                .zip(s.iter())
                .map(|(r, &released)| series::Done {
                    released,
                    end: r.end,
                    ok: r.result.outcome.is_ok(),
                })
                .collect();
            series::of(&tasks, series::BUCKET)
        });
    if let Some(wrong) = &all.wrong {
        bail!("{wrong}");
    }
    let failures: BTreeMap<String, u64> = all
        .failures
        .iter()
        .map(|(k, n)| (k.name().to_string(), *n))
        .collect();
    let task_latency = latency::of(&all.task_latency).context("a case has tasks")?;
    let service_latency = latency::of(&all.service_latency);
    let hop = exec
        .hops
        .as_ref()
        .and_then(|hops| latency::percentiles(hops.iter().flatten().copied()));
    let timeline = (!exec.records.is_empty() && spec.tasks <= TIMELINE_MAX_TASKS).then(|| {
        exec.records
            .iter()
            .map(|r| [r.start.as_secs_f64(), r.end.as_secs_f64()])
            .collect()
    });
    Ok(CaseOutput {
        // Client construction is setup too: the makespan starts at the first submission.
        setup_s: (build + exec.setup).as_secs_f64(),
        makespan_s: exec.makespan().as_secs_f64(),
        // From every task folded, like the makespan's fold: a run too large for a timeline has one.
        first_result_s: all.first_done.map(|d| d.as_secs_f64()),
        cpu_part_s: all.cpu_part_s(),
        ok: all.ok,
        failures,
        task_latency,
        service_latency,
        threads_peak,
        workers: exec.workers,
        timeline,
        attempts: all.attempts,
        requests: (all.tries.sent > 0).then_some(all.tries),
        spawned: exec.spawned.map(|(n, t)| (n, t.as_secs_f64())),
        spawn_error: exec.spawn_error.clone(),
        tally,
        pool_started: exec.pool,
        hop,
        count,
        peak_rss_kib: rusage::own_peak_rss_kib(),
        ledger,
        ipc,
        series,
        stages: exec
            .stages
            .filter(|_| spec.tasks <= TIMELINE_MAX_TASKS)
            .map(|stages| {
                stages
                    .iter()
                    .map(|done| done.iter().map(Duration::as_secs_f64).collect())
                    .collect()
            }),
    })
}

/// Entry point of `concbench __case`: spec on stdin, output on stdout; returns the exit code.
pub fn case_main() -> i32 {
    let run = || -> anyhow::Result<CaseOutput> {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input)?;
        let spec: CaseSpec = serde_json::from_str(&input).context("reading the case spec")?;
        execute(&spec, &std::env::current_exe()?)
    };
    match run() {
        Ok(out) => {
            let line = serde_json::to_string(&out).expect("output serialises");
            let mut stdout = std::io::stdout().lock();
            if writeln!(stdout, "{line}")
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return 1;
            }
            0
        }
        Err(e) => {
            eprintln!("{e:#}");
            1
        }
    }
}

/// Run one repetition in a fresh child process; returns what it measured and what wait4 saw. A child
/// still running after `deadline` is killed.
pub fn run_isolated(
    exe: &Path,
    spec: &CaseSpec,
    deadline: Duration,
) -> anyhow::Result<(CaseOutput, rusage::Usage)> {
    if spec.model.is_python() {
        return super::external::run_isolated(spec, deadline);
    }
    let mut cmd = Command::new(exe);
    cmd.arg("__case")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::spawn::die_with_parent(&mut cmd);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start a case process ({})", exe.display()))?;
    super::children::set_current(child.id());
    // Every helper thread is started before the child is given its spec: a case that starts threads
    // until the OS refuses takes every free pid of the machine, and a thread started after that
    // could not be.
    let mut stderr = child.stderr.take().expect("piped");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let (done, watchdog) = watch(child.id(), deadline);
    let input = serde_json::to_vec(spec).expect("spec serialises");
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut out = String::new();
    let _ = child.stdout.take().expect("piped").read_to_string(&mut out);
    let _ = writer.join();
    // Stop the watchdog before reaping, so it can never signal a recycled pid.
    drop(done);
    let hung = watchdog.join().unwrap_or(false);
    let (status, usage) = rusage::wait(child.id())?;
    super::children::set_current(0);
    let stderr = err_reader.join().unwrap_or_default();
    if hung {
        bail!(
            "the case process was still running after {}: killed",
            humantime::format_duration(deadline)
        );
    }
    if rusage::exit_code(status) != 0 {
        let why = stderr
            .trim()
            .lines()
            .last()
            .unwrap_or("no message")
            .to_string();
        bail!("the case process {}: {why}", rusage::describe(status));
    }
    let output = serde_json::from_str(out.trim()).context("reading the case process's output")?;
    Ok((output, usage))
}

/// A thread that kills `pid` unless the returned sender is dropped within `deadline`; it returns whether
/// it had to.
pub fn watch(pid: u32, deadline: Duration) -> (mpsc::Sender<()>, std::thread::JoinHandle<bool>) {
    let (done, wait) = mpsc::channel::<()>();
    let handle = std::thread::spawn(move || match wait.recv_timeout(deadline) {
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // SAFETY: the child is not reaped yet (the parent joins this thread first), so the pid is ours.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            true
        }
        _ => false,
    });
    (done, handle)
}
