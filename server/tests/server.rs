//! Integration tests of the slow server over real TCP on 127.0.0.1, port 0, with a 100 ms delay. Timing
//! bounds come from physics: W workers cannot answer N requests faster than ⌈N/W⌉ delays.

use concbench_server::{Config, SlowServer, StatsSnapshot};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DELAY: Duration = Duration::from_millis(100);

/// A raw HTTP exchange: what was sent is exactly what the test says, nothing a client library adds.
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

async fn exchange(addr: SocketAddr, raw: &str) -> Reply {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(raw.as_bytes()).await.expect("send");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.expect("read");
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
    let status = head
        .split(' ')
        .nth(1)
        .expect("status")
        .parse()
        .expect("numeric status");
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

async fn get(addr: SocketAddr, path: &str) -> Reply {
    exchange(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
    )
    .await
}

async fn control(server: &SlowServer, method: &str, path: &str) -> Reply {
    exchange(
        server.control_addr(),
        &format!("{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
    )
    .await
}

async fn stats(server: &SlowServer) -> StatsSnapshot {
    serde_json::from_str(&control(server, "GET", "/stats").await.body).expect("stats JSON")
}

async fn start(workers: usize) -> SlowServer {
    SlowServer::start(Config::ephemeral(workers, DELAY))
        .await
        .expect("server starts")
}

async fn concurrent(addr: SocketAddr, n: usize) -> (Vec<Reply>, Duration) {
    let t0 = Instant::now();
    let handles: Vec<_> = (0..n).map(|_| tokio::spawn(get(addr, "/"))).collect();
    let mut replies = Vec::new();
    for h in handles {
        replies.push(h.await.expect("client task"));
    }
    (replies, t0.elapsed())
}

#[tokio::test(flavor = "multi_thread")]
async fn three_workers_serve_nine_connections_three_at_a_time() {
    let server = start(3).await;
    let (replies, took) = concurrent(server.data_addr(), 9).await;
    assert!(
        replies.iter().all(|r| r.status == 200),
        "all 9 answered 200"
    );
    assert!(
        took >= 3 * DELAY,
        "9 requests on 3 workers cannot beat 3 delays: {took:?}"
    );
    assert!(took < 6 * DELAY, "9 requests on 3 workers took {took:?}");
    let s = stats(&server).await;
    assert_eq!(s.max_in_flight, 3, "{s:?}");
    assert_eq!(s.served, 9);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sequential_requests_each_take_the_delay() {
    let server = start(3).await;
    let t0 = Instant::now();
    for _ in 0..3 {
        assert_eq!(get(server.data_addr(), "/").await.status, 200);
    }
    assert!(t0.elapsed() >= 3 * DELAY, "{:?}", t0.elapsed());
    assert_eq!(stats(&server).await.served, 3);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_worker_makes_the_second_request_wait_in_the_backlog() {
    let server = start(1).await;
    let t0 = Instant::now();
    let a = tokio::spawn(get(server.data_addr(), "/"));
    let b = tokio::spawn(get(server.data_addr(), "/"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!((a.status, b.status), (200, 200));
    // The later of the two finished only after both delays, served one after the other.
    assert!(t0.elapsed() >= 2 * DELAY, "{:?}", t0.elapsed());
    assert_eq!(stats(&server).await.max_in_flight, 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unbounded_mode_holds_a_thousand_requests_at_once() {
    let server = start(0).await;
    // Connect all first, then send all, each held 300 ms: the test measures the server's concurrency,
    // not how fast a loaded machine opens a thousand sockets and sends a thousand requests.
    let mut conns = Vec::new();
    for _ in 0..1000 {
        conns.push(TcpStream::connect(server.data_addr()).await.unwrap());
    }
    let t0 = Instant::now();
    let handles: Vec<_> = conns
        .into_iter()
        .map(|mut s| {
            tokio::spawn(async move {
                s.write_all(b"GET /delay/300 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    .await
                    .unwrap();
                let mut buf = Vec::new();
                s.read_to_end(&mut buf).await.unwrap();
                buf.starts_with(b"HTTP/1.1 200")
            })
        })
        .collect();
    for h in handles {
        assert!(h.await.unwrap(), "every request answered 200");
    }
    let took = t0.elapsed();
    assert!(took >= DELAY && took < Duration::from_secs(1), "{took:?}");
    let s = stats(&server).await;
    assert_eq!(
        (s.mode.as_str(), s.max_in_flight, s.served),
        ("unbounded", 1000, 1000)
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn worker_mode_answers_exactly_like_the_talk() {
    let server = start(3).await;
    let r = get(server.data_addr(), "/").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "This is a slow web api");
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(r.header("connection").as_deref(), Some("close"));
    // Even a client asking for keep-alive gets one request per connection, as with sync workers.
    let r = exchange(server.data_addr(), "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert_eq!(r.header("connection").as_deref(), Some("close"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_the_right_status() {
    // Worker mode (hyper) and unbounded mode (the lean handler) answer alike.
    for workers in [3, 0] {
        bad_requests_get_the_right_status_in(workers).await;
    }
}

async fn bad_requests_get_the_right_status_in(workers: usize) {
    let server = start(workers).await;
    let addr = server.data_addr();
    assert_eq!(get(addr, "/delay/70000").await.status, 400);
    assert_eq!(get(addr, "/delay/abc").await.status, 400);
    assert_eq!(get(addr, "/status/503").await.status, 503);
    assert_eq!(get(addr, "/status/99").await.status, 400);
    assert_eq!(get(addr, "/nope").await.status, 404);
    let post = exchange(
        addr,
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    assert_eq!(post.status, 405);
    let big = format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "a".repeat(20 * 1024)
    );
    assert_eq!(exchange(addr, &big).await.status, 431);
    let t0 = Instant::now();
    assert_eq!(get(addr, "/delay/10").await.status, 200);
    assert!(t0.elapsed() >= Duration::from_millis(10));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_client_pins_one_worker_only_and_is_cut_off() {
    let config = Config {
        head_timeout: Duration::from_millis(300),
        ..Config::ephemeral(2, DELAY)
    };
    let server = SlowServer::start(config).await.unwrap();
    let mut slow = TcpStream::connect(server.data_addr()).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n")
        .await
        .unwrap();
    // The other worker keeps serving while the stalled one waits.
    let t0 = Instant::now();
    for _ in 0..3 {
        assert_eq!(get(server.data_addr(), "/").await.status, 200);
    }
    assert!(
        t0.elapsed() < 3 * DELAY + Duration::from_millis(250),
        "{:?}",
        t0.elapsed()
    );
    // The stalled connection is closed after the head timeout, freeing its worker.
    let mut buf = Vec::new();
    let cut = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(cut.is_ok(), "stalled connection was never closed");
    let (replies, _) = concurrent(server.data_addr(), 2).await;
    assert!(replies.iter().all(|r| r.status == 200));
    assert_eq!(
        stats(&server).await.max_in_flight,
        2,
        "both workers serve again"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn control_answers_while_workers_are_busy_and_resets() {
    let server = start(3).await;
    let long: Vec<_> = (0..3)
        .map(|_| tokio::spawn(get(server.data_addr(), "/delay/1000")))
        .collect();
    // Wait for the signal that all three are inside their delay, not for a guessed time.
    let deadline = Instant::now() + Duration::from_secs(5);
    while stats(&server).await.in_flight < 3 {
        assert!(
            Instant::now() < deadline,
            "requests never reached the workers"
        );
        tokio::task::yield_now().await;
    }
    let t0 = Instant::now();
    let health = control(&server, "GET", "/health").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    assert!(
        t0.elapsed() < Duration::from_millis(500),
        "health waited for a worker"
    );
    for h in long {
        assert_eq!(h.await.unwrap().status, 200);
    }
    let before = stats(&server).await;
    assert_eq!((before.served, before.max_in_flight), (3, 3));
    assert_eq!(before.by_status.get(&200), Some(&3));
    assert_eq!(control(&server, "POST", "/stats/reset").await.status, 200);
    let after = stats(&server).await;
    assert_eq!((after.served, after.max_in_flight), (0, 0));
    assert!(after.by_status.is_empty());
    server.shutdown().await;
}

#[test]
fn config_refuses_what_it_cannot_honour() {
    let long = Config {
        delay: Duration::from_secs(61),
        ..Config::default()
    };
    assert!(long.validate().unwrap_err().to_string().contains("60s"));
    let many = Config {
        workers: 10_001,
        ..Config::default()
    };
    assert!(many.validate().unwrap_err().to_string().contains("10000"));
    assert!(Config::default().validate().is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_400_and_the_workers_keep_serving() {
    for workers in [1, 0] {
        malformed_requests_get_400_in(workers).await;
    }
}

async fn malformed_requests_get_400_in(workers: usize) {
    let server = start(workers).await;
    let addr = server.data_addr();
    for garbage in [
        "NOT HTTP AT ALL\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
    ] {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(garbage.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "{garbage:?} left the connection hanging");
        let text = String::from_utf8_lossy(&buf);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 400"),
            "{garbage:?}: {text}"
        );
    }
    // The one worker is free again.
    assert_eq!(get(addr, "/").await.status, 200);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unbounded_mode_keeps_connections_alive_and_answers_like_worker_mode() {
    let server = start(0).await;
    let mut s = TcpStream::connect(server.data_addr()).await.unwrap();
    // Two requests on one connection, the first with a body to skip, then one asking to close.
    s.write_all(
        b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET /delay/0 HTTP/1.1\r\nHost: t\r\n\r\n\
          GET /delay/0 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    assert!(
        read.is_ok(),
        "the connection was not closed after `Connection: close`"
    );
    let text = String::from_utf8_lossy(&buf);
    let statuses: Vec<&str> = text
        .match_indices("HTTP/1.1 ")
        .map(|(i, _)| &text[i + 9..i + 12])
        .collect();
    assert_eq!(statuses, ["405", "200", "200"], "{text}");
    assert_eq!(text.matches("connection: close").count(), 1, "{text}");
    assert!(text.ends_with("This is a slow web api"), "{text}");
    let r = get(server.data_addr(), "/").await;
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert!(r.header("date").is_some(), "{}", r.head);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unbounded_mode_cuts_off_a_stalled_head() {
    let config = Config {
        head_timeout: Duration::from_millis(200),
        ..Config::ephemeral(0, DELAY)
    };
    let server = SlowServer::start(config).await.unwrap();
    let mut slow = TcpStream::connect(server.data_addr()).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let cut = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(cut.is_ok(), "stalled connection was never closed");
    assert!(buf.is_empty(), "{}", String::from_utf8_lossy(&buf));
    server.shutdown().await;
}

/// [`exchange`], but a server that has not closed the connection within `limit` fails the test
/// instead of hanging it.
async fn exchange_within(server: &SlowServer, raw: &str, limit: Duration) -> Reply {
    let mode = stats(server).await.mode;
    tokio::time::timeout(limit, exchange(server.data_addr(), raw))
        .await
        .unwrap_or_else(|_| {
            panic!("{mode}, {raw:?}: the connection was still open after {limit:?}")
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declared_body_that_never_comes_holds_its_connection_only_until_the_body_timeout() {
    for workers in [3, 0] {
        // The head timeout stays long: it is the body's own timeout that must end the wait.
        let config = Config {
            body_timeout: Duration::from_millis(300),
            ..Config::ephemeral(workers, DELAY)
        };
        let server = SlowServer::start(config).await.unwrap();
        let t0 = Instant::now();
        let r = exchange_within(
            &server,
            "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000000000\r\n\r\n",
            Duration::from_secs(5),
        )
        .await;
        // Answered like any request (worker mode never reads a body), then closed.
        assert_eq!(r.status, 200, "workers {workers}: {}", r.head);
        assert!(t0.elapsed() >= DELAY, "{:?}", t0.elapsed());
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_whose_length_is_unclear_is_refused_in_both_modes() {
    for workers in [3, 0] {
        let server = start(workers).await;
        for framing in [
            "Content-Length: 1\r\nContent-Length: 2\r\n",
            "Content-Length: 1, 2\r\n",
            "Content-Length: +2\r\n",
            "Transfer-Encoding: gzip\r\n",
            "Transfer-Encoding: chunked, gzip\r\n",
        ] {
            let raw = format!("GET / HTTP/1.1\r\nHost: t\r\n{framing}\r\nxy");
            let r = exchange_within(&server, &raw, Duration::from_secs(5)).await;
            assert_eq!(r.status, 400, "workers {workers}, {framing:?}: {}", r.head);
        }
        let r = exchange_within(
            &server,
            "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            Duration::from_secs(5),
        )
        .await;
        assert_eq!(
            r.status, 400,
            "workers {workers}: HTTP/1.0 with a Transfer-Encoding"
        );
        // The same length twice is one length.
        let r = exchange_within(
            &server,
            "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nxy",
            Duration::from_secs(5),
        )
        .await;
        assert_eq!(r.status, 200, "workers {workers}: {}", r.head);
        server.shutdown().await;
    }
}

/// Two requests that ask for stamps on a server of one worker: each answer names worker 0, its times
/// lie between the client's connect and its answer, the hold is at least the delay, and the second
/// waited in the backlog until the first was answered. A request that does not ask gets no stamp.
#[tokio::test(flavor = "multi_thread")]
async fn stamps_show_the_backlog_and_the_hold_only_when_asked() {
    use concbench_server::stamp::{now_ns, Stamp, ASK_HEADER, STAMP_HEADER};
    let server = start(1).await;
    let addr = server.data_addr();
    let asking =
        format!("GET / HTTP/1.1\r\nHost: t\r\n{ASK_HEADER}: 1\r\nConnection: close\r\n\r\n");
    let before = now_ns();
    let (a, b) = tokio::join!(exchange(addr, &asking), exchange(addr, &asking));
    let after = now_ns();
    let stamp = |r: &Reply| Stamp::parse(&r.header(STAMP_HEADER).expect("a stamp")).unwrap();
    let (mut first, mut second) = (stamp(&a), stamp(&b));
    if second.replied_ns < first.replied_ns {
        std::mem::swap(&mut first, &mut second);
    }
    for s in [first, second] {
        assert_eq!(s.worker, 0);
        assert!(
            before <= s.accepted_ns && s.accepted_ns <= s.read_ns,
            "{s:?}"
        );
        assert!(s.replied_ns - s.read_ns >= DELAY.as_nanos() as u64, "{s:?}");
        assert!(s.replied_ns <= after, "{s:?}");
    }
    // One worker: the second connection is accepted only once the first's answer is on its way.
    assert!(
        second.accepted_ns >= first.replied_ns,
        "{first:?} {second:?}"
    );
    assert_eq!(get(addr, "/").await.header(STAMP_HEADER), None);
    server.shutdown().await;

    // Unbounded mode stamps too, its worker 0.
    let server = start(0).await;
    let r = exchange(server.data_addr(), &asking).await;
    let s = stamp(&r);
    assert!(s.replied_ns - s.read_ns >= DELAY.as_nanos() as u64, "{s:?}");
    assert_eq!(
        get(server.data_addr(), "/").await.header(STAMP_HEADER),
        None
    );
    server.shutdown().await;
}
