//! Effective Python's pipeline: items through download → resize → upload on bounded queues, run by the
//! models that can (threads, async). Every item comes out exactly once, done or failed at its stage, in
//! bounded time; the models that cannot run a pipeline are refused up front.

mod common;

use common::*;
use concbench::model::ModelKind;
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
