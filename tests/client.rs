//! The clients against hand-written servers that misbehave on purpose (a thread each, on 127.0.0.1:0)
//! and against the real slow server: every answer is read whole or counted as the right failure kind,
//! by both faces of the direct client alike, and keep-alive really reuses connections.

mod common;

use common::TestServer;
use concbench::client::Options;
use concbench::client::{self, ClientKind, Failure, HttpClient, Req};
use concbench::workload::FailureKind;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 22\r\n\r\nThis is a slow web api";

/// Which face of a client a check goes through.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Face {
    Blocking,
    Async,
}

const FACES: [Face; 2] = [Face::Blocking, Face::Async];

fn client(kind: ClientKind, url: &str, keep_alive: bool, timeout: Duration) -> Box<dyn HttpClient> {
    client::build(
        kind,
        &Options {
            url: url.to_string(),
            keep_alive,
            timeout,
            sources: 1,
        },
    )
    .unwrap()
}

fn direct(url: &str) -> Box<dyn HttpClient> {
    client(ClientKind::Direct, url, false, Duration::from_secs(10))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn get(c: &dyn HttpClient, face: Face) -> Result<u64, FailureKind> {
    match face {
        Face::Blocking => c.get_blocking(Req::first(0)),
        Face::Async => runtime().block_on(c.get_async(Req::first(0))),
    }
    .map_err(|f| f.kind)
}

/// The same GET, with the failure as the client gave it (a 429's `Retry-After` too).
fn try_get(c: &dyn HttpClient, face: Face, req: Req<'_>) -> Result<u64, Failure> {
    match face {
        Face::Blocking => c.get_blocking(req),
        Face::Async => runtime().block_on(c.get_async(req)),
    }
}

/// Read one request head, so that closing afterwards is an orderly EOF and not a reset.
fn read_request(stream: &mut BufReader<TcpStream>) {
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            return;
        }
    }
}

/// A server answering `conns` connections in turn, the i-th (from 0) with `handler(i, stream)`.
fn serve(
    conns: usize,
    handler: impl Fn(usize, BufReader<TcpStream>) + Send + 'static,
) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for i in 0..conns {
            let (stream, _) = listener.accept().unwrap();
            handler(i, BufReader::new(stream));
        }
    });
    (url, handle)
}

/// Wait for the client to close: the connection is held without an answer and without sleeping.
fn hold_until_closed(mut stream: BufReader<TcpStream>) {
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
}

#[test]
fn a_response_trickling_one_byte_per_write_is_read_whole() {
    let (url, server) = serve(FACES.len(), |_, mut s| {
        read_request(&mut s);
        let mut s = s.into_inner();
        // Without Nagle every one-byte write leaves as its own segment.
        s.set_nodelay(true).unwrap();
        for b in OK {
            s.write_all(std::slice::from_ref(b)).unwrap();
            s.flush().unwrap();
        }
        hold_until_closed(BufReader::new(s));
    });
    let c = direct(&url);
    for face in FACES {
        assert_eq!(get(&*c, face), Ok(22), "{face:?}");
    }
    server.join().unwrap();
}

#[test]
fn a_body_shorter_than_its_length_is_io() {
    let (url, server) = serve(FACES.len(), |_, mut s| {
        read_request(&mut s);
        let mut s = s.into_inner();
        s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 22\r\n\r\nThis is")
            .unwrap();
        s.shutdown(Shutdown::Both).unwrap();
    });
    let c = direct(&url);
    for face in FACES {
        assert_eq!(get(&*c, face), Err(FailureKind::Io), "{face:?}");
    }
    server.join().unwrap();
}

#[test]
fn a_server_that_closes_without_answering_is_io() {
    // First after reading the request (an orderly EOF), then at once (the request may meet a reset).
    let (url, server) = serve(2 * FACES.len(), |i, mut s| {
        if i % 2 == 0 {
            read_request(&mut s);
        }
        drop(s);
    });
    let c = direct(&url);
    for face in FACES {
        for attempt in ["after the request", "at once"] {
            assert_eq!(get(&*c, face), Err(FailureKind::Io), "{face:?}, {attempt}");
        }
    }
    server.join().unwrap();
}

#[test]
fn garbage_instead_of_http_is_io() {
    let (url, server) = serve(FACES.len(), |_, mut s| {
        read_request(&mut s);
        let mut s = s.into_inner();
        s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").unwrap();
        hold_until_closed(BufReader::new(s));
    });
    let c = direct(&url);
    for face in FACES {
        assert_eq!(get(&*c, face), Err(FailureKind::Io), "{face:?}");
    }
    server.join().unwrap();
}

#[test]
fn a_refused_port_is_connect() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    for kind in ClientKind::ALL {
        let c = client(
            kind,
            &format!("http://127.0.0.1:{port}/"),
            false,
            Duration::from_secs(10),
        );
        for face in FACES {
            assert_eq!(
                get(&*c, face),
                Err(FailureKind::Connect),
                "{kind:?} {face:?}"
            );
        }
    }
}

#[test]
fn a_server_that_never_answers_is_timeout_after_the_timeout() {
    // Never accepted: the kernel completes the handshake from the backlog and nobody ever answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let timeout = Duration::from_millis(200);
    let c = client(ClientKind::Direct, &url, false, timeout);
    for face in FACES {
        let t0 = Instant::now();
        assert_eq!(get(&*c, face), Err(FailureKind::Timeout), "{face:?}");
        let took = t0.elapsed();
        assert!(took >= timeout, "{face:?}: gave up early, after {took:?}");
        assert!(
            took < Duration::from_secs(2),
            "{face:?}: took {took:?} for a 200 ms timeout"
        );
    }
    drop(listener);
}

#[test]
fn a_trickle_slower_than_the_deadline_is_timeout() {
    // Every read returns well inside the timeout; only the request as a whole is late. A client that
    // gave each read the full timeout would wait 50 s for this body, so this proves the blocking face
    // counts down one deadline. The server's pacing is the behaviour under test, not synchronisation.
    let (url, server) = serve(FACES.len(), |_, mut s| {
        read_request(&mut s);
        let mut s = s.into_inner();
        s.set_nodelay(true).unwrap();
        let mut out = b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n".to_vec();
        out.resize(out.len() + 1000, b'x');
        // A write fails once the client has given up and closed.
        for b in &out {
            if s.write_all(std::slice::from_ref(b)).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let timeout = Duration::from_millis(300);
    let c = client(ClientKind::Direct, &url, false, timeout);
    for face in FACES {
        let t0 = Instant::now();
        assert_eq!(get(&*c, face), Err(FailureKind::Timeout), "{face:?}");
        let took = t0.elapsed();
        assert!(
            took >= timeout && took < Duration::from_secs(2),
            "{face:?}: {took:?} for a 300 ms timeout"
        );
    }
    server.join().unwrap();
}

#[test]
fn a_non_2xx_answer_from_the_slow_server_is_status() {
    let server = TestServer::start(0, Duration::ZERO);
    let url = format!("{}/status/503", server.url());
    for kind in ClientKind::ALL {
        let c = client(kind, &url, false, Duration::from_secs(10));
        for face in FACES {
            assert_eq!(
                get(&*c, face),
                Err(FailureKind::Status),
                "{kind:?} {face:?}"
            );
        }
    }
    assert_eq!(server.stats().by_status.get(&503), Some(&4));
}

#[test]
fn both_clients_read_the_slow_servers_body() {
    let server = TestServer::start(1, Duration::ZERO);
    for kind in ClientKind::ALL {
        let c = client(
            kind,
            &format!("{}/", server.url()),
            false,
            Duration::from_secs(10),
        );
        for face in FACES {
            assert_eq!(get(&*c, face), Ok(22), "{kind:?} {face:?}");
        }
    }
}

/// A TCP relay in front of `upstream` that counts the connections it accepts.
fn counting_proxy(upstream: SocketAddr) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let server = TcpStream::connect(upstream).unwrap();
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut to);
                    let _ = to.shutdown(Shutdown::Write);
                });
            }
        }
    });
    (url, accepted)
}

fn data_addr(server: &TestServer) -> SocketAddr {
    server
        .url()
        .strip_prefix("http://")
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn keep_alive_reuses_connections_and_close_does_not() {
    let server = TestServer::start(0, Duration::ZERO);
    for (keep_alive, face) in [
        (true, Face::Blocking),
        (true, Face::Async),
        (false, Face::Blocking),
        (false, Face::Async),
    ] {
        server.reset();
        let (url, accepted) = counting_proxy(data_addr(&server));
        let c = client(
            ClientKind::Direct,
            &format!("{url}/delay/0"),
            keep_alive,
            Duration::from_secs(10),
        );
        match face {
            Face::Blocking => {
                for _ in 0..20 {
                    assert_eq!(c.get_blocking(Req::first(0)), Ok(22));
                }
            }
            // Two runtimes, the first dropped before the second starts, as criterion does per
            // iteration: a connection kept past the runtime that used it (its reactor gone) is
            // replaced by a fresh one without a failure, then reused within the second runtime.
            Face::Async => {
                for _ in 0..2 {
                    let rt = runtime();
                    for _ in 0..10 {
                        assert_eq!(rt.block_on(c.get_async(Req::first(0))), Ok(22));
                    }
                }
            }
        }
        let what = format!("keep-alive {keep_alive}, {face:?}");
        assert_eq!(server.stats().served, 20, "{what}");
        let conns = accepted.load(Ordering::SeqCst);
        if keep_alive {
            let runtimes = if face == Face::Async { 2 } else { 1 };
            assert_eq!(
                conns, runtimes,
                "{what}: one connection carries the requests of a runtime"
            );
        } else {
            assert_eq!(conns, 20, "{what}: a connection per request");
        }
    }
}

#[test]
fn a_stale_kept_connection_is_retried_once_on_a_fresh_one() {
    // Connection 0 answers with keep-alive, then closes as a server's idle timeout would; the next
    // request finds it dead before any answer and must go again on connection 1.
    let conns = Arc::new(AtomicUsize::new(0));
    let seen = conns.clone();
    let per_face = 2;
    let (url, server) = serve(per_face * FACES.len(), move |i, mut s| {
        seen.fetch_add(1, Ordering::SeqCst);
        read_request(&mut s);
        let mut s = s.into_inner();
        s.write_all(OK).unwrap();
        if i % per_face == 0 {
            drop(s);
        } else {
            hold_until_closed(BufReader::new(s));
        }
    });
    for face in FACES {
        let c = client(ClientKind::Direct, &url, true, Duration::from_secs(10));
        assert_eq!(get(&*c, face), Ok(22), "{face:?}: first request");
        assert_eq!(get(&*c, face), Ok(22), "{face:?}: request on the stale one");
        drop(c);
    }
    server.join().unwrap();
    assert_eq!(conns.load(Ordering::SeqCst), per_face * FACES.len());
}

/// Beyond ~28k connections one source address runs out of ports, so the direct client spreads over
/// 127.0.0.x: with three sources asked for, the server sees each of the three as a peer, through both
/// faces, and the real slow server (several accept loops in unbounded mode) answers every one of them.
#[test]
fn connections_spread_over_three_loopback_source_addresses() {
    const PER_FACE: usize = 6;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut peers = std::collections::BTreeSet::new();
        for _ in 0..PER_FACE * FACES.len() {
            let (stream, peer) = listener.accept().unwrap();
            peers.insert(peer.ip().to_string());
            let mut stream = BufReader::new(stream);
            read_request(&mut stream);
            stream.get_mut().write_all(OK).unwrap();
            hold_until_closed(stream);
        }
        peers
    });
    let spread = |url: &str| {
        client::build(
            ClientKind::Direct,
            &Options {
                url: url.to_string(),
                keep_alive: false,
                timeout: Duration::from_secs(10),
                sources: 3,
            },
        )
        .unwrap()
    };
    let c = spread(&url);
    for face in FACES {
        for _ in 0..PER_FACE {
            assert_eq!(get(&*c, face), Ok(22), "{face:?}");
        }
    }
    let peers: Vec<String> = server.join().unwrap().into_iter().collect();
    assert_eq!(peers, ["127.0.0.1", "127.0.0.2", "127.0.0.3"]);

    let slow = TestServer::start(0, Duration::ZERO);
    let c = spread(&format!("{}/", slow.url()));
    let answered = runtime().block_on(async {
        let gets: Vec<_> = (0..PER_FACE)
            .map(|i| c.get_async(Req::first(i as u64)))
            .collect();
        futures_util::future::join_all(gets).await
    });
    assert!(answered.iter().all(|r| *r == Ok(22)), "{answered:?}");
    assert_eq!(get(&*c, Face::Blocking), Ok(22));
    assert_eq!(slow.stats().served, PER_FACE as u64 + 1);
}

/// One request to a one-shot server that answers `answer`: what the client returned and the request
/// head's lines, lower-cased.
fn exchange(
    kind: ClientKind,
    face: Face,
    req: Req<'_>,
    answer: &'static [u8],
) -> (Result<u64, Failure>, Vec<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut stream = BufReader::new(stream);
        let mut head = Vec::new();
        let mut line = String::new();
        while stream.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
            head.push(line.trim_end().to_ascii_lowercase());
            line.clear();
        }
        stream.get_mut().write_all(answer).unwrap();
        head
    });
    let c = client(kind, &url, false, Duration::from_secs(10));
    let got = try_get(&*c, face, req);
    (got, server.join().unwrap())
}

/// Both faces of both clients name the request's task in `X-Task`, the key a misbehaving server draws
/// its fate by, and its try in `X-Attempt` past the first (the server reads its absence as 0).
#[test]
fn every_client_sends_its_task_and_try_numbers() {
    for kind in ClientKind::ALL {
        for face in FACES {
            let (got, head) = exchange(kind, face, Req::first(4_294_967_301), OK);
            assert_eq!(got, Ok(22), "{kind:?} {face:?}");
            assert!(
                head.iter().any(|h| h == "x-task: 4294967301"),
                "{kind:?} {face:?}: {head:?}"
            );
            assert!(!head.iter().any(|h| h.starts_with("x-attempt")), "{head:?}");
            let (got, head) = exchange(kind, face, Req::first(7).try_number(3), OK);
            assert_eq!(got, Ok(22), "{kind:?} {face:?}");
            assert!(
                head.iter().any(|h| h == "x-task: 7") && head.iter().any(|h| h == "x-attempt: 3"),
                "{kind:?} {face:?}: {head:?}"
            );
        }
    }
}

/// A 429 is `refused`, with the seconds its `Retry-After` gave, in both faces of both clients; any
/// other non-2xx is `status`, with none.
#[test]
fn every_client_reads_a_refusal_and_when_to_come_back() {
    const REFUSED: &[u8] =
        b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const FAILED: &[u8] =
        b"HTTP/1.1 500 Internal Server Error\r\nRetry-After: 2\r\nContent-Length: 0\r\n\
        Connection: close\r\n\r\n";
    for kind in ClientKind::ALL {
        for face in FACES {
            let (got, _) = exchange(kind, face, Req::first(1), REFUSED);
            assert_eq!(
                got,
                Err(Failure {
                    kind: FailureKind::Refused,
                    retry_after: Some(Duration::from_secs(2))
                }),
                "{kind:?} {face:?}"
            );
            let (got, _) = exchange(kind, face, Req::first(1), FAILED);
            assert_eq!(got, Err(FailureKind::Status.into()), "{kind:?} {face:?}");
        }
    }
}

/// The ledger's marks of one request, by both faces of the direct client against one worker with a
/// 50 ms delay: each mark in its order on the one clock, the server's stamps inside the client's span,
/// its hold at least the delay; two requests at once: the second is accepted only once the first was
/// answered (it waited in the backlog). The marks are taken on the task's own thread, also from a
/// multi-thread runtime whose worker ends the request.
#[test]
fn both_faces_mark_a_request_and_the_servers_stamps_fall_inside() {
    use concbench::ledger::{marks, CallMarks};
    let delay = Duration::from_millis(50);
    let server = TestServer::start(1, delay);
    let c: Arc<dyn HttpClient> = Arc::from(direct(&server.url()));
    let check = |m: CallMarks| {
        let s = m.server.expect("the server stamped it");
        assert!(m.connect_ns > 0 && m.connect_ns <= m.connected_ns, "{m:?}");
        assert!(m.connected_ns <= m.written_ns, "{m:?}");
        // The server may accept before the client's connect() has returned (the handshake is done
        // in the kernel; the client's thread is yet to run): accepted follows connect begun only.
        assert!(
            m.connect_ns <= s.accepted_ns && s.accepted_ns <= s.read_ns,
            "{m:?}"
        );
        assert!(s.replied_ns - s.read_ns >= delay.as_nanos() as u64, "{m:?}");
        assert!(
            s.replied_ns <= m.first_byte_ns && m.first_byte_ns <= m.last_byte_ns,
            "{m:?}"
        );
        m
    };
    assert_eq!(c.get_blocking(Req::first(0)).map_err(|f| f.kind), Ok(22));
    check(marks::take().expect("published on this thread"));
    assert_eq!(marks::take(), None, "taken once");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let pair = rt.block_on(async {
        let asks = (0..2).map(|task| {
            let c = c.clone();
            tokio::spawn(async move {
                let got = c.get_async(Req::first(task)).await.map_err(|f| f.kind);
                (got, marks::take())
            })
        });
        let mut out = Vec::new();
        for ask in asks.collect::<Vec<_>>() {
            let (got, m) = ask.await.unwrap();
            assert_eq!(got, Ok(22));
            out.push(check(m.expect("taken in the poll that ended it")));
        }
        out
    });
    let stamp = |m: &CallMarks| m.server.unwrap();
    let (first, second) = match stamp(&pair[0]).replied_ns < stamp(&pair[1]).replied_ns {
        true => (&pair[0], &pair[1]),
        false => (&pair[1], &pair[0]),
    };
    assert!(
        stamp(second).accepted_ns >= stamp(first).replied_ns,
        "one worker: {first:?} then {second:?}"
    );
}
