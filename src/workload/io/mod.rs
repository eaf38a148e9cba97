//! `io`: one GET to the slow server, made by the case's client (`direct`, the project's own, by default;
//! `library`: ureq when blocking, reqwest when async). Blocking models call the client's blocking face,
//! async models its async face; the workload only times the request. By default every request opens a
//! fresh connection, as in the talk. A task succeeds only on a 2xx status with the whole body read.
//! Ideal: ⌈N / min(k, W)⌉ × the request's delay; the bottleneck is whichever of k and W is smaller.

pub mod misbehave;
pub mod policy;
pub mod load_curve_suite;
pub mod resilience_suite;
pub mod suite;

pub use misbehave::Misbehave;
pub use policy::{On429, Policy};

use super::WorkloadKind;
use super::{Calibration, Describe, Params, ServerPlan, Shape, TaskFuture, TaskResult, Workload};
use crate::client::{self, ClientKind};
use crate::names::{Bottleneck, ServerKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const ABOUT: &str =
    "one GET to the slow server (the direct client by default; --client library: ureq/reqwest)";

/// The most server workers a case may ask for (the server's own bound).
pub const MAX_WORKERS: usize = concbench_server::config::MAX_WORKERS;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);

/// One GET: the server it is sent to, the path, and how the client makes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IoParams {
    /// W sync workers of the slow server (0 = unbounded); absent when unknown (an external target).
    pub server_workers: Option<usize>,
    /// The server's delay per request, milliseconds; absent when unknown.
    pub server_delay_ms: Option<u64>,
    /// The path requested (`/`, `/delay/250`, `/status/503`).
    pub path: String,
    /// Connections reused across requests.
    pub keep_alive: bool,
    /// A request with no complete answer after this long fails as `timeout`, milliseconds.
    pub timeout_ms: u64,
    /// `direct` (the project's own client) or `library` (ureq / reqwest).
    pub client: ClientKind,
    /// The server program: concbench's slow server (the default, not written) or gunicorn.
    #[serde(default, skip_serializing_if = "ServerKind::is_concbench")]
    pub server: ServerKind,
    /// Loopback source addresses the direct client spreads its connections over, when more than one:
    /// set by the run from the case's concurrency (one per 5,000 connections), because one address
    /// has only ~28k ephemeral ports towards the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_addrs: Option<usize>,
    /// Processes the slow server is spread over, when more than one: set by the run from the case's
    /// concurrency (one per 3/4 of a process's open-file room), because each connection costs the
    /// server a descriptor and one process may hold only so many; they share one port through
    /// SO_REUSEPORT. Only concbench's unbounded server (workers 0) is ever spread. (A u32, not a
    /// usize: every workload's parameters travel in one enum, kept small.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_processes: Option<u32>,
    /// What the slow server does to a seeded share of requests (`--delay-dist`, `--rate`, `--fail`);
    /// absent: it holds every request its delay and answers 200. Boxed: every workload's parameters
    /// travel in one enum, which should not grow by what few cases set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misbehaviour: Option<Box<Misbehave>>,
    /// What the client does when a request fails, is refused or is slow (`--retries`, `--backoff`,
    /// `--on-429`, `--hedge-after`); absent: one request a task, whatever it meets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Box<Policy>>,
}

/// io's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct IoArgs {
    /// W: sync workers of the slow server started for io cases; 0 = unbounded (default 3).
    #[arg(long)]
    pub server_workers: Option<usize>,
    /// io: the path to request (`/`, `/delay/250`, `/status/503`).
    #[arg(long, default_value = "/", conflicts_with = "suite")]
    pub path: String,
    /// io: reuse connections instead of one per request.
    #[arg(long, conflicts_with = "suite")]
    pub keep_alive: bool,
    /// io: a request with no complete answer after this long fails as `timeout`; subprocess: a
    /// child still running after this long is killed, and its task fails as `timeout`.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, allow_hyphen_values = true, conflicts_with = "suite")]
    pub timeout: Duration,
    /// io: the HTTP client — `direct` (the project's own, the same for every model; default) or
    /// `library` (ureq when blocking, reqwest when async). With --suite, applies to every io case.
    #[arg(long)]
    pub client: Option<ClientKind>,
    /// io: the server to start — `concbench` (its own slow server; default) or `gunicorn` (`-w W`
    /// sync workers serving python/concbench_py/slow_app.py; needs `make python-env`). With --suite,
    /// applies to every io case.
    #[arg(long)]
    pub server: Option<ServerKind>,
    /// io: the slow server holds each request a delay drawn by its task number — `fixed` (the
    /// default), `tail:p=P,x=X` (a share P held X × the delay), `lognormal:median=D,p99=D`; seeded by
    /// --seed (0 without it), so every model meets the same slow tasks.
    #[arg(long, conflicts_with = "suite")]
    pub delay_dist: Option<String>,
    /// io: the slow server answers 429 (with Retry-After) to requests beyond this rate (`50/s`).
    #[arg(long, conflicts_with = "suite")]
    pub rate: Option<String>,
    /// io: requests --rate admits at once after a pause (default 1).
    #[arg(long, requires = "rate", conflicts_with = "suite")]
    pub burst: Option<u32>,
    /// io: a seeded share p of tasks fail — `p,500` (a 500 after the delay) or `p,reset` (a TCP
    /// reset); by --seed, the same tasks in every model.
    #[arg(long, conflicts_with = "suite")]
    pub fail: Option<String>,
    /// io: wait before each retry (--retries) — `exp:base=10ms,cap=1s`, exponential with full
    /// jitter (uniform in 0..min(cap, base·2ⁿ)), drawn from --seed; default: none.
    #[arg(long, conflicts_with = "suite")]
    pub backoff: Option<String>,
    /// io: what a 429 makes the client do — `at-once` (default), `backoff` (as --backoff, or 10 ms
    /// doubling to 1 s), `retry-after` (wait what the server says), `limit` (pace every request at
    /// the server's --rate and --burst). 429s are retried until answered, up to 100,000 a task.
    #[arg(long = "on-429", value_name = "POLICY", conflicts_with = "suite")]
    pub on_429: Option<On429>,
    /// io: a request with no answer after this long gets a second one beside it; the first success
    /// wins and the other is cancelled ("The Tail at Scale"'s hedged request).
    #[arg(long, value_parser = super::parse_duration, conflicts_with = "suite")]
    pub hedge_after: Option<Duration>,
}

impl IoParams {
    /// GETs of `/` against the slow server `server`, a fresh connection each, the direct client.
    pub fn new(server: ServerPlan) -> IoParams {
        IoParams {
            server_workers: Some(server.workers),
            server_delay_ms: Some(server.delay.as_millis() as u64),
            path: "/".into(),
            keep_alive: false,
            timeout_ms: DEFAULT_TIMEOUT.as_millis() as u64,
            client: ClientKind::Direct,
            server: ServerKind::Concbench,
            source_addrs: None,
            server_processes: None,
            misbehaviour: None,
            policy: None,
        }
    }

    pub fn from_args(args: &super::WorkloadArgs, seed: Option<u64>) -> Result<IoParams, String> {
        let io = &args.io;
        let workers = io.server_workers.unwrap_or(3);
        if workers > MAX_WORKERS {
            return Err(format!(
                "--server-workers {workers} is above the maximum of {MAX_WORKERS}"
            ));
        }
        if args.delay() > super::MAX_DELAY {
            return Err(format!(
                "--delay {} is above the maximum of 60s",
                humantime::format_duration(args.delay())
            ));
        }
        if io.timeout.is_zero() || io.timeout > MAX_TIMEOUT {
            return Err("--timeout must be above 0 and at most 10m".into());
        }
        if !io.path.starts_with('/') {
            return Err(format!("--path {:?} must start with /", io.path));
        }
        // The path goes into the request line verbatim: CR/LF would inject headers.
        if io.path.chars().any(|c| c.is_control() || c == ' ') {
            return Err(format!(
                "--path {:?} holds a space or control character; percent-encode it (%20, %0D, %0A)",
                io.path
            ));
        }
        let flags = misbehave::Flags {
            delay_dist: io.delay_dist.as_deref(),
            rate: io.rate.as_deref(),
            burst: io.burst,
            fail: io.fail.as_deref(),
        };
        let misbehaviour = Misbehave::from_flags(flags, args.delay(), seed)?.map(Box::new);
        let server = io.server.unwrap_or_default();
        if misbehaviour.is_some() && server != ServerKind::Concbench {
            return Err(format!(
                "--delay-dist, --rate and --fail are the slow server's; --server {server} has none"
            ));
        }
        let policy = policy_from_args(io, misbehaviour.as_deref(), seed)?;
        if policy.as_ref().is_some_and(|p| p.hedge_after_ms.is_some())
            && io.client == Some(ClientKind::Library)
        {
            return Err(
                "--hedge-after needs the direct client: ureq cannot end a blocking call from another \
                 thread, so a hedge's loser would hold its thread to the end"
                    .into(),
            );
        }
        Ok(IoParams {
            misbehaviour,
            policy,
            path: io.path.clone(),
            keep_alive: io.keep_alive,
            timeout_ms: io.timeout.as_millis() as u64,
            client: io.client.unwrap_or_default(),
            server,
            ..IoParams::new(ServerPlan {
                workers,
                delay: args.delay(),
            })
        })
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// The GET against the server at `url`, for workloads that make one as part of their task.
    pub fn build_io(&self, url: &str) -> anyhow::Result<Io> {
        let opts = client::Options {
            url: format!("{url}{}", self.path),
            keep_alive: self.keep_alive,
            timeout: self.timeout(),
            sources: self.source_addrs.unwrap_or(1),
        };
        // The plain GET a runtime of its own can make (async-uring): the direct client's one try.
        let plain = match (self.client, &self.policy) {
            (client::ClientKind::Direct, None) => client::Plain::new(&opts)?,
            _ => None,
        };
        Ok(Io {
            client: policy::Tried::new(client::build(self.client, &opts)?, self.policy.as_deref())?,
            plain,
        })
    }

    /// `--retries R` for the io task: every model's task tries a failed request again, up to R times.
    pub fn set_retries(&mut self, retries: u32) {
        if retries > 0 {
            let p = self
                .policy
                .get_or_insert_with(|| Box::new(Policy::default()));
            p.retries = retries;
        }
    }

    /// The time one request is held: `/delay/{ms}` overrides the server's delay.
    pub fn request_delay(&self) -> Option<Duration> {
        self.path
            .strip_prefix("/delay/")
            .and_then(|ms| ms.parse().ok())
            .map(Duration::from_millis)
            .or(self.server_delay_ms.map(Duration::from_millis))
    }

    /// W as a bound on concurrency: 0 (unbounded) is no bound.
    fn workers_bound(&self) -> Option<usize> {
        self.server_workers
            .map(|w| if w == 0 { usize::MAX } else { w })
    }
}

/// The policy `run`'s io flags ask for, None when they ask for none (`--retries` is set apart, by
/// [`IoParams::set_retries`]: it is `run`'s, shared with the process pools).
fn policy_from_args(
    io: &IoArgs,
    misbehaviour: Option<&Misbehave>,
    seed: Option<u64>,
) -> Result<Option<Box<Policy>>, String> {
    let backoff = io
        .backoff
        .as_deref()
        .map(str::parse::<policy::Backoff>)
        .transpose()?;
    let on_429 = io.on_429.unwrap_or_default();
    let limit = match (on_429, misbehaviour.and_then(|m| m.rate.clone())) {
        (On429::Limit, Some(rate)) => Some((rate, misbehaviour.and_then(|m| m.burst).unwrap_or(1))),
        (On429::Limit, None) => {
            return Err(
                "--on-429 limit paces requests at the server's rate: give --rate too".into(),
            )
        }
        _ => None,
    };
    if let Some(h) = io.hedge_after {
        if h.is_zero() || h >= io.timeout {
            return Err("--hedge-after must be above 0 and below --timeout".into());
        }
    }
    let policy = Policy {
        retries: 0,
        backoff,
        on_429,
        hedge_after_ms: io.hedge_after.map(|h| h.as_millis().max(1) as u64),
        limit,
        seed: seed.unwrap_or(0),
    };
    Ok((!policy.is_plain()).then(|| Box::new(policy)))
}

impl Describe for IoParams {
    fn python(&self, url: &str, _tasks: usize) -> Option<serde_json::Value> {
        let mut spec = serde_json::json!({
            "workload": "io",
            "url": format!("{url}{}", self.path),
            "keep_alive": self.keep_alive,
            "timeout_s": self.timeout().as_secs_f64(),
        });
        // Only with a policy, so a plain case's spec reads as before. Python's tasks follow
        // retries, backoff and on_429 (args.rs refuses a hedge or a limiter for them).
        if let Some(p) = &self.policy {
            spec["policy"] = serde_json::json!({
                "retries": p.retries,
                "backoff": p.backoff.map(|b| serde_json::json!({
                    "base_s": b.base_ms as f64 / 1000.0,
                    "cap_s": b.cap_ms as f64 / 1000.0,
                })),
                "on_429": p.on_429.name(),
                "seed": p.seed,
            });
        }
        Some(spec)
    }

    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Io
    }

    fn id_suffix(&self) -> String {
        let mut parts = Vec::new();
        match self.server_workers {
            Some(0) => parts.push("winf".to_string()),
            Some(w) => parts.push(format!("w{w}")),
            None => {}
        }
        if let Some(d) = self.server_delay_ms {
            parts.push(humantime::format_duration(Duration::from_millis(d)).to_string());
        }
        if parts.is_empty() {
            parts.push("target".into());
        }
        // The default client is left out, so ids read as before; the libraries say so.
        if self.client == ClientKind::Library {
            parts.push("library".into());
        }
        if self.server == ServerKind::Gunicorn {
            parts.push("gunicorn".into());
        }
        // Only a misbehaving server adds to the id, so every plain case's id reads as before.
        if let Some(m) = &self.misbehaviour {
            parts.push(m.id_suffix());
        }
        if let Some(p) = self.policy.as_ref().filter(|p| !p.is_plain()) {
            parts.push(p.id_suffix());
        }
        // Against a misbehaving server a timeout is part of the client's policy.
        if self.misbehaviour.is_some() && self.timeout_ms != DEFAULT_TIMEOUT.as_millis() as u64 {
            parts.push(format!("to{}ms", self.timeout_ms));
        }
        parts.join("-")
    }

    fn io(&self) -> Option<&IoParams> {
        Some(self)
    }

    fn io_mut(&mut self) -> Option<&mut IoParams> {
        Some(self)
    }

    fn server(&self) -> Option<ServerPlan> {
        Some(ServerPlan {
            workers: self.server_workers?,
            delay: Duration::from_millis(self.server_delay_ms?),
        })
    }

    fn nominal(&self, _task: u64) -> Option<crate::ledger::path::Nominal> {
        Some(crate::ledger::path::Nominal {
            serve: self.request_delay()?.as_nanos() as u64,
            ..Default::default()
        })
    }

    fn ideal(&self, shape: &Shape, _cpu: Option<Calibration>) -> Option<f64> {
        let w = self.workers_bound()?;
        let lanes = shape.lanes.in_flight.min(w);
        let plain = shape.waves(lanes) * self.request_delay()?.as_secs_f64();
        match &self.misbehaviour {
            None => Some(plain),
            Some(m) => {
                let retries = self.policy.as_ref().map_or(0, |p| p.retries);
                m.ideal(shape.tasks, lanes, self.request_delay()?, retries)
            }
        }
    }

    fn bottleneck(&self, shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        let k = shape.lanes.in_flight;
        match self.server_workers {
            Some(w) if w > 0 && w < k => Bottleneck::Server,
            Some(w) if w == k => Bottleneck::Balanced,
            _ => Bottleneck::Client,
        }
    }

    fn sockets(&self, shape: &Shape) -> u64 {
        shape.lanes.in_flight as u64
    }

    fn set_sources(&mut self, count: usize) {
        // Only the direct client binds before it connects.
        self.source_addrs = (count > 1 && self.client == ClientKind::Direct).then_some(count);
    }

    fn sources(&self) -> usize {
        self.source_addrs.unwrap_or(1)
    }

    fn set_server_processes(&mut self, count: usize) {
        // Only the slow server's unbounded mode listens on a port several processes can share.
        let shardable = self.server == ServerKind::Concbench && self.server_workers == Some(0);
        self.server_processes = (count > 1 && shardable).then(|| u32::try_from(count).unwrap_or(u32::MAX));
    }

    fn server_processes(&self) -> usize {
        self.server_processes.map_or(1, |n| n as usize)
    }

    fn client_side(&self) -> Params {
        Params::Io(IoParams {
            server_workers: None,
            server_delay_ms: None,
            path: String::new(),
            server: ServerKind::Concbench,
            server_processes: None,
            misbehaviour: None,
            ..self.clone()
        })
    }

    fn server_side(&self) -> Option<String> {
        let w = match self.server_workers {
            Some(0) => "W=unbounded".to_string(),
            Some(w) => format!("W={w}"),
            None => "W unknown".to_string(),
        };
        let d = self
            .server_delay_ms
            .map_or(String::new(), |d| format!(", delay {d} ms"));
        let program = match self.server {
            ServerKind::Concbench => String::new(),
            other => format!(", {other}"),
        };
        let odd = self.misbehaviour.as_ref().map_or(String::new(), |m| {
            format!(", misbehaving: {}", m.args().join(" "))
        });
        Some(format!("{w}{d}, path {}{program}{odd}", self.path))
    }

    fn timeout(&self) -> Option<Duration> {
        Some(IoParams::timeout(self))
    }

    fn build(&self, url: &str) -> anyhow::Result<Arc<dyn Workload>> {
        Ok(Arc::new(self.build_io(url)?))
    }
}

/// The io task: one client and its policy, built once per case and shared by every task.
pub struct Io {
    client: policy::Tried,
    /// The GET without tokio, when it is the direct client's plain one (no policy, no keep-alive).
    plain: Option<client::Plain>,
}

impl Io {
    /// The GET of task `task` (with its retries and hedges, if the policy asks) and its service time
    /// (first request sent → last response read).
    pub fn get_blocking(&self, task: u64) -> TaskResult {
        let sent = Instant::now();
        let (answer, tries) = self.client.blocking(task);
        TaskResult {
            outcome: answer.map_err(|f| f.kind),
            service: Some(sent.elapsed()),
            tries,
            call: crate::ledger::marks::take(),
            part: None,
        }
    }

    pub async fn get_async(&self, task: u64) -> TaskResult {
        let sent = Instant::now();
        let (answer, tries) = self.client.run_async(task).await;
        TaskResult {
            outcome: answer.map_err(|f| f.kind),
            service: Some(sent.elapsed()),
            tries,
            // Taken in the poll its request ended in, on the thread it was published on.
            call: crate::ledger::marks::take(),
            part: None,
        }
    }
}

impl Io {
    /// The plain GET, for a task's steps; None when the case's client does more than one try.
    pub fn plain(&self) -> Option<&client::Plain> {
        self.plain.as_ref()
    }
}

impl Workload for Io {
    fn blocking(&self, task: u64) -> TaskResult {
        self.get_blocking(task)
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(self.get_async(task))
    }

    fn steps(&self, _task: u64) -> Option<super::Steps<'_>> {
        Some(super::Steps {
            get: Some(self.plain()?),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Lanes;

    fn shape(tasks: usize, k: usize) -> Shape {
        Shape {
            tasks,
            lanes: Lanes::bounded(tasks, k),
            cores: 2,
        }
    }

    #[test]
    fn ideal_and_bottleneck_follow_k_and_w() {
        let s3 = IoParams::new(ServerPlan {
            workers: 3,
            delay: Duration::from_secs(1),
        });
        assert_eq!(s3.ideal(&shape(9, 9), None), Some(3.0));
        assert_eq!(s3.bottleneck(&shape(9, 9), None), Bottleneck::Server);
        assert_eq!(s3.bottleneck(&shape(9, 3), None), Bottleneck::Balanced);
        let delayed = IoParams {
            path: "/delay/250".into(),
            ..s3.clone()
        };
        assert_eq!(delayed.ideal(&shape(1, 1), None), Some(0.25));
        let unknown = IoParams {
            server_workers: None,
            ..s3.clone()
        };
        assert_eq!(
            unknown.ideal(&shape(3, 3), None),
            None,
            "W unknown: no ideal"
        );
        assert_eq!(s3.id_suffix(), "w3-1s");
        let library = IoParams {
            client: ClientKind::Library,
            server_workers: Some(0),
            ..s3
        };
        assert_eq!(library.id_suffix(), "winf-1s-library");
    }
}
