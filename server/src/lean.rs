//! Unbounded mode's connection handler: a small HTTP/1.1 loop on `httparse` instead of hyper, because at
//! 10,000 fresh connections the server's CPU per request shares two cores with the client being
//! measured. Per connection it costs the socket's own system calls (read, write, close) and two heap
//! buffers at most: the head is parsed where it was read, a whole answer goes out in one write, and
//! hyper's per-connection machinery (dispatcher, read and write buffers, shutdown before close) is gone.
//! It answers like the hyper path of worker mode: the same routes and bodies, keep-alive unless the
//! client says close (or speaks HTTP/1.0 without keep-alive), 400 for a malformed head or a body whose
//! length is unclear (hyper's framing rules), 431 for one over 16 KiB, and a head not complete within
//! the head timeout ends the connection. Keep-alive is the one thing worker mode does not do, and it
//! costs one more rule: the next request starts after this one's body, so a body that has not all
//! arrived within the body timeout after the answer ends the connection instead of holding it. The
//! misbehaviour (see `misbehave`) is the same as in worker mode: the request's `X-Task` keys its draws,
//! a refusal carries `Retry-After`, and a reset closes the socket with SO_LINGER 0 instead of answering.
//! It does not watch the connection during the delay, so a client gone meanwhile is not `cancelled`.

use crate::config::MAX_HEAD_BYTES;
use crate::draw::{key_from_headers, RequestKey};
use crate::misbehave::linger_zero;
use crate::routes::{self, Answer, Route};
use crate::serve::Shared;
use crate::stamp::{self, Accepted, Stamp};
use hyper::StatusCode;
use std::io::ErrorKind;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// Bytes read per call: a request head of a benchmark client is ~100 bytes.
const READ_BUF: usize = 1024;
/// Headers parsed per request; more is answered 431, as hyper does.
const MAX_HEADERS: usize = 32;

/// What the head of one request says.
struct Head {
    /// Bytes of the head, the blank line included.
    len: usize,
    route: Route,
    /// Who the request says it is (`X-Task`), for the misbehaviour's draws.
    key: Option<RequestKey>,
    keep_alive: bool,
    /// The request asks for the ledger's stamps (`X-Concbench-Ledger`).
    stamped: bool,
    /// Body bytes that follow the head (Content-Length), skipped before the next request.
    body: u64,
    /// A body whose length the head does not give (Transfer-Encoding): answered, then the connection
    /// closes, since the next request's start cannot be found.
    unframed: bool,
}

/// Serve every request of one connection; returns when the client or a rule closes it.
/// `accepted`: when accept() returned the connection (a kept connection's later requests say the same).
pub async fn serve(mut stream: TcpStream, shared: &Shared, accepted: Accepted) {
    let config = &shared.config;
    let _ = stream.set_nodelay(true);
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let head = match tokio::time::timeout(
            config.head_timeout,
            read_head(&stream, &mut pending, config.delay),
        )
        .await
        {
            Err(_) | Ok(Ok(None)) => return,
            Ok(Err(refused)) => {
                let _ = stream.write_all(&refused).await;
                let _ = stream.shutdown().await;
                return;
            }
            Ok(Ok(Some(head))) => head,
        };
        pending.drain(..head.len);
        let read_ns = stamp::now_ns();
        let (status, body, retry_after) =
            match routes::answer(head.route, head.key, &shared.stats, &shared.misbehaviour).await {
                Answer::Respond {
                    status,
                    body,
                    retry_after,
                } => (status, body, retry_after),
                Answer::Reset => {
                    use std::os::fd::AsRawFd;
                    linger_zero(stream.as_raw_fd());
                    return;
                }
            };
        let stamp = head.stamped.then(|| Stamp {
            worker: accepted.worker,
            accepted_ns: accepted.at_ns,
            read_ns,
            replied_ns: stamp::now_ns(),
        });
        let close = !head.keep_alive || head.unframed;
        let answer = response(status, &body, close, retry_after, stamp);
        let sent = if close {
            send_last(&stream, &answer)
        } else {
            0
        };
        if stream.write_all(&answer[sent..]).await.is_err() {
            return;
        }
        if close {
            // A body never read would turn the close into a reset that can destroy the answer.
            if head.unframed || head.body > 0 {
                let _ = stream.shutdown().await;
            }
            return;
        }
        // Without a bound, a body declared and never sent (Content-Length: 10¹²) would hold the
        // connection, its descriptor and its task for as long as the client liked.
        let skipped = tokio::time::timeout(
            config.body_timeout,
            skip_body(&stream, &mut pending, head.body),
        )
        .await;
        match skipped {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return,
            Err(_) => {
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

/// Send as much of a connection's last answer as the socket takes now, with MSG_MORE: the data waits in
/// the send queue, and the close that follows tacks the FIN onto the same segment, which spares the
/// kernel one segment per connection to send, and the client one to receive and acknowledge (on
/// loopback the sender pays for both). Returns the bytes sent; the caller writes the rest, if any.
fn send_last(stream: &TcpStream, bytes: &[u8]) -> usize {
    use std::os::fd::AsRawFd;
    let fd = stream.as_raw_fd();
    stream
        .try_io(tokio::io::Interest::WRITABLE, || {
            // SAFETY: send reads `bytes` for its length from a slice we hold; the descriptor is the
            // stream's, open for as long as `stream` lives.
            let n = unsafe {
                libc::send(
                    fd,
                    bytes.as_ptr().cast(),
                    bytes.len(),
                    libc::MSG_MORE | libc::MSG_NOSIGNAL,
                )
            };
            if n < 0 {
                Err(std::io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        })
        .unwrap_or(0)
}

/// Read until `pending` holds a whole head; Ok(None) when the client closed between requests, Err with
/// the answer to send when the head is refused.
async fn read_head(
    stream: &TcpStream,
    pending: &mut Vec<u8>,
    delay: Duration,
) -> Result<Option<Head>, Vec<u8>> {
    loop {
        if !pending.is_empty() {
            match parse(pending, delay) {
                Ok(Some(head)) => return Ok(Some(head)),
                Ok(None) if pending.len() >= MAX_HEAD_BYTES => {
                    return Err(refusal(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE))
                }
                Ok(None) => {}
                Err(status) => return Err(refusal(status)),
            }
        }
        match read_some(stream, pending).await {
            Ok(0) if pending.is_empty() => return Ok(None),
            Ok(0) => return Err(refusal(StatusCode::BAD_REQUEST)),
            Ok(_) => {}
            Err(_) => return Ok(None),
        }
    }
}

/// One read appended to `pending`; the buffer is on this poll's stack, never in the task.
async fn read_some(stream: &TcpStream, pending: &mut Vec<u8>) -> std::io::Result<usize> {
    loop {
        stream.readable().await?;
        let mut buf = [0u8; READ_BUF];
        match stream.try_read(&mut buf) {
            Ok(n) => {
                pending.extend_from_slice(&buf[..n]);
                return Ok(n);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {}
            Err(e) => return Err(e),
        }
    }
}

/// Drop `len` body bytes, those already read first.
async fn skip_body(stream: &TcpStream, pending: &mut Vec<u8>, len: u64) -> std::io::Result<()> {
    let mut left = len;
    loop {
        let here = left.min(pending.len() as u64) as usize;
        pending.drain(..here);
        left -= here as u64;
        if left == 0 {
            return Ok(());
        }
        if read_some(stream, pending).await? == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
    }
}

/// Parse a head from the start of `bytes`: Ok(None) while it is incomplete, Err(status) when it is
/// refused.
fn parse(bytes: &[u8], delay: Duration) -> Result<Option<Head>, StatusCode> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(&bytes[..bytes.len().min(MAX_HEAD_BYTES)]) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        }
        Err(_) => return Err(StatusCode::BAD_REQUEST),
    };
    let (method, target) = (req.method.unwrap_or(""), req.path.unwrap_or("/"));
    let path = target.split('?').next().unwrap_or(target);
    let http11 = req.version == Some(1);
    let mut keep_alive = http11;
    // Framing as hyper reads it (RFC 9112 §6.3), so both modes refuse the same requests: lengths must
    // agree, and a Transfer-Encoding (HTTP/1.1 only) must end in chunked and overrides any length.
    let (mut length, mut unframed, mut chunked) = (None::<u64>, false, false);
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("connection") {
            for token in String::from_utf8_lossy(h.value).split(',') {
                match token.trim().to_ascii_lowercase().as_str() {
                    "close" => keep_alive = false,
                    "keep-alive" if !http11 => keep_alive = true,
                    _ => {}
                }
            }
        } else if h.name.eq_ignore_ascii_case("content-length") && !unframed {
            for value in h.value.split(|&b| b == b',') {
                let n = digits(value.trim_ascii()).ok_or(StatusCode::BAD_REQUEST)?;
                if length.is_some_and(|before| before != n) {
                    return Err(StatusCode::BAD_REQUEST);
                }
                length = Some(n);
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            if !http11 {
                return Err(StatusCode::BAD_REQUEST);
            }
            unframed = true;
            length = None;
            chunked = h
                .value
                .rsplit(|&b| b == b',')
                .next()
                .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        }
    }
    if unframed && !chunked {
        return Err(StatusCode::BAD_REQUEST);
    }
    let body = length.unwrap_or(0);
    let key = key_from_headers(req.headers.iter().map(|h| (h.name, h.value)));
    let stamped = stamp::asked(req.headers.iter().map(|h| (h.name, h.value)));
    Ok(Some(Head {
        len,
        route: routes::route_parts(method, path, delay),
        key,
        keep_alive,
        stamped,
        body,
        unframed,
    }))
}

/// A Content-Length value: decimal digits only (no sign, no space inside), as hyper accepts.
fn digits(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |n, &b| {
        b.is_ascii_digit()
            .then(|| n.checked_mul(10)?.checked_add(u64::from(b - b'0')))
            .flatten()
    })
}

/// A refused head's answer; the connection closes after it.
fn refusal(status: StatusCode) -> Vec<u8> {
    response(status, "", true, None, None)
}

/// A whole answer in one buffer, so it leaves in one write.
fn response(
    status: StatusCode,
    body: &str,
    close: bool,
    retry_after: Option<u64>,
    stamp: Option<Stamp>,
) -> Vec<u8> {
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let connection = if close { "connection: close\r\n" } else { "" };
    let retry = retry_after.map_or(String::new(), |s| format!("retry-after: {s}\r\n"));
    let stamp = stamp.map_or(String::new(), |s| {
        format!("{}: {}\r\n", stamp::STAMP_HEADER, s.header_value())
    });
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\n{connection}{retry}{stamp}date: {date}\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        routes::TEXT,
        body.len(),
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Duration = Duration::from_millis(7);

    fn head(raw: &str) -> Head {
        parse(raw.as_bytes(), D).unwrap().expect("complete")
    }

    #[test]
    fn keep_alive_follows_the_version_and_the_connection_header() {
        assert!(head("GET / HTTP/1.1\r\nHost: t\r\n\r\n").keep_alive);
        assert!(!head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").keep_alive);
        assert!(!head("GET / HTTP/1.0\r\n\r\n").keep_alive);
        assert!(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
    }

    #[test]
    fn a_head_is_complete_only_at_its_blank_line_and_says_its_length() {
        let raw = "GET /delay/5?x=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET";
        assert!(parse(&raw.as_bytes()[..20], D).unwrap().is_none());
        let h = head(raw);
        assert_eq!((h.len, h.body, h.unframed), (raw.len() - 6, 3, false));
        let five = crate::misbehave::Hold::Asked(Duration::from_millis(5));
        assert!(matches!(h.route, Route::Slow(d, s) if d == five && s == 200));
        assert!(head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").unframed);
        // One length said twice is that length; a Transfer-Encoding overrides any length.
        assert_eq!(
            head("GET / HTTP/1.1\r\nContent-Length: 4, 4\r\n\r\n").body,
            4
        );
        let te = head("POST / HTTP/1.1\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n");
        assert_eq!((te.body, te.unframed), (0, true));
    }

    #[test]
    fn malformed_and_oversized_heads_are_refused_like_hyper_does() {
        for bad in [
            "NOT HTTP AT ALL\r\n\r\n",
            "GET / HTTP/9.9\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        ] {
            assert_eq!(
                parse(bad.as_bytes(), D).err(),
                Some(StatusCode::BAD_REQUEST),
                "{bad:?}"
            );
        }
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "A: b\r\n".repeat(40));
        assert_eq!(
            parse(many.as_bytes(), D).err(),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
    }

    #[test]
    fn an_answer_has_its_length_and_says_close_only_when_closing() {
        let ok =
            String::from_utf8(response(StatusCode::OK, routes::BODY, false, None, None)).unwrap();
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.contains("\r\ncontent-length: 22\r\n") && !ok.contains("connection"));
        assert!(ok.ends_with("\r\n\r\nThis is a slow web api"), "{ok}");
        let closing = String::from_utf8(refusal(StatusCode::BAD_REQUEST)).unwrap();
        assert!(closing.contains("\r\nconnection: close\r\n"), "{closing}");
        let busy = response(StatusCode::TOO_MANY_REQUESTS, "", false, Some(2), None);
        let busy = String::from_utf8(busy).unwrap();
        assert!(busy.contains("\r\nretry-after: 2\r\n"), "{busy}");
    }
}
