//! The command line: clap derive with typed values (durations via humantime, names via `ValueEnum`),
//! and every cross-field check in one `validate()`, which turns arguments into a plan or a usage error.

use crate::client::ClientKind;
use crate::model::ModelKind;
use crate::plan::{Case, ServerPlan, Suite};
use crate::run::order::Order;
use crate::workload::WorkloadKind;
use clap::{Args, Parser, Subcommand};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

/// Bounds that keep a mistyped value from running for days or exhausting the machine.
pub const MAX_TASKS: usize = 100_000;
pub const MAX_THREADS: usize = 20_000;
pub const MAX_DELAY: Duration = Duration::from_secs(60);
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);
pub const MAX_REPEAT: usize = 1_000;
pub const MAX_CPU_ITERS: u64 = 1_000_000_000_000;
/// How long an unreachable --target may take to be reported.
pub const REACH_TIMEOUT: Duration = Duration::from_secs(2);

/// Measures concurrency models against a deliberately slow HTTP server, beside what physics allows.
#[derive(Debug, Parser)]
#[command(name = "concbench", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure a named suite, or one ad-hoc case, each repetition in a fresh process.
    Run(RunArgs),
    /// List the models, workloads and suites.
    List,
    /// Print the JSON Schema of result files.
    Schema,
    /// Render saved result files into reports/<machine-id>/: HTML, Markdown, CSV, charts.
    Report(crate::report::ReportArgs),
    /// Compare runs across machines: each RUN is a result file, a directory or a machine id.
    Compare(CompareArgs),
    /// Run the slow server (what `concbench run` starts as its child).
    #[command(name = "__serve", hide = true)]
    Serve(concbench_server::ServerArgs),
    /// Run one repetition: spec on stdin, measurement on stdout.
    #[command(name = "__case", hide = true)]
    Case,
    /// Serve as a process-pool worker over stdin/stdout.
    #[command(name = "__worker", hide = true)]
    Worker,
}

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
    /// N: tasks, all submitted at once.
    #[arg(long, default_value_t = 3)]
    pub tasks: usize,
    /// k: workers, permits or processes, for the models that take one.
    #[arg(long)]
    pub limit: Option<usize>,
    /// W: sync workers of the slow server started for io cases; 0 = unbounded.
    #[arg(long, default_value_t = 3)]
    pub server_workers: usize,
    /// The server's delay per request (io) or the wait per task (sleep).
    #[arg(long, default_value = "1s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub delay: Duration,
    /// Measured repetitions per case (default 3; a suite's own otherwise).
    #[arg(long)]
    pub repeat: Option<usize>,
    /// Discarded warm-up repetitions per case (default 1; a suite's own otherwise).
    #[arg(long)]
    pub warmup: Option<usize>,
    /// Use this server (http://host:port) instead of starting one; no server stats are read.
    #[arg(long)]
    pub target: Option<String>,
    /// io: the path to request (`/`, `/delay/250`, `/status/503`).
    #[arg(long, default_value = "/")]
    pub path: String,
    /// io: reuse connections instead of one per request.
    #[arg(long)]
    pub keep_alive: bool,
    /// io: a request with no complete answer after this long fails as `timeout`.
    #[arg(long, default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub timeout: Duration,
    /// io: the HTTP client — `direct` (the project's own, the same for every model; default) or
    /// `library` (ureq when blocking, reqwest when async). With --suite, applies to every io case.
    #[arg(long)]
    pub client: Option<ClientKind>,
    /// cpu: iterations of the counting loop per task.
    #[arg(long, default_value_t = crate::plan::DEFAULT_CPU_ITERS)]
    pub cpu_iters: u64,
    /// process-pool: resubmit a failed task up to N times.
    #[arg(long, default_value_t = 0)]
    pub retries: usize,
    /// Result file to write (default reports/results/<machine-id>/<UTC time>.json).
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
    /// Seed of the shuffled rounds (recorded in the result file; default: a fresh one).
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// Result files, directories or machine ids of the store (`this` = this machine), or `cargo bench`
    /// baselines as `criterion:NAME` (target/criterion) or `criterion:DIR:NAME`; the first is the baseline.
    #[arg(required = true, num_args = 2.., value_name = "RUN")]
    pub runs: Vec<String>,
    /// Smallest change worth flagging, percent: a significant change below it is still `~`.
    #[arg(long, default_value = "5", value_parser = parse_percent, value_name = "PERCENT")]
    pub threshold: f64,
    #[arg(long, value_enum, default_value_t = crate::compare::Format::Table)]
    pub format: crate::compare::Format,
    /// Where machine ids are looked up.
    #[arg(long, default_value = "reports/results")]
    pub store: PathBuf,
    /// Also write an HTML page with charts into DIR (default reports/compare/<a>-vs-<b>/).
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = false)]
    pub html: Option<Option<PathBuf>>,
}

/// `5`, `5%` or `2.5` → percent in [0, 100).
fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("{s:?} is not a percentage (e.g. 5 or 5%)"))?;
    if (0.0..100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s} is out of range 0..100 %"))
    }
}

/// A usage error: one line, exit 2, before anything starts.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
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
        if self.delay > MAX_DELAY {
            return Err(usage(format!(
                "--delay {} is above the maximum of 60s",
                humantime::format_duration(self.delay)
            )));
        }
        if self.timeout.is_zero() || self.timeout > MAX_TIMEOUT {
            return Err(usage("--timeout must be above 0 and at most 10m"));
        }
        if let Some(r) = self.repeat.filter(|&r| r == 0 || r > MAX_REPEAT) {
            return Err(usage(format!(
                "--repeat {r} is out of range 1..={MAX_REPEAT}"
            )));
        }
        if let Some(w) = self.warmup.filter(|&w| w > 100) {
            return Err(usage(format!("--warmup {w} is above the maximum of 100")));
        }
        if self.server_workers > concbench_server::config::MAX_WORKERS {
            return Err(usage(format!(
                "--server-workers {} is above the maximum of {}",
                self.server_workers,
                concbench_server::config::MAX_WORKERS
            )));
        }
        if !self.path.starts_with('/') {
            return Err(usage(format!("--path {:?} must start with /", self.path)));
        }
        // The path goes into the request line verbatim: CR/LF would inject headers.
        if self.path.chars().any(|c| c.is_control() || c == ' ') {
            return Err(usage(format!(
                "--path {:?} holds a space or control character; percent-encode it (%20, %0D, %0A)",
                self.path
            )));
        }
        let target = self.target.as_deref().map(check_target).transpose()?;
        let (suite, mut cases) = match (self.suite, self.workload, self.model.is_empty()) {
            (Some(suite), _, _) => (suite.name().to_string(), suite.cases()),
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
            c.client = self.client.unwrap_or(c.client);
        }
        Ok(Validated {
            suite,
            cases,
            target,
            seed: self.seed.unwrap_or_else(crate::rng::Rng::fresh_seed),
        })
    }

    /// One case per `--model`, in the order given; with several, `--limit` goes to those that take one.
    fn ad_hoc_cases(&self, workload: WorkloadKind) -> anyhow::Result<Vec<Case>> {
        let several = self.model.len() > 1;
        self.model
            .iter()
            .map(|&m| {
                let limit = self.limit.filter(|_| !several || m.model().takes_limit());
                self.ad_hoc(workload, m, limit)
            })
            .collect()
    }

    fn ad_hoc(
        &self,
        workload: WorkloadKind,
        model: ModelKind,
        limit: Option<usize>,
    ) -> anyhow::Result<Case> {
        let m = model.model();
        if self.tasks == 0 || self.tasks > MAX_TASKS {
            return Err(usage(format!(
                "--tasks {} is out of range 1..={MAX_TASKS}",
                self.tasks
            )));
        }
        if model == ModelKind::Threads && self.tasks > MAX_THREADS {
            return Err(usage(format!(
                "--tasks {} is above {MAX_THREADS} threads for model threads (pid_max and memory); use thread-pool",
                self.tasks
            )));
        }
        let takers = || {
            let takers: Vec<_> = ModelKind::ALL
                .iter()
                .filter(|k| k.model().takes_limit())
                .copied()
                .collect();
            names(&takers, ModelKind::name)
        };
        match (limit, m.takes_limit()) {
            (Some(0), _) => return Err(usage("--limit must be at least 1")),
            (Some(_), false) => {
                return Err(usage(format!(
                "--limit does not apply to model {} (it has no bound); models that take one: {}",
                m.name(),
                takers()
            )))
            }
            (None, true) => return Err(usage(format!("model {} needs --limit k", m.name()))),
            (Some(k), true) if k > self.tasks => {
                return Err(usage(format!(
                    "--limit {k} is above --tasks {}: at most {} can run at once",
                    self.tasks, self.tasks
                )))
            }
            _ => {}
        }
        if workload == WorkloadKind::Cpu && (self.cpu_iters == 0 || self.cpu_iters > MAX_CPU_ITERS)
        {
            return Err(usage(format!(
                "--cpu-iters {} is out of range 1..={MAX_CPU_ITERS}",
                self.cpu_iters
            )));
        }
        let server = (workload == WorkloadKind::Io).then_some(ServerPlan {
            workers: self.server_workers,
            delay: self.delay,
        });
        Ok(Case {
            server,
            delay: self.delay,
            cpu_iters: self.cpu_iters,
            path: self.path.clone(),
            keep_alive: self.keep_alive,
            timeout: self.timeout,
            retries: self.retries,
            ..Case::new("ad-hoc", workload, model, self.tasks, limit)
        })
    }
}

/// A humantime duration (`250ms`, `1s`) that says plainly when it is negative.
fn parse_duration(s: &str) -> Result<Duration, String> {
    if s.trim_start().starts_with('-') {
        return Err("a duration cannot be negative; use 0s or more".into());
    }
    humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 250ms, 1s, 2m)"))
}

/// An http URL of a server that answers a TCP connect within 2 s.
fn check_target(url: &str) -> anyhow::Result<String> {
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

/// `concbench list`: one line per model, workload and suite.
pub fn list() -> String {
    let mut out = String::from("models:\n");
    for k in ModelKind::ALL {
        let m = k.model();
        let limit = if m.takes_limit() {
            " (takes --limit)"
        } else {
            ""
        };
        out += &format!("  {:<16} {}{limit}\n", m.name(), m.about());
    }
    out += "workloads:\n";
    for w in WorkloadKind::ALL {
        out += &format!("  {:<16} {}\n", w.name(), w.about());
    }
    out += "suites:\n";
    for s in Suite::ALL {
        out += &format!(
            "  {:<16} {} ({} cases)\n",
            s.name(),
            s.about(),
            s.cases().len()
        );
    }
    out
}

/// clap's errors span several lines; keep the message and the valid values on one.
pub fn one_line(err: &clap::Error) -> String {
    let text = err.to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("For more information") && !l.starts_with("Usage:")
        })
        .collect();
    let joined = parts.join(" ");
    joined
        .strip_prefix("error: ")
        .unwrap_or(&joined)
        .to_string()
}
