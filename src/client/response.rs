//! The direct client's response reader, without I/O: both faces feed it whatever bytes each read
//! returned and it says whether more are needed, so the blocking and async clients parse identically.
//! The head is parsed by `httparse` (hyper's own parser, already compiled in through the server); the
//! body is only counted, never stored. A head that arrives in one read is parsed in place; only a head
//! split across reads is copied, into a buffer capped at [`MAX_HEAD`].

use crate::ledger::ServerStamp;
use crate::names::FailureKind;
use concbench_server::stamp::{Stamp, STAMP_HEADER};

/// A response head larger than this is refused, as the server refuses request heads over 16 KiB.
pub const MAX_HEAD: usize = 16 * 1024;
/// Headers parsed per response: the slow server sends four, any real server far fewer than this.
const MAX_HEADERS: usize = 32;

/// A complete answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Body bytes read.
    pub body_len: u64,
    /// The connection cannot carry another request: the server said `Connection: close` (or spoke
    /// HTTP/1.0 without keep-alive), the body ran to EOF, or bytes arrived that belong to no request.
    pub close: bool,
    /// `Retry-After` in whole seconds, when the answer said it (a 429's or a 503's); a date or
    /// anything unparsable reads as absent.
    pub retry_after: Option<u32>,
    /// The slow server's stamps (`X-Concbench-Served`), when the request asked for them.
    pub stamp: Option<ServerStamp>,
}

/// What feeding bytes produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    NeedMore,
    Done(Response),
}

/// Why an answer is unusable. Every kind counts as an `io` failure; the kinds exist for tests and
/// messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadResponse {
    #[error("not an HTTP/1.x response head")]
    Garbage,
    #[error("response head larger than {MAX_HEAD} bytes")]
    HeadTooLarge,
    #[error("missing, conflicting or unparsable Content-Length")]
    BadLength,
    /// The slow server never sends `Transfer-Encoding`; a body in chunks would have to be decoded to be
    /// counted, and nothing the harness measures needs it.
    #[error("Transfer-Encoding is not supported")]
    TransferEncoding,
    #[error("the connection closed before the response was complete")]
    Truncated,
}

impl From<BadResponse> for FailureKind {
    fn from(_: BadResponse) -> FailureKind {
        FailureKind::Io
    }
}

/// How the end of the body is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Still in the head.
    Head,
    /// Content-Length: this many body bytes still to come.
    Length {
        remaining: u64,
    },
    /// No length: the body ends when the server closes.
    ToEof,
    Done,
}

/// Reads one response; build a new one per request.
#[derive(Debug)]
pub struct ResponseReader {
    state: State,
    /// The head so far, only when it spans reads.
    pending: Vec<u8>,
    status: u16,
    body_len: u64,
    close: bool,
    retry_after: Option<u32>,
    stamp: Option<ServerStamp>,
    received: bool,
}

impl Default for ResponseReader {
    fn default() -> Self {
        ResponseReader::new()
    }
}

impl ResponseReader {
    pub fn new() -> ResponseReader {
        ResponseReader {
            state: State::Head,
            pending: Vec::new(),
            status: 0,
            body_len: 0,
            close: false,
            retry_after: None,
            stamp: None,
            received: false,
        }
    }

    /// Whether any response byte has arrived: a reused connection that fails before one did may be
    /// stale, and the request can safely go again on a fresh one.
    pub fn received_any(&self) -> bool {
        self.received
    }

    /// Take the bytes one read returned (never empty: an empty read is [`ResponseReader::eof`]).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Progress, BadResponse> {
        if bytes.is_empty() {
            return Ok(self.progress());
        }
        self.received = true;
        match self.state {
            State::Head => self.feed_head(bytes),
            _ => {
                self.feed_body(bytes);
                Ok(self.progress())
            }
        }
    }

    /// The connection reached EOF: the answer is complete only if its body was close-delimited or
    /// already whole.
    pub fn eof(&mut self) -> Result<Response, BadResponse> {
        match self.state {
            State::Head | State::Length { .. } => Err(BadResponse::Truncated),
            State::ToEof | State::Done => {
                self.state = State::Done;
                Ok(self.response())
            }
        }
    }

    fn response(&self) -> Response {
        Response {
            status: self.status,
            body_len: self.body_len,
            close: self.close,
            retry_after: self.retry_after,
            stamp: self.stamp,
        }
    }

    fn progress(&self) -> Progress {
        match self.state {
            State::Done => Progress::Done(self.response()),
            _ => Progress::NeedMore,
        }
    }

    fn feed_head(&mut self, bytes: &[u8]) -> Result<Progress, BadResponse> {
        let old = self.pending.len();
        // Never look past the cap: a head must end within it, whatever else this read brought.
        let take = bytes.len().min(MAX_HEAD - old);
        let head = if old == 0 {
            parse_head(&bytes[..take])?
        } else {
            self.pending.extend_from_slice(&bytes[..take]);
            parse_head(&self.pending)?
        };
        let Some(head) = head else {
            if old + take >= MAX_HEAD {
                return Err(BadResponse::HeadTooLarge);
            }
            if old == 0 {
                self.pending.extend_from_slice(bytes);
            }
            return Ok(Progress::NeedMore);
        };
        // `pending` alone held no complete head, so this one ends inside `bytes`.
        let body = &bytes[head.len - old..];
        self.pending = Vec::new();
        self.status = head.status;
        self.close = head.close;
        self.retry_after = head.retry_after;
        self.stamp = head.stamp;
        self.state = match head.framing {
            Framing::Length(0) => State::Done,
            Framing::Length(n) => State::Length { remaining: n },
            Framing::ToEof => {
                self.close = true;
                State::ToEof
            }
        };
        self.feed_body(body);
        Ok(self.progress())
    }

    fn feed_body(&mut self, bytes: &[u8]) {
        match self.state {
            State::Length { remaining } => {
                let take = remaining.min(bytes.len() as u64);
                self.body_len += take;
                self.state = match remaining - take {
                    0 => State::Done,
                    r => State::Length { remaining: r },
                };
                if (bytes.len() as u64) > take {
                    // Bytes beyond the body answer no request of ours: never reuse this connection.
                    self.close = true;
                }
            }
            State::ToEof => self.body_len += bytes.len() as u64,
            State::Done if !bytes.is_empty() => self.close = true,
            State::Head | State::Done => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Length(u64),
    ToEof,
}

/// What the client needs from a complete head.
struct Head {
    /// Bytes of the head, blank line included.
    len: usize,
    status: u16,
    framing: Framing,
    close: bool,
    retry_after: Option<u32>,
    stamp: Option<ServerStamp>,
}

/// `None` while the head is incomplete.
fn parse_head(buf: &[u8]) -> Result<Option<Head>, BadResponse> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut headers);
    let len = match resp.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(BadResponse::Garbage),
    };
    let status = resp.code.ok_or(BadResponse::Garbage)?;
    let http10 = resp.version == Some(0);
    let (mut length, mut transfer_encoding) = (None::<u64>, false);
    let (mut close, mut keep_alive) = (false, false);
    let (mut retry_after, mut stamp) = (None, None);
    for h in resp.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(h.value)
                .ok()
                .map(str::trim)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or(BadResponse::BadLength)?;
            if length.is_some_and(|l| l != n) {
                return Err(BadResponse::BadLength);
            }
            length = Some(n);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            transfer_encoding = true;
        } else if h.name.eq_ignore_ascii_case("retry-after") {
            retry_after = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok());
        } else if h.name.eq_ignore_ascii_case(STAMP_HEADER) {
            stamp = std::str::from_utf8(h.value)
                .ok()
                .and_then(Stamp::parse)
                .map(ServerStamp::from);
        } else if h.name.eq_ignore_ascii_case("connection") {
            for token in h.value.split(|&b| b == b',') {
                let token = token.trim_ascii();
                close |= token.eq_ignore_ascii_case(b"close");
                keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        }
    }
    let framing = if status < 200 {
        // A 1xx is interim, but the client never sends `Expect` or `Upgrade`, so none is expected: the
        // head is taken as the whole (bodiless) answer, a non-2xx one, so the task fails as `status`
        // and the connection, whose next bytes are a response we will not read, is closed.
        close = true;
        Framing::Length(0)
    } else if status == 204 || status == 304 {
        Framing::Length(0)
    } else if transfer_encoding {
        return Err(BadResponse::TransferEncoding);
    } else {
        length.map_or(Framing::ToEof, Framing::Length)
    };
    Ok(Some(Head {
        len,
        status,
        framing,
        close: close || (http10 && !keep_alive),
        retry_after,
        stamp,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n\
        content-length: 22\r\ndate: Sun, 23 Nov 2025 06:00:00 GMT\r\n\r\nThis is a slow web api";

    /// Feed `chunks` in order, then EOF if nothing was done yet.
    fn read_all<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Result<Response, BadResponse> {
        let mut r = ResponseReader::new();
        for c in chunks {
            if let Progress::Done(resp) = r.feed(c)? {
                return Ok(resp);
            }
        }
        r.eof()
    }

    fn ok(body_len: u64, close: bool) -> Result<Response, BadResponse> {
        Ok(Response {
            status: 200,
            body_len,
            close,
            retry_after: None,
            stamp: None,
        })
    }

    #[test]
    fn whole_response_in_one_read() {
        let mut r = ResponseReader::new();
        assert!(!r.received_any());
        assert_eq!(r.feed(OK), Ok(Progress::Done(ok(22, false).unwrap())));
        assert!(r.received_any());
    }

    #[test]
    fn head_split_at_every_byte_boundary() {
        let head_end = OK.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        for cut in 1..OK.len() {
            let (a, b) = OK.split_at(cut);
            let mut r = ResponseReader::new();
            let first = r.feed(a).unwrap();
            // Done only once the whole 22-byte body is in.
            assert_eq!(first, Progress::NeedMore, "cut at {cut}");
            assert_eq!(
                r.feed(b),
                Ok(Progress::Done(ok(22, false).unwrap())),
                "cut at {cut} (head ends at {head_end})"
            );
        }
    }

    #[test]
    fn one_byte_per_feed() {
        assert_eq!(read_all(OK.chunks(1)), ok(22, false));
        assert_eq!(read_all(OK.chunks(3)), ok(22, false));
    }

    #[test]
    fn large_body_over_many_small_feeds_is_counted_not_kept() {
        let body = vec![b'x'; 100_000];
        let mut msg = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".to_vec();
        msg.extend_from_slice(&body);
        assert_eq!(read_all(msg.chunks(7)), ok(100_000, false));
    }

    #[test]
    fn connection_close_and_http10_are_not_reused() {
        let close = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi";
        assert_eq!(read_all([&close[..]]), ok(2, true));
        let listed = b"HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 2\r\n\r\nhi";
        assert_eq!(read_all([&listed[..]]), ok(2, true));
        let http10 = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi";
        assert_eq!(read_all([&http10[..]]), ok(2, true));
        let http10_ka = b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi";
        assert_eq!(read_all([&http10_ka[..]]), ok(2, false));
    }

    #[test]
    fn without_length_the_body_runs_to_eof() {
        let msg = b"HTTP/1.1 200 OK\r\n\r\nabcdef";
        let mut r = ResponseReader::new();
        assert_eq!(r.feed(&msg[..10]), Ok(Progress::NeedMore));
        assert_eq!(r.feed(&msg[10..]), Ok(Progress::NeedMore));
        assert_eq!(r.eof(), ok(6, true));
    }

    #[test]
    fn non_2xx_is_read_whole_and_reported() {
        let msg =
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 19\r\n\r\nService Unavailable";
        let resp = read_all(msg.chunks(5)).unwrap();
        assert_eq!((resp.status, resp.body_len), (503, 19));
    }

    #[test]
    fn a_refusal_says_when_to_come_back_in_whole_seconds() {
        let msg = b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 2\r\ncontent-length: 0\r\n\r\n";
        let resp = read_all([&msg[..]]).unwrap();
        assert_eq!((resp.status, resp.retry_after), (429, Some(2)));
        // A date (also allowed by RFC 9110) is not read: absent, as when no header came.
        let date =
            b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: Fri, 31 Dec 1999 23:59:59 GMT\r\n\
            content-length: 0\r\n\r\n";
        assert_eq!(read_all([&date[..]]).unwrap().retry_after, None);
        assert_eq!(read_all([OK]).unwrap().retry_after, None);
    }

    #[test]
    fn the_servers_stamp_is_read_from_its_header() {
        let msg =
            b"HTTP/1.1 200 OK\r\nx-concbench-served: 1 100 200 300\r\nContent-Length: 0\r\n\r\n";
        let resp = read_all([&msg[..]]).unwrap();
        assert_eq!(
            resp.stamp,
            Some(ServerStamp {
                worker: 1,
                accepted_ns: 100,
                read_ns: 200,
                replied_ns: 300
            })
        );
        let garbled = b"HTTP/1.1 200 OK\r\nx-concbench-served: 1 100\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(read_all([&garbled[..]]).unwrap().stamp, None);
    }

    #[test]
    fn informational_is_a_bodiless_answer_that_closes() {
        let msg = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
        let resp = read_all([&msg[..]]).unwrap();
        assert_eq!(
            resp,
            Response {
                status: 100,
                body_len: 0,
                close: true,
                retry_after: None,
                stamp: None,
            }
        );
    }

    #[test]
    fn no_content_has_no_body_whatever_it_says() {
        let msg = b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(read_all([&msg[..]]).unwrap().body_len, 0);
    }

    #[test]
    fn extra_bytes_after_the_body_forbid_reuse() {
        let msg = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1";
        assert_eq!(read_all([&msg[..]]), ok(2, true));
    }

    #[test]
    fn body_shorter_than_content_length_is_truncated() {
        let msg = b"HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\nThis is";
        assert_eq!(read_all(msg.chunks(4)), Err(BadResponse::Truncated));
    }

    #[test]
    fn eof_before_or_inside_the_head_is_truncated() {
        assert_eq!(read_all([]), Err(BadResponse::Truncated));
        assert_eq!(read_all([&OK[..20]]), Err(BadResponse::Truncated));
    }

    #[test]
    fn garbage_is_refused() {
        assert_eq!(
            read_all([&b"SSH-2.0-OpenSSH_9.6\r\n\r\n"[..]]),
            Err(BadResponse::Garbage)
        );
        assert_eq!(
            read_all([&b"HTTP/1.1 abc OK\r\n\r\n"[..]]),
            Err(BadResponse::Garbage)
        );
        // Garbage split over reads is found as soon as it is visible.
        let mut r = ResponseReader::new();
        assert_eq!(r.feed(b"HTTP/1."), Ok(Progress::NeedMore));
        assert_eq!(r.feed(b"x 200"), Err(BadResponse::Garbage));
    }

    #[test]
    fn bad_or_conflicting_lengths_are_refused() {
        for msg in [
            &b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi",
        ] {
            assert_eq!(read_all([msg]), Err(BadResponse::BadLength));
        }
        let same = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi";
        assert_eq!(read_all([&same[..]]), ok(2, false));
    }

    #[test]
    fn chunked_is_refused() {
        let msg = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";
        assert_eq!(read_all([&msg[..]]), Err(BadResponse::TransferEncoding));
    }

    #[test]
    fn a_head_over_the_cap_is_refused_in_one_read_or_many() {
        let mut msg = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
        msg.resize(MAX_HEAD + 10, b'a');
        msg.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(read_all([&msg[..]]), Err(BadResponse::HeadTooLarge));
        assert_eq!(read_all(msg.chunks(4096)), Err(BadResponse::HeadTooLarge));
        assert_eq!(read_all(msg.chunks(1000)), Err(BadResponse::HeadTooLarge));
    }

    #[test]
    fn a_head_just_under_the_cap_with_body_in_the_same_read_is_fine() {
        let mut msg = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Big: ".to_vec();
        msg.resize(MAX_HEAD - 4, b'a');
        msg.extend_from_slice(b"\r\n\r\nabc");
        assert_eq!(msg.len(), MAX_HEAD + 3);
        assert_eq!(read_all([&msg[..]]), ok(3, false));
        assert_eq!(read_all(msg.chunks(4096)), ok(3, false));
    }

    #[test]
    fn failures_count_as_io() {
        assert_eq!(FailureKind::from(BadResponse::Garbage), FailureKind::Io);
        assert_eq!(FailureKind::from(BadResponse::Truncated), FailureKind::Io);
    }
}
