//! The aiomultiprocess article's shapes: mixed work (wait, GET, count) gives every model the same
//! waits; one event loop doing the counting falls behind a pool of loops; the async process pool keeps
//! many tasks in flight per worker, and a worker lost mid-run loses exactly the tasks it held, which
//! `--retries` resubmits.

mod common;

use common::*;
use concbench::measure::noise::Snapshot;
use concbench::model::ModelKind;
use concbench::names::Group;
use concbench::render::fmt;
use concbench::report::data::{self, ReportData};
use concbench::report::{sections, table};
use concbench::results::CaseResult;
use concbench::workload::{FailureKind, Params};
use std::time::{Duration, Instant};

fn mixed(url: &str) -> Spec {
    spec(concbench::workload::WorkloadKind::Mixed, url)
}

fn waits(spec: &Spec, n: u64) -> Vec<Duration> {
    match &spec.params {
        Params::Mixed(m) => (0..n).map(|i| m.wait(i)).collect(),
        _ => unreachable!(),
    }
}

#[test]
fn every_model_waits_the_same_seeded_waits() {
    let _t = timing_lock();
    let server = TestServer::start(0, Duration::ZERO);
    let n = 8;
    let expected = waits(&mixed(&server.url()), n as u64);
    for model in [ModelKind::Threads, ModelKind::Async, ModelKind::ThreadPool] {
        let exec = model.model().run(&job(mixed(&server.url()), n, n)).unwrap();
        for (i, r) in exec.records.iter().enumerate() {
            assert!(r.result.outcome.is_ok(), "{model}: {r:?}");
            // Each task took at least its own wait, and not a second wait's worth more.
            let took = r.end - r.start;
            assert!(
                took >= expected[i] && took < expected[i] + Duration::from_millis(500),
                "{model} task {i}: {took:?} for a wait of {:?}",
                expected[i]
            );
        }
    }
}

#[test]
fn one_event_loop_falls_behind_a_pool_of_loops() {
    let _t = timing_lock();
    let server = TestServer::start(0, Duration::ZERO);
    let n = 16;
    // Counting that outweighs the waits (tens of ms a task in a debug build, waits of 20-70 ms): one
    // loop counts 16 parts one after another, two loops half each, so even a host that slows a vCPU
    // now and then leaves the ratio well above 1.2.
    let mut heavy = mixed(&server.url());
    if let Params::Mixed(m) = &mut heavy.params {
        m.cpu_iters = 4_000_000;
    }
    // Best of three each, so a burst of load elsewhere does not decide the ratio; and what the rest
    // of the machine took meanwhile, to tell a quiet machine from a busy one.
    let (before, own_before) = (Snapshot::take(None), own_cpu());
    let time = |model: ModelKind, k: usize| {
        (0..3)
            .map(|_| {
                let mut job = job(heavy.clone(), n, k);
                job.per_worker = 16;
                let exec = model.model().run(&job).unwrap();
                assert!(exec.records.iter().all(|r| r.result.outcome.is_ok()));
                exec.makespan()
            })
            .min()
            .unwrap()
    };
    let scaling = two_cores_now();
    let single = time(ModelKind::AsyncSingle, n);
    let pool = time(ModelKind::AsyncProcessPool, 2);
    let scaling = scaling.min(two_cores_now());
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    eprintln!("async-single {single:?}, async-process-pool k=2 {pool:?}");
    // This test process and its workers are most of the machine's busy time; the rest is others'.
    let noise = before.until(&Snapshot::take(None), 0.0);
    let others = (noise.busy_s - (own_cpu() - own_before)) / (noise.wall_s * noise.cpus as f64);
    if others > 0.25 {
        return skip_check(
            "the ratio",
            Why::Busy,
            format!("other processes took {:.0} % of the CPU", others * 100.0),
        );
    }
    // A host that takes a vCPU away — for a moment (steal over the measurement) or throughout (two
    // threads counting slower than one) — leaves one core for two processes; the ratio needs two.
    let stolen = noise.steal_s / (noise.wall_s * noise.cpus as f64);
    if stolen > 0.05 {
        return skip_check(
            "the ratio",
            Why::Busy,
            format!("the host took {:.0} % of the CPU (steal)", stolen * 100.0),
        );
    }
    if scaling < 0.75 {
        return skip_check(
            "the ratio",
            Why::Busy,
            format!("two threads counted at {scaling:.2} of one's speed each"),
        );
    }
    if cores >= 2 {
        assert!(
            single.as_secs_f64() > 1.2 * pool.as_secs_f64(),
            "one loop {single:?} vs two {pool:?}"
        );
    }
}

/// How fast two threads count at once, each against one alone (1.0: two full cores).
fn two_cores_now() -> f64 {
    let count = || {
        let t = Instant::now();
        std::hint::black_box(concbench::workload::count_to(3_000_000));
        t.elapsed().as_secs_f64()
    };
    let alone = count();
    let together = std::thread::scope(|s| {
        let a = s.spawn(count);
        let b = s.spawn(count);
        a.join().unwrap().max(b.join().unwrap())
    });
    alone / together
}

/// CPU time this test process and its reaped children (pool workers) have used so far.
fn own_cpu() -> f64 {
    let mut self_usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut child_usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills plain structs.
    unsafe {
        libc::getrusage(libc::RUSAGE_SELF, &mut self_usage);
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut child_usage);
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(self_usage.ru_utime)
        + secs(self_usage.ru_stime)
        + secs(child_usage.ru_utime)
        + secs(child_usage.ru_stime)
}

fn threads_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count())
}

/// Bytes the process has read (its task numbers arrive on stdin).
fn rchar(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("rchar:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0)
}

/// How long each task of `kill_a_loaded_worker` sleeps: a kill that lands sooner after the pool
/// started is certain to find its victim holding every task it was given.
const HELD: Duration = Duration::from_millis(1500);

/// Kill an async-process-pool worker while it holds its tasks; the pool's execution, or None when
/// this thread was scheduled so late that the kill may have come after the worker's answers (a loaded
/// machine can stall a thread for longer than the tasks take).
fn kill_a_loaded_worker(retries: usize) -> Option<concbench::model::Execution> {
    // 8 tasks, 2 workers, 4 in flight each: every task is sent at the start and none later, so from
    // its first task number until HELD later a worker holds exactly 4.
    let mut job = job(Spec::sleeping(HELD), 8, 2);
    job.retries = retries;
    job.per_worker = 4;
    let started = Instant::now();
    let pool = std::thread::spawn(move || ModelKind::AsyncProcessPool.model().run(&job).unwrap());
    let me = std::process::id();
    let deadline = started + Duration::from_secs(10);
    // Past its init, an event-loop worker has two threads (its loop and its stdin reader); what it
    // reads after that are task numbers.
    let (victim, read) = loop {
        assert!(Instant::now() < deadline, "no worker came up");
        if let Some(&p) = pool_workers(me).iter().find(|&&p| threads_of(p) >= 2) {
            break (p, rchar(p));
        }
        std::thread::yield_now();
    };
    // Its four task numbers, each a line `{"task":N}` of 11 bytes (N < 10): a kill after the first
    // alone could land between the dispatcher's sends, and the worker would die holding fewer. When
    // this thread looked too late (some lines were read before `read` was taken) the count never
    // comes: that try is not in time.
    const FOUR_TASKS: u64 = 4 * 11;
    while rchar(victim) < read + FOUR_TASKS {
        if started.elapsed() >= HELD {
            pool.join().unwrap();
            return None;
        }
        std::thread::yield_now();
    }
    unsafe { libc::kill(victim as i32, libc::SIGKILL) };
    let in_time = started.elapsed() < HELD;
    let exec = pool.join().unwrap();
    in_time.then_some(exec)
}

/// `kill_a_loaded_worker` until a kill lands in time; a few tries, so a stalled moment is not a
/// failure but a machine that never lets it land is.
fn kill_in_time(retries: usize) -> concbench::model::Execution {
    (0..3)
        .find_map(|_| kill_a_loaded_worker(retries))
        .expect("in 3 tries the kill never landed within 1.5 s of the pool's start")
}

#[test]
fn a_lost_async_worker_loses_the_tasks_it_held_and_retries_resubmit_exactly_those() {
    let _t = timing_lock();
    let exec = kill_in_time(0);
    let lost = exec
        .records
        .iter()
        .filter(|r| r.result.outcome == Err(FailureKind::WorkerLost))
        .count();
    let ok = exec
        .records
        .iter()
        .filter(|r| r.result.outcome.is_ok())
        .count();
    assert_eq!((lost, ok), (4, 4), "the 4 it held are lost, the rest done");
    assert_eq!(exec.workers.unwrap().processes, 3, "two and a replacement");

    let exec = kill_in_time(1);
    assert!(exec.records.iter().all(|r| r.result.outcome.is_ok()));
    let mut again: Vec<u32> = exec.records.iter().map(|r| r.attempts).collect();
    again.sort();
    assert_eq!(
        again,
        [1, 1, 1, 1, 2, 2, 2, 2],
        "the lost 4 resubmitted, once each"
    );
}

// ---- The report's section ----

#[test]
fn the_mixed_table_splits_cpu_time_from_waiting() {
    // Not timed, but rendering takes a core: held off the timed tests of this binary, whose
    // noise check counts this process's CPU as their own.
    let _t = timing_lock();
    let data = data_from(MIXED_FIXTURE);
    let tables = table::tables(&data);
    let mixed = group_tables(&tables, "mixed");
    let split = mixed
        .more
        .iter()
        .find(|t| t.group == "mixed: computing and waiting")
        .expect("a computing and waiting table");
    let cases = data.group(Group::Mixed);
    assert_eq!(split.rows.len(), cases.len());
    assert!(split
        .note
        .contains("Waiting overlapped = waiting − (makespan − N × t₁ / (CPU lanes × s))"));
    let mut shares = Vec::new();
    for c in cases {
        let label = data::label(c);
        let cpu = median(c.samples.iter().map(|s| s.user_s + s.sys_s).collect());
        assert_eq!(cell(split, &label, "CPU time (user+sys)"), fmt::secs(cpu));
        let n = c.params.tasks as f64;
        let t1 = c.t1_s.expect("mixed cases carry t₁");
        assert_eq!(cell(split, &label, "CPU part (N × t₁)"), fmt::secs(n * t1));
        let Params::Mixed(p) = &c.params.workload else {
            panic!("{} is not mixed", c.id)
        };
        // The article's GET answers at once: the waiting is the seeded waits alone.
        assert_eq!(p.io.path, "/delay/0");
        let waiting: f64 = (0..c.params.tasks as u64)
            .map(|i| p.wait(i).as_secs_f64())
            .sum();
        assert_eq!(cell(split, &label, "waiting (Σ waits)"), fmt::secs(waiting));
        let lanes = c.params.cpu_lanes.min(data.cores()).max(1);
        let s = if lanes > 1 {
            c.scaling.unwrap_or(1.0)
        } else {
            1.0
        };
        assert_eq!(cell(split, &label, "CPU lanes"), lanes.to_string());
        let computing = n * t1 / (lanes as f64 * s);
        let makespan = c.summary.makespan.median;
        let overlapped = (waiting - (makespan - computing).max(0.0)).clamp(0.0, waiting);
        let shown = cell(split, &label, "waiting overlapped");
        assert_eq!(
            shown,
            format!(
                "{} ({})",
                fmt::secs(overlapped),
                fmt::pct(overlapped / waiting)
            ),
            "{}",
            c.id
        );
        shares.push((c.params.model, overlapped / waiting));
    }
    // Two workers, each waiting through its tasks one by one, hide the least of the waiting.
    let least = shares.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert_eq!(least.0, ModelKind::ProcessPool, "{shares:?}");
}

#[test]
fn the_mixed_takeaway_follows_its_data() {
    // Not timed, but rendering takes a core: held off the timed tests of this binary, whose
    // noise check counts this process's CPU as their own.
    let _t = timing_lock();
    let data = data_from(MIXED_FIXTURE);
    let t = takeaway_of(&data, "mixed");
    let one = case_of(&data, Group::Mixed, ModelKind::AsyncSingle);
    let many = case_of(&data, Group::Mixed, ModelKind::AsyncProcessPool);
    let (a, b) = (one.summary.makespan.median, many.summary.makespan.median);
    assert!(a > b * 1.05, "the fixture's single loop fell behind");
    assert!(
        t.contains(&format!(
            "{} took {}, {} {}'s {}: its 30 CPU parts ({} of counting) ran one after another on \
             its one loop",
            data::label(one),
            fmt::secs(a),
            fmt::times(a / b),
            data::label(many),
            fmt::secs(b),
            fmt::secs(30.0 * one.t1_s.unwrap())
        )),
        "{t}"
    );
    let by_median = |x: &&CaseResult, y: &&CaseResult| {
        x.summary
            .makespan
            .median
            .total_cmp(&y.summary.makespan.median)
    };
    let cases = data.group(Group::Mixed);
    let fastest = cases.iter().copied().min_by(by_median).unwrap();
    let slowest = cases.iter().copied().max_by(by_median).unwrap();
    for (c, says) in [
        (fastest, "the fastest was {} at {}"),
        (slowest, "{} took longest, {}"),
    ] {
        if c.id != one.id && c.id != many.id {
            let expected = says.replacen("{}", &data::label(c), 1).replacen(
                "{}",
                &fmt::secs(c.summary.makespan.median),
                1,
            );
            assert!(t.contains(&expected), "{expected:?} not in {t}");
        }
    }
    // Every mixed case of the fixture is unstable: said once, up front.
    assert!(cases.iter().all(|c| !c.summary.unstable.is_empty()));
    assert!(t.starts_with("All 6 cases here are unstable"), "{t}");
    // With one of them stable, the others carry their caveat by name.
    let mut file = load(MIXED_FIXTURE);
    for c in &mut file.cases {
        if c.params.model == ModelKind::AsyncProcessPool {
            c.summary.unstable.clear();
        }
    }
    let t = takeaway_of(
        &ReportData::merge(vec![(MIXED_FIXTURE.into(), file)], Vec::new()),
        "mixed",
    );
    assert!(t.starts_with("async-single N=30 (unstable) took"), "{t}");
    assert!(t.contains("async-process-pool k=2 N=30's"), "{t}");
}

#[test]
fn a_mixed_case_of_one_sample_has_no_whisker_and_one_whose_tasks_failed_is_left_out() {
    // Not timed, but rendering takes a core: held off the timed tests of this binary, whose
    // noise check counts this process's CPU as their own.
    let _t = timing_lock();
    let mut file = load(MIXED_FIXTURE);
    for c in &mut file.cases {
        match c.params.model {
            ModelKind::AsyncSingle => c.samples.truncate(1),
            ModelKind::ProcessPool => {
                for s in &mut c.samples {
                    s.failures.insert("timeout".into(), 1);
                    s.ok -= 1;
                }
            }
            _ => continue,
        }
        resummarise(c);
    }
    let data = ReportData::merge(vec![(MIXED_FIXTURE.into(), file)], Vec::new());
    let bars = sections::mixed::chart::bars(&data);
    for b in &bars {
        assert_eq!(
            b.ci.is_none(),
            b.model == ModelKind::AsyncSingle,
            "{}",
            b.label
        );
    }
    let failed = bars
        .iter()
        .find(|b| b.model == ModelKind::ProcessPool)
        .unwrap();
    assert_eq!(failed.efficiency, None);
    let t = takeaway_of(&data, "mixed");
    assert!(
        t.contains("process-pool k=2 N=30 (") && t.contains("3 tasks failed) is left out"),
        "{t}"
    );
    assert!(!t.contains("process-pool k=2 N=30 took"), "{t}");
    let svg = svg_texts(&sections::mixed::chart::chart(&data).unwrap().svg().unwrap());
    assert!(svg
        .iter()
        .any(|s| s.contains("no efficiency: tasks failed")));
    assert!(!svg.iter().any(|s| s.contains("NaN") || s.contains("inf")));
}
