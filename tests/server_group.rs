//! The slow server spread over processes (`run::service::server_group`), against real processes on
//! 127.0.0.1: every process of the group gets connections through the shared SO_REUSEPORT port, the
//! group's counters are its processes' summed, a dead process is named, and dropping the group leaves
//! no process behind.

mod common;

use common::*;
use concbench::names::ServerKind;
use concbench::run::service::server_group::ServerGroup;
use concbench::run::service::{Need, Service, Setup};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

const DELAY: Duration = Duration::from_millis(100);

fn group(processes: usize) -> ServerGroup {
    ServerGroup::start(Path::new(EXE), plan(0, DELAY), None, None, processes).unwrap()
}

/// `n` GETs at once against `url`, each on its own connection; every answer read to its end.
fn get_all(url: &str, n: usize) {
    let addr = url.trim_start_matches("http://");
    let mut conns: Vec<TcpStream> = (0..n)
        .map(|_| {
            let mut c = TcpStream::connect(addr).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            c
        })
        .collect();
    for c in &mut conns {
        let mut answer = String::new();
        c.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}

#[test]
fn every_process_of_the_group_serves_and_the_counters_sum_exactly() {
    let g = group(3);
    let urls: Vec<&str> = g.shards().iter().map(|s| s.ready.url.as_str()).collect();
    assert!(urls.iter().all(|u| *u == urls[0]), "one port: {urls:?}");
    let controls: Vec<&str> = g
        .shards()
        .iter()
        .map(|s| s.ready.control.as_str())
        .collect();
    assert!(
        controls[0] != controls[1] && controls[1] != controls[2],
        "{controls:?}"
    );
    let counters = g.counters().unwrap();
    counters.reset().unwrap();
    get_all(g.url(), 300);
    let served: Vec<u64> = g
        .shards()
        .iter()
        .map(|s| s.stats().unwrap().served)
        .collect();
    // 300 connections hashed over 3 processes' listeners: one process getting none is a chance of
    // about (2/3)^300.
    assert!(
        served.iter().all(|&n| n > 0),
        "every process serves: {served:?}"
    );
    let whole = counters.read().unwrap();
    assert_eq!(whole.served, 300, "{served:?}");
    assert_eq!(served.iter().sum::<u64>(), 300);
    // The sum of the processes' maxima: at least the most one process held, at most every request.
    let most = g
        .shards()
        .iter()
        .map(|s| s.stats().unwrap().max_in_flight)
        .max()
        .unwrap();
    assert!(
        whole.max_in_flight >= most && whole.max_in_flight <= 300,
        "{whole:?}"
    );
    // Reset zeroes every process; the next repetition is counted alone.
    counters.reset().unwrap();
    assert_eq!(counters.read().unwrap().served, 0);
    get_all(g.url(), 30);
    assert_eq!(counters.read().unwrap().served, 30);
}

#[test]
fn a_dead_process_is_named_and_dropping_the_group_leaves_none() {
    // Through the run's registry: a need of 3 processes starts a group.
    let setup = Setup {
        exe: Path::new(EXE),
        server_cpus: None,
        broker_key: "",
        broker_listen: None,
    };
    let need = Need::Server(ServerKind::Concbench, plan(0, DELAY), None, 3);
    let mut g = need.start(&setup).unwrap();
    let Some(concbench::measure::process_cpu::CpuOf::Processes(pids)) = g.cpu() else {
        panic!("a group's CPU is its processes'")
    };
    assert_eq!(pids.len(), 3);
    assert!(pids.iter().all(|&p| alive(p)), "{pids:?}");
    g.check().unwrap();
    assert!(g.described().contains("3 processes"), "{}", g.described());
    // SAFETY: a process this test started.
    unsafe { libc::kill(pids[1] as i32, libc::SIGKILL) };
    until(Duration::from_secs(5), "the killed process to end", || {
        !g.alive()
    });
    let err = g.check().unwrap_err().to_string();
    assert_eq!(
        err,
        format!("the slow server's process 2 of 3 (pid {}) is gone", pids[1])
    );
    assert!(
        g.cpu().and_then(|c| c.read()).is_none(),
        "no CPU sum without one of its processes"
    );
    drop(g);
    for p in pids {
        assert!(!alive(p), "pid {p} outlived its group");
    }
}

#[test]
fn only_the_unbounded_server_is_spread() {
    let err = ServerGroup::start(Path::new(EXE), plan(3, DELAY), None, None, 2)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("--server-workers 0"), "{err}");
}
