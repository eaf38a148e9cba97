//! The result file: the one serde type every run writes and every report and comparison reads. It is
//! versioned, self-describing (machine, command, server configuration) and keeps every raw sample, so a
//! file from another machine renders and compares exactly like one made here. Its JSON Schema is derived
//! from these types (`concbench schema`).

pub mod load_generators;
mod observed;
pub mod stability;
pub mod summary;

pub use observed::{
    Bucket, KernelSockets, Noise, Percentiles, Reference, ServerObservation, ServerOutcomes,
    SocketFigures, WorkerUsage,
};

pub use load_generators::{GeneratorRun, LoadGenerators, RateRun, SkippedGenerator};

use crate::names::{Bottleneck, Group, ModelKind};
use crate::workload::Params;
use anyhow::{bail, Context};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Rewrite a file of schema version 1 or 2 as version 3 means it, as JSON, before it is read strictly:
/// the flat workload fields of `params` become one tagged object, and the server's workers and delay
/// (then in `server`) join the io parameters. Version 1 made io requests with the libraries (ureq,
/// reqwest) and gave an efficiency even to cases whose tasks failed.
fn upgrade_to_v3(file: &mut serde_json::Value, version: u64) -> anyhow::Result<()> {
    use serde_json::{json, Value};
    let Some(cases) = file.get_mut("cases").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    for (i, case) in cases.iter_mut().enumerate() {
        let server = case.get("server").cloned().unwrap_or(Value::Null);
        let case = case
            .as_object_mut()
            .ok_or_else(|| anyhow::anyhow!("cases[{i}] is not an object"))?;
        let params = case
            .get_mut("params")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| anyhow::anyhow!("cases[{i}].params is missing"))?;
        let mut take = |k: &str| params.remove(k).unwrap_or(Value::Null);
        let kind = take("workload");
        let (delay_ms, cpu_iters, path, keep_alive, timeout_ms, client) = (
            take("delay_ms"),
            take("cpu_iters"),
            take("path"),
            take("keep_alive"),
            take("timeout_ms"),
            take("client"),
        );
        let workload = match kind.as_str() {
            Some("io") => json!({
                "kind": "io",
                "server_workers": server["workers"],
                "server_delay_ms": server["delay_ms"],
                "path": path,
                "keep_alive": keep_alive,
                "timeout_ms": timeout_ms,
                "client": if client.is_null() { json!("library") } else { client },
            }),
            Some("sleep") => json!({"kind": "sleep", "delay_ms": delay_ms}),
            Some("cpu") => json!({"kind": "cpu", "cpu_iters": cpu_iters}),
            other => anyhow::bail!("cases[{i}].params.workload {other:?} is not a workload"),
        };
        params.insert("workload".into(), workload);
        let external = server["external"].as_bool().unwrap_or(false);
        case.remove("server");
        case.insert("external".into(), json!(external));
        if version < 2 && case["summary"]["failures"].as_u64().unwrap_or(0) > 0 {
            case.get_mut("summary")
                .and_then(Value::as_object_mut)
                .map(|s| s.insert("efficiency".into(), Value::Null));
        }
    }
    Ok(())
}

/// The largest result file read: a run of the scale suite is tens of megabytes; anything far beyond is
/// not a result file (or is `/dev/zero`).
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Read a result file: a regular file (never a FIFO or a device, which could block or never end) of at
/// most [`MAX_FILE_BYTES`].
pub fn read_capped(path: &Path) -> anyhow::Result<Vec<u8>> {
    read_capped_as(path, "a result file")
}

/// [`read_capped`] for any file concbench reads back (criterion's too), `what` saying in the
/// messages which kind of file was expected.
pub fn read_capped_as(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("{}: cannot read", path.display()))?;
    anyhow::ensure!(
        meta.is_file(),
        "{}: not a regular file (a directory, FIFO or device); give {what}",
        path.display()
    );
    let too_big = || {
        anyhow::anyhow!(
            "{}: larger than {} MiB, the most {what} may be",
            path.display(),
            MAX_FILE_BYTES >> 20
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_FILE_BYTES + 1),
        &mut bytes,
    )
    .with_context(|| format!("{}: cannot read", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// A figure as a reader types it: plain when of everyday size, `1e308` otherwise.
pub fn show(v: f64) -> String {
    if v == 0.0 || (1e-3..1e6).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// The range a measured duration can take, seconds; the loader refuses figures outside it.
pub const MIN_DURATION_S: f64 = 1e-9;
pub const MAX_DURATION_S: f64 = 1e9;
/// The largest peak RSS the loader accepts, KiB (a pebibyte).
pub const MAX_RSS_KIB: u64 = 1 << 40;

/// A measured duration, seconds, as the loader takes one: finite, between 1 ns and 10⁹ s (31 years);
/// otherwise the error names `field` and its value. What any figure read back as a makespan is held to.
pub fn check_duration(v: f64, field: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        v.is_finite() && (MIN_DURATION_S..=MAX_DURATION_S).contains(&v),
        "{field} is {}: a measured duration lies between 1 ns and 10⁹ s",
        show(v)
    );
    Ok(())
}

/// A duration that may be zero (setup, CPU time, a latency percentile): finite, 0 to 10⁹ s.
pub fn check_duration_or_zero(v: f64, field: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        v.is_finite() && (0.0..=MAX_DURATION_S).contains(&v),
        "{field} is {}: a duration lies between 0 and 10⁹ s",
        show(v)
    );
    Ok(())
}

/// Bumped whenever a field changes meaning or a required field is added. Version 2: the direct client
/// (io cases of version 1 used the libraries), interleaved order, noise, optional ideals. Version 3: a
/// case's workload parameters as one tagged object (`params.workload.kind`), names as enums, the
/// server's workers and delay among the io parameters. Version 4: a case whose ideal needs the
/// machine's speed is calibrated beside each repetition (a sample's `t1_s`, `scaling` and `ideal_s`),
/// its efficiency is the median over its repetitions of ideal ÷ makespan, and one above 1.01 is
/// withheld as `ideal_unreliable`. Older files are read as this one (`upgrade`).
pub const SCHEMA_VERSION: u32 = 4;

/// One run: a suite (or one ad-hoc case) executed on one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultFile {
    /// Version of this format; a reader refuses newer ones.
    pub schema_version: u32,
    /// Version of concbench that wrote the file.
    pub concbench_version: String,
    /// Git commit of the concbench checkout, when it was built from one.
    pub git_commit: Option<String>,
    /// The exact command line of the run.
    pub command: Vec<String>,
    /// Suite name, or `ad-hoc`.
    pub suite: String,
    /// UTC start time, RFC 3339.
    pub started: String,
    /// UTC time of the last write, RFC 3339.
    pub updated: String,
    /// False until every case of the run has finished; an interrupted run stays false.
    pub complete: bool,
    /// Why the run stopped early, when it did.
    pub interrupted: Option<String>,
    pub machine: Machine,
    /// How repetitions were scheduled: `interleaved` (shuffled rounds) or `blocked`; absent before v2.
    #[serde(default)]
    pub order: Option<String>,
    /// Seed of the round shuffles (and of any random workload), so the order can be replayed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Cases with at least one measured sample, in plan order.
    pub cases: Vec<CaseResult>,
    /// `concbench calibrate`: the load generators measured beside the cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_generators: Option<LoadGenerators>,
    /// A run with cases that move data (payload): what moving a byte costs this machine at best.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_floors: Option<DataFloors>,
}

/// The floors of moving data on the machine of a run, each the best of a few passes over 64 MiB,
/// nanoseconds per byte: what no model can move a byte faster than.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataFloors {
    /// Copying memory to memory in one thread (`memcpy`).
    pub memcpy_ns_per_byte: f64,
    /// Writing through a pipe to a reader on another thread, 1 MiB writes: the kernel copies each
    /// byte in and out, as a process pool's pipes do.
    pub pipe_ns_per_byte: f64,
}

/// What the run was measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    /// Stable, readable id: hostname slug + short hash of CPU model, logical cores and memory (+ `-cpusN`
    /// when the run was restricted), or the `--machine-id` given.
    pub machine_id: String,
    pub hostname: String,
    pub cpu_model: String,
    pub logical_cores: usize,
    pub physical_cores: Option<usize>,
    pub memory_bytes: u64,
    pub os: String,
    pub kernel: String,
    /// `rustc --version` of the toolchain that built concbench.
    pub rustc: String,
    /// CPU frequency governor of cpu0, when readable.
    pub governor: Option<String>,
    /// CPUs the run was allowed to use (sched_getaffinity).
    pub allowed_cpus: Vec<usize>,
}

/// One case: a workload × model × parameters, with every sample and its summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseResult {
    /// Readable unique id within a run, e.g. `seed/io/threads/n9-w3-1s`.
    pub id: String,
    /// The section the case belongs to (`seed`, `io-sweep`, …, `ad-hoc`, `cargo bench`).
    pub group: Group,
    pub params: CaseParams,
    /// The case ran against a server given with `--target` (no stats are read from it).
    #[serde(default)]
    pub external: bool,
    /// Warm-up repetitions run and discarded.
    pub warmup: usize,
    /// One per measured repetition, each from a fresh process.
    pub samples: Vec<Sample>,
    /// For `cpu`: one task's time t₁, the median task of sequential calibration processes, seconds.
    pub t1_s: Option<f64>,
    /// For `cpu`: the machine's measured parallel scaling s ≤ 1 at this task size (throughput of
    /// `cores` processes computing at once, over `cores` × one alone).
    #[serde(default)]
    pub scaling: Option<f64>,
    /// For a database workload: one write's time t_write (BEGIN → COMMIT), the median write of probe
    /// processes writing alone on one connection, seconds.
    #[serde(default)]
    pub t_write_s: Option<f64>,
    /// For a database workload: the time per write the database sustained with 4 writers at once
    /// (steady state of a probe's thread pool), seconds.
    #[serde(default)]
    pub t_write_together_s: Option<f64>,
    /// The makespan physics allows, seconds; absent when it is unknown (an external target of unknown
    /// workers or delay, a calibration that failed).
    pub ideal_s: Option<f64>,
    pub summary: Summary,
}

/// The parameters that identify a case; two cases with equal params are the same case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseParams {
    pub model: ModelKind,
    /// N: tasks submitted at once at the start.
    pub tasks: usize,
    /// k, for models that take a limit.
    pub limit: Option<usize>,
    /// Tasks the model can have in flight at once (N, k or 1) on the machine it ran on.
    pub concurrency: usize,
    /// Threads the model can run CPU work on at once, on that machine.
    pub cpu_lanes: usize,
    /// async-process-pool: tasks each worker runs at once on its event loop.
    #[serde(default)]
    pub child_concurrency: Option<usize>,
    /// queue-workers: the broker its workers pull from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<crate::names::BrokerKind>,
    /// What each task does: the workload's own parameters, tagged by its name.
    pub workload: Params,
    /// Run without the ledger's marks (`--ledger off`, or the twin of `--ledger both`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ledger_off: bool,
    /// How its tasks were released: `batch` (all at once; absent) or at a rate (`constant:R/s`,
    /// `poisson:R/s`, the latter drawn from the run's seed).
    #[serde(default, skip_serializing_if = "crate::arrival::Arrival::is_batch")]
    pub arrival: crate::arrival::Arrival,
}

/// One repetition, measured from inside (makespan, latencies) and outside (wait4) its process.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// First task submitted → last task done, seconds. Excludes setup.
    pub makespan_s: f64,
    /// Where the time went: makespan − ideal split into components and a residual that sum to it
    /// (docs/ledger.md). Absent with `--ledger off`, for Python models, workloads that keep none,
    /// runs of more than 1,000 tasks, and in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<crate::ledger::Ledger>,
    /// First task submitted → first task done (whatever its outcome), seconds: when the first answer
    /// arrives, as `as_completed` or `wait(FIRST_COMPLETED)` would see it. Computed from every task,
    /// also in runs too large to keep a timeline. Absent in files written before it was recorded.
    #[serde(default)]
    pub first_result_s: Option<f64>,
    /// The mean run time of its CPU parts, measured where they ran (schedstat around each count;
    /// the ledger on), seconds: the speed the vCPU gave them in this repetition, beside the probe's
    /// t₁. None without CPU parts or with the ledger off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_part_s: Option<f64>,
    /// Runtime build, pool spawn and client construction before the first task, seconds.
    pub setup_s: f64,
    /// Tasks that succeeded.
    pub ok: u64,
    /// Failed tasks by kind (connect, timeout, status, io, worker-lost, panic).
    pub failures: BTreeMap<String, u64>,
    /// Task latency (submitted → done; queueing inside the client counts; with a rate, from the
    /// task's scheduled release, not its actual send), seconds.
    pub task_latency: Percentiles,
    /// Service latency (request sent → response read), seconds; `io` only.
    pub service_latency: Option<Percentiles>,
    /// CPU time of the case process and the workers it reaped, seconds.
    pub user_s: f64,
    pub sys_s: f64,
    /// Peak resident set, KiB: the largest of the case process's own (VmHWM) and its pool workers' own.
    /// Files of schema version 1 hold wait4's figure, which includes the harness's memory at fork.
    pub max_rss_kib: u64,
    pub voluntary_ctx: u64,
    pub involuntary_ctx: u64,
    /// Most threads the case process had at once (sampled from /proc/self/status; the sampler excluded).
    pub threads_peak: u64,
    /// Process-pool workers: their summed peaks and CPU.
    pub workers: Option<WorkerUsage>,
    /// The server's view of this repetition (counters reset before it).
    pub server: Option<ServerObservation>,
    /// Submissions over all tasks: the task count plus every retry used.
    pub attempts: u64,
    /// Per task, [start, end] seconds from the first submission (runs of ≤ 10,000 tasks).
    pub timeline: Option<Vec<[f64; 2]>>,
    /// The requests the tasks sent and what they met (io workloads; absent for others and in
    /// files written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<RequestCounts>,
    /// When the repetition started, seconds since the run started.
    #[serde(default)]
    pub start_s: Option<f64>,
    /// The round of the run it belongs to (0-based): every case runs once per round.
    #[serde(default)]
    pub round: Option<usize>,
    /// What the rest of the machine did during the repetition.
    #[serde(default)]
    pub noise: Option<Noise>,
    /// Why the server's counters could not be read for this repetition, when they could not.
    #[serde(default)]
    pub server_error: Option<String>,
    /// Threads or processes a pool model started (k, also when k > N); absent for models without one.
    #[serde(default)]
    pub pool_started: Option<usize>,
    /// Staged workloads: per stage, when each item left it, seconds from the first submission (runs
    /// of ≤ 10,000 items).
    #[serde(default)]
    pub stages: Option<Vec<Vec<f64>>>,
    /// Threads, tasks or processes the model started, and the seconds starting them took (the spawn
    /// cost: spawn_s / spawn_units per unit).
    #[serde(default)]
    pub spawn_units: Option<usize>,
    #[serde(default)]
    pub spawn_s: Option<f64>,
    /// Why the model started fewer than asked (the OS refused a thread), when it did: a result, with
    /// the unstarted tasks counted as `spawn` failures.
    #[serde(default)]
    pub spawn_error: Option<String>,
    /// The same shape with no harness at all, run right after this repetition (scale suite).
    #[serde(default)]
    pub reference: Option<Reference>,
    /// What the tasks counted in shared state, and what they made (contention; absent for other
    /// workloads and in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<SharedCount>,
    /// CPU time (user + sys) the service the case ran against spent over the repetition, seconds: the
    /// slow server from its process CPU clock; gunicorn with its workers, or PostgreSQL with its
    /// backends, from /proc's ticks over the whole process tree. The service's own cost, which shares
    /// the machine's cores with the case's. Absent without a service the run started (an external
    /// --target, SQLite inside the case) and in older files.
    #[serde(default)]
    pub server_cpu_s: Option<f64>,
    /// For a case whose ideal needs the machine's speed (a CPU part): t₁, the median time of one task
    /// alone, measured by the probe run right before this repetition, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t1_s: Option<f64>,
    /// The parallel scaling s that probe measured (1 on one core).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<f64>,
    /// This repetition's ideal, from the probe run right before it, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal_s: Option<f64>,
    /// What units that wait on each other counted over the repetition (coordination: the most a
    /// semaphore admitted, the items a handoff delivered, the teams a barrier filled and broke).
    /// Absent for other workloads and in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<crate::workload::coordination::Tally>,
    /// What an ipc case's pairs exchanged: round-trip latency, the stream's rate, memcpy beside it
    /// (absent for other workloads and in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipc: Option<crate::workload::ipc::Exchanged>,
    /// process-pool and queue-workers: each task's hop — the time between its worker being free for
    /// it and its answer back, beyond its own run time in the worker (one round trip over the pipes,
    /// or through the broker) — as percentiles over the repetition's tasks, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hop: Option<Percentiles>,
    /// queue-workers: CPU time (user + sys) the broker (the own queue server, or Redis) spent over
    /// the repetition, seconds, from its process CPU clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_cpu_s: Option<f64>,
    /// Open loop (`--arrival constant|poisson`): the repetition's time line in 100 ms buckets
    /// (offered, completed, in flight, latency percentiles). Absent for a batch and in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Vec<Bucket>>,
    /// The kernel's memory for TCP sockets over the repetition, sampled every ~20 ms from
    /// /proc/net/sockstat and /proc/slabinfo for the whole network namespace — the case's sockets and
    /// the server's alike, both ends of every loopback connection — at the start and at its peak, so
    /// the growth is the repetition's. Recorded for cases of 1,000 connections and more; absent for
    /// smaller ones and in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_sockets: Option<KernelSockets>,
    /// The case process's own peak resident set (VmHWM), KiB, when it had worker processes:
    /// `max_rss_kib` is then the larger of it and the largest worker's, and this with the workers'
    /// `rss_sum_kib` is the case's memory in every process. Absent without workers and in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_rss_kib: Option<u64>,
}

/// What a repetition's tasks counted in shared state (contention): the count the case process read
/// after the model ran, and what the tasks that succeeded say they added (their values summed). The
/// difference is the updates lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedCount {
    /// The final count.
    pub counted: u64,
    /// The updates the tasks made: N × M, less `rwlock`'s reads.
    pub expected: u64,
}

impl SharedCount {
    /// Updates made but not in the count (never negative: a count above what was made is no loss).
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.counted)
    }
}

/// The requests a repetition's tasks sent and what they met (io): retries, hedges and 429s included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestCounts {
    /// Requests sent: each task's first, its retries, its hedges.
    pub sent: u64,
    /// Of them, answered 429 (the wasted requests of a rate limit).
    pub refused_429: u64,
    /// Of them, second requests a hedge sent.
    pub hedges: u64,
    /// Of them, without a complete answer within the timeout.
    pub timeouts: u64,
    /// Of them, failed otherwise (500, reset, broken connection); a hedge's cancelled loser is not.
    pub failed: u64,
}

/// Summary over the measured samples of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub makespan: Spread,
    /// ideal / makespan: the median over samples of each one's own ideal ÷ its makespan where the
    /// samples carry their ideals (calibrated beside each repetition), else the case's ideal / its
    /// median makespan. Absent without an ideal, when some task failed (a failed task can finish far
    /// sooner than a served one, so the ratio would flatter the case), or when the ideal is unreliable.
    pub efficiency: Option<f64>,
    /// The efficiency the ideal gave when it was above 1.01: no physical bound allows that, so the
    /// ideal measured beside the case did not describe the machine the case ran on, and the case
    /// shows "ideal unreliable" instead of a number above 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal_unreliable: Option<f64>,
    /// `server` (W < k), `client` (k < W), `balanced` (k = W), `cpu`.
    pub bottleneck: Bottleneck,
    /// Medians over samples of the per-sample figures.
    pub setup_s: f64,
    pub task_p50_s: f64,
    pub task_p99_s: f64,
    pub cpu_s: f64,
    pub max_rss_kib: u64,
    pub threads_peak: u64,
    pub ctx_switches: u64,
    pub server_max_in_flight: Option<u64>,
    /// Failed tasks over all samples.
    pub failures: u64,
    /// Why the case is unstable (its samples disagree, or the machine was busy); empty when stable.
    #[serde(default)]
    pub unstable: Vec<Instability>,
    /// Where the time went: the component-wise medians of the samples' ledgers (docs/ledger.md);
    /// absent where no sample kept one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<crate::ledger::Ledger>,
}

/// One reason a case's figure is not to be trusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Instability {
    pub kind: InstabilityKind,
    /// The reason in words, with its figure ("samples disagree: standard deviation 18 % of the mean").
    pub why: String,
}

/// What made a case unstable: its samples disagree among themselves (random noise, which a rank test
/// over enough samples accounts for), or something else ran while it or its calibration was measured
/// (a bias no test over its samples can see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InstabilityKind {
    Dispersion,
    Busy,
}

impl std::fmt::Display for Instability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.why)
    }
}

/// Median and spread of a figure over samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// Median absolute deviation.
    pub mad: f64,
    /// Order-statistic confidence interval of the median.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Coverage the interval actually achieves (0.75 for 3 samples, ≥ 0.95 from 6 on).
    pub ci_level: f64,
}

impl Spread {
    pub fn of(xs: &[f64]) -> Spread {
        let ci = crate::stats::median_ci(xs, 0.95);
        Spread {
            median: crate::stats::median(xs),
            min: xs.iter().copied().fold(f64::INFINITY, f64::min),
            max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            mad: crate::stats::mad(xs),
            ci_low: ci.low,
            ci_high: ci.high,
            ci_level: ci.level,
        }
    }
}

impl ResultFile {
    /// Read and check one result file; every error names the file and what is wrong with it.
    pub fn load(path: &Path) -> anyhow::Result<ResultFile> {
        let bytes = read_capped(path)?;
        ResultFile::parse(&bytes).with_context(|| format!("{}", path.display()))
    }

    /// Parse a result file from bytes: version first, so a newer file says so instead of a field error.
    pub fn parse(bytes: &[u8]) -> anyhow::Result<ResultFile> {
        let text =
            std::str::from_utf8(bytes).map_err(|e| anyhow::anyhow!("not UTF-8 text ({e})"))?;
        if text.trim().is_empty() {
            bail!("empty file, not a result file");
        }
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| anyhow::anyhow!("not valid JSON ({e}); truncated?"))?;
        match value.get("schema_version").and_then(|v| v.as_u64()) {
            None => bail!("no schema_version field: not a concbench result file"),
            Some(v) if v > SCHEMA_VERSION as u64 => bail!(
                "schema_version {v} is newer than this concbench understands ({SCHEMA_VERSION}); update concbench"
            ),
            Some(_) => {}
        }
        let mut value = value;
        let version = value["schema_version"].as_u64().unwrap_or(0);
        if version < 3 {
            upgrade_to_v3(&mut value, version)?;
        }
        // Read as this version it is one (a version 3 file's efficiencies are this version's without
        // calibrated samples): saved again, it must not be upgraded twice.
        value["schema_version"] = serde_json::json!(SCHEMA_VERSION);
        let file: ResultFile = serde_json::from_value(value)
            .map_err(|e| anyhow::anyhow!("not a valid result file: {e}"))?;
        file.check()?;
        Ok(file)
    }

    /// Figures no run can produce are refused with the field that holds them, so a hand-edited or
    /// corrupted file never renders as real ("-3.000 s against an ideal of -1.000 s"), and no chart is
    /// asked to draw a makespan of 10³⁰⁸ s. A measured duration lies between a nanosecond and 10⁹ s
    /// (31 years); a peak RSS below a pebibyte.
    fn check(&self) -> anyhow::Result<()> {
        let (positive, non_negative) = (check_duration, check_duration_or_zero);
        for (i, c) in self.cases.iter().enumerate() {
            let at = |f: &str| format!("cases[{i}] ({}).{f}", c.id);
            if let Some(v) = c.ideal_s {
                positive(v, &at("ideal_s"))?;
            }
            if let Some(v) = c.t1_s {
                positive(v, &at("t1_s"))?;
            }
            if let Some(v) = c.t_write_s {
                positive(v, &at("t_write_s"))?;
            }
            if let Some(v) = c.t_write_together_s {
                positive(v, &at("t_write_together_s"))?;
            }
            for (j, s) in c.samples.iter().enumerate() {
                let at = |f: &str| at(&format!("samples[{j}].{f}"));
                positive(s.makespan_s, &at("makespan_s"))?;
                if let Some(v) = s.first_result_s {
                    non_negative(v, &at("first_result_s"))?;
                }
                non_negative(s.setup_s, &at("setup_s"))?;
                non_negative(s.user_s, &at("user_s"))?;
                non_negative(s.sys_s, &at("sys_s"))?;
                anyhow::ensure!(
                    s.max_rss_kib <= MAX_RSS_KIB,
                    "{} is {}: more than a pebibyte",
                    at("max_rss_kib"),
                    s.max_rss_kib
                );
                for (name, p) in [
                    ("task_latency", Some(s.task_latency)),
                    ("service_latency", s.service_latency),
                ] {
                    if let Some(p) = p {
                        for (q, v) in [
                            ("p50", p.p50),
                            ("p90", p.p90),
                            ("p99", p.p99),
                            ("max", p.max),
                        ] {
                            non_negative(v, &at(&format!("{name}.{q}")))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Write atomically (`output::write_atomically`: a temp file in the same directory, then
    /// rename), so a reader (or a crash, or a full disk) never sees half a file.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // Compact: a run of 10,000-task timelines is megabytes, rewritten after every round.
        let json = serde_json::to_vec(self).expect("result file serialises");
        crate::output::write_atomically(path, &json)
    }

    /// The JSON Schema of a result file, as published in reports/schema/results.schema.json.
    pub fn schema_json() -> String {
        let schema = schemars::schema_for!(ResultFile);
        serde_json::to_string_pretty(&schema).expect("schema serialises") + "\n"
    }
}
