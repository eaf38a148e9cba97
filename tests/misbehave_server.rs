//! The harness's own binary as the misbehaving slow server (`concbench __serve`, as the run starts it),
//! on 127.0.0.1 port 0: every flag of issue 23 part A at once, and the counters of `/stats`, read as the
//! harness reads them, equal to what a client saw.

use concbench_server::{ReadyLine, StatsSnapshot};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    ready: ReadyLine,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_concbench"))
        .args(["__serve", "--port", "0", "--exit-on-stdin-eof"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("concbench __serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = serde_json::from_str(&line).expect("a ready line");
    Server { child, ready }
}

/// What a client saw: the status and Retry-After, or None for a reset (or a close before any answer).
type Seen = Option<(u16, Option<String>)>;

/// One GET with its task number.
fn get(base: &str, path: &str, task: u64) -> Seen {
    let addr = base.strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: t\r\nX-Task: {task}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    match s.read_to_end(&mut buf) {
        Err(e) if e.kind() == ErrorKind::ConnectionReset && buf.is_empty() => return None,
        Err(e) => panic!("{e}"),
        Ok(_) if buf.is_empty() => return None,
        Ok(_) => {}
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    let head = text.split("\r\n\r\n").next().unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let retry = head
        .lines()
        .find_map(|l| l.strip_prefix("retry-after: ").map(String::from));
    Some((status, retry))
}

fn stats(server: &Server) -> StatsSnapshot {
    let body = ureq::get(format!("{}/stats", server.ready.control))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    serde_json::from_str(&body).unwrap()
}

#[test]
fn the_binary_misbehaves_as_flagged_and_counts_what_the_client_saw() {
    let flags = [
        "--workers",
        "2",
        "--delay",
        "5ms",
        "--delay-dist",
        "tail:p=0.3,x=4",
        "--rate",
        "2/s",
        "--burst",
        "20",
        "--fail",
        "0.3,reset",
        "--seed",
        "7",
    ];
    let server = start(&flags);
    // 30 requests one after another, well past the burst of 20 at 2/s: the last ~10 are refused.
    let t0 = std::time::Instant::now();
    let seen: Vec<_> = (0..30).map(|t| get(&server.ready.url, "/", t)).collect();
    // The bucket's own bound: the burst plus 2 a second over the loop, no more, no fewer than the burst.
    let most = 20 + (2.0 * t0.elapsed().as_secs_f64()).ceil() as u64;
    let count = |f: &dyn Fn(&Seen) -> bool| seen.iter().filter(|s| f(s)).count() as u64;
    let refused = count(&|s| matches!(s, Some((429, Some(r))) if r == "1"));
    let resets = count(&|s| s.is_none());
    let answered = count(&|s| matches!(s, Some((200, None))));
    assert_eq!(refused + resets + answered, 30, "{seen:?}");
    assert!(
        (20..=most).contains(&(30 - refused)),
        "{refused} refused: {seen:?}"
    );
    assert!(resets > 0, "{seen:?}");
    let st = stats(&server);
    let o = st.outcomes;
    assert_eq!(
        (
            o.admitted,
            o.refused_429,
            o.reset,
            o.ok + o.slow_tail,
            o.failed_500,
            o.cancelled
        ),
        (30 - refused, refused, resets, answered, 0, 0),
        "{o:?}"
    );
    assert!(o.slow_tail > 0, "{o:?}");
    assert_eq!(st.served, refused + answered, "a reset is not a response");

    // Another server of the same seed resets the same tasks, asked in the opposite order. Refusals
    // depend on the clock, not the seed: compare the tasks both servers admitted.
    let again = start(&flags);
    let mut seen_again: Vec<_> = (0..30)
        .rev()
        .map(|t| (t, get(&again.ready.url, "/", t)))
        .collect();
    seen_again.sort_by_key(|(t, _)| *t);
    let is_429 = |s: &Seen| matches!(s, Some((429, _)));
    let both: Vec<usize> = (0..30)
        .filter(|&t| !is_429(&seen[t]) && !is_429(&seen_again[t].1))
        .collect();
    let resets_of =
        |v: &dyn Fn(usize) -> bool| both.iter().copied().filter(|&t| v(t)).collect::<Vec<_>>();
    let (a, b) = (
        resets_of(&|t| seen[t].is_none()),
        resets_of(&|t| seen_again[t].1.is_none()),
    );
    assert!(both.len() >= 10 && !a.is_empty(), "{both:?}");
    assert_eq!(a, b);
}

#[test]
fn a_bad_misbehaviour_flag_is_refused_in_one_line() {
    for (args, says) in [
        (&["--delay-dist", "gamma"][..], "unknown distribution"),
        (&["--fail", "0.1,404"][..], "is not 500 or reset"),
        (&["--burst", "3"][..], "--rate"),
        (
            &["--delay", "10s", "--delay-dist", "tail:p=0.1,x=10"][..],
            "above the maximum of 60s",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_concbench"))
            .args(["__serve", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
