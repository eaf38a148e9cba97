//! The convoy: GETs beside counting tasks in one seeded job. The same seed gives every model the same
//! mix, and each model runs it as drawn; no model answers a GET before the server's delay d; the
//! latency inflation is the arithmetic it says on synthetic samples; and the section reads a real run
//! of the suite: tests/fixtures/convoy.json, made by tests/fixtures/make-convoy.sh.

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::names::Group;
use concbench::plan::Suite;
use concbench::report::data::ReportData;
use concbench::report::sections::convoy::{
    data::{self as cv, Latency},
    sentences, table,
};
use concbench::results::Percentiles;
use concbench::workload::{ConvoyParams, Params, WorkloadKind};
use std::time::Duration;

const FIXTURE: &str = CONVOY_FIXTURE;

fn convoy(url: &str) -> (Spec, ConvoyParams) {
    let spec = spec(WorkloadKind::Convoy, url);
    let Params::Convoy(p) = &spec.params else {
        unreachable!("the builder's convoy is a convoy")
    };
    let p = p.clone();
    (spec, p)
}

// ---- The mix ----

#[test]
fn the_same_seed_draws_the_same_mix_and_another_seed_another() {
    let (_, p) = convoy("http://127.0.0.1:1");
    let big = ConvoyParams {
        io_tasks: 200,
        cpu_tasks: 40,
        ..p.clone()
    };
    let mix = big.mix();
    assert_eq!(mix, big.clone().mix());
    assert_eq!(mix.len(), 240);
    assert_eq!(mix.iter().filter(|c| **c).count(), 40);
    // Spread through the job, not bunched at one end.
    assert!(mix[..120].iter().any(|c| *c) && mix[120..].iter().any(|c| *c));
    let other = ConvoyParams {
        seed: 7,
        ..big.clone()
    };
    assert_ne!(mix, other.mix());
    // The baseline is the same GETs with no counting at all.
    assert!(big.alone().mix().iter().all(|c| !c));
    assert_eq!(big.alone().io_tasks, big.io_tasks);
}

#[test]
fn every_model_runs_the_mix_as_drawn_and_no_get_beats_d() {
    let _t = timing_lock();
    let d = Duration::from_millis(50);
    let server = TestServer::start(0, d);
    let (spec, p) = convoy(&server.url());
    let mix = p.mix();
    let n = p.io_tasks + p.cpu_tasks;
    for model in [
        ModelKind::Threads,
        ModelKind::ThreadPool,
        ModelKind::Async,
        ModelKind::AsyncBlockingPool,
        ModelKind::AsyncSingle,
    ] {
        let exec = model.model().run(&job(spec.clone(), n, 4)).unwrap();
        assert_eq!(exec.records.len(), n, "{model}");
        for (i, r) in exec.records.iter().enumerate() {
            assert!(r.result.outcome.is_ok(), "{model} task {i}: {r:?}");
            // A count has no service latency; a GET has one, at least d and not seconds more.
            match (mix[i], r.result.service) {
                (true, None) => {}
                (false, Some(s)) => assert!(
                    s >= d && s < d + Duration::from_secs(5),
                    "{model} GET {i}: {s:?} for d = {d:?}"
                ),
                (counts, s) => panic!("{model} task {i}: counts {counts}, service {s:?}"),
            }
        }
    }
}

// ---- Latency inflation on synthetic samples ----

fn pct(p50: f64, p99: f64) -> Percentiles {
    Percentiles {
        p50,
        p90: p99,
        p99,
        max: p99,
    }
}

#[test]
fn a_latency_is_the_median_over_samples_of_each_percentile() {
    let l = Latency::median_of(&[pct(0.3, 0.9), pct(0.1, 0.5), pct(0.2, 0.4)]).unwrap();
    assert_eq!(l, Latency { p50: 0.2, p99: 0.5 });
    assert_eq!(Latency::median_of(&[]), None);
    let over = l.over_d(0.1).unwrap();
    assert!((over.p50 - 2.0).abs() < 1e-12 && (over.p99 - 5.0).abs() < 1e-12);
    let vs = l
        .over(Latency {
            p50: 0.1,
            p99: 0.25,
        })
        .unwrap();
    assert!((vs.p50 - 2.0).abs() < 1e-12 && (vs.p99 - 2.0).abs() < 1e-12);
    assert_eq!(l.over_d(0.0), None);
}

/// The fixture with every sample's GET latencies replaced: a mix at `mix` × d, its baseline at
/// `alone` × d, the same in every sample.
fn synthetic(mix: (f64, f64), alone: (f64, f64)) -> ReportData {
    let mut file = load(FIXTURE);
    for c in &mut file.cases {
        let Params::Convoy(p) = &c.params.workload else {
            continue;
        };
        let d = p.io_ideal().unwrap().as_secs_f64();
        let (p50, p99) = if p.cpu_tasks > 0 { mix } else { alone };
        for s in &mut c.samples {
            s.service_latency = Some(pct(p50 * d, p99 * d));
        }
    }
    data_of(file)
}

#[test]
fn the_inflation_of_every_row_is_its_latencies_over_d_and_over_alone() {
    let data = synthetic((2.0, 6.0), (1.0, 1.5));
    let rows = cv::rows(&data);
    assert_eq!(rows.len(), Suite::Convoy.cases().len() / 2);
    for r in &rows {
        let d = r.over_d().unwrap();
        assert!(
            (d.p50 - 2.0).abs() < 1e-9 && (d.p99 - 6.0).abs() < 1e-9,
            "{}",
            r.name()
        );
        let a = r.over_alone().unwrap();
        assert!(
            (a.p50 - 2.0).abs() < 1e-9 && (a.p99 - 4.0).abs() < 1e-9,
            "{}",
            r.name()
        );
    }
    let t = table::table(&rows).unwrap();
    assert_eq!(cell(&t, "async-single", "p99 ÷ d"), "6.00×");
    assert_eq!(cell(&t, "async-single", "p99 ÷ alone"), "4.00×");
    assert_eq!(cell(&t, "threads", "p50 ÷ alone"), "2.00×");
}

#[test]
fn the_sentence_names_the_model_that_convoys_most() {
    let mut file = load(FIXTURE);
    // Only threads' GETs are late: threads must be named first and as convoying most.
    for c in &mut file.cases {
        let Params::Convoy(p) = &c.params.workload else {
            continue;
        };
        let d = p.io_ideal().unwrap().as_secs_f64();
        let late = p.cpu_tasks > 0 && c.params.model == ModelKind::Threads;
        let x = if late { 3.0 } else { 1.01 };
        for s in &mut c.samples {
            s.service_latency = Some(pct(x * d, x * d));
        }
    }
    let rows = cv::rows(&data_of(file));
    let said = sentences::convoy(&rows);
    assert!(said.contains("threads convoys most"), "{said}");
    assert!(said.contains("2.97×"), "{said}");
    assert!(said.contains("within 1.01× of d"), "{said}");
    assert_eq!(sentences::convoy(&[]), "");
}

// ---- The suite and its fixture ----

#[test]
fn the_suite_pairs_each_models_mix_with_the_same_gets_alone() {
    let cases = Suite::Convoy.cases();
    assert!(!cases.is_empty() && cases.len().is_multiple_of(2));
    for pair in cases.chunks(2) {
        let (Params::Convoy(alone), Params::Convoy(mix)) = (&pair[0].workload, &pair[1].workload)
        else {
            panic!("convoy cases")
        };
        assert_eq!(pair[0].model, pair[1].model);
        assert_eq!(alone, &mix.alone());
        assert!(mix.cpu_tasks > 0);
        assert_eq!(pair[1].tasks, mix.io_tasks + mix.cpu_tasks);
        // An unbounded server: every GET is answered after d, whatever else is in flight.
        assert_eq!(mix.io.server_workers, Some(0));
    }
    assert!(Suite::Default
        .cases()
        .iter()
        .all(|c| c.group != Group::Convoy));
    let lessons = Suite::Lessons.cases();
    assert_eq!(
        lessons.iter().filter(|c| c.group == Group::Convoy).count(),
        cases.len()
    );
}

#[test]
fn the_fixture_is_the_suite_as_it_is_and_no_get_beat_d() {
    let data = data_from(FIXTURE);
    let cases = data.group(Group::Convoy);
    let suite = Suite::Convoy.cases();
    assert_eq!(cases.len(), suite.len());
    for (c, planned) in cases.iter().zip(&suite) {
        assert_eq!(c.id, planned.id());
        assert_eq!(c.summary.failures, 0, "{}", c.id);
        let Params::Convoy(p) = &c.params.workload else {
            panic!("{}", c.id)
        };
        let d = p.io_ideal().unwrap().as_secs_f64();
        for s in &c.samples {
            let l = s.service_latency.unwrap();
            assert!(l.p50 >= d && l.p99 >= l.p50, "{}: {l:?}", c.id);
        }
    }
    let rows = cv::rows(&data);
    assert_eq!(rows.len(), suite.len() / 2);
    assert!(rows.iter().all(|r| r.alone.is_some()));
}

// ---- Python ----

/// The protocol carries the Rust models' mix task by task, and the counting as a time for Python to
/// size on its own loop.
#[test]
fn a_convoy_spec_carries_the_mix_and_the_counting_as_a_time() {
    let p = ConvoyParams::new(plan(0, Duration::from_millis(100)), 20, 4);
    let doc = concbench::workload::Describe::python(&p, "http://127.0.0.1:1", 24).unwrap();
    assert_eq!(doc["workload"], "convoy");
    let counts: Vec<bool> = serde_json::from_value(doc["counts"].clone()).unwrap();
    assert_eq!(counts, p.mix());
    assert_eq!(doc["cpu_s"], 0.1);
    assert_eq!(doc["url"], "http://127.0.0.1:1/");
}

/// Python's threads and asyncio loop run the convoy: every task done, and their GETs no sooner than d.
/// Needs `make python-env`.
#[test]
fn the_python_models_run_the_convoy_and_no_get_beats_d() {
    if let Err(why) = concbench::run::external::python_env() {
        return skip(Why::NoPythonEnv, why);
    }
    let _t = timing_lock();
    let d = Duration::from_millis(50);
    let server = TestServer::start(0, d);
    // Sized as a run sizes it (Rust's build checks it); Python sizes its own from the 20 ms.
    let p = ConvoyParams {
        cpu_ms: 20,
        cpu_iters: 100_000,
        ..ConvoyParams::new(plan(0, d), 6, 2)
    };
    for model in [ModelKind::PyThreads, ModelKind::PyAsyncio] {
        let spec = case_spec(model, Params::Convoy(p.clone()), &server.url(), 8, 8);
        let out = concbench::run::case::run_isolated(
            std::path::Path::new(EXE),
            &spec,
            Duration::from_secs(60),
        )
        .unwrap()
        .0;
        assert_eq!(out.ok, 8, "{model}: {:?}", out.failures);
        let l = out.service_latency.expect("GETs have a service latency");
        assert!(
            l.p50 >= d.as_secs_f64() && l.max < d.as_secs_f64() + 10.0,
            "{model}: {l:?}"
        );
    }
}
