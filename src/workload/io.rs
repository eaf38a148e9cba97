//! `io`: one GET to the slow server. Blocking models use ureq (plain blocking sockets, like Python's
//! `requests`; `reqwest::blocking` would hide a runtime thread behind every client and falsify thread
//! counts); async models use reqwest. By default every request opens a fresh connection, as in the talk.
//! A task succeeds only on a 2xx status with the whole body read.

use super::{FailureKind, TaskFuture, TaskResult, Workload, WorkloadKind};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// How requests are made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IoOptions {
    /// The full URL requested (server base + path).
    pub url: String,
    /// Reuse connections between requests instead of one per request.
    pub keep_alive: bool,
    /// A request with no complete answer after this long fails as `timeout`.
    pub timeout: Duration,
    #[serde(default)]
    pub client: crate::client::ClientKind,
}

impl Default for IoOptions {
    fn default() -> Self {
        IoOptions {
            url: String::new(),
            keep_alive: false,
            timeout: Duration::from_secs(60),
            client: Default::default(),
        }
    }
}

pub struct Io {
    opts: IoOptions,
    blocking: ureq::Agent,
    client: reqwest::Client,
}

impl Io {
    pub fn new(opts: IoOptions) -> anyhow::Result<Io> {
        let idle = if opts.keep_alive { 10_000 } else { 0 };
        let blocking = ureq::Agent::config_builder()
            .timeout_global(Some(opts.timeout))
            .http_status_as_error(false)
            .max_idle_connections(idle)
            .max_idle_connections_per_host(idle)
            // Only loopback is ever a target; no environment proxy may reroute it.
            .proxy(None)
            .build()
            .into();
        let client = reqwest::Client::builder()
            .timeout(opts.timeout)
            .pool_max_idle_per_host(idle)
            .no_proxy()
            .build()?;
        Ok(Io {
            opts,
            blocking,
            client,
        })
    }

    async fn get_async(&self) -> Result<u64, FailureKind> {
        let resp = self
            .client
            .get(&self.opts.url)
            .send()
            .await
            .map_err(reqwest_failure)?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(reqwest_failure)?;
        if !status.is_success() {
            return Err(FailureKind::Status);
        }
        Ok(body.len() as u64)
    }

    fn get_blocking(&self) -> Result<u64, FailureKind> {
        let mut resp = self
            .blocking
            .get(&self.opts.url)
            .call()
            .map_err(ureq_failure)?;
        let body = resp.body_mut().read_to_vec().map_err(ureq_failure)?;
        if !resp.status().is_success() {
            return Err(FailureKind::Status);
        }
        Ok(body.len() as u64)
    }
}

impl Workload for Io {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Io
    }

    fn blocking(&self) -> TaskResult {
        let sent = Instant::now();
        let outcome = self.get_blocking();
        TaskResult {
            outcome,
            service: Some(sent.elapsed()),
        }
    }

    fn run_async(&self) -> TaskFuture<'_> {
        Box::pin(async move {
            let sent = Instant::now();
            let outcome = self.get_async().await;
            TaskResult {
                outcome,
                service: Some(sent.elapsed()),
            }
        })
    }
}

fn io_failure(e: &std::io::Error) -> FailureKind {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused | AddrNotAvailable | AddrInUse | NotFound => FailureKind::Connect,
        TimedOut | WouldBlock => FailureKind::Timeout,
        _ => FailureKind::Io,
    }
}

fn ureq_failure(e: ureq::Error) -> FailureKind {
    match e {
        ureq::Error::Timeout(_) => FailureKind::Timeout,
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => FailureKind::Connect,
        ureq::Error::StatusCode(_) => FailureKind::Status,
        ureq::Error::Io(e) => io_failure(&e),
        _ => FailureKind::Io,
    }
}

fn reqwest_failure(e: reqwest::Error) -> FailureKind {
    if e.is_timeout() {
        return FailureKind::Timeout;
    }
    if e.is_connect() {
        return FailureKind::Connect;
    }
    // The io::Error at the root tells a reset from a refusal when reqwest does not.
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return io_failure(io);
        }
        source = s.source();
    }
    FailureKind::Io
}
