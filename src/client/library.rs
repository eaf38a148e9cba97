//! The library client: ureq for the blocking face (plain blocking sockets, like Python's `requests`;
//! `reqwest::blocking` would hide a runtime thread behind every client and falsify thread counts) and
//! reqwest for the async face. Measured beside the direct client, never instead of it: it is what a
//! typical application pays on top (ureq with a global timeout starts a resolver thread per request;
//! reqwest spends far more CPU per fresh connection).

use super::Options;
use super::{status_failure, Answer, GetFuture, HttpClient, Req, ATTEMPT_HEADER, TASK_HEADER};
use crate::names::FailureKind;

pub struct Library {
    url: String,
    blocking: ureq::Agent,
    client: reqwest::Client,
}

impl Library {
    pub fn new(opts: &Options) -> anyhow::Result<Library> {
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
        Ok(Library {
            url: opts.url.clone(),
            blocking,
            client,
        })
    }
}

impl HttpClient for Library {
    /// ureq has no way to end a call from another thread: a hedge's loser runs to its end.
    fn get_blocking(&self, req: Req<'_>) -> Answer {
        let mut call = self.blocking.get(&self.url).header(TASK_HEADER, req.task);
        if req.attempt > 0 {
            call = call.header(ATTEMPT_HEADER, req.attempt);
        }
        let mut resp = call.call().map_err(ureq_failure)?;
        let body = resp.body_mut().read_to_vec().map_err(ureq_failure)?;
        if !resp.status().is_success() {
            let after = resp.headers().get("retry-after").map(|v| v.as_bytes());
            return Err(status_failure(resp.status().as_u16(), seconds(after)));
        }
        Ok(body.len() as u64)
    }

    fn get_async(&self, req: Req<'_>) -> GetFuture<'_> {
        let (task, attempt) = (req.task, req.attempt);
        Box::pin(async move {
            let mut call = self.client.get(&self.url).header(TASK_HEADER, task);
            if attempt > 0 {
                call = call.header(ATTEMPT_HEADER, attempt);
            }
            let resp = call.send().await.map_err(reqwest_failure)?;
            let status = resp.status();
            let after = seconds(resp.headers().get("retry-after").map(|v| v.as_bytes()));
            let body = resp.bytes().await.map_err(reqwest_failure)?;
            if !status.is_success() {
                return Err(status_failure(status.as_u16(), after));
            }
            Ok(body.len() as u64)
        })
    }
}

/// `Retry-After` in whole seconds; a date or anything else reads as absent.
fn seconds(value: Option<&[u8]>) -> Option<u32> {
    std::str::from_utf8(value?).ok()?.trim().parse().ok()
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
