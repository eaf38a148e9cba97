//! Effective Python's pipeline: items through download → resize → upload on bounded queues, run by the
//! models that can (threads, async). Every item comes out exactly once, done or failed at its stage, in
//! bounded time; the models that cannot run a pipeline are refused up front.

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::names::Group;
use concbench::render::fmt;
use concbench::report::data::{self, ReportData};
use concbench::report::sections;
use concbench::report::sections::pipeline::data::Flow;
use concbench::results::{Instability, InstabilityKind};
use concbench::workload::pipeline::STAGES;
use concbench::workload::{Calibration, Lanes, Shape};
use concbench::workload::{FailureKind, Params, PipelineParams};
use std::process::Command;
use std::time::{Duration, Instant};

/// Small stages and tight queues (2), so back-pressure and closing are exercised many times.
fn pipeline(url: &str) -> Spec {
    Spec {
        params: Params::Pipeline(PipelineParams {
            queue: 2,
            download_ms: 2,
            upload_ms: 3,
            cpu_ms: 0,
            cpu_iters: 50_000,
            ..PipelineParams::new(plan(0, Duration::ZERO))
        }),
        url: url.to_string(),
    }
}

#[test]
fn every_item_comes_out_exactly_once_through_every_stage() {
    let _t = timing_lock();
    let server = TestServer::start(0, Duration::ZERO);
    let n = 200;
    for model in [ModelKind::Threads, ModelKind::Async] {
        let t = Instant::now();
        let exec = model
            .model()
            .run(&job(pipeline(&server.url()), n, n))
            .unwrap();
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "{model}: {:?}",
            t.elapsed()
        );
        assert_eq!(exec.records.len(), n, "{model}");
        assert!(
            exec.records
                .iter()
                .all(|r| r.result.outcome.is_ok() && r.end >= r.start),
            "{model}"
        );
        let stages = exec.stages.clone().expect("per-stage completions");
        assert_eq!(
            stages.iter().map(Vec::len).collect::<Vec<_>>(),
            [n, n, n],
            "{model}: each stage passed each item once"
        );
        // An item leaves the last stage after the first: the last stage's finish is the makespan.
        let last = stages[2].iter().max().unwrap();
        assert_eq!(*last, exec.makespan(), "{model}");
        assert!(stages[0].iter().min() <= stages[2].iter().min(), "{model}");
    }
}

#[test]
fn an_item_that_fails_a_stage_comes_out_there_once() {
    let _t = timing_lock();
    // A port nobody listens on: every download is refused.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    for model in [ModelKind::Threads, ModelKind::Async] {
        let exec = model.model().run(&job(pipeline(&closed), 50, 50)).unwrap();
        assert_eq!(exec.records.len(), 50);
        assert!(
            exec.records
                .iter()
                .all(|r| r.result.outcome == Err(FailureKind::Connect)),
            "{model}"
        );
        let stages = exec.stages.unwrap();
        assert_eq!(
            stages.iter().map(Vec::len).collect::<Vec<_>>(),
            [0, 0, 0],
            "{model}: no item passed a stage"
        );
    }
}

#[test]
fn models_that_cannot_run_a_pipeline_are_refused() {
    let out = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "pipeline",
            "--model",
            "rayon",
            "--limit",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot run a pipeline") && err.contains("threads, async"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

// ---- The report's section ----

#[test]
fn the_pipeline_lines_end_at_the_item_count_of_every_stage() {
    let data = data_from(PIPELINE_FIXTURE);
    let flows: Vec<Flow> = sections::pipeline::chart::flows(&data);
    let cases = data.group(Group::Pipeline);
    assert_eq!(flows.len(), cases.len());
    for (f, c) in flows.iter().zip(cases) {
        let n = c.params.tasks;
        assert_eq!(f.exits.len(), STAGES.len(), "{}", c.id);
        for (stage, name) in STAGES.iter().enumerate() {
            assert_eq!(f.done(stage), n, "{} {name}", c.id);
            let counts = f.counts(stage);
            assert_eq!(counts.last().unwrap().1, n as f64);
            assert!(counts
                .windows(2)
                .all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
        }
        // The drawn repetition is the typical one: the fixture keeps stage times for it alone.
        assert_eq!(f.makespan, data::typical_sample(c).unwrap().makespan_s);
        // The dashed line ends at the recorded ideal, at the rate of the workload's slowest stage.
        let b = f.bound.expect("a calibrated pipeline has a bounding stage");
        let ideal = c.ideal_s.unwrap();
        assert!(
            (b.through + n as f64 / b.rate - ideal).abs() < 1e-9,
            "{b:?} against {ideal}"
        );
        let Params::Pipeline(p) = &c.params.workload else {
            panic!("{} is not a pipeline", c.id)
        };
        let shape = Shape {
            tasks: n,
            lanes: Lanes {
                in_flight: c.params.concurrency,
                cpu: c.params.cpu_lanes,
            },
            cores: data.cores(),
        };
        let cal = Calibration {
            t1: c.t1_s.unwrap(),
            scaling: c.scaling.unwrap_or(1.0),
            write: None,
        };
        assert_eq!(b.stage, p.slowest_stage(&shape, cal));
    }
}

#[test]
fn the_pipeline_takeaway_follows_its_data() {
    let data = data_from(PIPELINE_FIXTURE);
    let t = takeaway_of(&data, "pipeline");
    let flows = sections::pipeline::chart::flows(&data);
    let bound = flows[0].bound.unwrap();
    assert!(
        t.starts_with(&format!(
            "The {} stage bounded the ideal at {} items/s",
            STAGES[bound.stage],
            fmt::count(bound.rate.round() as u64)
        )),
        "{t}"
    );
    for (f, c) in flows.iter().zip(data.group(Group::Pipeline)) {
        let exits = &data::typical_sample(c).unwrap().stages.as_ref().unwrap()[bound.stage];
        let pace = (exits.len() - 1) as f64 / (exits.last().unwrap() - exits.first().unwrap());
        assert!(
            t.contains(&format!(
                "{} moved {} items/s through it ({} of that)",
                f.label,
                fmt::count(pace.round() as u64),
                fmt::pct(pace / bound.rate)
            )),
            "{t}"
        );
    }
    // An unstable pipeline case says so by name.
    let mut file = load(PIPELINE_FIXTURE);
    file.cases[0].summary.unstable = vec![Instability {
        kind: InstabilityKind::Busy,
        why: "machine busy".into(),
    }];
    let label = data::label(&file.cases[0]);
    let t = takeaway_of(
        &ReportData::merge(vec![(PIPELINE_FIXTURE.into(), file)], Vec::new()),
        "pipeline",
    );
    assert!(t.contains(&format!("{label} (unstable) moved")), "{t}");
}
