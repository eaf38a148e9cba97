//! Faults and bad input, one test per row of the faults table: nothing hangs (every wait here has a
//! deadline), nothing is lost (result files keep what finished), no process is left behind.

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::results::ResultFile;
use concbench::workload::FailureKind;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Every live descendant of `pid`, from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for t in tasks.flatten() {
            let kids = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
            for k in kids.split_whitespace().filter_map(|k| k.parse().ok()) {
                out.push(k);
                todo.push(k);
            }
        }
    }
    out
}

fn load(path: &Path) -> ResultFile {
    ResultFile::load(path).unwrap()
}

#[test]
fn unreachable_target_fails_within_two_seconds_naming_the_address() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let target = format!("http://{addr}");
    let (out, took) = timed(&[
        "run",
        "--workload",
        "io",
        "--model",
        "threads",
        "--target",
        &target,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&addr.to_string()), "{}", stderr(&out));
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn a_server_that_dies_mid_case_is_counted_and_later_cases_say_so() {
    let _t = timing_lock();
    let dir = tmpdir("server-dies");
    let file = dir.join("run.json");
    let mut child = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "io",
            "--model",
            "sequential,threads",
            "--tasks",
            "6",
        ])
        .args([
            "--server-workers",
            "1",
            "--delay",
            "200ms",
            "--repeat",
            "2",
            "--warmup",
            "0",
            "--quiet",
        ])
        .arg("--out")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let me = child.id();
    let find = |what: &str| {
        descendants(me)
            .into_iter()
            .find(|&p| cmdline(p).contains(what))
    };
    until(Duration::from_secs(10), "the first case process", || {
        find("__case").is_some()
    });
    let server = find("__serve").expect("the harness started a server");
    let t0 = Instant::now();
    unsafe { libc::kill(server as i32, libc::SIGKILL) };
    let status = wait_for(&mut child, Duration::from_secs(30));
    let resolved = t0.elapsed();
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(
        err.contains("gone"),
        "later cases report the server gone: {err}"
    );
    let result = load(&file);
    assert!(!result.complete);
    assert_eq!(result.cases.len(), 1, "the case that was running completed");
    let case = &result.cases[0];
    // Every later slot, of this case or the other, finds the server gone and is not measured.
    assert_eq!(case.samples.len(), 1);
    let why = case.samples[0].server_error.as_deref().unwrap_or_default();
    assert!(
        why.contains("server's stats"),
        "the sample says why it has no server counters: {why:?}"
    );
    let failed: u64 = case.samples.iter().flat_map(|s| s.failures.values()).sum();
    let kinds: HashSet<_> = case
        .samples
        .iter()
        .flat_map(|s| s.failures.keys().cloned())
        .collect();
    assert!(
        failed > 0 && kinds.iter().all(|k| k == "connect" || k == "io"),
        "{kinds:?}"
    );
    eprintln!("server death resolved in {resolved:?}");
}

fn one_case(args: &[&str], dir: &Path) -> (ResultFile, Output, Duration) {
    let file = dir.join("run.json");
    let mut all = vec![
        "run",
        "--workload",
        "io",
        "--repeat",
        "1",
        "--warmup",
        "0",
        "--quiet",
        "--out",
    ];
    all.push(file.to_str().unwrap());
    all.extend_from_slice(args);
    let (out, took) = timed(&all);
    // Every task of these cases fails: the run still keeps its samples, and says so with exit 1.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("every task of every case failed"));
    (load(&file), out, took)
}

#[test]
fn five_hundreds_are_status_failures_and_the_makespan_is_still_measured() {
    let _t = timing_lock();
    let dir = tmpdir("5xx");
    let args = [
        "--model",
        "threads",
        "--tasks",
        "3",
        "--server-workers",
        "3",
        "--delay",
        "50ms",
        "--path",
        "/status/500",
    ];
    let (result, _, took) = one_case(&args, &dir);
    let s = &result.cases[0].samples[0];
    assert_eq!(s.failures.get("status"), Some(&3));
    assert_eq!(s.ok, 0);
    assert!(s.makespan_s >= 0.05, "{}", s.makespan_s);
    eprintln!("5xx case resolved in {took:?}");
}

#[test]
fn a_response_that_never_comes_times_out() {
    let _t = timing_lock();
    let dir = tmpdir("timeout");
    let args = [
        "--model",
        "threads",
        "--tasks",
        "2",
        "--server-workers",
        "2",
        "--path",
        "/delay/60000",
        "--timeout",
        "500ms",
    ];
    let (result, _, took) = one_case(&args, &dir);
    let s = &result.cases[0].samples[0];
    assert_eq!(s.failures.get("timeout"), Some(&2), "{:?}", s.failures);
    assert!(
        s.makespan_s >= 0.5 && s.makespan_s < 2.5,
        "{}",
        s.makespan_s
    );
    assert!(took < Duration::from_secs(15), "{took:?}");
    eprintln!("timeouts resolved in {:.3} s", s.makespan_s);
}

#[test]
fn a_connection_closed_without_a_response_is_an_io_failure() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    // Accept and hang up at once; bounded in count and time, stops by itself.
    let rude = std::thread::spawn(move || {
        let t0 = Instant::now();
        let mut n = 0;
        while n < 20 && t0.elapsed() < Duration::from_secs(10) {
            match listener.accept() {
                Ok((s, _)) => {
                    drop(s);
                    n += 1;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(2)),
            }
        }
    });
    let dir = tmpdir("rude");
    let target = format!("http://{addr}");
    let (result, _, _) = one_case(
        &["--model", "sequential", "--tasks", "3", "--target", &target],
        &dir,
    );
    let s = &result.cases[0].samples[0];
    assert_eq!(s.failures.get("io"), Some(&3), "{:?}", s.failures);
    drop(rude);
}

/// The syscall a process is blocked in (x86_64 numbering), from /proc/PID/syscall.
fn sleeping_in_a_task(pid: u32) -> bool {
    let nr = std::fs::read_to_string(format!("/proc/{pid}/syscall")).unwrap_or_default();
    let nr: i64 = nr
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(-1);
    // nanosleep / clock_nanosleep: the worker is inside a sleep task, not waiting for one.
    if cfg!(target_arch = "x86_64") {
        nr == 35 || nr == 230
    } else if cfg!(target_arch = "aarch64") {
        nr == 101 || nr == 115
    } else {
        true
    }
}

fn kill_a_busy_worker(retries: usize) -> (concbench::model::Execution, Duration) {
    let mut job = job(Spec::sleeping(Duration::from_millis(400)), 6, 2);
    job.retries = retries;
    let pool = std::thread::spawn(move || ModelKind::ProcessPool.model().run(&job).unwrap());
    let me = std::process::id();
    let mut victim = None;
    until(Duration::from_secs(10), "a worker inside a task", || {
        victim = descendants(me)
            .into_iter()
            .find(|&p| cmdline(p).contains("__worker") && sleeping_in_a_task(p));
        victim.is_some()
    });
    let t0 = Instant::now();
    unsafe { libc::kill(victim.unwrap() as i32, libc::SIGKILL) };
    let exec = pool.join().unwrap();
    (exec, t0.elapsed())
}

#[test]
fn a_killed_pool_worker_is_replaced_and_its_task_counted_or_retried() {
    let _t = timing_lock();
    let (exec, took) = kill_a_busy_worker(0);
    let lost: Vec<_> = exec
        .records
        .iter()
        .filter(|r| r.result.outcome == Err(FailureKind::WorkerLost))
        .collect();
    assert_eq!(lost.len(), 1, "exactly the killed worker's task");
    assert!(
        lost[0].end - lost[0].start < Duration::from_millis(400),
        "detected before the task could end"
    );
    assert_eq!(
        exec.records
            .iter()
            .filter(|r| r.result.outcome.is_ok())
            .count(),
        5
    );
    assert_eq!(
        exec.workers.unwrap().processes,
        3,
        "two workers and one replacement"
    );
    eprintln!("worker loss: pool finished {took:?} after the kill");

    let (exec, _) = kill_a_busy_worker(1);
    assert!(
        exec.records.iter().all(|r| r.result.outcome.is_ok()),
        "the lost task was resubmitted"
    );
    let attempts: u32 = exec.records.iter().map(|r| r.attempts).sum();
    assert_eq!(attempts, 7, "six tasks, one of them twice");
    assert!(descendants(std::process::id())
        .iter()
        .all(|&p| !cmdline(p).contains("__worker")));
}

fn interrupt_mid_suite(signal: i32, code: i32) {
    let dir = tmpdir(&format!("signal{signal}"));
    let file = dir.join("run.json");
    let mut child = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "io",
            "--model",
            "sequential,process-pool",
            "--limit",
            "2",
            "--tasks",
            "2",
        ])
        .args([
            "--server-workers",
            "2",
            "--delay",
            "300ms",
            "--repeat",
            "1",
            "--warmup",
            "0",
            "--quiet",
            // Blocked, so the case that finished first is known: the sequential one.
            "--order",
            "blocked",
        ])
        .arg("--out")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let me = child.id();
    // The signal to wait for: pool workers exist, so the first case has finished and the second runs.
    let mut family = Vec::new();
    until(Duration::from_secs(15), "pool workers", || {
        family = descendants(me);
        family
            .iter()
            .filter(|&&p| cmdline(p).contains("__worker"))
            .count()
            == 2
    });
    assert!(family.iter().any(|&p| cmdline(p).contains("__serve")));
    let t0 = Instant::now();
    unsafe { libc::kill(me as i32, signal) };
    let status = wait_for(&mut child, Duration::from_secs(5));
    assert_eq!(status.code(), Some(code));
    until(Duration::from_secs(2), "every child gone", || {
        family.iter().all(|&p| !alive(p))
    });
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(2), "{took:?}");
    let result = load(&file);
    assert!(!result.complete);
    assert_eq!(result.cases.len(), 1, "the finished case is kept");
    assert_eq!(result.cases[0].params.model, ModelKind::Sequential);
    eprintln!("signal {signal}: everything gone {took:?} after it");
}

#[test]
fn sigint_mid_suite_stops_everything_and_keeps_finished_cases() {
    let _t = timing_lock();
    interrupt_mid_suite(libc::SIGINT, 130);
}

#[test]
fn sigterm_mid_suite_stops_everything_and_keeps_finished_cases() {
    let _t = timing_lock();
    interrupt_mid_suite(libc::SIGTERM, 143);
}

#[test]
fn an_unwritable_results_directory_is_refused_before_measuring() {
    let dir = tmpdir("unwritable");
    let in_the_way = dir.join("not-a-dir");
    std::fs::write(&in_the_way, b"a file where a directory should be").unwrap();
    for out in [
        in_the_way.join("run.json"),
        PathBuf::from("/proc/self/concbench/run.json"),
    ] {
        let (o, took) = timed(&[
            "run",
            "--workload",
            "io",
            "--model",
            "threads",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("pass --out"), "{}", stderr(&o));
        // Refused before the 1 s server delay could have been measured.
        assert!(took < Duration::from_secs(1), "{took:?}");
        assert!(!out.exists());
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "nothing half-written"
    );
}

#[test]
fn absurd_values_are_refused_with_the_bound() {
    let base = ["run", "--workload", "io", "--model"];
    let cases: &[(&[&str], &str)] = &[
        // A trillion tasks' records alone are 512 TB: more than any machine has.
        (&["threads", "--tasks", "1000000000000"], "available"),
        (&["threads", "--tasks", "0"], "--tasks 0: give at least 1"),
        (
            &["thread-pool", "--tasks", "4", "--limit", "5"],
            "above --tasks 4",
        ),
        (&["threads", "--delay", "-1s"], "cannot be negative"),
        (&["threads", "--delay", "100000000s"], "maximum of 60s"),
        (&["threads", "--timeout", "1000000s"], "at most 10m"),
        (&["threads", "--repeat", "0"], "1..=1000"),
    ];
    // A CPU part of a hundred years would burn a core for as long: bounded like a delay.
    let mixed = [
        "run",
        "--workload",
        "mixed",
        "--model",
        "async",
        "--cpu-time",
        "100years",
    ];
    let (out, _) = timed(&mixed);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("maximum of 60s"), "{}", stderr(&out));
    for (args, bound) in cases {
        let (out, _) = timed(&[&base[..], args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(bound), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn threads_past_the_kernels_limits_are_refused_with_the_limit() {
    // One more thread than vm.max_map_count leaves room for (four mappings a thread), or than
    // pid_max allows, whichever this machine reaches first: both are the kernel's.
    let read = |p: &str| -> usize { std::fs::read_to_string(p).unwrap().trim().parse().unwrap() };
    let maps = read("/proc/sys/vm/max_map_count") / 4;
    let pids = read("/proc/sys/kernel/pid_max").min(read("/proc/sys/kernel/threads-max"));
    let n = (maps.min(pids) + 1).to_string();
    let args = [
        "run",
        "--workload",
        "sleep",
        "--delay",
        "10ms",
        "--model",
        "threads",
        "--tasks",
        &n,
    ];
    let (out, took) = timed(&args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("vm.max_map_count") || said.contains("kernel.pid_max"),
        "{said}"
    );
    assert!(said.contains("--limit"), "says the fix: {said}");
    assert!(
        took < Duration::from_secs(5),
        "refused before anything ran: {took:?}"
    );
}

#[test]
fn an_ad_hoc_run_goes_past_a_hundred_thousand_tasks_where_the_machine_holds_them() {
    // 200,000 tokio tasks sleeping 1 ms hold about 0.5 GB by the bounds: well within this machine,
    // and refused by the constant that bounded ad-hoc runs before.
    let dir = tmpdir("past-100k");
    let file = run_ok(
        &[
            "--workload",
            "sleep",
            "--delay",
            "1ms",
            "--model",
            "async",
            "--tasks",
            "200000",
            "--repeat",
            "1",
        ],
        &dir.join("run.json"),
    );
    assert_eq!(file.cases[0].samples[0].ok, 200_000);
    let _ = std::fs::remove_dir_all(&dir);
}

fn with_ulimit(limit: &str, args: &str) -> Output {
    let script = format!("ulimit {limit} 256 && exec \"$0\" {args}");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(EXE)
        .output()
        .unwrap()
}

#[test]
fn a_low_open_file_limit_is_raised_or_refused_up_front() {
    let _t = timing_lock();
    let dir = tmpdir("nofile");
    let out = dir.join("run.json");
    let args = format!(
        "run --workload io --model async --tasks 1000 --server-workers 0 --delay 100ms --repeat 1 --warmup 0 -q --out {}",
        out.display()
    );
    // Soft limit only: the harness raises it to the hard limit and all 1,000 connections succeed.
    let raised = with_ulimit("-Sn", &args);
    assert!(raised.status.success(), "{}", stderr(&raised));
    assert_eq!(load(&out).cases[0].samples[0].ok, 1000);
    // Hard limit too: unprivileged (no CAP_SYS_RESOURCE, as in this project's containers) nothing can
    // raise it, so the run is refused with the number it needs; privileged, the harness raises it.
    let refused = with_ulimit("-n", &args);
    if concbench_server::limits::may_raise_hard() {
        assert!(refused.status.success(), "{}", stderr(&refused));
        return;
    }
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("1064 open files"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn more_connections_than_ephemeral_ports_are_refused_with_the_numbers() {
    let args = |client| {
        [
            "run",
            "--workload",
            "io",
            "--model",
            "async",
            "--tasks",
            "99000",
            "--server-workers",
            "0",
            "--client",
            client,
        ]
    };
    // The library clients connect from one source address: ~28k ports.
    let (out, took) = timed(&args("library"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ephemeral ports"), "{}", stderr(&out));
    assert!(took < Duration::from_secs(2));
    // The direct client spreads over 5 loopback addresses, so ports are no reason to refuse; only an
    // open-file limit below 99,064 is. Checked only where that refusal comes (as here): elsewhere the
    // command would run 99,000 connections.
    use concbench_server::limits::{may_raise_hard, nofile};
    if nofile().hard < 99_064 && !may_raise_hard() {
        let (out, _) = timed(&args("direct"));
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("99064 open files"),
            "{}",
            stderr(&out)
        );
        assert!(
            !stderr(&out).contains("ephemeral ports"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_server_that_exits_at_start_says_so_with_its_message() {
    let t = Instant::now();
    // Above the server's own bound: it refuses and exits at once.
    let plan = plan(3, Duration::from_secs(61));
    let err = concbench::run::service::slow_server::ServerChild::start(
        Path::new(EXE),
        plan,
        None,
        None,
        0,
    )
    .err()
    .expect("the server cannot start");
    let msg = format!("{err:#}");
    assert!(msg.contains("exited"), "{msg}");
    assert!(msg.contains("60s"), "its own message: {msg}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[test]
fn sigterm_during_a_probe_on_every_core_ends_every_probe_process_at_once() {
    if concbench::measure::machine::allowed_cpus().len() < 2 {
        return skip(
            Why::OneCpu,
            "a probe runs one process per core: one core, one process",
        );
    }
    let _t = timing_lock();
    let dir = tmpdir("probe-signal");
    // One task of a few seconds: the probe before the first repetition computes it alone, then once
    // per core at once — the moment to interrupt, when several probe processes run side by side.
    let mut child = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "cpu",
            "--model",
            "sequential",
            "--tasks",
            "1",
        ])
        .args([
            "--cpu-iters",
            "600000000",
            "--repeat",
            "1",
            "--warmup",
            "0",
            "--quiet",
        ])
        .arg("--out")
        .arg(dir.join("run.json"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let me = child.id();
    let cases = |pid: u32| -> Vec<u32> {
        children(pid)
            .into_iter()
            .filter(|&p| cmdline(p).contains("__case"))
            .collect()
    };
    until(
        Duration::from_secs(60),
        "probe processes side by side",
        || cases(me).len() >= 2,
    );
    let family = cases(me);
    let t0 = Instant::now();
    unsafe { libc::kill(me as i32, libc::SIGTERM) };
    let status = wait_for(&mut child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(143));
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "the run took {:?} to stop",
        t0.elapsed()
    );
    for p in family {
        assert!(!alive(p), "probe process {p} outlived the run");
    }
}

#[test]
fn any_run_removes_what_a_killed_harness_left_in_the_temporary_directory() {
    // A database directory of a harness that no longer runs (a pid above pid_max never does), as
    // SIGKILL during `--db postgres` leaves it: a run of another workload removes it at its start.
    let stale = std::env::temp_dir().join("concbench-db-999999997-0123456789abcdef");
    std::fs::create_dir_all(stale.join("data")).unwrap();
    let dir = tmpdir("stale-db");
    run_ok(
        &[
            "--workload",
            "sleep",
            "--model",
            "sequential",
            "--tasks",
            "1",
            "--delay",
            "1ms",
        ],
        &dir.join("run.json"),
    );
    assert!(!stale.exists(), "{} is still there", stale.display());
}

#[test]
fn a_suite_refuses_the_flags_of_one_case_instead_of_ignoring_them() {
    for flag in [
        &["--tasks", "0"][..],
        &["--limit", "2"],
        &["--cpu-time", "10ms"],
        &["--stage-workers", "3,4,5"],
        &["--path", "/delay/5"],
        &["--connect", "per-task"],
    ] {
        let args = [&["run", "--suite", "seed"][..], flag].concat();
        refused(&args, "cannot be used with");
    }
}

#[test]
fn stage_workers_take_the_documented_comma_form() {
    let dir = tmpdir("stage-workers");
    let file = run_ok(
        &[
            "--workload",
            "pipeline",
            "--model",
            "threads",
            "--tasks",
            "6",
            "--stage-workers",
            "1,2,3",
        ],
        &dir.join("run.json"),
    );
    let concbench::workload::Params::Pipeline(p) = &file.cases[0].params.workload else {
        panic!("a pipeline case")
    };
    assert_eq!(p.workers, [1, 2, 3]);
    refused(
        &[
            "run",
            "--workload",
            "pipeline",
            "--model",
            "threads",
            "--stage-workers",
            "3,4",
        ],
        "give three counts",
    );
}

#[test]
fn a_case_process_killed_by_a_signal_is_reported_by_the_signal() {
    let dir = tmpdir("case-killed");
    let exe = dir.join("case");
    // Written and made executable by another process: a file this process had open for writing
    // could be inherited by a child another test forks meanwhile, and exec of it fail (ETXTBSY).
    let made = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf '#!/bin/sh\\nkill -KILL $$\\n' > '{0}' && chmod +x '{0}'",
            exe.display()
        ))
        .status()
        .unwrap();
    assert!(made.success());
    let sleep = concbench::workload::Params::Sleep(concbench::workload::SleepParams::new(
        Duration::from_millis(1),
    ));
    let spec = case_spec(ModelKind::Threads, sleep, "", 1, 1);
    let err = concbench::run::case::run_isolated(&exe, &spec, Duration::from_secs(10))
        .expect_err("a killed case process fails");
    let msg = format!("{err:#}");
    assert!(msg.contains("killed by signal 9 (KILL)"), "{msg}");
    assert!(!msg.contains("137"), "not the shell's 128 + 9: {msg}");
}
