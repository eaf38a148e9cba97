//! `concbench-bare`: the measured shapes with no harness at all — no records, no sampler, no client,
//! no concbench code but `thread_room`'s check before each thread — so the scale suite can show what
//! the harness adds to a model and what tokio or the OS costs by itself on this machine. One program, four shapes:
//!
//! - `spawn N MS`: N tokio tasks each sleeping MS, spawned on a multi-thread runtime, handles joined;
//! - `join-all N MS`: N sleeps joined with `join_all` on a current-thread runtime, nothing spawned;
//! - `threads N MS`: N OS threads each sleeping MS, joined;
//! - `get N URL [SOURCES]`: N tokio tasks on a multi-thread runtime, each connecting to
//!   `http://ADDR/PATH`, writing one `Connection: close` GET and reading to the server's close — no
//!   HTTP parsing, no timeout: the io shape's floor (it counts the answers that began `HTTP/1.1 2`).
//!   With SOURCES > 1 it connects from 127.0.0.1 … 127.0.0.SOURCES in turn, as the direct client
//!   spreads a large case (concbench's `Sources`, the one other piece of concbench here): run as k
//!   processes beside `async-sharded`, together they hold more connections than one address's ports.
//!
//! It prints one JSON line: its makespan (first spawn → last join), when it began and ended on
//! CLOCK_MONOTONIC (so k copies run at once make one makespan, first start → last end), its own peak
//! RSS (VmHWM: its parent's memory is no part of it) and how many units it started before the OS
//! refused one, if any.

use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = || -> ! {
        eprintln!(
            "usage: concbench-bare spawn|join-all|threads N MS, or concbench-bare get N URL [SOURCES]"
        );
        std::process::exit(2)
    };
    if args.len() != 4 && !(args.len() == 5 && args[1] == "get") {
        usage();
    }
    let n: usize = args[2].parse().unwrap_or_else(|_| usage());
    let wait = || Duration::from_millis(args[3].parse().unwrap_or_else(|_| usage()));
    let t0 = Instant::now();
    let t0_ns = concbench::ledger::clock::instant_ns(t0);
    let (started, refused) = match args[1].as_str() {
        "spawn" => {
            let rt = tokio::runtime::Runtime::new().expect("a runtime");
            rt.block_on(async {
                let handles: Vec<_> = (0..n)
                    .map(|_| tokio::spawn(tokio::time::sleep(wait())))
                    .collect();
                for h in handles {
                    h.await.expect("a sleep does not panic");
                }
            });
            (n, None)
        }
        "join-all" => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            // The sleeps are made inside the runtime: a tokio timer needs one to exist.
            let wait = wait();
            rt.block_on(async {
                futures_util::future::join_all((0..n).map(|_| tokio::time::sleep(wait))).await
            });
            (n, None)
        }
        "threads" => {
            let wait = wait();
            let mut handles = Vec::with_capacity(n);
            let mut refused = None;
            // The one piece of concbench here: where the kernel's mapping limit would refuse a
            // thread, which std would turn into an abort instead of an error (see thread_room).
            let room = concbench::thread_room::Room::now();
            for i in 0..n {
                if let Some(room) = room.filter(|r| i >= r.threads()) {
                    refused = Some(room.refusal(i + 1));
                    break;
                }
                match std::thread::Builder::new().spawn(move || std::thread::sleep(wait)) {
                    Ok(h) => handles.push(h),
                    Err(e) => {
                        refused = Some(e.to_string());
                        break;
                    }
                }
            }
            let started = handles.len();
            for h in handles {
                h.join().expect("a sleep does not panic");
            }
            (started, refused)
        }
        "get" => {
            let Some((addr, path)) = args[3]
                .strip_prefix("http://")
                .map(|rest| rest.split_once('/').unwrap_or((rest, "")))
            else {
                usage()
            };
            let request =
                format!("GET /{path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            let addr: std::net::SocketAddr = addr.parse().unwrap_or_else(|_| usage());
            let count: usize = args
                .get(4)
                .map_or(1, |c| c.parse().unwrap_or_else(|_| usage()));
            let sources = concbench::client::sources::Sources::new(count, addr.ip());
            let ok = tokio::runtime::Runtime::new()
                .expect("a runtime")
                .block_on(get_all(n, addr, request.into_bytes(), sources));
            (ok, None)
        }
        _ => usage(),
    };
    let end = Instant::now();
    let makespan = (end - t0).as_secs_f64();
    let end_ns = concbench::ledger::clock::instant_ns(end);
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        });
    let refused = refused.map_or("null".to_string(), |e| format!("{e:?}"));
    println!(
        "{{\"makespan_s\":{makespan},\"t0_ns\":{t0_ns},\"end_ns\":{end_ns},\"peak_rss_kib\":{},\"started\":{started},\"refused\":{refused}}}",
        peak.map_or("null".to_string(), |p| p.to_string())
    );
}

/// N GETs at once, each on its own connection read to the close (from `sources` in turn); how many
/// were answered 2xx.
async fn get_all(
    n: usize,
    addr: std::net::SocketAddr,
    request: Vec<u8>,
    sources: concbench::client::sources::Sources,
) -> usize {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let request: &'static [u8] = request.leak();
    let sources: &'static _ = Box::leak(Box::new(sources));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            tokio::spawn(async move {
                let mut stream = sources.connect_async(addr).await.ok()?;
                stream.write_all(request).await.ok()?;
                let mut answer = Vec::with_capacity(256);
                stream.read_to_end(&mut answer).await.ok()?;
                answer.starts_with(b"HTTP/1.1 2").then_some(())
            })
        })
        .collect();
    let mut ok = 0;
    for h in handles {
        ok += usize::from(matches!(h.await, Ok(Some(()))));
    }
    ok
}
