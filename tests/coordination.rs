//! Units that wait on each other (the coordination workload), run by the models in this process:
//! the article's bounded semaphore never admits more than its permits and goes in waves; a handoff
//! through a condition or a channel delivers every item exactly once, on every model that runs it;
//! a barrier's team that cannot fill — too few units, or a pool with fewer lanes than a team — is
//! broken by its timeout, its waiters ending as `broken` in bounded time and counted, never hung;
//! a model that cannot run it is refused in one line that names those that can. What each shape
//! counted reaches the case process's output, as a result file keeps it.

mod common;

use common::*;
use concbench::model::{Execution, Job, ModelKind};
use concbench::names::CoordinationShape;
use concbench::run::case::execute;
use concbench::workload::coordination::{Tally, RUNS};
use concbench::workload::{CoordinationParams, FailureKind, Params};
use std::path::PathBuf;
use std::time::Duration;

/// A job of `tasks` units of `params` at limit `limit`, with the workload it built.
fn job_of(params: &CoordinationParams, tasks: usize, limit: usize) -> Job {
    let params = Params::Coordination(params.clone());
    Job {
        workload: params.describe().build("").unwrap(),
        params,
        url: String::new(),
        tasks,
        limit,
        exe: PathBuf::from(EXE),
        retries: 0,
        per_worker: 1,
        max_threads: None,
        broker: None,
        schedule: None,
    }
}

/// Run it on `model`: what the model recorded and what the shape counted.
fn run(model: ModelKind, job: &Job) -> (Execution, Tally) {
    let exec = model.model().run(job).unwrap();
    assert_eq!(exec.records.len(), job.tasks, "{model}: a record per unit");
    let tally = job.workload.tally().expect("every shape counts");
    (exec, tally)
}

fn broken(exec: &Execution) -> usize {
    exec.records
        .iter()
        .filter(|r| r.result.outcome == Err(FailureKind::Broken))
        .count()
}

#[test]
fn the_semaphore_never_admits_more_than_its_permits_and_goes_in_waves() {
    let _t = timing_lock();
    let hold = Duration::from_millis(50);
    let (n, p) = (22, 5);
    let params = CoordinationParams::semaphore(p, hold);
    for (model, k) in [
        (ModelKind::Threads, n),
        (ModelKind::ThreadPool, n),
        (ModelKind::Async, n),
        (ModelKind::AsyncSingle, n),
    ] {
        let job = job_of(&params, n, k);
        let (exec, tally) = run(model, &job);
        let most = tally.max_admitted.expect("counted inside");
        // The counter inside the held section: never a sixth.
        assert!((1..=p).contains(&most), "{model}: {most} at once");
        assert_eq!(tally.over_released, Some(0), "{model}");
        assert_eq!(tally.permits, Some(p));
        assert!(
            exec.records.iter().all(|r| r.result.outcome.is_ok()),
            "{model}"
        );
        // Each unit saw at most P inside with it.
        assert!(
            exec.records
                .iter()
                .all(|r| r.result.outcome.unwrap() <= p as u64),
            "{model}"
        );
        // Physics: ⌈22 / 5⌉ = 5 waves of 50 ms; a generous upper bound for a shared machine.
        let waves = hold * n.div_ceil(p) as u32;
        let m = exec.makespan();
        assert!(m >= waves, "{model}: {m:?} beat {waves:?}");
        assert!(m < waves + Duration::from_secs(5), "{model}: {m:?}");
    }
}

#[test]
fn a_handoff_delivers_every_item_exactly_once_on_every_model_that_runs_it() {
    let _t = timing_lock();
    let items = 2_000;
    let n = 4;
    for shape in [CoordinationShape::Condition, CoordinationShape::Channel] {
        let params = CoordinationParams::handoff(shape, items);
        for model in RUNS {
            let job = job_of(&params, n, 2);
            let (exec, tally) = run(model, &job);
            assert_eq!(tally.produced, Some(items as u64), "{shape} on {model}");
            assert_eq!(tally.consumed, Some(items as u64), "{shape} on {model}");
            assert_eq!(tally.duplicated, Some(0), "{shape} on {model}");
            assert_eq!(tally.missing, Some(0), "{shape} on {model}");
            assert_eq!(tally.exactly_once(), Some(true));
            // Unit 0 handed every item over; the consumers' takes add up to them.
            let values: Vec<u64> = exec
                .records
                .iter()
                .map(|r| r.result.outcome.expect("no unit failed"))
                .collect();
            assert_eq!(values[0], items as u64, "{shape} on {model}: the producer");
            assert_eq!(
                values[1..].iter().sum::<u64>(),
                items as u64,
                "{shape} on {model}"
            );
        }
    }
}

#[test]
fn a_team_that_cannot_fill_is_broken_by_its_timeout_in_bounded_time() {
    let _t = timing_lock();
    let arrivals = Duration::from_millis(20);
    let timeout = Duration::from_millis(100);
    let params = CoordinationParams::barrier(4, arrivals, timeout, 24);
    // Six units, teams of four: one team fills, the other is two short and breaks.
    for model in [ModelKind::Threads, ModelKind::Async, ModelKind::AsyncSingle] {
        let job = job_of(&params, 6, 6);
        let (exec, tally) = run(model, &job);
        assert_eq!(
            (tally.teams_filled, tally.teams_broken),
            (Some(1), Some(1)),
            "{model}"
        );
        assert_eq!(broken(&exec), 2, "{model}: the short team's two waiters");
        for r in exec.records.iter().filter(|r| r.result.outcome.is_err()) {
            // A broken waiter waited its whole timeout after arriving, and not much more.
            let waited = r.end - r.start;
            assert!(waited >= timeout, "{model}: broken after {waited:?}");
            assert!(
                waited < arrivals + timeout + Duration::from_secs(3),
                "{model}: {waited:?}"
            );
        }
        let m = exec.makespan();
        assert!(m >= timeout, "{model}: {m:?}");
        assert!(
            m < arrivals + timeout + Duration::from_secs(3),
            "{model}: {m:?}"
        );
    }
}

#[test]
fn a_pool_with_fewer_lanes_than_a_team_breaks_every_team_rather_than_hangs() {
    let _t = timing_lock();
    let arrivals = Duration::from_millis(10);
    let timeout = Duration::from_millis(60);
    let params = CoordinationParams::barrier(4, arrivals, timeout, 24);
    // Three lanes never hold a team of four: six units break as two waves of three.
    let job = job_of(&params, 6, 3);
    let (exec, tally) = run(ModelKind::ThreadPool, &job);
    assert_eq!(exec.pool, Some(3));
    assert_eq!(broken(&exec), 6, "every unit");
    assert_eq!((tally.teams_filled, tally.teams_broken), (Some(0), Some(2)));
    let m = exec.makespan();
    assert!(m >= timeout * 2, "two waves of timeouts: {m:?}");
    assert!(
        m < (arrivals + timeout) * 2 + Duration::from_secs(3),
        "{m:?}"
    );
    // A pool of a team's size fills every team.
    let job = job_of(&params, 8, 4);
    let (exec, tally) = run(ModelKind::ThreadPool, &job);
    assert_eq!(broken(&exec), 0);
    assert_eq!((tally.teams_filled, tally.teams_broken), (Some(2), Some(0)));
}

#[test]
fn what_a_shape_counted_reaches_the_case_output() {
    let params = Params::Coordination(CoordinationParams::handoff(CoordinationShape::Channel, 500));
    let out = execute(
        &case_spec(ModelKind::Threads, params, "", 3, 1),
        EXE.as_ref(),
    )
    .unwrap();
    let tally = out.tally.expect("the channel's ledger");
    assert_eq!(tally.exactly_once(), Some(true));
    assert_eq!(tally.consumed, Some(500));
    let sleep = Params::Sleep(concbench::workload::SleepParams::new(Duration::ZERO));
    let out = execute(
        &case_spec(ModelKind::Threads, sleep, "", 1, 1),
        EXE.as_ref(),
    )
    .unwrap();
    assert_eq!(out.tally, None, "independent tasks count nothing");
}

#[test]
fn a_model_that_cannot_run_it_is_refused_with_the_models_that_can() {
    for model in ["process-pool", "async-process-pool", "rayon"] {
        let args = [
            "run",
            "--workload",
            "coordination",
            "--model",
            model,
            "--limit",
            "2",
            "--tasks",
            "4",
        ];
        refused_within(
            &args,
            "--model sequential, threads, thread-pool, async, async-single",
            Duration::from_secs(10),
        );
    }
    refused_within(
        &[
            "run",
            "--workload",
            "coordination",
            "--model",
            "process-pool",
            "--limit",
            "2",
        ],
        "cross-process",
        Duration::from_secs(10),
    );
    refused_within(
        &[
            "run",
            "--workload",
            "coordination",
            "--shape",
            "channel",
            "--model",
            "threads",
            "--tasks",
            "1",
        ],
        "--tasks 2 or more",
        Duration::from_secs(10),
    );
    refused_within(
        &[
            "run",
            "--workload",
            "coordination",
            "--shape",
            "barrier",
            "--model",
            "threads",
            "--team",
            "1",
        ],
        "--team must be 2",
        Duration::from_secs(10),
    );
}

// ---- The report's section ----

use concbench::names::Group;
use concbench::report::data::ReportData;
use concbench::report::sections::coordination::data::{rows, ShapeRow};
use concbench::report::sections::coordination::sentences::per_item;
use concbench::report::table::tables;

fn fixture_data() -> ReportData {
    data_from(COORDINATION_FIXTURE)
}

fn row(
    rows: &[ShapeRow],
    shape: CoordinationShape,
    model: ModelKind,
    tasks: usize,
    limit: Option<usize>,
) -> &ShapeRow {
    rows.iter()
        .find(|r| r.shape() == shape && r.model == model && r.tasks == tasks && r.limit == limit)
        .unwrap_or_else(|| panic!("no {shape} {model} N={tasks} k={limit:?}"))
}

#[test]
fn the_fixture_is_the_suite_as_it_is() {
    let data = fixture_data();
    let cases = data.group(Group::Coordination);
    let suite = concbench::plan::Suite::Coordination.cases();
    assert_eq!(cases.len(), suite.len());
    for (c, planned) in cases.iter().zip(&suite) {
        assert_eq!(c.id, planned.id());
        assert!(
            c.samples.iter().all(|s| s.tally.is_some()),
            "{}: a tally per sample",
            c.id
        );
    }
}

#[test]
fn every_row_reads_its_samples_counts() {
    let data = fixture_data();
    let rows = rows(&data);
    assert_eq!(rows.len(), data.group(Group::Coordination).len());
    for r in &rows {
        assert_eq!(
            r.faults, 0,
            "{}: only barriers' units may fail, as broken",
            r.label
        );
        match r.shape() {
            CoordinationShape::Semaphore => {
                let most = r.max_admitted().unwrap();
                assert!(most <= r.params.permits(), "{}", r.label);
                // Physics: five waves of the hold.
                assert!(r.median >= r.ideal.unwrap(), "{}", r.label);
            }
            CoordinationShape::Condition | CoordinationShape::Channel => {
                assert_eq!(r.exactly_once(), Some(true), "{}", r.label);
                assert_eq!(r.ideal, None);
                assert_eq!(r.per_item(), Some(r.median / r.params.items() as f64));
            }
            CoordinationShape::Barrier => {
                let (filled, broken) = r.teams().unwrap();
                assert!(r.median >= r.ideal.unwrap() * 0.99, "{}", r.label);
                // Every broken team's units are its broken units: fewer than T each.
                assert!(
                    r.broken.1 < r.params.team() as u64 * broken.1.max(1),
                    "{}",
                    r.label
                );
                if r.limit.is_some_and(|k| k < r.params.team()) {
                    assert_eq!(
                        filled,
                        (0, 0),
                        "{}: a pool short of a team fills none",
                        r.label
                    );
                    assert_eq!(r.broken, (r.tasks as u64, r.tasks as u64));
                }
            }
        }
    }
    // 16 units on threads fill four teams; 18 leave one short.
    let full = row(
        &rows,
        CoordinationShape::Barrier,
        ModelKind::Threads,
        16,
        None,
    );
    assert_eq!(full.teams(), Some(((4, 4), (0, 0))));
    let short = row(
        &rows,
        CoordinationShape::Barrier,
        ModelKind::Threads,
        18,
        None,
    );
    assert_eq!(short.teams(), Some(((4, 4), (1, 1))));
    assert_eq!(short.broken, (2, 2));
}

#[test]
fn the_tables_and_their_sentences_come_from_the_data() {
    let data = fixture_data();
    let rows = rows(&data);
    let part = tables(&data)
        .into_iter()
        .find(|t| t.table.group.starts_with("coordination"))
        .expect("the group's part");
    assert!(part.table.header.contains(&"counted".to_string()));
    let names: Vec<&str> = part.more.iter().map(|t| t.group.as_str()).collect();
    assert_eq!(
        names,
        [
            "coordination: bounded semaphore",
            "coordination: condition vs channel",
            "coordination: barrier"
        ]
    );
    let (sem, hand, bar) = (&part.more[0], &part.more[1], &part.more[2]);
    assert_eq!(sem.rows.len(), 3);
    assert_eq!(hand.rows.len(), 4);
    assert_eq!(bar.rows.len(), 8);
    let most = rows
        .iter()
        .filter_map(ShapeRow::max_admitted)
        .max()
        .unwrap();
    assert!(
        sem.note
            .contains(&format!("the most inside together: {most}")),
        "{}",
        sem.note
    );
    for model in [ModelKind::Threads, ModelKind::Async] {
        let cond = row(&rows, CoordinationShape::Condition, model, 4, None);
        let chan = row(&rows, CoordinationShape::Channel, model, 4, None);
        let said = format!(
            "on {model}, an item took {} through a condition and {} through a channel",
            per_item(cond.per_item().unwrap()),
            per_item(chan.per_item().unwrap())
        );
        assert!(hand.note.to_lowercase().contains(&said), "{}", hand.note);
    }
    assert!(
        hand.note.contains("Every item was taken exactly once"),
        "{}",
        hand.note
    );
    assert!(
        bar.note
            .contains("No team ever filled in thread-pool k=3 N=16 and thread-pool k=3 N=18"),
        "{}",
        bar.note
    );
}
