//! `--server gunicorn`: gunicorn started by the harness on a loopback port it bound itself, answering
//! like concbench's server with sync-worker semantics (W requests at a time, the rest waiting), and
//! leaving no process behind when dropped; a short run against it. Needs `make python-env`: without
//! it each test says why it skipped, and `make test` lists them. Delays are short and tasks few: these
//! run in CI.

mod common;

use common::*;
use concbench::run::external::python_env;
use concbench::run::service::gunicorn::GunicornChild;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

/// One GET on a fresh connection; the status line and body.
fn get(url: &str, path: &str) -> (String, String) {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

#[test]
fn gunicorn_answers_like_the_slow_server_and_leaves_nothing_behind() {
    let env = match python_env() {
        Ok(env) => env,
        Err(why) => return skip(Why::NoPythonEnv, why),
    };
    let _t = timing_lock();
    let delay = Duration::from_millis(150);
    let g = GunicornChild::start(&env, plan(2, delay)).unwrap();
    assert!(g.url.starts_with("http://127.0.0.1:"), "{}", g.url);
    assert_eq!(g.workers.len(), 2);
    let (status, body) = get(&g.url, "/delay/0");
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, "This is a slow web api");
    assert!(get(&g.url, "/delay/x").0.contains("400"));
    assert!(get(&g.url, "/nowhere").0.contains("404"));
    // Sync workers: four requests on two workers take two waves of the delay, at least.
    let t0 = Instant::now();
    let url = g.url.clone();
    let gets: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || get(&url, "/"))
        })
        .collect();
    for h in gets {
        assert!(h.join().unwrap().0.contains("200"));
    }
    let took = t0.elapsed();
    assert!(took >= 2 * delay, "4 requests on 2 workers in {took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    let pids: Vec<u32> = std::iter::once(g.pid()).chain(g.workers.clone()).collect();
    drop(g);
    // SIGKILL reaches the workers through PDEATHSIG as the master dies; the kernel needs a moment.
    let until = Instant::now() + Duration::from_secs(10);
    while pids.iter().any(|&p| alive(p)) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left: Vec<_> = pids.iter().filter(|&&p| alive(p)).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_run_against_gunicorn_is_marked_and_bounded_by_physics() {
    if let Err(why) = python_env() {
        return skip(Why::NoPythonEnv, why);
    }
    let _t = timing_lock();
    let dir = tmpdir("run");
    let out = dir.join("run.json");
    let run = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "io",
            "--model",
            "threads",
            "--tasks",
            "4",
            "--server-workers",
            "2",
            "--delay",
            "100ms",
            "--server",
            "gunicorn",
            "--repeat",
            "1",
            "--warmup",
            "0",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let case = &file["cases"][0];
    assert_eq!(case["id"], "ad-hoc/io/threads/n4-w2-100ms-gunicorn");
    assert_eq!(case["params"]["workload"]["server"], "gunicorn");
    let sample = &case["samples"][0];
    assert_eq!(sample["ok"], 4, "{sample}");
    let makespan = sample["makespan_s"].as_f64().unwrap();
    assert!((0.2..3.0).contains(&makespan), "{makespan}");
    // gunicorn keeps no counters: no server observation, and no error for its absence.
    assert!(sample["server"].is_null() && sample["server_error"].is_null());
}

#[test]
fn gunicorn_refuses_what_it_cannot_be() {
    for (args, why) in [
        (
            &["--server-workers", "0"][..],
            "gunicorn's sync workers are bounded",
        ),
        (
            &["--target", "http://127.0.0.1:9"][..],
            "--target uses one already running",
        ),
    ] {
        let out = Command::new(EXE)
            .args(["run", "--workload", "io", "--model", "threads"])
            .args(["--server", "gunicorn"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(why), "{stderr}");
    }
}
