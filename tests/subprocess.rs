//! Effective Python's item 52, a child process per task: every model reads and checks each child's
//! output and times its start; a child past its timeout is killed and reaped — its task counted as
//! `timeout`, its pid gone — and children die with the case process however it dies. Then the report's
//! section, from a real run of the suite: tests/fixtures/subprocess.json, made by
//! tests/fixtures/make-subprocess.sh (the suite as it is, release build, timelines dropped).

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::names::Group;
use concbench::render::fmt;
use concbench::report::data::ReportData;
use concbench::report::sections::subprocess::data::{self as sp, short, ChildBar};
use concbench::report::sections::subprocess::{book, chart};
use concbench::workload::subprocess::task::parent_of;
use concbench::workload::{FailureKind, Params, SubprocessParams, Workload};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The models of item 52: one child after another, a thread each, a pool of threads, tokio tasks,
/// tokio tasks under a semaphore.
const MODELS: [ModelKind; 5] = [
    ModelKind::Sequential,
    ModelKind::Threads,
    ModelKind::ThreadPool,
    ModelKind::Async,
    ModelKind::AsyncSemaphore,
];

fn params(delay: Duration, timeout: Duration) -> SubprocessParams {
    SubprocessParams {
        timeout_ms: timeout.as_millis() as u64,
        ..SubprocessParams::new(delay)
    }
}

/// Whether `pid` is gone as far as this process goes: absent from /proc, or (its number reused)
/// another parent's — never this process's child, running or waiting to be reaped.
fn gone(pid: u32) -> bool {
    parent_of(pid) != Some(std::process::id())
}

#[test]
fn every_model_reads_and_checks_each_childs_output_and_times_its_start() {
    let _t = timing_lock();
    let delay = Duration::from_millis(40);
    let (n, k) = (4, 2);
    for model in MODELS {
        let (job, task) = subprocess_job(&params(delay, Duration::from_secs(30)), n, k);
        let exec = model.model().run(&job).unwrap();
        assert_eq!(exec.records.len(), n, "{model}");
        for r in &exec.records {
            assert_eq!(
                r.result.outcome,
                Ok(40),
                "{model}: each child said it slept 40 ms"
            );
            let start = r.result.service.expect("each child said when it started");
            // A child runs its own main after the spawn call, and before its task ends.
            assert!(
                start > Duration::ZERO && start < r.end - r.start,
                "{model}: {start:?}"
            );
            assert!(
                r.end - r.start >= delay,
                "{model}: a task outlasts its child's sleep"
            );
        }
        // Physics: ⌈N / lanes⌉ sleeps one after another; generous above.
        let lanes = model.model().lanes(n, k, 1, 2).in_flight;
        let floor = delay * n.div_ceil(lanes) as u32;
        let took = exec.makespan();
        assert!(
            took >= floor && took < floor + Duration::from_secs(10),
            "{model}: {took:?}"
        );
        let pids = task.children();
        assert_eq!(pids.len(), n, "{model}: a child per task");
        assert!(pids.iter().all(|&p| gone(p)), "{model}: {pids:?}");
        task.audit(&mut []).unwrap();
        assert!(task.verify(40).is_ok() && task.verify(39).is_err());
    }
}

#[test]
fn a_child_past_its_timeout_is_killed_reaped_and_counted() {
    let _t = timing_lock();
    // Children of 30 s killed at 300 ms: a task that waited for its child would take 30 s.
    let timeout = Duration::from_millis(300);
    let (n, k) = (3, 3);
    for model in MODELS {
        let (job, task) = subprocess_job(&params(Duration::from_secs(30), timeout), n, k);
        let exec = model.model().run(&job).unwrap();
        assert_eq!(exec.records.len(), n, "{model}");
        for r in &exec.records {
            assert_eq!(r.result.outcome, Err(FailureKind::Timeout), "{model}");
            // It said when it started before it was killed.
            assert!(r.result.service.is_some(), "{model}");
            assert!(
                r.end - r.start >= timeout,
                "{model}: killed at its timeout, not before"
            );
        }
        let lanes = model.model().lanes(n, k, 1, 2).in_flight;
        let floor = timeout * n.div_ceil(lanes) as u32;
        let took = exec.makespan();
        assert!(
            took >= floor && took < floor + Duration::from_secs(5),
            "{model}: {took:?}"
        );
        // Right after the tasks, before anything else could reap them: every child is gone.
        let pids = task.children();
        assert_eq!(pids.len(), n, "{model}");
        for pid in pids {
            assert!(gone(pid), "{model}: child {pid} is still this process's");
            assert!(!alive(pid), "{model}: child {pid} still runs");
        }
        task.audit(&mut []).unwrap();
    }
}

#[test]
fn a_run_counts_its_killed_children_as_timeouts() {
    let dir = tmpdir("timeout");
    let out = dir.join("run.json");
    let run = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "subprocess",
            "--model",
            "threads,async",
        ])
        .args(["--tasks", "3", "--delay", "30s", "--timeout", "200ms"])
        .args(["--repeat", "1", "--warmup", "0", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    // Every task failed: measured, but nothing to compare with an ideal.
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let file = concbench::results::ResultFile::load(&out).unwrap();
    assert_eq!(file.cases.len(), 2);
    for c in &file.cases {
        assert!(c.id.ends_with("n3-30s-timeout200ms"), "{}", c.id);
        // A sample at all: the case process found no child of its own left after the tasks.
        let s = &c.samples[0];
        assert_eq!(s.failures.get("timeout"), Some(&3), "{}", c.id);
        assert_eq!(s.ok, 0);
        assert!(
            s.makespan_s >= 0.2 && s.makespan_s < 10.0,
            "{}",
            s.makespan_s
        );
        assert_eq!(c.summary.efficiency, None);
        // Each child said when it started before it was killed.
        assert!(s.service_latency.is_some_and(|p| p.p50 > 0.0));
    }
}

#[test]
fn children_die_with_the_case_process() {
    let dir = tmpdir("orphans");
    let mut harness = Command::new(EXE)
        .args(["run", "--workload", "subprocess", "--model", "threads"])
        .args([
            "--tasks", "3", "--delay", "30s", "--repeat", "1", "--warmup", "0",
        ])
        .arg("--out")
        .arg(dir.join("run.json"))
        .arg("--quiet")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let harness_pid = harness.id();
    let mut kids = Vec::new();
    until(Duration::from_secs(20), "the children to start", || {
        kids = children(harness_pid)
            .into_iter()
            .filter(|&p| cmdline(p).contains("__case"))
            .flat_map(children)
            .filter(|&p| cmdline(p).contains("concbench-child"))
            .collect();
        kids.len() == 3
    });
    // SAFETY: our own child, not reaped yet. SIGKILL: nothing of the harness runs to clean up.
    unsafe { libc::kill(harness_pid as i32, libc::SIGKILL) };
    wait_for(&mut harness, Duration::from_secs(10));
    // The case process dies with the harness, and its children with it, long before their 30 s.
    until(Duration::from_secs(10), "the children to die", || {
        kids.iter().all(|&p| !alive(p))
    });
}

#[test]
fn python_models_have_no_subprocess_task() {
    refused(
        &["run", "--workload", "subprocess", "--model", "py-threads"],
        "subprocess",
    );
}

// ---- The report's section ----

const FIXTURE: &str = SUBPROCESS_FIXTURE;

fn fixture_data() -> ReportData {
    data_from(FIXTURE)
}

/// The fixture beside the scale suite's: a report with a thread's and a task's start cost too.
fn with_scale() -> ReportData {
    let files = [FIXTURE, SCALE_FIXTURE]
        .map(|p| (PathBuf::from(p), load(p)))
        .to_vec();
    ReportData::merge(files, Vec::new())
}

#[test]
fn the_fixture_is_the_suite_as_it_is() {
    let data = fixture_data();
    let cases = data.group(Group::Subprocess);
    let suite = concbench::plan::Suite::Subprocess.cases();
    assert_eq!(cases.len(), suite.len());
    for (c, planned) in cases.iter().zip(&suite) {
        assert_eq!(c.id, planned.id());
        assert_eq!(c.summary.failures, 0, "{}", c.id);
    }
}

#[test]
fn every_bar_is_its_case_and_only_the_books_run_gets_the_books_time() {
    let data = fixture_data();
    let bars = sp::bars(&data);
    let cases = data.group(Group::Subprocess);
    assert_eq!(bars.len(), cases.len());
    for (b, c) in bars.iter().zip(&cases) {
        assert_eq!(b.median, c.summary.makespan.median, "{}", c.id);
        assert_eq!(b.ideal, c.ideal_s);
        // Start cost: the median over samples of each sample's median, computed here.
        let each: Vec<f64> = c
            .samples
            .iter()
            .map(|s| s.service_latency.unwrap().p50)
            .collect();
        assert_eq!(b.start, Some(median(each)), "{}", c.id);
        let Params::Subprocess(p) = &c.params.workload else {
            panic!("{} is not a subprocess case", c.id)
        };
        let books_run = c.params.tasks == 10 && p.delay_ms == 1_000 && c.params.concurrency == 10;
        assert_eq!(b.book.is_some(), books_run, "{}", c.id);
    }
    assert_eq!(bars.iter().filter(|b| b.book.is_some()).count(), 4);
    // Physics: no case beats its ideal, and starting a child costs something.
    for b in &bars {
        assert!(b.median >= b.ideal.unwrap(), "{}", b.label);
        assert!(b.start.unwrap() > 0.0, "{}", b.label);
    }
}

fn bar(bars: &[ChildBar], model: ModelKind, tasks: usize) -> &ChildBar {
    bars.iter()
        .find(|b| b.model == model && b.tasks == tasks)
        .unwrap_or_else(|| panic!("no {model} N={tasks}"))
}

#[test]
fn the_takeaway_gives_each_models_time_beside_the_books() {
    let data = fixture_data();
    let bars = sp::bars(&data);
    let t = takeaway_of(&data, "subprocess");
    let parallel: Vec<String> = bars
        .iter()
        .filter(|b| b.book.is_some())
        .map(|b| format!("{} {}", b.model_name(), fmt::secs(b.median)))
        .collect();
    assert!(
        t.contains(&format!(
            "10 children of a 1 s sleep: {} (the book: {})",
            parallel.join(", ").replacen(
                &format!(", {}", parallel.last().unwrap()),
                &format!(" and {}", parallel.last().unwrap()),
                1
            ),
            fmt::secs(book::BOOK.seconds)
        )),
        "{t}"
    );
    let seq = bar(&bars, ModelKind::Sequential, 3);
    assert!(
        t.contains(&format!(
            "3 children of a 1 s sleep: sequential {}",
            fmt::secs(seq.median)
        )),
        "{t}"
    );
    assert!(
        t.contains("200 children of a 10 ms sleep: sequential"),
        "{t}"
    );
    // The farthest from its ideal, named with its own figures.
    let worst = bars
        .iter()
        .min_by(|a, b| a.efficiency.unwrap().total_cmp(&b.efficiency.unwrap()))
        .unwrap();
    assert!(
        t.contains(&format!("Farthest from its ideal: {}", worst.label)),
        "{t}"
    );
    // Starting a child one at a time: the sequential cases' median start.
    let alone = median(
        bars.iter()
            .filter(|b| b.model == ModelKind::Sequential)
            .map(|b| b.start.unwrap())
            .collect(),
    );
    assert!(
        t.contains(&format!("took {} one at a time", short(alone))),
        "{t}"
    );
    // Without the scale suite, its figures are not invented.
    assert!(t.contains("the scale suite, which times a thread's and a tokio task's start, is not in this report"), "{t}");
}

#[test]
fn a_childs_start_is_set_beside_a_threads_and_a_tasks_from_the_scale_suite() {
    // Alone, the table says the scale suite's figures are missing.
    let data = fixture_data();
    let tables = concbench::report::table::tables(&data);
    let part = group_tables(&tables, "subprocess");
    let t = &part.more[0];
    assert_eq!(
        t.group,
        "subprocess: starting a child beside a thread and a task"
    );
    assert_eq!(cell(t, "thread", "start cost"), "–");
    assert_eq!(cell(t, "tokio task", "start cost"), "–");
    let seq = bar(&sp::bars(&data), ModelKind::Sequential, 200)
        .start
        .unwrap();
    assert_ne!(cell(t, "child process", "start cost"), "–");
    // The generic table has each case's start.
    let id = data
        .group(Group::Subprocess)
        .into_iter()
        .find(|c| c.params.model == ModelKind::Sequential && c.params.tasks == 200)
        .unwrap()
        .id
        .clone();
    assert_eq!(cell(&part.table, &id, "child start"), short(seq));
    // Beside the scale suite: its threads and async sleep cases of the fewest tasks, per unit started.
    let data = with_scale();
    let tables = concbench::report::table::tables(&data);
    let t = &group_tables(&tables, "subprocess").more[0];
    for (unit, model) in [
        ("thread", ModelKind::Threads),
        ("tokio task", ModelKind::Async),
    ] {
        let c = data
            .group(Group::Scale)
            .into_iter()
            .filter(|c| matches!(c.params.workload, Params::Sleep(_)))
            .filter(|c| c.params.model == model && c.params.tasks > 1)
            .min_by_key(|c| c.params.tasks)
            .unwrap();
        let each = median(
            c.samples
                .iter()
                .map(|s| s.spawn_s.unwrap() / s.spawn_units.unwrap() as f64)
                .collect(),
        );
        assert_eq!(cell(t, unit, "start cost"), short(each), "{unit}");
        assert_eq!(cell(t, unit, "measured in"), c.id, "{unit}");
    }
    let takeaway = takeaway_of(&data, "subprocess");
    assert!(
        takeaway.contains("the scale suite started a thread in"),
        "{takeaway}"
    );
}

#[test]
fn a_case_whose_children_were_killed_is_not_compared_with_its_ideal() {
    let mut file = load(FIXTURE);
    let c = &mut file.cases[1];
    for s in &mut c.samples {
        s.failures.insert("timeout".into(), 2);
    }
    resummarise(c);
    let label = concbench::report::data::label(c);
    let data = data_of(file);
    let chart = chart::subprocess_chart(&data).unwrap();
    assert_eq!(chart.bars[1].efficiency, None);
    let t = takeaway_of(&data, "subprocess");
    assert!(
        t.contains(&format!(
            "{label} (6 tasks failed) is not compared with its ideal"
        )),
        "{t}"
    );
    assert!(
        !t.contains(&format!("Farthest from its ideal: {label}")),
        "{t}"
    );
}

#[test]
fn synthetic_samples_give_their_own_medians_ideal_and_start() {
    // The book's threads case with made-up samples: its ideal from the plan's arithmetic (one wave of
    // 1 s), its median, efficiency and start cost from these figures alone.
    let mut file = load(FIXTURE);
    let id = "subprocess/subprocess/threads/n10-1s";
    let c = case_mut(&mut file, id);
    assert_eq!(c.ideal_s, Some(1.0), "⌈10 / 10⌉ × 1 s");
    let figures = [(1.25, 1e-3), (1.0, 4e-3), (2.0, 2e-3)];
    c.samples.truncate(1);
    let template = c.samples[0].clone();
    c.samples = figures
        .iter()
        .map(|&(makespan, start)| {
            let mut s = template.clone();
            s.makespan_s = makespan;
            s.ideal_s = None;
            let p = s.service_latency.as_mut().unwrap();
            (p.p50, p.p90, p.p99, p.max) = (start, start, start, start);
            s
        })
        .collect();
    resummarise(c);
    let data = data_of(file);
    let bars = sp::bars(&data);
    let b = bars
        .iter()
        .find(|b| b.label.starts_with("threads N=10"))
        .unwrap();
    assert_eq!(b.median, 1.25);
    assert_eq!(b.ideal, Some(1.0));
    assert!((b.efficiency.unwrap() - 0.8).abs() < 1e-12, "1 s / 1.25 s");
    assert_eq!(b.start, Some(2e-3), "the median of 1, 4 and 2 ms");
    assert!(b.book.is_some());
}
