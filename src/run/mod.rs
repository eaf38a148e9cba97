//! The orchestrator: for each case of a plan, start (or reuse) the service it needs (a server, a
//! database: [`service`]), run warm-ups and repetitions each in a fresh process, read the service's
//! counters around each, summarise, and write the result file atomically after every round (every
//! case with `--order blocked`) and once more when the run stops, so an interrupted run keeps what
//! it measured. The probes behind the ideals ([`probes`]) run beside the repetitions they serve (cpu
//! task times) or in the rounds (database write times).

pub mod affinity;
pub mod args;
pub mod case;
pub mod children;
pub mod external;
pub mod ledger;
pub mod order;
pub mod preflight;
mod probes;
mod progress;
pub mod reference;
mod runner;
pub mod service;
pub mod table;

use crate::measure::{machine, rusage::Usage};
use crate::plan::Case;
use crate::results::{CaseParams, Machine, ResultFile, Sample, ServerObservation};
use case::CaseOutput;
use runner::Runner;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use crate::results::summary::summarise;
pub use table::summary_table;

/// Everything a run needs, decided and validated by the CLI.
pub struct RunOptions {
    pub cases: Vec<Case>,
    pub suite: String,
    /// The concbench binary: re-executed for servers, cases and pool workers.
    pub exe: PathBuf,
    /// An external server to use instead of starting one.
    pub target: Option<String>,
    /// The result file to write; None = reports/results/<machine-id>/<timestamp>.json.
    pub out: Option<PathBuf>,
    pub machine: Machine,
    pub quiet: bool,
    pub command: Vec<String>,
    /// CPUs the slow server is pinned to (`--cpus`); None = wherever the harness may run.
    pub server_cpus: Option<Vec<usize>>,
    /// How repetitions are scheduled, and the seed of the shuffles.
    pub order: order::Order,
    pub seed: u64,
    /// The key the run's broker requires (`--key`); None = a fresh one for this run.
    pub broker_key: Option<String>,
    /// The address the broker listens on (`--broker-listen`); None = 127.0.0.1.
    pub broker_listen: Option<std::net::IpAddr>,
}

/// How a run ended.
pub struct RunOutcome {
    pub file: ResultFile,
    pub path: PathBuf,
    /// Cases that could not be measured, with why.
    pub errors: Vec<(String, String)>,
    /// The signal that stopped the run early.
    pub interrupted: Option<i32>,
}

impl RunOutcome {
    /// Why nothing was measured, when every task of every case failed — a wrong path, target or a
    /// server that refuses — rather than a run that measured failures among successes. None for an
    /// interrupted run: it did not get to measure everything.
    pub fn nothing_measured(&self) -> Option<String> {
        let samples = || self.file.cases.iter().flat_map(|c| &c.samples);
        let all_failed = samples().next().is_some() && samples().all(|s| s.ok == 0);
        if !all_failed || self.interrupted.is_some() {
            return None;
        }
        let kinds: std::collections::BTreeSet<&str> = samples()
            .flat_map(|s| s.failures.keys().map(String::as_str))
            .collect();
        Some(format!(
            "every task of every case failed ({}); nothing was measured — check --path, --target and the server",
            kinds.into_iter().collect::<Vec<_>>().join(", ")
        ))
    }

    /// The exit code of the run: 128 + the signal that stopped it, 1 when a case could not be measured
    /// or nothing was, else 0.
    pub fn exit_code(&self) -> i32 {
        match self.interrupted {
            Some(sig) => 128 + sig,
            None if !self.errors.is_empty() || self.nothing_measured().is_some() => 1,
            None => 0,
        }
    }
}

/// Where a run's file goes by default: the start time to the millisecond and the pid, so two runs
/// started in the same second (or the same millisecond) never choose the same name.
pub fn default_out(machine: &Machine, started: SystemTime) -> PathBuf {
    let stamp = humantime::format_rfc3339_millis(started)
        .to_string()
        .replace(':', "-");
    Path::new("reports/results")
        .join(&machine.machine_id)
        .join(format!("{stamp}-{}.json", std::process::id()))
}

/// Make sure the result file can be written before anything is measured, and that writing it destroys
/// nothing but an earlier result file: an existing `--out` must be a regular file.
pub fn probe_writable(path: &Path) -> anyhow::Result<()> {
    let usage = |msg: String| -> anyhow::Error { crate::error::UsageError(msg).into() };
    if path.as_os_str().to_string_lossy().ends_with('/') || path.is_dir() {
        return Err(usage(format!(
            "--out {} is a directory; give a file name, e.g. {}",
            path.display(),
            path.join("run.json").display()
        )));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return Err(usage(format!(
                "--out {} exists and is not a regular file (a device, FIFO or socket); it would be \
                 replaced: give another path",
                path.display()
            )));
        }
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let refuse = |what: &str, e: std::io::Error| {
        usage(format!(
            "cannot {what} {} ({e}); pass --out with a writable path",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(|e| refuse("create results directory", e))?;
    let probe = dir.join(format!(".concbench-write-probe-{}", std::process::id()));
    let written = std::fs::write(&probe, b"probe");
    // Removed whether or not the write worked: a full disk leaves an empty file behind otherwise.
    let _ = std::fs::remove_file(&probe);
    written.map_err(|e| refuse("write to", e))
}

/// Run a plan: its cases made ready for this machine, checked against its limits, measured round by
/// round into the result file, which is saved after every round and once more at the end.
pub fn run(mut opts: RunOptions) -> anyhow::Result<RunOutcome> {
    // What a harness killed with SIGKILL left behind, whatever this run measures.
    service::temp_dir::remove_stale(&std::env::temp_dir());
    prepare_cases(&mut opts.cases);
    let started = SystemTime::now();
    let clock = std::time::Instant::now();
    let path = opts
        .out
        .clone()
        .unwrap_or_else(|| default_out(&opts.machine, started));
    let cores = opts.machine.allowed_cpus.len().max(1);
    check_limits(&mut opts.cases, cores, opts.target.is_some())?;
    probe_writable(&path)?;
    children::catch_interrupts();
    let mut file = new_file(&opts);
    if opts
        .cases
        .iter()
        .any(|c| c.workload.describe().moves_data())
    {
        // Before the first case, with no case running beside it.
        file.data_floors = Some(
            crate::measure::bandwidth::floors()
                .map_err(|e| anyhow::anyhow!("measuring this machine's memcpy and pipe: {e}"))?,
        );
    }
    file.save(&path)?;
    let mut progress = progress::Progress::new(&opts.cases, cores, opts.quiet);
    let mut runner = Runner::new(&opts, cores, clock);
    if let Err(e) = runner.rounds(&mut file, &path, &mut progress) {
        progress.finish();
        return Err(e);
    }
    runner.finish(file, path, &progress)
}

/// Make the plan's cases ready for this machine: CPU parts given in time sized into iterations, and
/// the cases this machine cannot run (no PostgreSQL, no Python env) left out with one line each.
fn prepare_cases(cases: &mut Vec<Case>) {
    size_cpu_parts(cases);
    preflight::skip_missing_postgres(cases);
    preflight::skip_missing_redis(cases);
    preflight::skip_missing_python(cases);
}

/// CPU parts given in time become iterations on this machine, once, before anything is measured.
fn size_cpu_parts(cases: &mut [Case]) {
    let needs_sizing = cases.iter().any(|c| {
        let mut sized = c.workload.clone();
        sized.size_cpu(1.0);
        sized != c.workload
    });
    if needs_sizing {
        let rate = crate::workload::cpu_rate();
        for c in cases {
            c.workload.size_cpu(rate);
        }
    }
}

/// Raise the open-file limit, spread the cases' connections over source addresses and the unbounded
/// server over the processes their connections need (not against a `--target`: it starts no server),
/// and refuse a plan past the machine's limits before anything starts.
fn check_limits(cases: &mut [Case], cores: usize, to_target: bool) -> anyhow::Result<()> {
    // Raised before any child starts, so the server and every case process inherit it.
    let limit = concbench_server::limits::raise_nofile();
    preflight::spread_sources(cases, cores);
    if !to_target {
        preflight::spread_server(cases, cores, limit);
    }
    // Cases past the machine's limits on purpose are checked alone, and warned of instead of refused:
    // what the OS refuses them is what they measure.
    let (past, within): (Vec<Case>, Vec<Case>) = cases.iter().cloned().partition(|c| c.past_limits);
    preflight::check(&within, cores, limit, to_target)?;
    for c in &past {
        if let Err(e) = preflight::check(std::slice::from_ref(c), cores, limit, to_target) {
            eprintln!("warning: {e:#}; run anyway, what the OS refuses counted as failures");
        }
    }
    Ok(())
}

/// The result file of a run about to start: its configuration and machine, no case yet.
fn new_file(opts: &RunOptions) -> ResultFile {
    ResultFile {
        schema_version: crate::results::SCHEMA_VERSION,
        concbench_version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: Some(env!("CONCBENCH_GIT").to_string()).filter(|c| !c.is_empty()),
        command: opts.command.clone(),
        suite: opts.suite.clone(),
        started: now(),
        updated: now(),
        complete: false,
        interrupted: None,
        machine: opts.machine.clone(),
        order: Some(opts.order.name().to_string()),
        seed: Some(opts.seed),
        cases: Vec::new(),
        load_generators: None,
        data_floors: None,
    }
}

/// The time as result files record it.
fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Why the run stopped on a failed save: what the last good file keeps and which cases it lacks.
fn unsaved(cases: &[Case], saved: &HashMap<String, usize>, path: &Path) -> String {
    let missing: Vec<String> = cases
        .iter()
        .filter(|c| saved.get(&c.id()).copied().unwrap_or(0) < c.repeat)
        .map(|c| c.id())
        .collect();
    let shown = missing
        .iter()
        .take(5)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = missing.len().saturating_sub(5);
    format!(
        "the run stopped: {} keeps the {} case(s) saved before; {} case(s) not (fully) measured: {shown}{}",
        path.display(),
        saved.len(),
        missing.len(),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    )
}

/// A case once its first slot came: what it runs against, its ideal, and its samples so far.
/// The parameters a result file records for `case` on a machine with `cores` CPUs.
pub fn case_params(case: &Case, cores: usize) -> CaseParams {
    let lanes = case.lanes(cores);
    CaseParams {
        model: case.model,
        tasks: case.tasks,
        limit: case.limit,
        concurrency: lanes.in_flight,
        cpu_lanes: lanes.cpu,
        child_concurrency: case.child_concurrency,
        broker: case.broker,
        workload: case.workload.clone(),
        ledger_off: !case.ledger,
        arrival: case.arrival,
    }
}

fn sample(out: CaseOutput, usage: Usage, server: Option<ServerObservation>) -> Sample {
    Sample {
        makespan_s: out.makespan_s,
        first_result_s: out.first_result_s,
        cpu_part_s: out.cpu_part_s,
        setup_s: out.setup_s,
        ok: out.ok,
        failures: out.failures,
        task_latency: out.task_latency,
        service_latency: out.service_latency,
        user_s: usage.user.as_secs_f64(),
        sys_s: usage.sys.as_secs_f64(),
        // The case's own peak and its largest worker's; wait4's figure only when they are unknown (it
        // counts the harness's memory at fork, see measure::rusage::own_peak_rss_kib).
        max_rss_kib: out
            .peak_rss_kib
            .map(|own| own.max(out.workers.map_or(0, |w| w.rss_max_kib)))
            .unwrap_or(usage.max_rss_kib),
        own_rss_kib: out.workers.and(out.peak_rss_kib),
        voluntary_ctx: usage.voluntary_ctx,
        involuntary_ctx: usage.involuntary_ctx,
        threads_peak: out.threads_peak,
        workers: out.workers,
        server,
        timeline: out.timeline,
        attempts: out.attempts,
        requests: out.requests,
        pool_started: out.pool_started,
        stages: out.stages,
        spawn_units: out.spawned.map(|(n, _)| n),
        spawn_s: out.spawned.map(|(_, s)| s),
        spawn_error: out.spawn_error,
        tally: out.tally,
        ipc: out.ipc,
        hop: out.hop,
        count: out.count,
        series: out.series,
        ..Sample::default()
    }
}

/// This machine, as result files describe it.
pub fn this_machine(id: Option<&str>) -> Machine {
    machine::describe(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(ok: u64, interrupted: Option<i32>, errors: usize) -> RunOutcome {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.json");
        let mut file = ResultFile::load(&fixture).unwrap();
        for s in file.cases.iter_mut().flat_map(|c| &mut c.samples) {
            s.ok = ok;
            s.failures = [("status".to_string(), 3), ("connect".to_string(), 1)].into();
        }
        RunOutcome {
            file,
            path: fixture,
            errors: vec![("a".into(), "b".into()); errors],
            interrupted,
        }
    }

    #[test]
    fn a_run_whose_every_task_failed_measured_nothing() {
        let failed = outcome(0, None, 0);
        assert_eq!(
            failed.nothing_measured().unwrap(),
            "every task of every case failed (connect, status); nothing was measured — check --path, \
             --target and the server"
        );
        assert_eq!(failed.exit_code(), 1);
        let some_ok = outcome(1, None, 0);
        assert_eq!(some_ok.nothing_measured(), None);
        assert_eq!(some_ok.exit_code(), 0);
        assert_eq!(outcome(1, None, 2).exit_code(), 1, "a case not measured");
        let stopped = outcome(0, Some(2), 0);
        assert_eq!(stopped.nothing_measured(), None, "stopped before it could");
        assert_eq!(stopped.exit_code(), 130);
    }
}
