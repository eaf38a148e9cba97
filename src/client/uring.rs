//! The direct client's face on io_uring (compio's runtime), for the `async-uring` model, whose event
//! loop is not tokio's and so cannot poll the tokio face. It sends the same prebuilt request
//! ([`Target::request_for`]), from the same [`Sources`], reads into the same [`ResponseReader`] and maps
//! failures the same way (a 429 is `refused`), so a difference from `async-single` is the runtime's.
//!
//! Only the plain GET: one connection per request, no retries, no hedge (the client policy is
//! tokio's). A completion-based read owns its buffer while the kernel fills it, so each request in
//! flight holds its 1 KiB buffer across the server's wait, where the tokio face reads into the
//! stack only once the socket is readable: that is io_uring's shape, and it is measured as such.
//! The ledger's request marks are not taken here.

use super::direct::{connect_failure, outcome, step, READ_BUF};
use super::plain::Plain;
use super::response::{Progress, ResponseReader};
use super::sources::bind_no_port;
use super::{Answer, Req};
use crate::names::FailureKind;
use compio::io::{AsyncRead, AsyncWriteExt};

impl Plain {
    /// One GET on the compio runtime the caller runs in, within the client's timeout.
    pub async fn get_uring(&self, req: Req<'_>) -> Answer {
        let request = self.target.request_for(req);
        compio::time::timeout(self.timeout, self.exchange_uring(request))
            .await
            .unwrap_or(Err(FailureKind::Timeout.into()))
    }

    async fn exchange_uring(&self, request: Vec<u8>) -> Answer {
        let mut stream = self
            .connect_uring()
            .await
            .map_err(|e| connect_failure(&e))?;
        let compio::BufResult(written, _) = stream.write_all(request).await;
        written.map_err(|_| FailureKind::Io)?;
        let mut reader = ResponseReader::new();
        let mut buf = Vec::with_capacity(READ_BUF);
        loop {
            buf.clear();
            let compio::BufResult(read, back) = stream.read(buf).await;
            buf = back;
            read.map_err(|_| FailureKind::Io)?;
            match step(&mut reader, &buf) {
                Ok(Progress::NeedMore) => {}
                Ok(Progress::Done(resp)) => return outcome(&resp),
                Err(bad) => return Err(FailureKind::from(bad).into()),
            }
        }
    }

    async fn connect_uring(&self) -> std::io::Result<compio::net::TcpStream> {
        let Some(from) = self.sources.pick() else {
            return compio::net::TcpStream::connect(self.target.addr).await;
        };
        let socket = compio::net::TcpSocket::new_v4().await?;
        bind_no_port(&socket, from)?;
        socket.connect(self.target.addr).await
    }
}
