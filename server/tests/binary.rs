//! The `slow-server` binary: its ready line, its exit codes, and that it dies with its stdin.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_slow-server");

#[test]
fn prints_its_ready_line_first_and_exits_on_stdin_eof() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--delay", "10ms", "--exit-on-stdin-eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: concbench_server::ReadyLine =
        serde_json::from_str(&line).expect("first line is JSON");
    assert!(ready.url.starts_with("http://127.0.0.1:"), "{ready:?}");
    assert_ne!(ready.url, ready.control);
    assert_eq!((ready.workers, ready.delay_ms), (3, 10));
    drop(child.stdin.take());
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        if t0.elapsed() > Duration::from_secs(5) {
            child.kill().unwrap();
            panic!("server outlived its stdin");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn exits_zero_on_sigterm() {
    let mut child = Command::new(BIN)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
}

fn refuses(args: &[&str], expect: &str) {
    let out = Command::new(BIN).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(expect), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_flags_exit_two_with_one_line() {
    refuses(&["--delay", "-1s"], "--delay");
    refuses(&["--delay", "61s", "--port", "0"], "60s");
    refuses(&["--workers", "10001", "--port", "0"], "10000");
    refuses(&["--body-timeout", "0s", "--port", "0"], "--body-timeout");
    refuses(&["--frobnicate"], "--frobnicate");
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    refuses(&["--port", &port], "cannot listen");
}
