//! The ipc workload: every Rust transport moves every size intact and in order (a pair fails
//! otherwise), its peer reaped before the pair returns; a peer killed mid-exchange, or one that stops
//! answering, ends its pair with a failure in bounded time and leaves no process; a peer handed a
//! wrong message says which failure with its exit code, so the checks are not ones that can only
//! pass; `concbench run --workload ipc` records the exchange per sample, and refuses a bad flag
//! combination with the fix. Python's transports run when the Python env exists. No speed asserted.

mod common;

use common::*;
use concbench::names::FailureKind;
use concbench::workload::ipc::message::Messages;
use concbench::workload::ipc::pair::{exchange, Failed};
use concbench::workload::ipc::{IpcParams, Transport, SIZES};
use concbench::workload::Workload;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn exe() -> &'static Path {
    Path::new(EXE)
}

/// Few messages: the test is that they arrive, not how fast.
fn messages(size: usize) -> u64 {
    match size {
        s if s >= 1 << 20 => 4,
        s if s >= 64 << 10 => 10,
        _ => 30,
    }
}

#[test]
fn every_transport_moves_every_size_intact_and_its_peer_is_gone_after() {
    for t in Transport::rust() {
        for size in SIZES {
            let task = IpcParams::new(t, size, messages(size)).task(exe().to_path_buf());
            let r = task.blocking(0);
            assert_eq!(r.outcome, Ok(messages(size)), "{t} {size}");
            let ex = task.exchanged().expect("a pair completed");
            assert_eq!(
                (ex.pairs, ex.round_trips, ex.streamed),
                (1, messages(size), messages(size)),
                "{t} {size}"
            );
            for v in [ex.mb_per_s, ex.messages_per_s, ex.memcpy_mb_per_s] {
                assert!(v.is_finite() && v > 0.0, "{t} {size}: {ex:?}");
            }
            assert!(ex.rtt_p50_s > 0.0 && ex.rtt_p50_s <= ex.rtt_p99_s, "{ex:?}");
            // Reaped, not a zombie: its /proc entry is gone, and the audit agrees.
            let peers = task.peers();
            assert_eq!(peers.len(), 1);
            assert!(
                !alive(peers[0]),
                "{t} {size}: peer {} still there",
                peers[0]
            );
            task.audit(&mut []).unwrap();
        }
    }
}

/// A pair's end on its thread: what it streamed or why it failed, and how long it took.
type PairEnd = std::thread::JoinHandle<(Result<u64, Failed>, Duration)>;

/// Start a pair of 64 B messages on a thread, many more than it can finish, and return its peer's
/// pid (once it runs) and the pair's end.
fn long_pair(t: Transport, timeout: Duration) -> (u32, PairEnd) {
    let (tx, rx) = mpsc::channel();
    let pair = std::thread::spawn(move || {
        let msgs = Messages::new(64);
        let t0 = Instant::now();
        let started = |pid| tx.send(pid).unwrap();
        let r = exchange(exe(), t, &msgs, 10_000_000, timeout, &started);
        (r.map(|f| f.streamed), t0.elapsed())
    });
    let pid = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the peer starts");
    // Under way: the peer is the concbench binary (exec'd), and has taken CPU time.
    until(Duration::from_secs(10), "the peer under way", || {
        cmdline(pid).contains("__ipc") && cpu_ticks(pid) > 0
    });
    (pid, pair)
}

/// user + system clock ticks of `pid`, 0 when gone.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 0, utime 11, stime 12.
    f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
}

#[test]
fn a_peer_killed_mid_exchange_ends_its_pair_as_worker_lost_in_bounded_time() {
    for t in Transport::rust() {
        let (pid, pair) = long_pair(t, Duration::from_secs(60));
        // SAFETY: kill(2) on the peer this test's pair started and has not reaped (the pair
        // reaps it only after its transport breaks, which is this kill's doing).
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        let killed = Instant::now();
        let (r, _) = pair.join().unwrap();
        let after = killed.elapsed();
        assert_eq!(r.map_err(|f| f.kind), Err(FailureKind::WorkerLost), "{t}");
        // Well before the pair's own minute: its side saw the transport break.
        assert!(after < Duration::from_secs(10), "{t}: {after:?}");
        assert!(!alive(pid), "{t}: the peer was not reaped");
    }
}

#[test]
fn a_peer_that_stops_answering_is_killed_at_the_deadline_as_timeout() {
    for t in [Transport::Pipe, Transport::Shm] {
        let timeout = Duration::from_millis(400);
        let (pid, pair) = long_pair(t, timeout);
        // SAFETY: as above; a stopped process is still ours to kill and reap.
        unsafe { libc::kill(pid as i32, libc::SIGSTOP) };
        let (r, took) = pair.join().unwrap();
        assert_eq!(r.map_err(|f| f.kind), Err(FailureKind::Timeout), "{t}");
        assert!(took >= timeout, "{t}: ended before its deadline: {took:?}");
        assert!(took < timeout + Duration::from_secs(10), "{t}: {took:?}");
        assert!(!alive(pid), "{t}: the peer was not reaped");
    }
}

/// The peer, handed one echo of a 64 B message that is not `seq` 0's as it should be, and its exit.
fn peer_handed(wrong: impl FnOnce(&mut [u8])) -> (Option<i32>, String) {
    let mut child = Command::new(exe())
        .args(["__ipc", "pipe", "64"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut to = child.stdin.take().unwrap();
    // Echo one message: the header (op 1, count 1), then the message.
    let mut header = [0u8; 16];
    header[0] = 1;
    header[8] = 1;
    let mut msg = vec![0u8; 64];
    Messages::new(64).fill(0, &mut msg);
    wrong(&mut msg);
    to.write_all(&header).unwrap();
    to.write_all(&msg).unwrap();
    let mut back = vec![0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut back).unwrap();
    assert_eq!(back, msg, "echoed as it came");
    drop(to);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_peer_handed_a_wrong_message_says_which_failure() {
    let (code, err) = peer_handed(|_| {});
    assert_eq!(code, Some(0), "the right message passes: {err}");
    let (code, err) = peer_handed(|m| m[40] ^= 1);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("corrupt"), "{err}");
    // Message 251 has message 0's body: only its sequence number says it is out of turn.
    let (code, err) = peer_handed(|m| m[..8].copy_from_slice(&251u64.to_le_bytes()));
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("reordered"), "{err}");
}

#[test]
fn a_run_records_each_samples_exchange_and_threads_run_pairs_at_once() {
    let dir = tmpdir("ipc-run");
    let out = dir.join("ipc.json");
    let file = run_ok(
        &[
            "--workload",
            "ipc",
            "--model",
            "sequential,threads",
            "--tasks",
            "3",
            "--transport",
            "unix",
            "--message-size",
            "4KiB",
            "--messages",
            "40",
            "--repeat",
            "1",
        ],
        &out,
    );
    assert_eq!(file.cases.len(), 2);
    for c in &file.cases {
        let s = &c.samples[0];
        assert_eq!(
            (s.ok, s.failures.len()),
            (3, 0),
            "{}: {:?}",
            c.id,
            s.failures
        );
        let ex = s.ipc.as_ref().expect("the sample records its exchange");
        assert_eq!((ex.pairs, ex.streamed), (3, 120), "{}", c.id);
        assert!(ex.memcpy_mb_per_s > 0.0);
    }
}

#[test]
fn bad_flag_combinations_say_how_to_fix_them() {
    refused(
        &[
            "run",
            "--workload",
            "ipc",
            "--model",
            "sequential",
            "--message-size",
            "100",
        ],
        "multiple of 8",
    );
    refused(
        &[
            "run",
            "--workload",
            "ipc",
            "--model",
            "sequential",
            "--message-size",
            "2MiB",
        ],
        "1 MiB",
    );
    refused(
        &[
            "run",
            "--workload",
            "ipc",
            "--model",
            "sequential",
            "--messages",
            "0",
        ],
        "--messages",
    );
    refused(
        &[
            "run",
            "--workload",
            "ipc",
            "--model",
            "process-pool",
            "--limit",
            "2",
        ],
        "models that can: sequential, threads, thread-pool",
    );
    refused(
        &[
            "run",
            "--workload",
            "ipc",
            "--model",
            "sequential",
            "--transport",
            "mp-queue",
        ],
        "models that can: py-sequential",
    );
    refused(
        &["run", "--workload", "ipc", "--model", "py-sequential"],
        "models that can: sequential, threads, thread-pool",
    );
}

/// What /dev/shm holds that Python's shared-memory transport names (ipc.py: `concbench-ipc-*`).
fn shm_left() -> Vec<String> {
    std::fs::read_dir("/dev/shm")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("concbench-ipc-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn pythons_transports_move_their_messages_intact() {
    if let Err(why) = concbench::run::external::python_env() {
        return skip(Why::NoPythonEnv, why);
    }
    let dir = tmpdir("ipc-python");
    for t in Transport::python() {
        let out = dir.join(format!("{t}.json"));
        let file = run_ok(
            &[
                "--workload",
                "ipc",
                "--model",
                "py-sequential",
                "--tasks",
                "1",
                "--transport",
                t.name(),
                "--message-size",
                "4KiB",
                "--messages",
                "20",
                "--repeat",
                "1",
            ],
            &out,
        );
        let s = &file.cases[0].samples[0];
        assert_eq!((s.ok, s.failures.len()), (1, 0), "{t}: {:?}", s.failures);
        let ex = s.ipc.as_ref().expect("Python records its exchange");
        assert_eq!((ex.pairs, ex.round_trips, ex.streamed), (1, 20, 20), "{t}");
        assert!(
            ex.rtt_p50_s > 0.0 && ex.memcpy_mb_per_s > 0.0,
            "{t}: {ex:?}"
        );
    }
    assert!(shm_left().is_empty(), "left in /dev/shm: {:?}", shm_left());
}

#[test]
fn the_section_reads_the_suite_a_row_per_transport_and_size_and_says_how_far_below_memcpy() {
    use concbench::report::sections::ipc::{data as idata, sentences, table};
    let data = data_from(IPC_FIXTURE);
    let rows = idata::rows(&data);
    for t in Transport::rust() {
        let sizes: Vec<u64> = rows
            .iter()
            .filter(|r| r.transport == t && r.figures.is_some())
            .map(|r| r.size)
            .collect();
        assert_eq!(sizes, SIZES.map(|s| s as u64), "{t}: every size measured");
    }
    for r in rows.iter().filter_map(|r| r.figures) {
        assert!(r.mb_per_s > 0.0 && r.memcpy_mb_per_s > 0.0, "{r:?}");
        assert!(r.rtt_p50_s <= r.rtt_p99_s, "{r:?}");
    }
    let t = table::table(&rows).unwrap();
    assert_eq!(t.rows.len(), rows.len());
    assert!(t.header.iter().any(|h| h == "of memcpy"), "{:?}", t.header);
    let said = sentences::takeaway(&rows);
    for size in ["64 B", "4 KiB", "64 KiB", "1 MiB"] {
        assert!(said.contains(&format!("At {size} ")), "{said}");
    }
    assert!(said.contains("of memcpy"), "{said}");
    assert_eq!(takeaway_of(&data, "ipc"), said);
}

#[test]
fn a_python_peer_killed_mid_exchange_ends_its_pair_and_leaves_no_shared_memory() {
    if let Err(why) = concbench::run::external::python_env() {
        return skip(Why::NoPythonEnv, why);
    }
    let dir = tmpdir("ipc-python-killed");
    let out = dir.join("killed.json");
    let mut run = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "ipc",
            "--model",
            "py-sequential",
            "--tasks",
            "1",
        ])
        .args(["--transport", "mp-shared-memory", "--message-size", "64"])
        .args([
            "--messages",
            "10000000",
            "--timeout",
            "60s",
            "--repeat",
            "1",
        ])
        .args(["--warmup", "0", "--quiet", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // run → the Python model → its peer (forked: the same command line) and, beside it, the
    // resource tracker shared memory starts.
    let mut peer = None;
    until(Duration::from_secs(20), "the Python peer", || {
        peer = children(run.id())
            .into_iter()
            .flat_map(children)
            .find(|&p| cmdline(p).contains("concbench_py") && cpu_ticks(p) > 0);
        peer.is_some()
    });
    let peer = peer.unwrap();
    let python = children(run.id());
    // SAFETY: kill(2) on a process this test's run started; the Python model reaps it.
    unsafe { libc::kill(peer as i32, libc::SIGKILL) };
    let killed = Instant::now();
    let status = wait_for(&mut run, Duration::from_secs(30));
    assert!(
        killed.elapsed() < Duration::from_secs(20),
        "{:?}",
        killed.elapsed()
    );
    // The run measured what it could: the case has a sample whose pair failed.
    assert!(status.code().is_some(), "{status:?}");
    let file = concbench::results::ResultFile::load(&out).unwrap();
    let s = &file.cases[0].samples[0];
    assert_eq!(s.failures.get("worker-lost"), Some(&1), "{:?}", s.failures);
    assert!(s.ipc.is_none(), "no pair completed");
    assert!(!alive(peer));
    assert!(
        python.iter().all(|&p| !alive(p)),
        "the Python model is gone"
    );
    assert!(shm_left().is_empty(), "left in /dev/shm: {:?}", shm_left());
}
