//! The misbehaving server over real TCP on 127.0.0.1, port 0, in both modes: the same seed slows and
//! fails the same tasks whatever order they arrive in, a request past the rate limit gets 429 with
//! `Retry-After` at once, a reset is seen by the client as one, and `/stats` counts what the client saw.

use concbench_server::stats::Outcomes;
use concbench_server::{Config, SlowServer, StatsSnapshot};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BASE: Duration = Duration::from_millis(10);
/// The tail's hold (x = 20): a lower bound from physics for a slow request, and 190 ms above the rest.
const TAIL: Duration = Duration::from_millis(200);

/// What a client saw of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Status(u16, Option<String>),
    /// Reset by peer, or the connection closed before any byte of an answer.
    Reset,
}

async fn send(addr: SocketAddr, task: Option<u64>, path: &str) -> (Seen, Duration) {
    let t0 = Instant::now();
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let task = task.map_or(String::new(), |t| format!("X-Task: {t}\r\n"));
    let raw = format!("GET {path} HTTP/1.1\r\nHost: t\r\n{task}Connection: close\r\n\r\n");
    s.write_all(raw.as_bytes()).await.expect("send");
    let mut buf = Vec::new();
    let read = s.read_to_end(&mut buf).await;
    let seen = match read {
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && buf.is_empty() => Seen::Reset,
        Ok(_) if buf.is_empty() => Seen::Reset,
        Err(e) => panic!("reading the answer: {e}"),
        Ok(_) => {
            let text = String::from_utf8_lossy(&buf).to_string();
            let head = text.split("\r\n\r\n").next().unwrap();
            let status = head.split(' ').nth(1).unwrap().parse().unwrap();
            let retry = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("retry-after")
                    .then(|| v.trim().to_string())
            });
            Seen::Status(status, retry)
        }
    };
    (seen, t0.elapsed())
}

async fn stats(server: &SlowServer) -> StatsSnapshot {
    server.stats()
}

async fn start(workers: usize, misbehave: impl FnOnce(&mut Config)) -> SlowServer {
    let mut config = Config::ephemeral(workers, BASE);
    misbehave(&mut config);
    SlowServer::start(config).await.expect("server starts")
}

/// Every task's fate as a client sees it: (status or reset, slow), asking all at once in `order`.
async fn fates(server: &SlowServer, order: Vec<u64>) -> BTreeMap<u64, (Seen, bool)> {
    let addr = server.data_addr();
    let handles: Vec<_> = order
        .into_iter()
        .map(|t| tokio::spawn(async move { (t, send(addr, Some(t), "/").await) }))
        .collect();
    let mut seen = BTreeMap::new();
    for h in handles {
        let (task, (what, took)) = h.await.unwrap();
        seen.insert(task, (what, took >= TAIL));
    }
    seen
}

fn tail_and_fail(kind: &'static str) -> impl FnOnce(&mut Config) {
    move |c| {
        c.delay_dist = "tail:p=0.25,x=20".parse().unwrap();
        c.fail = Some(format!("0.25,{kind}").parse().unwrap());
        c.seed = 23;
    }
}

/// Two servers of one seed, asked for 40 tasks in opposite orders, make the same tasks slow and fail;
/// their counters agree with what the client saw.
async fn same_seed_same_fates(workers: usize, kind: &'static str) {
    let (a, b) = (
        start(workers, tail_and_fail(kind)).await,
        start(workers, tail_and_fail(kind)).await,
    );
    let forward = fates(&a, (0..40).collect()).await;
    let backward = fates(&b, (0..40).rev().collect()).await;
    assert_eq!(forward, backward);
    let failed = |s: &Seen| match kind {
        "500" => *s == Seen::Status(500, None),
        _ => *s == Seen::Reset,
    };
    let count =
        |f: &dyn Fn(&(Seen, bool)) -> bool| forward.values().filter(|v| f(v)).count() as u64;
    let seen = Outcomes {
        admitted: 40,
        ok: count(&|(s, slow)| *s == Seen::Status(200, None) && !slow),
        slow_tail: count(&|(s, slow)| *s == Seen::Status(200, None) && *slow),
        failed_500: if kind == "500" {
            count(&|(s, _)| failed(s))
        } else {
            0
        },
        reset: if kind == "reset" {
            count(&|(s, _)| failed(s))
        } else {
            0
        },
        ..Outcomes::default()
    };
    // Some of each, or the comparison proves nothing.
    assert!(
        seen.ok > 0 && seen.slow_tail > 0 && seen.failed_500 + seen.reset > 0,
        "{seen:?}"
    );
    assert_eq!(stats(&a).await.outcomes, seen);
    assert_eq!(stats(&b).await.outcomes, seen);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn workers_same_seed_same_slow_and_500_tasks() {
    same_seed_same_fates(40, "500").await;
}

#[tokio::test]
async fn unbounded_same_seed_same_slow_and_reset_tasks() {
    same_seed_same_fates(0, "reset").await;
}

#[tokio::test]
async fn workers_reset_is_seen_as_a_reset() {
    same_seed_same_fates(40, "reset").await;
}

/// With `--rate 1/s --burst 1`, a request held 300 ms by the one token, the next three are refused
/// with `Retry-After: 1` without waiting for any delay.
async fn refused_at_once(workers: usize) {
    let server = start(workers, |c| {
        c.rate = Some("1/s".parse().unwrap());
        c.burst = 1;
        c.delay = Duration::from_millis(300);
    })
    .await;
    let addr = server.data_addr();
    let first = tokio::spawn(send(addr, Some(0), "/"));
    let t0 = Instant::now();
    while stats(&server).await.in_flight == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the first request never arrived"
        );
        tokio::task::yield_now().await;
    }
    for task in 1..=3 {
        let (seen, took) = send(addr, Some(task), "/").await;
        assert_eq!(seen, Seen::Status(429, Some("1".into())));
        assert!(
            took < Duration::from_millis(300),
            "a refusal held the delay: {took:?}"
        );
    }
    assert_eq!(first.await.unwrap().0, Seen::Status(200, None));
    let st = stats(&server).await;
    assert_eq!(
        st.outcomes,
        Outcomes {
            admitted: 1,
            ok: 1,
            refused_429: 3,
            ..Outcomes::default()
        }
    );
    assert_eq!(st.by_status.get(&429), Some(&3));
    // A reset fills the bucket again: the next request is admitted at once, not in a second.
    server.reset_stats();
    let (seen, _) = send(addr, Some(4), "/").await;
    assert_eq!(seen, Seen::Status(200, None));
    server.shutdown().await;
}

#[tokio::test]
async fn workers_refuse_past_the_rate_at_once() {
    refused_at_once(2).await;
}

#[tokio::test]
async fn unbounded_refuses_past_the_rate_at_once() {
    refused_at_once(0).await;
}

#[tokio::test]
async fn without_x_task_the_arrival_order_keys_the_draws() {
    // One request at a time, so arrival order is the send order: tasks 0.. by their index.
    let (a, b) = (
        start(1, tail_and_fail("500")).await,
        start(1, tail_and_fail("500")).await,
    );
    for task in 0..12 {
        let (by_index, _) = send(a.data_addr(), None, "/").await;
        let (by_task, _) = send(b.data_addr(), Some(task), "/").await;
        assert_eq!(by_index, by_task, "task {task}");
    }
    assert_eq!(stats(&a).await.outcomes, stats(&b).await.outcomes);
    a.shutdown().await;
    b.shutdown().await;
}

/// A client that leaves during the delay is counted as cancelled where the server notices (worker mode:
/// hyper watches the connection while the request is held), so a hedge's cancelled loser is visible.
#[tokio::test]
async fn workers_count_a_client_gone_during_the_delay_as_cancelled() {
    let server = start(1, |c| c.delay = Duration::from_secs(5)).await;
    let mut s = TcpStream::connect(server.data_addr()).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\nX-Task: 1\r\n\r\n")
        .await
        .unwrap();
    let t0 = Instant::now();
    while stats(&server).await.in_flight == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the request never arrived"
        );
        tokio::task::yield_now().await;
    }
    drop(s);
    while stats(&server).await.outcomes.cancelled == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(4),
            "the close went unnoticed"
        );
        tokio::task::yield_now().await;
    }
    let o = stats(&server).await.outcomes;
    assert_eq!((o.admitted, o.cancelled, o.ok), (1, 1, 0));
    server.shutdown().await;
}
