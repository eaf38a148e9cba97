//! The direct client's face on may's stackful coroutines, for the `coroutines` model: blocking-style
//! code (connect, write, read in a loop) on may's sockets, which park the coroutine instead of its
//! thread. The same prebuilt request, [`ResponseReader`] and failure mapping as the other faces; the
//! time left before the request's deadline is each call's socket timeout, as in the blocking face.
//!
//! may's sockets connect only from the kernel's choice of source address: the harness's spread over
//! 127.0.0.x (beyond 5,000 connections) is not made here, so this face reaches the one address's
//! ~28,000 ephemeral ports at most. The ledger's request marks are not taken.

use super::direct::{connect_failure, outcome, step, READ_BUF};
use super::plain::Plain;
use super::response::{Progress, ResponseReader};
use super::{Answer, Req};
use crate::names::FailureKind;
use std::io::{ErrorKind, Read, Write};
use std::time::Instant;

impl Plain {
    /// One GET from the may coroutine the caller runs in, within the client's timeout.
    pub fn get_coroutine(&self, req: Req<'_>) -> Answer {
        let deadline = Instant::now() + self.timeout;
        let left = || {
            let left = deadline.saturating_duration_since(Instant::now());
            (!left.is_zero())
                .then_some(left)
                .ok_or(FailureKind::Timeout)
        };
        let mut stream = may::net::TcpStream::connect_timeout(&self.target.addr, left()?)
            .map_err(|e| connect_failure(&e))?;
        let broke = |e: std::io::Error| match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => FailureKind::Timeout,
            _ if Instant::now() >= deadline => FailureKind::Timeout,
            _ => FailureKind::Io,
        };
        stream.set_write_timeout(Some(left()?)).map_err(broke)?;
        stream
            .write_all(&self.target.request_for(req))
            .map_err(broke)?;
        let mut reader = ResponseReader::new();
        let mut buf = [0u8; READ_BUF];
        loop {
            stream.set_read_timeout(Some(left()?)).map_err(broke)?;
            let n = match stream.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(broke(e).into()),
            };
            match step(&mut reader, &buf[..n]) {
                Ok(Progress::NeedMore) => {}
                Ok(Progress::Done(resp)) => return outcome(&resp),
                Err(bad) => return Err(FailureKind::from(bad).into()),
            }
        }
    }
}
