//! The orchestrator: for each case of a plan, start (or reuse) the slow server it needs, run warm-ups
//! and repetitions each in a fresh process, read the server's counters around each, summarise, and
//! write the result file atomically after every case, so an interrupted run keeps what finished.

pub mod affinity;
pub mod case;
pub mod children;
pub mod preflight;
mod progress;
pub mod server;
pub mod table;

use crate::measure::{machine, rusage::Usage};
use crate::plan::{Case, ServerPlan};
use crate::results::{
    CaseParams, CaseResult, Machine, ResultFile, Sample, ServerInfo, ServerObservation, Spread,
    Summary,
};
use crate::workload::WorkloadKind;
use case::{CaseOutput, CaseSpec};
use server::ServerChild;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

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

/// Where a run's file goes by default.
pub fn default_out(machine: &Machine, started: SystemTime) -> PathBuf {
    let stamp = humantime::format_rfc3339_seconds(started)
        .to_string()
        .replace(':', "-");
    Path::new("reports/results")
        .join(&machine.machine_id)
        .join(format!("{stamp}.json"))
}

/// Make sure the result file can be written before anything is measured.
pub fn probe_writable(path: &Path) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let refuse = |what: &str, e: std::io::Error| -> anyhow::Error {
        let msg = format!(
            "cannot {what} {} ({e}); pass --out with a writable path",
            dir.display()
        );
        crate::cli::UsageError(msg).into()
    };
    std::fs::create_dir_all(dir).map_err(|e| refuse("create results directory", e))?;
    let probe = dir.join(".concbench-write-probe");
    std::fs::write(&probe, b"probe").map_err(|e| refuse("write to", e))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

pub fn run(opts: RunOptions) -> anyhow::Result<RunOutcome> {
    let started = SystemTime::now();
    let path = opts
        .out
        .clone()
        .unwrap_or_else(|| default_out(&opts.machine, started));
    let cores = opts.machine.allowed_cpus.len().max(1);
    preflight::check(&opts.cases, cores)?;
    probe_writable(&path)?;
    children::catch_interrupts();
    let now = || humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let mut file = ResultFile {
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
        cases: Vec::new(),
    };
    file.save(&path)?;
    let mut progress = progress::Progress::new(&opts.cases, cores, opts.quiet);
    let mut servers: HashMap<ServerPlan, ServerChild> = HashMap::new();
    let mut t1_cache: HashMap<u64, f64> = HashMap::new();
    let mut errors = Vec::new();
    for case in &opts.cases {
        if children::interrupted().is_some() {
            break;
        }
        let id = case.id();
        match measure_case(
            case,
            &opts,
            cores,
            &mut servers,
            &mut t1_cache,
            &mut progress,
        ) {
            Ok(result) => file.cases.push(result),
            // The case cut short by a signal is no error of its own: the run just stops here.
            Err(_) if children::interrupted().is_some() => break,
            Err(e) => {
                progress.println(&format!("{id}: not measured: {e:#}"));
                errors.push((id, format!("{e:#}")));
            }
        }
        file.updated = now();
        file.save(&path)?;
    }
    for (plan, s) in servers.iter_mut() {
        if !s.alive() {
            let w = plan.workers;
            errors.push((
                format!("server w{w}"),
                format!("the slow server (pid {}) died during the run", s.pid()),
            ));
        }
    }
    drop(servers);
    progress.finish();
    let interrupted = children::interrupted();
    file.complete = interrupted.is_none() && errors.is_empty();
    file.interrupted = match interrupted {
        Some(sig) => Some(format!("stopped by signal {sig}")),
        None if !errors.is_empty() => {
            Some(format!("{} case(s) could not be measured", errors.len()))
        }
        None => None,
    };
    file.updated = now();
    file.save(&path)?;
    Ok(RunOutcome {
        file,
        path,
        errors,
        interrupted,
    })
}

fn measure_case(
    case: &Case,
    opts: &RunOptions,
    cores: usize,
    servers: &mut HashMap<ServerPlan, ServerChild>,
    t1_cache: &mut HashMap<u64, f64>,
    progress: &mut progress::Progress,
) -> anyhow::Result<CaseResult> {
    let id = case.id();
    let (url, server) = match (case.workload, case.server, &opts.target) {
        (WorkloadKind::Io, Some(_), Some(target)) => {
            (target.trim_end_matches('/').to_string(), None)
        }
        (WorkloadKind::Io, Some(plan), None) => {
            if let Some(s) = servers.get_mut(&plan) {
                anyhow::ensure!(s.alive(), "the slow server (pid {}) is gone", s.pid());
            } else {
                servers.insert(
                    plan,
                    ServerChild::start(&opts.exe, plan, opts.server_cpus.as_deref())?,
                );
            }
            let s = &servers[&plan];
            (s.ready.url.clone(), Some(s))
        }
        _ => (String::new(), None),
    };
    let spec = CaseSpec {
        model: case.model,
        workload: case.workload_spec(&url),
        tasks: case.tasks,
        limit: case.k(),
        retries: case.retries,
    };
    let t1 = match case.workload {
        WorkloadKind::Cpu => Some(calibrate(&opts.exe, &spec, t1_cache)?),
        _ => None,
    };
    let ideal = case.ideal(cores, t1);
    // A repetition that outlives this is hung, not slow: it is killed and the case fails.
    let deadline = Duration::from_secs_f64(30.0 + 10.0 * ideal) + case.timeout;
    let mut samples = Vec::new();
    for rep in 0..case.warmup + case.repeat {
        let warm = rep < case.warmup;
        progress.start_rep(&id, rep, case.warmup, case.repeat);
        // A server that died mid-case cannot be reset: the remaining repetitions still run (their
        // tasks fail as connect) and are recorded without server counters.
        let watched = server.filter(|s| s.reset().is_ok());
        let (out, usage) = case::run_isolated(&opts.exe, &spec, deadline)?;
        anyhow::ensure!(children::interrupted().is_none(), "interrupted");
        let observed = watched
            .and_then(|s| s.stats().ok())
            .map(|st| ServerObservation {
                served: st.served,
                max_in_flight: st.max_in_flight,
            });
        progress.end_rep(ideal);
        if !warm {
            samples.push(sample(out, usage, observed));
        }
    }
    Ok(CaseResult {
        id,
        group: case.group.clone(),
        params: case_params(case, cores),
        server: case.server.map(|s| ServerInfo {
            workers: s.workers,
            delay_ms: s.delay.as_millis() as u64,
            external: opts.target.is_some(),
        }),
        warmup: case.warmup,
        t1_s: t1,
        ideal_s: ideal,
        summary: summarise(&samples, ideal, case.bottleneck(cores)),
        samples,
    })
}

const CALIBRATION_DEADLINE: Duration = Duration::from_secs(120);

/// t₁ for `cpu` ideals: the fastest single task seen in sequential case processes like the measured
/// ones (8 tasks each, after a warm-up run), because an ideal must be a time no case can beat. One task
/// alone would include the clock ramping up; the fastest of many is the steady state. Cached per
/// iteration count.
fn calibrate(exe: &Path, spec: &CaseSpec, cache: &mut HashMap<u64, f64>) -> anyhow::Result<f64> {
    let iters = spec.workload.cpu_iters;
    if let Some(&t1) = cache.get(&iters) {
        return Ok(t1);
    }
    let probe = CaseSpec {
        model: crate::model::ModelKind::Sequential,
        tasks: 8,
        limit: 1,
        ..spec.clone()
    };
    let mut t1 = f64::INFINITY;
    for run in 0..4 {
        let out = case::run_isolated(exe, &probe, CALIBRATION_DEADLINE)?.0;
        if run > 0 {
            let fastest = out
                .timeline
                .iter()
                .flatten()
                .map(|[start, end]| end - start);
            t1 = fastest.fold(t1, f64::min);
        }
    }
    cache.insert(iters, t1);
    Ok(t1)
}

/// The parameters a result file records for `case` on a machine with `cores` CPUs.
pub fn case_params(case: &Case, cores: usize) -> CaseParams {
    let lanes = case.lanes(cores);
    let (io, sleep, cpu) = (
        case.workload == WorkloadKind::Io,
        case.workload == WorkloadKind::Sleep,
        case.workload == WorkloadKind::Cpu,
    );
    CaseParams {
        workload: case.workload.name().into(),
        model: case.model.name().into(),
        tasks: case.tasks,
        limit: case.limit,
        concurrency: lanes.in_flight,
        cpu_lanes: lanes.cpu,
        delay_ms: sleep.then_some(case.delay.as_millis() as u64),
        cpu_iters: cpu.then_some(case.cpu_iters),
        path: io.then(|| case.path.clone()),
        keep_alive: case.keep_alive,
        timeout_ms: io.then_some(case.timeout.as_millis() as u64),
    }
}

fn sample(out: CaseOutput, usage: Usage, server: Option<ServerObservation>) -> Sample {
    Sample {
        makespan_s: out.makespan_s,
        setup_s: out.setup_s,
        ok: out.ok,
        failures: out.failures,
        task_latency: out.task_latency,
        service_latency: out.service_latency,
        user_s: usage.user.as_secs_f64(),
        sys_s: usage.sys.as_secs_f64(),
        max_rss_kib: usage.max_rss_kib,
        voluntary_ctx: usage.voluntary_ctx,
        involuntary_ctx: usage.involuntary_ctx,
        threads_peak: out.threads_peak,
        workers: out.workers,
        server,
        timeline: out.timeline,
        attempts: out.attempts,
    }
}

/// Medians over samples; the makespan gets its full spread and confidence interval.
pub fn summarise(samples: &[Sample], ideal: f64, bottleneck: &str) -> Summary {
    let med = |f: &dyn Fn(&Sample) -> f64| {
        crate::stats::median(&samples.iter().map(f).collect::<Vec<_>>())
    };
    let makespan = Spread::of(&samples.iter().map(|s| s.makespan_s).collect::<Vec<_>>());
    Summary {
        efficiency: if makespan.median > 0.0 {
            ideal / makespan.median
        } else {
            0.0
        },
        makespan,
        bottleneck: bottleneck.to_string(),
        setup_s: med(&|s| s.setup_s),
        task_p50_s: med(&|s| s.task_latency.p50),
        task_p99_s: med(&|s| s.task_latency.p99),
        cpu_s: med(&|s| s.user_s + s.sys_s),
        max_rss_kib: med(&|s| s.max_rss_kib as f64) as u64,
        threads_peak: med(&|s| s.threads_peak as f64) as u64,
        ctx_switches: med(&|s| (s.voluntary_ctx + s.involuntary_ctx) as f64) as u64,
        server_max_in_flight: samples
            .iter()
            .filter_map(|s| s.server.map(|o| o.max_in_flight))
            .max(),
        failures: samples
            .iter()
            .map(|s| s.failures.values().sum::<u64>())
            .sum(),
    }
}

/// This machine, as result files describe it.
pub fn this_machine(id: Option<&str>) -> Machine {
    machine::describe(id)
}
