//! `concbench run`'s arguments, and every check that needs more than one of them, in one `validate()`
//! that turns them into the cases to run or a usage error. Each workload's own flags are declared and
//! checked in the workload's file (`workload::Args`), flattened in here.

use crate::error::usage;
use crate::model::ModelKind;
use crate::names::{BrokerKind, Group, ServerKind};
use crate::plan::{Case, Suite};
use crate::run::order::Order;
use crate::workload::{Params, WorkloadKind};
use clap::Args;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

/// Bounds that keep a mistyped value from running for days. How many tasks a case may ask for is
/// bounded by what the machine holds instead (`preflight`).
pub const MAX_REPEAT: usize = 1_000;
/// How long an unreachable --target may take to be reported.
pub const REACH_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// A named suite (see `concbench list`); or give --workload and --model for one case.
    #[arg(long, conflicts_with_all = ["workload", "model"])]
    pub suite: Option<Suite>,
    /// What each task does.
    #[arg(long)]
    pub workload: Option<WorkloadKind>,
    /// How the tasks run; several, comma-separated, run one case each (`--model threads,async`).
    #[arg(long, value_delimiter = ',')]
    pub model: Vec<ModelKind>,
    /// N: tasks, all submitted at once (or released at --arrival's rate).
    #[arg(long, default_value_t = 3, conflicts_with = "suite")]
    pub tasks: usize,
    /// How tasks are released: `batch` (all at once), `constant:R/s` (task i at i/R) or
    /// `poisson:R/s` (random gaps of mean 1/R, drawn from --seed: every model meets the same times).
    /// With a rate, task latency counts from each task's scheduled release (no coordinated omission).
    /// Models that take one: threads, thread-pool, async, async-single, async-semaphore,
    /// async-blocking-pool.
    #[arg(
        long,
        default_value = "batch",
        value_name = "HOW",
        conflicts_with = "suite"
    )]
    pub arrival: crate::arrival::Arrival,
    /// k: workers, permits or processes, for the models that take one.
    #[arg(long, conflicts_with = "suite")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub work: crate::workload::WorkloadArgs,
    /// Measured repetitions per case (default 3; a suite's own otherwise).
    #[arg(long)]
    pub repeat: Option<usize>,
    /// Discarded warm-up repetitions per case (default 1; a suite's own otherwise).
    #[arg(long)]
    pub warmup: Option<usize>,
    /// Use this server (http://host:port) instead of starting one; no server stats are read.
    #[arg(long)]
    pub target: Option<String>,
    /// Try a failed task again up to N times: io tasks retry their request themselves, in every
    /// Rust model (see --backoff, --on-429); the process pools resubmit a task whose worker died,
    /// and any failed task of the other workloads.
    #[arg(long, default_value_t = 0, conflicts_with = "suite")]
    pub retries: usize,
    /// async-process-pool: tasks each worker runs at once on its event loop (default 16).
    #[arg(long, value_name = "C", conflicts_with = "suite")]
    pub child_concurrency: Option<usize>,
    /// queue-workers: the broker its workers pull tasks from — the project's own queue server, or
    /// Redis (Debian's redis-server, started by the run; its cases are skipped with one line when it
    /// is not installed: `make redis-env`).
    #[arg(long, value_enum, conflicts_with = "suite")]
    pub broker: Option<BrokerKind>,
    /// queue-workers: the key every connection to the broker must present first (default: a fresh
    /// one per run). Workers on other machines are started with it: `concbench worker --connect
    /// HOST:PORT --key K`.
    #[arg(long, value_name = "K")]
    pub key: Option<String>,
    /// queue-workers: the address the broker listens on (default 127.0.0.1: this machine only). Give
    /// one other machines reach to add workers there; the run prints the command that starts them.
    #[arg(long, value_name = "IP")]
    pub broker_listen: Option<std::net::IpAddr>,
    /// threads: start at most N threads, as an OS limit would; the rest fail as `spawn` (to see how
    /// a refusal is recorded without exhausting the machine).
    #[arg(long, value_name = "N", conflicts_with = "suite")]
    pub max_threads: Option<usize>,
    /// sleep on async, async-join-all or threads, and io on async or async-sharded (direct client, a
    /// connection per request, up to 20,000 a process): after each repetition, run the same shape with
    /// no harness and no HTTP client at all (`concbench-bare`; k copies beside k shards), to show
    /// what the harness adds.
    #[arg(long, conflicts_with = "suite")]
    pub bare: bool,
    /// Result file to write (default reports/results/<machine-id>/<UTC time>-<pid>.json).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override the derived machine id (for CI runners with random hostnames).
    #[arg(long)]
    pub machine_id: Option<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Restrict the run to N of the CPUs it may use (the slow server gets the others): a smaller machine.
    #[arg(long, value_name = "N")]
    pub cpus: Option<usize>,
    /// How repetitions are scheduled: `interleaved` (each round runs every case once, shuffled) or
    /// `blocked` (all repetitions of a case, then the next).
    #[arg(long, value_enum, default_value_t = Order::Interleaved)]
    pub order: Order,
    /// Seed of the shuffled rounds and of any random workload (recorded in the result file; default:
    /// a fresh one).
    #[arg(long)]
    pub seed: Option<u64>,
    /// advice-check: how many jobs to draw (default 24); with --seed, the draw's seed too.
    #[arg(long, value_name = "K")]
    pub advice_jobs: Option<usize>,
    /// Whether tasks take the ledger's marks (where the time went, docs/ledger.md): `on` (except the
    /// memory and scale groups, whose figure is memory per task), `off`, or `both` — every case twice,
    /// with and without, interleaved: what the marks cost.
    #[arg(long, value_enum, default_value_t = LedgerSwitch::On)]
    pub ledger: LedgerSwitch,
}

/// `--ledger`: the marks on, off, or each case both ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LedgerSwitch {
    On,
    Off,
    Both,
}

/// What `validate()` makes of the arguments.
pub struct Validated {
    pub suite: String,
    pub cases: Vec<Case>,
    pub target: Option<String>,
    /// The seed of the run's shuffles, given or fresh.
    pub seed: u64,
}

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|&x| name(x)).collect::<Vec<_>>().join(", ")
}

impl RunArgs {
    /// Every check that needs more than one flag, in one place; the result is a list of cases to run.
    pub fn validate(&self) -> anyhow::Result<Validated> {
        if let Some(r) = self.repeat.filter(|&r| r == 0 || r > MAX_REPEAT) {
            return Err(usage(format!(
                "--repeat {r} is out of range 1..={MAX_REPEAT}"
            )));
        }
        if let Some(w) = self.warmup.filter(|&w| w > 100) {
            return Err(usage(format!("--warmup {w} is above the maximum of 100")));
        }
        if let Some(server) = self.work.io.server {
            if self.target.is_some() {
                return Err(usage(format!(
                    "--server {server} starts a server; --target uses one already running: give one"
                )));
            }
            if self.suite == Some(Suite::Fidelity) {
                return Err(usage(
                    "the fidelity suite runs every case on both servers: drop --server",
                ));
            }
        }
        let target = self.target.as_deref().map(check_target).transpose()?;
        let (suite, mut cases) = match (self.suite, self.workload, self.model.is_empty()) {
            (Some(suite), _, _) => {
                // A suite's cases are its own; the workloads' flags are still checked, so a bad
                // value is refused rather than ignored.
                Params::from_args(WorkloadKind::Io, &self.work, self.seed).map_err(usage)?;
                (suite.name().to_string(), self.suite_cases(suite)?)
            }
            (None, Some(workload), false) => ("ad-hoc".to_string(), self.ad_hoc_cases(workload)?),
            _ => {
                return Err(usage(format!(
                    "give --suite NAME ({}) or --workload W --model M",
                    names(&Suite::ALL, Suite::name)
                )))
            }
        };
        for c in &mut cases {
            c.repeat = self.repeat.unwrap_or(c.repeat);
            c.warmup = self.warmup.unwrap_or(c.warmup);
            if let (Params::Io(io), Some(client)) = (&mut c.workload, self.work.io.client) {
                io.client = client;
            }
            if let (Params::Io(io), Some(server)) = (&mut c.workload, self.work.io.server) {
                io.server = server;
            }
            if target.is_some() {
                c.workload
                    .declare_target(self.work.io.server_workers, self.work.delay);
            }
        }
        match self.ledger {
            LedgerSwitch::On => {}
            LedgerSwitch::Off => cases.iter_mut().for_each(|c| c.ledger = false),
            // Each case beside its twin without marks: one interleaved run sets them side by side.
            LedgerSwitch::Both => {
                cases = cases
                    .into_iter()
                    .flat_map(|c| {
                        [
                            Case {
                                ledger: true,
                                ..c.clone()
                            },
                            Case { ledger: false, ..c },
                        ]
                    })
                    .collect()
            }
        }
        let seed = self.seed.unwrap_or_else(crate::rng::Rng::fresh_seed);
        for c in &mut cases {
            c.arrival_seed = seed;
        }
        if !self.arrival.is_batch() && self.ledger == LedgerSwitch::Both {
            return Err(usage(format!(
                "--arrival {}: a case released at a rate keeps no ledger (its ideal is a batch's); \
                 drop --ledger both",
                self.arrival
            )));
        }
        // gunicorn has no unbounded mode: a W=0 case cannot be sent to it.
        if let Some(c) = cases.iter().find(|c| {
            c.workload.server_kind() == ServerKind::Gunicorn
                && c.workload
                    .describe()
                    .server()
                    .is_some_and(|p| p.workers == 0)
        }) {
            return Err(usage(format!(
                "{}: gunicorn's sync workers are bounded; give --server-workers 1 or more",
                c.id()
            )));
        }
        Ok(Validated {
            suite,
            cases,
            target,
            seed,
        })
    }

    /// A suite's cases; advice-check's drawn by --seed, --advice-jobs of them, when given.
    fn suite_cases(&self, suite: Suite) -> anyhow::Result<Vec<Case>> {
        use crate::workload::mixed::advice_suite as check;
        match (suite, self.advice_jobs) {
            (_, Some(k)) if suite != Suite::AdviceCheck || k == 0 || k > 1_000 => Err(usage(
                format!("--advice-jobs {k}: give 1..=1000 jobs, with --suite advice-check only"),
            )),
            (Suite::AdviceCheck, k) if k.is_some() || self.seed.is_some() => Ok(check::cases(
                self.seed.unwrap_or(check::DRAW_SEED),
                k.unwrap_or(check::JOBS),
                check::cores(),
            )),
            _ => Ok(suite.cases()),
        }
    }

    /// One case per `--model`, in the order given; with several, `--limit` goes to those that take one.
    fn ad_hoc_cases(&self, workload: WorkloadKind) -> anyhow::Result<Vec<Case>> {
        let io = &self.work.io;
        if workload != WorkloadKind::Io
            && (io.backoff.is_some() || io.on_429.is_some() || io.hedge_after.is_some())
        {
            return Err(usage(format!(
                "--backoff, --on-429 and --hedge-after are the io workload's client policy; the \
                 {workload} workload has none"
            )));
        }
        let mut params = Params::from_args(workload, &self.work, self.seed).map_err(usage)?;
        // io tasks retry in the task itself, in every model (the process pools still resubmit a
        // task whose worker died).
        if let Params::Io(io) = &mut params {
            io.set_retries(self.retries as u32);
        }
        let several = self.model.len() > 1;
        self.model
            .iter()
            .map(|&m| {
                let limit = self.limit.filter(|_| !several || m.model().takes_limit());
                self.ad_hoc(m, limit, params.clone())
            })
            .collect()
    }

    fn ad_hoc(
        &self,
        model: ModelKind,
        limit: Option<usize>,
        workload: Params,
    ) -> anyhow::Result<Case> {
        let m = model.model();
        if workload.describe().stage_workers().is_some() && !m.runs_stages() {
            let can: Vec<_> = ModelKind::rust()
                .filter(|k| k.model().runs_stages())
                .map(|k| k.name())
                .collect();
            return Err(usage(format!(
                "model {model} cannot run a {} workload (stages of workers on bounded queues); models \
                 that can: {}",
                workload.kind(),
                can.join(", ")
            )));
        }
        if let Some(why) = workload.describe().refuses(model, self.tasks) {
            return Err(usage(why));
        }
        if let Some(why) = m.refuses(&workload) {
            return Err(usage(why));
        }
        if workload.describe().moves_data() && !m.moves_data() {
            let can: Vec<_> = ModelKind::ALL
                .into_iter()
                .filter(|k| k.model().moves_data())
                .map(|k| k.name())
                .collect();
            return Err(usage(format!(
                "model {model} cannot hand its tasks data (the {} workload); models that can: {}",
                workload.kind(),
                can.join(", ")
            )));
        }
        if let Some(p) = workload.describe().io().and_then(|io| io.policy.as_deref()) {
            // Python's tasks retry, back off and wait out 429s as Rust's do, but a hedge needs a
            // request cancelled from beside it and a limiter one bucket shared by every worker.
            if model.is_python()
                && (p.hedge_after_ms.is_some() || p.on_429 == crate::workload::io::On429::Limit)
            {
                return Err(usage(format!(
                    "model {model} runs in Python, whose clients have no hedge or limiter here \
                     (--hedge-after, --on-429 limit); run it with --retries, --backoff and \
                     --on-429 at-once|backoff|retry-after only"
                )));
            }
            if p.limit.is_some()
                && matches!(model, ModelKind::ProcessPool | ModelKind::AsyncProcessPool)
            {
                return Err(usage(format!(
                    "--on-429 limit with {model}: each worker process would pace itself at the \
                     whole rate; give it to a model of one process"
                )));
            }
        }
        if model.is_python() && workload.describe().python("", 0).is_none() {
            return Err(usage(format!(
                "model {model} runs in Python, which has no {} task (python/concbench_py/tasks.py)",
                workload.kind()
            )));
        }
        if self.tasks == 0 {
            return Err(usage("--tasks 0: give at least 1"));
        }
        if !self.arrival.is_batch() {
            if !m.takes_arrival() {
                let takers: Vec<_> = ModelKind::ALL
                    .into_iter()
                    .filter(|k| k.model().takes_arrival())
                    .collect();
                return Err(usage(format!(
                    "--arrival {} with model {model}: it submits its tasks all at once; models that \
                     release tasks at a rate: {}",
                    self.arrival,
                    names(&takers, ModelKind::name)
                )));
            }
            let kind = workload.kind();
            if !matches!(
                kind,
                WorkloadKind::Io | WorkloadKind::Sleep | WorkloadKind::Mixed | WorkloadKind::Cpu
            ) {
                return Err(usage(format!(
                    "--arrival {} with the {kind} workload: a rate applies to io, sleep, mixed and \
                     cpu",
                    self.arrival
                )));
            }
        }
        let takers = || {
            let takers: Vec<_> = ModelKind::rust()
                .filter(|k| k.model().takes_limit())
                .collect();
            names(&takers, ModelKind::name)
        };
        let cores = crate::measure::machine::allowed_cpus().len().max(1);
        let limit = limit.or_else(|| m.default_limit(cores).map(|k| k.min(self.tasks)));
        if self.broker.is_some() && !self.model.iter().any(|m| m.model().pulls_from_broker()) {
            let pullers: Vec<ModelKind> = ModelKind::ALL
                .into_iter()
                .filter(|m| m.model().pulls_from_broker())
                .collect();
            return Err(usage(format!(
                "--broker applies to {}, not {model}",
                names(&pullers, ModelKind::name)
            )));
        }
        if let Some(c) = self.child_concurrency {
            if !self.model.iter().any(|m| m.model().loops_in_workers()) {
                let loops: Vec<ModelKind> = ModelKind::ALL
                    .into_iter()
                    .filter(|m| m.model().loops_in_workers())
                    .collect();
                return Err(usage(format!(
                    "--child-concurrency applies to {}, not {model}",
                    names(&loops, ModelKind::name)
                )));
            }
            if c == 0 || c > self.tasks {
                return Err(usage(format!(
                    "--child-concurrency {c} is out of range 1..={} (--tasks)",
                    self.tasks
                )));
            }
        }
        match (limit, m.takes_limit()) {
            (Some(0), _) => return Err(usage("--limit must be at least 1")),
            (Some(_), false) => {
                return Err(usage(format!(
                "--limit does not apply to model {model} (it has no bound); models that take one: {}",
                takers()
            )))
            }
            (None, true) => return Err(usage(format!("model {model} needs --limit k"))),
            (Some(k), true) if k > self.tasks => {
                return Err(usage(format!(
                    "--limit {k} is above --tasks {}: at most {} can run at once",
                    self.tasks, self.tasks
                )))
            }
            _ => {}
        }
        let case = Case::new(Group::AdHoc, model, self.tasks, limit, workload);
        Ok(Case {
            retries: self.retries,
            child_concurrency: case
                .child_concurrency
                .map(|c| self.child_concurrency.unwrap_or(c)),
            max_threads: self.max_threads.filter(|_| model == ModelKind::Threads),
            broker: case.broker.map(|b| self.broker.unwrap_or(b)),
            reference: self.bare,
            // A rate's ideal is not a batch's: its cases keep no ledger.
            ledger: case.ledger && self.arrival.is_batch(),
            arrival: self.arrival,
            ..case
        })
    }
}

/// An http URL of a server that answers a TCP connect within 2 s.
pub fn check_target(url: &str) -> anyhow::Result<String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        usage(format!(
            "--target {url:?} is not an http:// URL (https is not supported)"
        ))
    })?;
    let authority = rest.split('/').next().unwrap_or("");
    let with_port = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addrs: Vec<SocketAddr> = with_port
        .to_socket_addrs()
        .map_err(|e| {
            usage(format!(
                "--target {url}: cannot resolve {authority:?} ({e})"
            ))
        })?
        .collect();
    let addr = addrs
        .first()
        .ok_or_else(|| usage(format!("--target {url}: no address")))?;
    TcpStream::connect_timeout(addr, REACH_TIMEOUT).map_err(|e| {
        usage(format!(
            "--target {url}: cannot connect to {addr} ({e}); is the server running?"
        ))
    })?;
    Ok(format!("http://{authority}"))
}
