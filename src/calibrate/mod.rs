//! `concbench calibrate`: how much of a model's cost is the harness's. Against the unbounded slow
//! server's zero-delay endpoint with keep-alive, at c ∈ {1, 10, 100} connections for 5 s each, it
//! measures the requests/s of concbench's `async-semaphore` and `thread-pool` (k = c, the direct
//! client) as ordinary cases of group `calibrate` — each repetition a fresh process measured with
//! wait4, sized by a short pilot to last about the duration — and beside them the load generators wrk,
//! hey and oha when installed (one line for each that is not). Everything goes into one result file:
//! the cases as in any run, the tools' runs in its `load_generators`. With `--rate R`, also the
//! open-loop check: GETs of `--rate-delay` offered at R/s, by concbench's `async` with constant
//! arrivals (latency from each task's scheduled release) and by oha's rate mode (`-q R
//! --latency-correction`), a connection per request in both, their p50 and p99 side by side.

pub mod hey;
pub mod oha;
pub mod tool;
pub mod wrk;

use crate::client::ClientKind;
use crate::error::usage;
use crate::measure::noise::Snapshot;
use crate::model::ModelKind;
use crate::names::{Group, LoadGenerator};
use crate::plan::Case;
use crate::results::{GeneratorRun, LoadGenerators, RateRun, ResultFile, SkippedGenerator};
use crate::run::{case::CaseSpec, service::slow_server::ServerChild, RunOptions};
use crate::workload::{IoParams, Params, ServerPlan};
use std::path::PathBuf;
use std::time::Duration;

/// The models calibrated: the async and the blocking face of the direct client at their best shapes.
pub const MODELS: [ModelKind; 2] = [ModelKind::AsyncSemaphore, ModelKind::ThreadPool];
/// The endpoint: answered at once, so every microsecond is the client's or the server's.
pub const PATH: &str = "/delay/0";
/// Bounds of a calibration case's N: at least one task per connection, and at most what fits in
/// memory comfortably (a task's record is folded beyond 1,000 tasks, its future is not).
const MAX_TASKS: usize = 2_000_000;
/// The longest a tool may run beyond its duration before it is killed.
const GRACE: Duration = Duration::from_secs(30);

/// `concbench calibrate`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct CalibrateArgs {
    /// c: connections held open at once, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 10, 100])]
    pub connections: Vec<usize>,
    /// How long each tool runs, and about how long each model case lasts.
    #[arg(long, default_value = "5s", value_parser = crate::workload::parse_duration)]
    pub duration: Duration,
    /// Measured repetitions of each model case and runs of each tool per connection count.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// The load generators to run when installed.
    #[arg(long, value_delimiter = ',', default_values_t = LoadGenerator::ALL)]
    pub tools: Vec<LoadGenerator>,
    /// Also check latency at an offered rate (requests per second): concbench's async with
    /// `--arrival constant:R/s` beside oha's rate mode (`-q R --latency-correction`), where oha is
    /// installed.
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// With --rate: the server's delay per request (the path `/delay/<ms>`).
    #[arg(long, default_value = "50ms", value_parser = crate::workload::parse_duration)]
    pub rate_delay: Duration,
    /// Result file to write (default reports/results/<machine-id>/<UTC time>-<pid>.json).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override the derived machine id.
    #[arg(long)]
    pub machine_id: Option<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

impl CalibrateArgs {
    fn validate(&self) -> anyhow::Result<()> {
        if let Some(&c) = self.connections.iter().find(|&&c| c == 0 || c > 10_000) {
            return Err(usage(format!(
                "--connections {c} is out of range 1..=10000"
            )));
        }
        if self.duration < Duration::from_millis(100) || self.duration > Duration::from_secs(60) {
            return Err(usage("--duration must be between 100ms and 60s"));
        }
        if let Some(r) = self
            .rate
            .filter(|r| !(r.is_finite() && *r > 0.0 && *r <= 10_000.0))
        {
            return Err(usage(format!(
                "--rate {r} is out of range (0, 10000] per second"
            )));
        }
        if self.rate_delay > Duration::from_secs(10) {
            return Err(usage("--rate-delay must be at most 10s"));
        }
        if self.repeat == 0 || self.repeat > 100 {
            return Err(usage(format!(
                "--repeat {} is out of range 1..=100",
                self.repeat
            )));
        }
        Ok(())
    }
}

/// What a calibration wrote.
pub struct Outcome {
    pub file: ResultFile,
    pub path: PathBuf,
    /// The run's own errors (a case that could not be measured).
    pub errors: Vec<(String, String)>,
    pub interrupted: Option<i32>,
}

/// The io parameters every calibration request uses: keep-alive GETs of `/delay/0` on the unbounded
/// server, the direct client.
pub fn params() -> IoParams {
    IoParams {
        path: PATH.into(),
        keep_alive: true,
        client: ClientKind::Direct,
        ..IoParams::new(ServerPlan {
            workers: 0,
            delay: Duration::ZERO,
        })
    }
}

/// Measure: the tools first, round by round, then the model cases (interleaved by the run), all
/// against one server started here.
pub fn calibrate(args: &CalibrateArgs, command: Vec<String>) -> anyhow::Result<Outcome> {
    args.validate()?;
    let exe = std::env::current_exe()?;
    let machine = crate::run::this_machine(args.machine_id.as_deref());
    let cores = machine.allowed_cpus.len().max(1);
    let server = ServerChild::start(
        &exe,
        ServerPlan {
            workers: 0,
            delay: Duration::ZERO,
        },
        None,
        None,
        0,
    )?;
    let base = server.ready.url.clone();
    let url = format!("{base}{PATH}");
    let say = |line: &str| eprintln!("{line}");

    let mut generators = LoadGenerators {
        path: PATH.into(),
        ..LoadGenerators::default()
    };
    let mut ready = Vec::new();
    for &kind in &args.tools {
        match tool::find(kind.name()) {
            Some(program) => ready.push((kind, program.clone(), version(kind, &program))),
            None => {
                let why = format!("not installed ({} to add it)", kind.install());
                say(&format!("skipped {kind}: {why}"));
                generators
                    .skipped
                    .push(SkippedGenerator { tool: kind, why });
            }
        }
    }
    crate::run::children::catch_interrupts();
    for round in 0..args.repeat {
        for &c in &args.connections {
            for (kind, program, version) in &ready {
                if crate::run::children::interrupted().is_some() {
                    break;
                }
                match one_tool(*kind, program, c, args.duration, cores, &url) {
                    Ok((counted, cpu_s, command, load_1m)) => {
                        if !args.quiet {
                            say(&format!(
                                "{kind} c={c}: {:.0} requests/s ({} failed)",
                                counted.rate(),
                                counted.failed
                            ));
                        }
                        generators.runs.push(GeneratorRun {
                            tool: *kind,
                            version: version.clone(),
                            connections: c,
                            command,
                            round,
                            duration_s: counted.duration_s,
                            ok: counted.ok,
                            failed: counted.failed,
                            requests_per_s: counted.rate(),
                            cpu_s,
                            load_1m,
                        })
                    }
                    // A tool that fails is a line, not the end of the calibration.
                    Err(e) => say(&format!("{kind} c={c}: not measured: {e:#}")),
                }
            }
        }
    }

    if let Some(rate) = args.rate {
        let oha = ready
            .iter()
            .find(|(kind, _, _)| *kind == LoadGenerator::Oha);
        match oha {
            Some((_, program, version)) => {
                let path = rate_path(args.rate_delay);
                for round in 0..args.repeat {
                    match one_rate_run(program, rate, args.rate_delay, args.duration, &base, &path)
                    {
                        Ok(run) => {
                            if !args.quiet {
                                say(&format!(
                                    "oha -q {rate}: p50 {:.1} ms, p99 {:.1} ms",
                                    run.p50_s * 1e3,
                                    run.p99_s * 1e3
                                ));
                            }
                            generators.rate_runs.push(RateRun {
                                round,
                                version: version.clone(),
                                ..run
                            });
                        }
                        Err(e) => say(&format!("oha -q {rate}: not measured: {e:#}")),
                    }
                }
            }
            None => say("--rate: oha is not installed (cargo install oha) or not in --tools: concbench's side alone"),
        }
    }

    let mut cases = sized_cases(&exe, &base, &args.connections, args.duration, args.repeat)?;
    if let Some(rate) = args.rate {
        cases.push(rate_case(rate, args.rate_delay, args.duration, args.repeat));
    }
    let outcome = crate::run::run(RunOptions {
        cases,
        suite: Group::Calibrate.name().into(),
        exe,
        target: Some(base),
        out: args.out.clone(),
        machine,
        quiet: args.quiet,
        command,
        server_cpus: None,
        order: crate::run::order::Order::Interleaved,
        seed: crate::rng::Rng::fresh_seed(),
        broker_key: None,
        broker_listen: None,
    })?;
    drop(server);
    let mut file = outcome.file;
    file.load_generators = Some(generators);
    file.save(&outcome.path)?;
    Ok(Outcome {
        file,
        path: outcome.path,
        errors: outcome.errors,
        interrupted: outcome.interrupted,
    })
}

/// One run of one tool: what it counted, its CPU time, its command line, the load when it started.
fn one_tool(
    kind: LoadGenerator,
    program: &std::path::Path,
    connections: usize,
    duration: Duration,
    cores: usize,
    url: &str,
) -> anyhow::Result<(tool::Counted, f64, Vec<String>, f64)> {
    let t = tool::tool(kind);
    let args = t.args(connections, duration, cores, url);
    let load_1m = Snapshot::take(None)
        .until(&Snapshot::take(None), 0.0)
        .load_1m;
    let ran = tool::run(program, &args, duration + GRACE)?;
    let counted = t.parse(&ran.stdout).map_err(|why| {
        let said = tool::gist(&ran.stderr);
        let ended = crate::measure::rusage::describe(ran.status);
        anyhow::anyhow!("{why} ({kind} {ended}; stderr: {said})")
    })?;
    let command = std::iter::once(kind.name().to_string())
        .chain(args)
        .collect();
    Ok((counted, ran.cpu_s, command, load_1m))
}

/// The path of a rate check's requests: the server's delay in the path.
pub fn rate_path(delay: Duration) -> String {
    format!("/delay/{}", delay.as_millis())
}

/// The offered rate's concbench side: `async`, tasks released at `rate` for `duration`, GETs of
/// `delay` on the unbounded server, a connection per request (the default client).
pub fn rate_case(rate: f64, delay: Duration, duration: Duration, repeat: usize) -> Case {
    let tasks = ((rate * duration.as_secs_f64()).round() as usize).max(1);
    let io = IoParams {
        path: rate_path(delay),
        ..IoParams::new(ServerPlan { workers: 0, delay })
    };
    let case = Case::new(
        Group::Calibrate,
        ModelKind::Async,
        tasks,
        None,
        Params::Io(io),
    );
    Case {
        repeat,
        warmup: 0,
        ledger: false,
        arrival: crate::arrival::Arrival::Constant { per_s: rate },
        ..case
    }
}

/// One run of oha's rate mode against `base` + `path`.
fn one_rate_run(
    program: &std::path::Path,
    rate: f64,
    delay: Duration,
    duration: Duration,
    base: &str,
    path: &str,
) -> anyhow::Result<RateRun> {
    // Room for four times the requests the rate keeps in flight, so connections never bound it.
    let connections = ((rate * delay.as_secs_f64() * 4.0).ceil() as usize).clamp(4, 1_000);
    let args = oha::rate_args(rate, connections, duration, &format!("{base}{path}"));
    let ran = tool::run(program, &args, duration + GRACE)?;
    let t = tool::tool(LoadGenerator::Oha);
    let why = |w: String| {
        let said = tool::gist(&ran.stderr);
        let ended = crate::measure::rusage::describe(ran.status);
        anyhow::anyhow!("{w} (oha {ended}; stderr: {said})")
    };
    let counted = t.parse(&ran.stdout).map_err(why)?;
    let (p50_s, p99_s) = oha::percentiles(&ran.stdout).map_err(why)?;
    Ok(RateRun {
        tool: LoadGenerator::Oha,
        version: None,
        command: std::iter::once("oha".to_string()).chain(args).collect(),
        round: 0,
        rate_per_s: rate,
        path: path.to_string(),
        ok: counted.ok,
        failed: counted.failed,
        p50_s,
        p99_s,
        cpu_s: ran.cpu_s,
    })
}

/// The first line a tool prints for its version, when it has a way to print one.
fn version(kind: LoadGenerator, program: &std::path::Path) -> Option<String> {
    let args: Vec<String> = tool::tool(kind)
        .version_args()?
        .iter()
        .map(|s| s.to_string())
        .collect();
    let ran = tool::run(program, &args, Duration::from_secs(5)).ok()?;
    // wrk -v prints its version on stdout and exits 1; others on stdout with 0.
    [ran.stdout, ran.stderr]
        .iter()
        .flat_map(|s| s.lines())
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

/// One case per model and connection count, N sized so that it lasts about `duration`: a pilot of
/// the same shape measures the rate first (each pilot a fresh process, like the cases).
fn sized_cases(
    exe: &std::path::Path,
    base: &str,
    connections: &[usize],
    duration: Duration,
    repeat: usize,
) -> anyhow::Result<Vec<Case>> {
    let mut cases = Vec::new();
    for &c in connections {
        for model in MODELS {
            let pilot_n = (c * 200).max(2_000);
            let spec = CaseSpec {
                model,
                workload: Params::Io(params()),
                url: base.to_string(),
                tasks: pilot_n,
                limit: c,
                retries: 0,
                per_worker: 1,
                max_threads: None,
                broker: None,
                ledger: false,
                arrival: Default::default(),
                seed: 0,
            };
            let (out, _) = crate::run::case::run_isolated(exe, &spec, Duration::from_secs(120))?;
            let rate = out.ok as f64 / out.makespan_s.max(1e-6);
            let n = ((rate * duration.as_secs_f64()) as usize).clamp(c, MAX_TASKS);
            let case = Case::new(Group::Calibrate, model, n, Some(c), Params::Io(params()));
            cases.push(Case {
                repeat,
                warmup: 0,
                ..case
            });
        }
    }
    Ok(cases)
}
