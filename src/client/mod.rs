//! Clients: how an `io` task makes its one GET. `direct` is the project's own small HTTP/1.1 client
//! (blocking over std sockets, async over tokio sockets, the same buffers and the same parser), the
//! default so that models differ only as models; `library` is ureq when blocking and reqwest when async,
//! what a typical application adds on top. Both sit behind [`HttpClient`], and the URL is parsed into a
//! [`Target`] once per case so that no request pays for parsing or name resolution.

mod coroutine;
mod direct;
mod library;
mod plain;
mod response;
pub mod sources;
mod uring;

pub use direct::Direct;
pub use library::Library;
pub use plain::Plain;
pub use response::{BadResponse, Progress, Response, ResponseReader, MAX_HEAD};

use crate::names::FailureKind;
use anyhow::{bail, Context};

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::pin::Pin;

crate::names::name_enum! {
    /// The clients by name, as the CLI and result files spell them.
    #[derive(Default, schemars::JsonSchema)]
    pub enum ClientKind {
        /// The project's own HTTP/1.1 client: the same code path for every model.
        #[default]
        Direct = "direct",
        /// ureq when blocking, reqwest when async.
        Library = "library",
    }
}

impl ClientKind {
    pub fn about(self) -> &'static str {
        match self {
            ClientKind::Direct => {
                "the project's own HTTP/1.1 client: std sockets when blocking, tokio sockets when \
                 async, the same buffers and parser (models differ only as models)"
            }
            ClientKind::Library => {
                "ureq when blocking, reqwest when async: what a typical application adds on top"
            }
        }
    }

    /// Memory one request in flight holds on this client, bytes, made from a blocking thread or
    /// process or from a task on a loop; Python's models use their own libraries whatever it is.
    pub fn bytes_per_request(self, blocking: bool, python: bool) -> u64 {
        match (self, python, blocking) {
            (_, true, _) => PY_CONNECTION,
            (ClientKind::Direct, ..) => CONNECTION_DIRECT,
            (ClientKind::Library, _, true) => CONNECTION_UREQ,
            (ClientKind::Library, _, false) => CONNECTION_REQWEST,
        }
    }
}

/// Upper bounds above what was measured (peak RSS growth per request in flight, release build, on the
/// Intel Xeon VM of 2026-12-05; tests/capacity.rs measures the Rust ones again), kernel's share added.
/// A request in flight on the project's own client: 1.35 KiB of RSS measured (4,000 connections from
/// async tasks), a socket at each end of loopback in the kernel.
const CONNECTION_DIRECT: u64 = 8 * 1024;

/// A request in flight on ureq: 229 KiB of RSS measured (2,000 threads; its 128 KiB input and output
/// buffers), the sockets, the resolver thread a global timeout starts.
const CONNECTION_UREQ: u64 = 320 * 1024;

/// A request in flight on reqwest: 22.3 KiB of RSS measured (4,000 connections), the sockets.
const CONNECTION_REQWEST: u64 = 48 * 1024;

/// A request in flight from Python (requests or aiohttp): 13.8 KiB measured per asyncio task with its
/// connection, 26.6 KiB per thread with its connection.
const PY_CONNECTION: u64 = 64 * 1024;

/// A boxed future of one GET, as [`HttpClient::get_async`] returns it.
pub type GetFuture<'a> = Pin<Box<dyn Future<Output = Answer> + Send + 'a>>;

/// One way of making the GET of an `io` task. Both faces return the body's length on a 2xx answer whose
/// body was read in full. The request names its task and attempt (`X-Task`, `X-Attempt`), the same in
/// every model, so that a misbehaving server draws the same fate for the same try whichever model asks.
pub trait HttpClient: Send + Sync {
    /// One GET, blocking this thread. A [`Cancel`] in `req` can end it from another thread.
    fn get_blocking(&self, req: Req<'_>) -> Answer;
    /// One GET as a future on the caller's tokio runtime; dropping it closes its connection.
    fn get_async(&self, req: Req<'_>) -> GetFuture<'_>;
    /// Whether a blocking request of this client can be ended by its [`Cancel`] (a hedge's loser).
    fn cancels_blocking(&self) -> bool {
        false
    }
}

/// One try of a task's GET.
#[derive(Debug, Clone, Copy, Default)]
pub struct Req<'a> {
    /// The task's number, 0..N.
    pub task: u64,
    /// 0 for the first try; retries and hedges count up.
    pub attempt: u32,
    /// Where a blocking request registers its connection, so a hedge that won can close it.
    pub cancel: Option<&'a Cancel>,
}

impl<'a> Req<'a> {
    pub fn first(task: u64) -> Req<'static> {
        Req {
            task,
            attempt: 0,
            cancel: None,
        }
    }

    /// The same task's try number `attempt`.
    pub fn try_number(self, attempt: u32) -> Req<'a> {
        Req { attempt, ..self }
    }
}

/// A GET that failed: why, and when the server said to come back (a 429's `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub retry_after: Option<std::time::Duration>,
}

impl From<FailureKind> for Failure {
    fn from(kind: FailureKind) -> Failure {
        Failure {
            kind,
            retry_after: None,
        }
    }
}

/// What one GET came to: the body's length, or why not.
pub type Answer = Result<u64, Failure>;

/// The failure a non-2xx status is: `refused` for a 429, with its `Retry-After`, `status` otherwise.
pub fn status_failure(status: u16, retry_after: Option<u32>) -> Failure {
    match status {
        429 => Failure {
            kind: FailureKind::Refused,
            retry_after: retry_after.map(|s| std::time::Duration::from_secs(s.into())),
        },
        _ => FailureKind::Status.into(),
    }
}

/// The way to end a blocking request from another thread: it registers its socket here once
/// connected, and [`Cancel::cancel`] shuts that socket down (its read returns at once), or stops a
/// request not yet connected from starting.
#[derive(Debug, Default)]
pub struct Cancel {
    state: std::sync::Mutex<(bool, Option<std::net::TcpStream>)>,
}

impl Cancel {
    /// Register the request's connection; false when it was cancelled already (the caller gives up).
    pub fn register(&self, stream: &std::net::TcpStream) -> bool {
        let mut state = self.state.lock().unwrap();
        if state.0 {
            return false;
        }
        state.1 = stream.try_clone().ok();
        true
    }

    pub fn cancel(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 = true;
        if let Some(s) = state.1.take() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    pub fn cancelled(&self) -> bool {
        self.state.lock().unwrap().0
    }
}

/// The headers naming a request's task and its try (the server reads a missing `X-Attempt` as 0).
pub const TASK_HEADER: &str = "X-Task";
pub const ATTEMPT_HEADER: &str = "X-Attempt";

/// What a client is built for: one URL, requested again and again.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The full URL requested (server base + path).
    pub url: String,
    /// Reuse connections between requests instead of one per request.
    pub keep_alive: bool,
    /// A request with no complete answer after this long fails as `timeout`.
    pub timeout: std::time::Duration,
    /// Loopback source addresses the direct client spreads its connections over (see [`sources`]);
    /// 1 = the kernel's choice. The library clients always let the kernel choose.
    pub sources: usize,
}

/// Build the client `kind` for these options; this is case setup, timed apart from the makespan.
pub fn build(kind: ClientKind, opts: &Options) -> anyhow::Result<Box<dyn HttpClient>> {
    Ok(match kind {
        ClientKind::Direct => Box::new(Direct::new(opts)?),
        ClientKind::Library => Box::new(Library::new(opts)?),
    })
}

/// Where the direct client connects and what it sends, worked out once per case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The server's socket address, resolved at construction.
    pub addr: SocketAddr,
    /// The request head up to its task header, byte for byte.
    pub request: Box<[u8]>,
    /// Each request asks the server for its stamps (the ledger on when the target was made).
    pub ask_stamps: bool,
}

/// The longest request tail [`Target::request_for`] appends: both headers at their longest, the
/// ledger's ask, CRLF CRLF.
const MAX_TAIL: usize = 8 + 20 + 2 + 11 + 10 + 2 + 21 + 4;

impl Target {
    /// The whole request of one try: the prebuilt head, its `X-Task` line (10 to 30 bytes), past the
    /// first try its `X-Attempt` line, and while the ledger is on the line asking the server for its
    /// stamps, in one buffer so that each request is still one write; one small allocation, beside a
    /// connect.
    pub fn request_for(&self, req: Req<'_>) -> Vec<u8> {
        use std::io::Write;
        let mut out = Vec::with_capacity(self.request.len() + MAX_TAIL);
        out.extend_from_slice(&self.request);
        let _ = write!(out, "{TASK_HEADER}: {}\r\n", req.task);
        if req.attempt > 0 {
            let _ = write!(out, "{ATTEMPT_HEADER}: {}\r\n", req.attempt);
        }
        if self.ask_stamps {
            let _ = write!(out, "{}: 1\r\n", crate::ledger::marks::ASK_HEADER);
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

impl Target {
    /// Parse `http://HOST[:PORT][/PATH]`. HOST is an IP literal or `localhost`: the harness only ever
    /// targets loopback, and resolving a name per request would be measured as the model's cost.
    pub fn parse(url: &str, keep_alive: bool) -> anyhow::Result<Target> {
        let rest = url
            .strip_prefix("http://")
            .with_context(|| format!("{url:?}: the direct client speaks plain http:// only"))?;
        // The fragment is never sent; the query is part of the request target.
        let rest = rest.split('#').next().unwrap_or_default();
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        let path = match path.chars().next() {
            None => "/".to_string(),
            Some('?') => format!("/{path}"),
            Some(_) => path.to_string(),
        };
        if path.bytes().any(|b| b <= b' ' || b == 0x7f) {
            bail!("{url:?}: the path has spaces or control characters; percent-encode them");
        }
        let addr = authority_addr(authority).with_context(|| format!("{url:?}"))?;
        let connection = if keep_alive { "keep-alive" } else { "close" };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: concbench\r\n\
             Connection: {connection}\r\n"
        );
        Ok(Target {
            addr,
            request: request.into_bytes().into_boxed_slice(),
            ask_stamps: crate::ledger::enabled(),
        })
    }
}

fn authority_addr(authority: &str) -> anyhow::Result<SocketAddr> {
    if authority.contains('@') {
        bail!("user info in the URL is not supported");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .context("an IPv6 host needs its closing ']'")?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').context("expected ':PORT' after ']'")?),
        };
        (host, port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    // An empty port means the default (RFC 3986 §3.2.3).
    let port = match port.filter(|p| !p.is_empty()) {
        None => 80,
        Some(p) => p
            .parse::<u16>()
            .with_context(|| format!("port {p:?} is not a number in 0..=65535"))?,
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    if host.eq_ignore_ascii_case("localhost") {
        let addrs: Vec<SocketAddr> = ("localhost", port)
            .to_socket_addrs()
            .context("cannot resolve localhost")?
            .collect();
        // The slow server listens on 127.0.0.1; `localhost` may list ::1 first, which would refuse.
        return Ok(addrs
            .iter()
            .find(|a| a.is_ipv4())
            .or(addrs.first())
            .copied()
            .unwrap_or(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)));
    }
    bail!(
        "host {host:?}: the direct client takes an IP address or localhost \
         (use --client library for names)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without the ledger's line, whatever the process's switch says (tests run side by side).
    fn request(t: &Target) -> String {
        let t = Target {
            ask_stamps: false,
            ..t.clone()
        };
        String::from_utf8(t.request_for(Req::first(17))).unwrap()
    }

    #[test]
    fn a_later_try_names_itself_and_the_longest_fits_its_buffer() {
        let t = Target {
            ask_stamps: true,
            ..Target::parse("http://127.0.0.1:8000/", false).unwrap()
        };
        let r = t.request_for(Req::first(17).try_number(2));
        assert!(String::from_utf8(r)
            .unwrap()
            .ends_with("X-Task: 17\r\nX-Attempt: 2\r\nx-concbench-ledger: 1\r\n\r\n"));
        let longest = t.request_for(Req::first(u64::MAX).try_number(u32::MAX));
        assert_eq!(longest.len(), t.request.len() + MAX_TAIL);
    }

    #[test]
    fn parses_ipv4_with_port_and_path() {
        let t = Target::parse("http://127.0.0.1:8000/delay/5", false).unwrap();
        assert_eq!(t.addr, "127.0.0.1:8000".parse().unwrap());
        assert_eq!(
            request(&t),
            "GET /delay/5 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: concbench\r\n\
             Connection: close\r\nX-Task: 17\r\n\r\n"
        );
    }

    #[test]
    fn keep_alive_asks_for_it() {
        let t = Target::parse("http://127.0.0.1:1/", true).unwrap();
        assert!(request(&t).contains("\r\nConnection: keep-alive\r\n"));
    }

    #[test]
    fn empty_path_is_root_and_query_is_kept_and_fragment_dropped() {
        let t = Target::parse("http://127.0.0.1:9", false).unwrap();
        assert!(request(&t).starts_with("GET / HTTP/1.1\r\n"));
        let t = Target::parse("http://127.0.0.1:9?a=1#frag", false).unwrap();
        assert!(request(&t).starts_with("GET /?a=1 HTTP/1.1\r\n"));
    }

    #[test]
    fn ipv6_localhost_and_default_port() {
        let t = Target::parse("http://[::1]:8080/x", false).unwrap();
        assert_eq!(t.addr, "[::1]:8080".parse().unwrap());
        assert!(request(&t).contains("\r\nHost: [::1]:8080\r\n"));
        let t = Target::parse("http://[::1]/", false).unwrap();
        assert_eq!(t.addr.port(), 80);
        let t = Target::parse("http://localhost:7/", false).unwrap();
        assert!(t.addr.ip().is_loopback());
        assert_eq!(t.addr.port(), 7);
    }

    #[test]
    fn refuses_what_it_cannot_do_honestly() {
        for url in [
            "https://127.0.0.1/",
            "http://example.com/",
            "http://127.0.0.1:99999/",
            "http://user@127.0.0.1/",
            "http://[::1/",
            "http://127.0.0.1/a b",
        ] {
            assert!(Target::parse(url, false).is_err(), "{url} was accepted");
        }
    }

    #[test]
    fn kind_names_round_trip_through_serde() {
        for kind in ClientKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<ClientKind>(&json).unwrap(), kind);
        }
        assert_eq!(ClientKind::default(), ClientKind::Direct);
    }
}
