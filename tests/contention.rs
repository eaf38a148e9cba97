//! The contention workload: every guarded sync ends at exactly N × M on every model that runs it (the
//! process pool's workers through the mapping the case process hands them, which leaves nothing in
//! /dev/shm), unguarded never counts more than it made, the ideal is a floor no case beats, and a
//! combination that cannot run is refused with a line saying what can. Then the report's section,
//! from a real run of the suite's sharing share: tests/fixtures/contention.json, made by
//! tests/fixtures/make-contention.sh.

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::report::sections::contention::{chart, data};
use concbench::results::SharedCount;
use concbench::run::case::{execute, CaseOutput};
use concbench::workload::contention::{ContentionParams, SyncKind};
use concbench::workload::Params;
use std::path::Path;

/// One repetition in this process (the pools' workers are this build's concbench).
fn run(model: ModelKind, sync: SyncKind, units: usize, updates: u64) -> CaseOutput {
    let params = Params::Contention(ContentionParams::new(sync, updates));
    let spec = case_spec(model, params, "", units, units);
    execute(&spec, Path::new(EXE)).unwrap_or_else(|e| panic!("{model} {sync}: {e:#}"))
}

fn count(out: &CaseOutput) -> SharedCount {
    out.count.expect("a contention case counts")
}

#[test]
fn every_guarded_sync_ends_at_exactly_n_times_m_on_every_model() {
    let _t = timing_lock();
    let (units, updates) = (4, 20_000u64);
    let models = [
        ModelKind::Sequential,
        ModelKind::Threads,
        ModelKind::ThreadPool,
        ModelKind::Rayon,
        ModelKind::Async,
        ModelKind::ProcessPool,
    ];
    for model in models {
        for sync in SyncKind::ALL {
            if sync == SyncKind::Unguarded
                || (model == ModelKind::ProcessPool && !sync.crosses_processes())
            {
                continue;
            }
            let p = ContentionParams::new(sync, updates);
            let out = run(model, sync, units, updates);
            assert_eq!(out.ok, units as u64, "{model} {sync}");
            let made = units as u64 * p.per_unit();
            assert_eq!(
                count(&out),
                SharedCount {
                    counted: made,
                    expected: made
                },
                "{model} {sync}"
            );
        }
    }
}

#[test]
fn unguarded_never_counts_more_than_it_made() {
    let _t = timing_lock();
    // Two units of many updates overlap for most of their run: they may lose updates (whether they
    // do is the machine's race), and can never gain one.
    let (units, updates) = (2, 2_000_000u64);
    for model in [ModelKind::Threads, ModelKind::ProcessPool] {
        let c = count(&run(model, SyncKind::Unguarded, units, updates));
        assert_eq!(c.expected, units as u64 * updates, "{model}");
        // Never more than made, and something: a unit's last store holds a count of at least one.
        assert!(c.counted <= c.expected && c.counted > 0, "{model}: {c:?}");
    }
}

/// The names in /dev/shm.
fn shm() -> Vec<String> {
    std::fs::read_dir("/dev/shm")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_process_pool_shares_one_mapping_and_leaves_nothing_in_dev_shm() {
    let _t = timing_lock();
    let before = shm();
    // Every worker updated the case process's count: workers that had made counters of their own
    // would leave it at zero.
    for sync in [SyncKind::Atomic, SyncKind::Sharded, SyncKind::Rwlock] {
        let p = ContentionParams::new(sync, 10_000);
        let c = count(&run(ModelKind::ProcessPool, sync, 3, 10_000));
        assert_eq!(c.counted, 3 * p.per_unit(), "{sync}");
    }
    let left: Vec<String> = shm()
        .into_iter()
        .filter(|n| !before.contains(n) && n.contains("concbench"))
        .collect();
    assert!(left.is_empty(), "left in /dev/shm: {left:?}");
}

#[test]
fn no_case_beats_its_ideal() {
    let _t = timing_lock();
    let dir = tmpdir("ideal");
    let out = dir.join("run.json");
    // Four threads taking one mutex in turn: each update is at least the cost of one alone, which the
    // probe beside the case measures.
    let file = run_ok(
        &[
            "--workload",
            "contention",
            "--sync",
            "mutex",
            "--updates",
            "100000",
            "--model",
            "threads",
            "--tasks",
            "4",
            "--repeat",
            "1",
        ],
        &out,
    );
    let case = &file.cases[0];
    let ideal = case.ideal_s.expect("the probes give an ideal");
    let took = case.summary.makespan.median;
    // The probe and the case are separate processes on a machine others share: a tenth of slack.
    assert!(took >= 0.9 * ideal, "{took} s beat the ideal {ideal} s");
    assert!(took < 1000.0 * ideal + 10.0, "{took} s against {ideal} s");
    let sample = &case.samples[0];
    let c = sample.count.expect("the sample records its count");
    assert_eq!((c.counted, c.expected), (400_000, 400_000));
    // The result file holds the count, and the schema the lead publishes knows it.
    let schema = read(Path::new("reports/schema/results.schema.json"));
    assert!(schema.contains("SharedCount"));
}

#[test]
fn a_combination_that_cannot_run_says_what_can() {
    for sync in ["channel", "tokio-mutex"] {
        refused(
            &[
                "run",
                "--workload",
                "contention",
                "--sync",
                sync,
                "--model",
                "process-pool",
                "--limit",
                "2",
                "--tasks",
                "2",
            ],
            "run it with threads, thread-pool, rayon, async or sequential",
        );
    }
    refused(
        &[
            "run",
            "--workload",
            "contention",
            "--sync",
            "mutex",
            "--read-share",
            "0.5",
            "--model",
            "threads",
        ],
        "--read-share applies to --sync rwlock only",
    );
    // The pool refuses it too when asked in-process, before any worker starts.
    let params = Params::Contention(ContentionParams::new(SyncKind::Channel, 10));
    let spec = case_spec(ModelKind::ProcessPool, params, "", 2, 2);
    let err = format!("{:#}", execute(&spec, Path::new(EXE)).unwrap_err());
    assert!(err.contains("lives in one process"), "{err}");
}

#[test]
fn the_section_reads_the_suites_run() {
    let data = data_from(CONTENTION_FIXTURE);
    let points = data::points(&data);
    assert!(!points.is_empty());
    // Every guarded case of the real run kept every update.
    for p in points.iter().filter(|p| p.sync != SyncKind::Unguarded) {
        assert_eq!(p.lost, Some(0), "{:?} {} {}", p.sync, p.model, p.units);
    }
    // The takeaway names the cheapest and dearest guarded sync at the most threads up to 8, as the
    // points give them.
    let n = points
        .iter()
        .filter(|p| p.model == ModelKind::Threads && p.units <= 8)
        .map(|p| p.units)
        .max()
        .unwrap();
    let mut at: Vec<&data::Point> = points
        .iter()
        .filter(|p| p.model == ModelKind::Threads && p.units == n)
        .filter(|p| p.sync != SyncKind::Unguarded)
        .collect();
    at.sort_by(|a, b| a.ns.total_cmp(&b.ns));
    let chart = chart::chart(&data).expect("threads cases draw the chart");
    let takeaway = chart.info().takeaway;
    let (cheap, dear) = (at[0], at[at.len() - 1]);
    assert!(
        takeaway.contains(&cheap.sync_name())
            && takeaway.contains(&data::ns(cheap.ns))
            && takeaway.contains(&data::ns(dear.ns)),
        "{takeaway}"
    );
    assert!(takeaway.contains("unguarded"), "{takeaway}");
    let svg = chart.svg().unwrap();
    let texts = svg_texts(&svg);
    for l in data::lines(&points) {
        assert!(texts.contains(&l.name), "{} not in the legend", l.name);
    }
}
