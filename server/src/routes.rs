//! What each path answers: the data endpoints (held for the delay) and the control endpoints (at once).
//! Kept apart from the connection handling so both modes (hyper in worker mode, the lean handler in
//! unbounded mode) route the same way.

use crate::config::MAX_DELAY;
use crate::draw::{key_from_headers, RequestKey};
use crate::misbehave::{FailKind, Hold, Misbehaviour, Verdict};
use crate::stamp::{self, Accepted, Stamp};
use crate::stats::{Outcome, Stats};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONNECTION, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use std::time::Duration;

/// The body of `/`, as in the talk.
pub const BODY: &str = "This is a slow web api";
pub const TEXT: &str = "text/plain; charset=utf-8";

pub type Body = Full<Bytes>;

/// What a data request asks for, decided before any waiting.
pub enum Route {
    /// Hold (as the misbehaviour decides), then answer with this status.
    Slow(Hold, StatusCode),
    /// Answer at once (errors: bad path, bad method, bad parameter).
    Now(StatusCode, String),
}

fn route<B>(req: &Request<B>, delay: Duration) -> Route {
    route_parts(req.method().as_str(), req.uri().path(), delay)
}

/// Route a request by its method and path (the query left out).
pub fn route_parts(method: &str, path: &str, delay: Duration) -> Route {
    if method != "GET" {
        return Route::Now(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("method {method} not allowed; use GET"),
        );
    }
    if path == "/" {
        return Route::Slow(Hold::Server(delay), StatusCode::OK);
    }
    if let Some(ms) = path.strip_prefix("/delay/") {
        return match ms.parse::<u64>() {
            Ok(ms) if Duration::from_millis(ms) <= MAX_DELAY => {
                Route::Slow(Hold::Asked(Duration::from_millis(ms)), StatusCode::OK)
            }
            _ => Route::Now(
                StatusCode::BAD_REQUEST,
                format!("/delay/{{ms}} takes 0..=60000 milliseconds, got {ms:?}"),
            ),
        };
    }
    if let Some(code) = path.strip_prefix("/status/") {
        return match code.parse::<u16>().ok().filter(|c| (100..=599).contains(c)) {
            Some(c) => Route::Slow(
                Hold::Server(delay),
                StatusCode::from_u16(c).expect("100..=599 is valid"),
            ),
            None => Route::Now(
                StatusCode::BAD_REQUEST,
                format!("/status/{{code}} takes 100..=599, got {code:?}"),
            ),
        };
    }
    Route::Now(
        StatusCode::NOT_FOUND,
        format!("no such path {path}; try / or /delay/{{ms}}"),
    )
}

/// What a data request gets: an answer, or its connection reset.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Respond {
        status: StatusCode,
        body: String,
        /// `Retry-After`, whole seconds: only on a 429.
        retry_after: Option<u64>,
    },
    /// Close the connection with a reset, no answer (`--fail …,reset`).
    Reset,
}

/// Serve one data request of worker mode, where every response says `Connection: close`, on the
/// connection `accepted` took up. None: reset the connection instead of answering.
pub async fn data(
    req: Request<hyper::body::Incoming>,
    stats: &Stats,
    misbehaviour: &Misbehaviour,
    delay: Duration,
    accepted: Accepted,
) -> Option<Response<Body>> {
    // hyper calls the service once the head is read whole.
    let read_ns = stamp::now_ns();
    let headers = || {
        req.headers()
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_bytes()))
    };
    let key = key_from_headers(headers());
    let asked = stamp::asked(headers());
    match answer(route(&req, delay), key, stats, misbehaviour).await {
        Answer::Reset => None,
        Answer::Respond {
            status,
            body,
            retry_after,
        } => {
            let replied_ns = stamp::now_ns();
            let mut resp = text(status, body, true);
            if let Some(secs) = retry_after {
                resp.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(secs));
            }
            if asked {
                let stamp = Stamp {
                    worker: accepted.worker,
                    accepted_ns: accepted.at_ns,
                    read_ns,
                    replied_ns,
                };
                let value =
                    HeaderValue::from_str(&stamp.header_value()).expect("digits and spaces");
                resp.headers_mut().insert(stamp::STAMP_HEADER, value);
            }
            Some(resp)
        }
    }
}

/// Decide the request's fate, hold it as decided (counted in flight meanwhile), count the outcome, and
/// return the answer.
pub async fn answer(
    route: Route,
    key: Option<RequestKey>,
    stats: &Stats,
    misbehaviour: &Misbehaviour,
) -> Answer {
    let respond = |status: StatusCode, body: String, retry_after| {
        stats.record(status.as_u16());
        Answer::Respond {
            status,
            body,
            retry_after,
        }
    };
    let (hold, status) = match route {
        Route::Now(status, reason) => return respond(status, reason + "\n", None),
        Route::Slow(hold, status) => (hold, status),
    };
    let (hold, slow_tail, fail) = match misbehaviour.decide(key, hold) {
        Verdict::Refuse { retry_after } => {
            stats.outcome(Outcome::Refused429);
            let status = StatusCode::TOO_MANY_REQUESTS;
            return respond(status, reason(status), Some(retry_after));
        }
        Verdict::Serve {
            hold,
            slow_tail,
            fail,
        } => (hold, slow_tail, fail),
    };
    let in_flight = stats.enter();
    tokio::time::sleep(hold).await;
    match fail {
        Some(FailKind::Reset) => {
            in_flight.finish(Outcome::Reset);
            Answer::Reset
        }
        Some(FailKind::Status500) => {
            in_flight.finish(Outcome::Failed500);
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            respond(status, reason(status), None)
        }
        None => {
            in_flight.finish(if slow_tail {
                Outcome::SlowTail
            } else {
                Outcome::Ok
            });
            let body = if status.is_success() {
                BODY.to_string()
            } else {
                reason(status)
            };
            respond(status, body, None)
        }
    }
}

fn reason(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("").to_string()
}

/// Serve one control request: `/health`, `/stats`, `POST /stats/reset` (the counters, and the rate
/// limit's bucket refilled: each measured repetition meets the same full bucket, whatever the one
/// before it left).
pub fn control<B>(
    req: &Request<B>,
    stats: &Stats,
    misbehaviour: &Misbehaviour,
    snapshot: impl FnOnce() -> String,
) -> Response<Body> {
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/health") => text(StatusCode::OK, "ok".into(), false),
        (&Method::GET, "/stats") => {
            let mut resp = text(StatusCode::OK, snapshot(), false);
            resp.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            resp
        }
        (&Method::POST, "/stats/reset") => {
            stats.reset();
            misbehaviour.refill();
            text(StatusCode::OK, "reset\n".into(), false)
        }
        (_, path) => text(
            StatusCode::NOT_FOUND,
            format!("no control endpoint {path}; try /health, /stats, POST /stats/reset\n"),
            false,
        ),
    }
}

fn text(status: StatusCode, body: String, close: bool) -> Response<Body> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(TEXT));
    if close {
        resp.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}
