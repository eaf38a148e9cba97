//! The direct client: one GET over a plain TCP connection, as a blocking call (std sockets, with the
//! time left before the request's deadline as socket timeouts: no helper thread, no resolver) and as a
//! future (tokio sockets, the whole request under one `tokio::time::timeout`). Both faces write the
//! same prebuilt request (with the try's `X-Task` and `X-Attempt` lines), read through the same 1 KiB
//! buffer into the same [`ResponseReader`], and map failures the same way (a 429 is `refused`, with
//! its `Retry-After`), so a difference between a blocking and an async model is the models'. Both
//! connect from the case's [`Sources`]: one loopback address up to 5,000 connections, more beyond.
//!
//! One connection per request by default (`Connection: close`). With keep-alive each face keeps the
//! connections the server left open in its own idle list; a request that fails on a reused connection
//! before any response byte came (the server closed it while idle) goes again once on a fresh one.
//! A blocking request registers its socket with its [`Cancel`], when it has one, so a hedge that won
//! can shut it down from another thread.

use super::response::{BadResponse, Progress, Response, ResponseReader};
use super::sources::Sources;
use super::Options;
use super::{status_failure, Answer, Cancel, Failure, GetFuture, HttpClient, Req, Target};
use crate::ledger::{clock::now_ns, CallMarks};
use crate::names::FailureKind;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// Bytes read per read call, the same for both faces. The slow server's answer (about 150 bytes) fits
/// in one read; a larger one only takes more reads. The async face fills it only once the socket is
/// readable, so it lives on the stack of that poll and never in the task: at 10,000 tasks a 4 KiB
/// buffer held across the wait was 40 MB of the case's peak RSS.
pub(super) const READ_BUF: usize = 1024;

pub struct Direct {
    target: Target,
    sources: Sources,
    timeout: Duration,
    keep_alive: bool,
    idle_blocking: Mutex<Vec<TcpStream>>,
    /// Idle async connections stay registered with the reactor that used them: moving them out and
    /// back in (into_std / from_std) cost an epoll_ctl DEL and ADD per request. A connection kept past
    /// its runtime (criterion builds one per iteration) fails its next write with the reactor gone,
    /// before any answer, and the request goes again on a fresh connection, as for one the server closed.
    idle_async: Mutex<Vec<tokio::net::TcpStream>>,
}

/// A request that failed, and whether retrying it on a fresh connection is safe.
struct Failed {
    failure: Failure,
    /// Some response byte had arrived: the server may have acted on the request.
    answered: bool,
}

impl Failed {
    fn before_answer(kind: FailureKind) -> Failed {
        Failed {
            failure: kind.into(),
            answered: false,
        }
    }

    /// A reused connection that broke before any answer was most likely closed by the server while
    /// idle; a timeout is not retried because the deadline covers the whole request.
    fn stale(&self) -> bool {
        self.failure.kind == FailureKind::Io && !self.answered
    }
}

impl Direct {
    pub fn new(opts: &Options) -> anyhow::Result<Direct> {
        let target = Target::parse(&opts.url, opts.keep_alive)?;
        Ok(Direct {
            sources: Sources::new(opts.sources, target.addr.ip()),
            target,
            timeout: opts.timeout,
            keep_alive: opts.keep_alive,
            idle_blocking: Mutex::new(Vec::new()),
            idle_async: Mutex::new(Vec::new()),
        })
    }

    fn take_idle<S>(&self, idle: &Mutex<Vec<S>>) -> Option<S> {
        if !self.keep_alive {
            return None;
        }
        idle.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    fn put_idle<S>(&self, idle: &Mutex<Vec<S>>, stream: S) {
        idle.lock().unwrap_or_else(|p| p.into_inner()).push(stream);
    }

    /// Whether the connection of a complete answer goes back to the idle list.
    fn keep(&self, resp: &Response) -> bool {
        self.keep_alive && !resp.close
    }

    fn get_blocking_inner(
        &self,
        request: &[u8],
        deadline: Instant,
        cancel: Option<&Cancel>,
        marks: &mut Marks,
    ) -> Answer {
        let mut buf = [0u8; READ_BUF];
        // A cancelled request stops before its next step: its hedge has won.
        let go_on = |stream: &TcpStream| cancel.is_none_or(|c| c.register(stream));
        marks.connecting();
        if let Some(stream) = self.take_idle(&self.idle_blocking) {
            if !go_on(&stream) {
                return Err(FailureKind::Io.into());
            }
            marks.connected();
            match self.exchange_blocking(stream, request, deadline, &mut buf, marks) {
                Err(f) if f.stale() => marks.connecting(),
                done => return done.map_err(|f| f.failure),
            }
        }
        let left = remaining(deadline)?;
        let stream = self
            .sources
            .connect_blocking(self.target.addr, left)
            .map_err(|e| connect_failure(&e))?;
        marks.connected();
        if !go_on(&stream) {
            return Err(FailureKind::Io.into());
        }
        self.exchange_blocking(stream, request, deadline, &mut buf, marks)
            .map_err(|f| f.failure)
    }

    fn exchange_blocking(
        &self,
        mut stream: TcpStream,
        request: &[u8],
        deadline: Instant,
        buf: &mut [u8; READ_BUF],
        marks: &mut Marks,
    ) -> Result<u64, Failed> {
        let left = remaining(deadline).map_err(Failed::before_answer)?;
        // The socket timeouts bound each call, so each is set to what is left of the whole request.
        stream
            .set_write_timeout(Some(left))
            .and_then(|()| stream.set_read_timeout(Some(left)))
            .map_err(|e| Failed::before_answer(io_failure(&e, deadline)))?;
        stream
            .write_all(request)
            .map_err(|e| Failed::before_answer(io_failure(&e, deadline)))?;
        marks.written();
        let mut reader = ResponseReader::new();
        let mut first = true;
        loop {
            if !first {
                let left = remaining(deadline).map_err(|kind| failed(kind, &reader))?;
                stream
                    .set_read_timeout(Some(left))
                    .map_err(|e| failed(io_failure(&e, deadline), &reader))?;
            }
            first = false;
            let n = match stream.read(buf) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(failed(io_failure(&e, deadline), &reader)),
            };
            marks.read(n);
            match step(&mut reader, &buf[..n]) {
                Ok(Progress::NeedMore) => {}
                Ok(Progress::Done(resp)) => {
                    marks.answered(&resp);
                    if self.keep(&resp) {
                        self.put_idle(&self.idle_blocking, stream);
                    }
                    return outcome(&resp).map_err(|f| failed(f, &reader));
                }
                Err(bad) => return Err(failed(FailureKind::from(bad), &reader)),
            }
        }
    }

    async fn get_async_inner(&self, request: &[u8], marks: &mut Marks) -> Answer {
        marks.connecting();
        if let Some(stream) = self.take_idle(&self.idle_async) {
            marks.connected();
            match self.exchange_async(stream, request, marks).await {
                Err(f) if f.stale() => marks.connecting(),
                done => return done.map_err(|f| f.failure),
            }
        }
        let stream = self
            .sources
            .connect_async(self.target.addr)
            .await
            .map_err(|e| connect_failure(&e))?;
        marks.connected();
        self.exchange_async(stream, request, marks)
            .await
            .map_err(|f| f.failure)
    }

    async fn exchange_async(
        &self,
        mut stream: tokio::net::TcpStream,
        request: &[u8],
        marks: &mut Marks,
    ) -> Result<u64, Failed> {
        // Timeouts come from the one `tokio::time::timeout` around the whole request, so an error here
        // is never one.
        stream
            .write_all(request)
            .await
            .map_err(|_| Failed::before_answer(FailureKind::Io))?;
        marks.written();
        let mut reader = ResponseReader::new();
        loop {
            stream
                .readable()
                .await
                .map_err(|_| failed(FailureKind::Io, &reader))?;
            // Declared after the wait, so it is not part of the task's state (see READ_BUF).
            let mut buf = [0u8; READ_BUF];
            let n = match stream.try_read(&mut buf) {
                Ok(n) => n,
                // Readiness can be stale (another wake, a spurious event): wait again.
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
                    continue
                }
                Err(_) => return Err(failed(FailureKind::Io, &reader)),
            };
            marks.read(n);
            match step(&mut reader, &buf[..n]) {
                Ok(Progress::NeedMore) => {}
                Ok(Progress::Done(resp)) => {
                    marks.answered(&resp);
                    if self.keep(&resp) {
                        self.put_idle(&self.idle_async, stream);
                    }
                    return outcome(&resp).map_err(|kind| failed(kind, &reader));
                }
                Err(bad) => return Err(failed(FailureKind::from(bad), &reader)),
            }
        }
    }
}

impl HttpClient for Direct {
    fn get_blocking(&self, req: Req<'_>) -> Answer {
        let deadline = Instant::now() + self.timeout;
        let mut marks = Marks::new();
        let answer = self.get_blocking_inner(
            &self.target.request_for(req),
            deadline,
            req.cancel,
            &mut marks,
        );
        marks.publish();
        answer
    }

    fn get_async(&self, req: Req<'_>) -> GetFuture<'_> {
        let request = self.target.request_for(req);
        Box::pin(async move {
            let mut marks = Marks::new();
            let answer =
                tokio::time::timeout(self.timeout, self.get_async_inner(&request, &mut marks))
                    .await
                    .unwrap_or(Err(FailureKind::Timeout.into()));
            // In the poll that resumes the awaiting task: it takes them on this thread.
            marks.publish();
            answer
        })
    }

    fn cancels_blocking(&self) -> bool {
        true
    }
}

/// A request's marks for the ledger, taken only while it is on (a clock read each, ~20 ns through
/// the vDSO) and published to the task's thread when the request ends.
struct Marks {
    on: bool,
    call: CallMarks,
}

impl Marks {
    fn new() -> Marks {
        Marks {
            on: crate::ledger::enabled(),
            call: CallMarks::default(),
        }
    }

    fn now(&self) -> u64 {
        if self.on {
            now_ns()
        } else {
            0
        }
    }

    /// Connecting begins (or a kept connection is taken; again when it turned out stale).
    fn connecting(&mut self) {
        self.call = CallMarks {
            connect_ns: self.now(),
            ..CallMarks::default()
        };
    }

    fn connected(&mut self) {
        self.call.connected_ns = self.now();
    }

    fn written(&mut self) {
        self.call.written_ns = self.now();
    }

    /// A read of `n` bytes: the first that brought any is the answer's first byte.
    fn read(&mut self, n: usize) {
        if n > 0 && self.call.first_byte_ns == 0 {
            self.call.first_byte_ns = self.now();
        }
    }

    fn answered(&mut self, resp: &Response) {
        self.call.last_byte_ns = self.now();
        self.call.server = resp.stamp;
    }

    fn publish(self) {
        if self.on {
            crate::ledger::marks::publish(self.call);
        }
    }
}

/// One read's worth of bytes into the reader; an empty read is the end of the connection.
pub(super) fn step(reader: &mut ResponseReader, bytes: &[u8]) -> Result<Progress, BadResponse> {
    if bytes.is_empty() {
        reader.eof().map(Progress::Done)
    } else {
        reader.feed(bytes)
    }
}

/// A complete answer succeeds only if it is 2xx; its body has been read in full either way.
pub(super) fn outcome(resp: &Response) -> Answer {
    if (200..300).contains(&resp.status) {
        Ok(resp.body_len)
    } else {
        Err(status_failure(resp.status, resp.retry_after))
    }
}

fn failed(failure: impl Into<Failure>, reader: &ResponseReader) -> Failed {
    Failed {
        failure: failure.into(),
        answered: reader.received_any(),
    }
}

/// Time left before the deadline, or `timeout` once there is none: a zero socket timeout would mean
/// "wait forever" to the kernel, and std refuses it.
fn remaining(deadline: Instant) -> Result<Duration, FailureKind> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(FailureKind::Timeout)
    } else {
        Ok(left)
    }
}

/// Any failure to connect is `connect`, except running out of time.
pub(super) fn connect_failure(e: &std::io::Error) -> FailureKind {
    match e.kind() {
        ErrorKind::TimedOut => FailureKind::Timeout,
        _ => FailureKind::Connect,
    }
}

/// A blocking read or write that failed: an expired socket timeout shows as `WouldBlock` (EAGAIN) on
/// Linux; anything else, unless the deadline has passed meanwhile, is a broken connection.
fn io_failure(e: &std::io::Error, deadline: Instant) -> FailureKind {
    match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => FailureKind::Timeout,
        _ if Instant::now() >= deadline => FailureKind::Timeout,
        _ => FailureKind::Io,
    }
}
