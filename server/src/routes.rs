//! What each path answers: the data endpoints (held for the delay) and the control endpoints (at once).
//! Kept apart from the connection handling so both modes (hyper in worker mode, the lean handler in
//! unbounded mode) route the same way.

use crate::config::MAX_DELAY;
use crate::stats::Stats;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONNECTION, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use std::time::Duration;

/// The body of `/`, as in the talk.
pub const BODY: &str = "This is a slow web api";
pub const TEXT: &str = "text/plain; charset=utf-8";

pub type Body = Full<Bytes>;

/// What a data request asks for, decided before any waiting.
pub enum Route {
    /// Hold for this long, then answer with this status.
    Slow(Duration, StatusCode),
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
        return Route::Slow(delay, StatusCode::OK);
    }
    if let Some(ms) = path.strip_prefix("/delay/") {
        return match ms.parse::<u64>() {
            Ok(ms) if Duration::from_millis(ms) <= MAX_DELAY => {
                Route::Slow(Duration::from_millis(ms), StatusCode::OK)
            }
            _ => Route::Now(
                StatusCode::BAD_REQUEST,
                format!("/delay/{{ms}} takes 0..=60000 milliseconds, got {ms:?}"),
            ),
        };
    }
    if let Some(code) = path.strip_prefix("/status/") {
        return match code.parse::<u16>().ok().filter(|c| (100..=599).contains(c)) {
            Some(c) => Route::Slow(delay, StatusCode::from_u16(c).expect("100..=599 is valid")),
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

/// Serve one data request. `close` marks worker mode, where every response says `Connection: close`.
pub async fn data(
    req: Request<hyper::body::Incoming>,
    stats: &Stats,
    delay: Duration,
    close: bool,
) -> Response<Body> {
    let (status, body) = answer(route(&req, delay), stats).await;
    text(status, body, close)
}

/// Hold the request as its route says (counted in flight meanwhile), count the answer, and return its
/// status and body.
pub async fn answer(route: Route, stats: &Stats) -> (StatusCode, String) {
    let (status, body) = match route {
        Route::Slow(hold, status) => {
            let _in_flight = stats.enter();
            tokio::time::sleep(hold).await;
            let body = if status.is_success() {
                BODY.to_string()
            } else {
                status.canonical_reason().unwrap_or("").to_string()
            };
            (status, body)
        }
        Route::Now(status, reason) => (status, reason + "\n"),
    };
    stats.record(status.as_u16());
    (status, body)
}

/// Serve one control request: `/health`, `/stats`, `POST /stats/reset`.
pub fn control<B>(
    req: &Request<B>,
    stats: &Stats,
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
