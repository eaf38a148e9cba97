//! A thread-based model whose requests time out, and are retried and hedged, leaves no thread behind:
//! a blocking request's socket timeout ends it, a hedge's thread is joined before its task returns.
//! Alone in its binary, so the process's thread count is this test's own.

mod common;

use common::TestServer;
use concbench::model::{Job, ModelKind};
use concbench::names::FailureKind;
use concbench::workload::io::Policy;
use concbench::workload::{IoParams, Params, ServerPlan};
use concbench_server::Config;
use std::time::Duration;

fn threads_now() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

/// The thread count once it is back to `before`, or as it is after a second: a joined thread has
/// woken its joiner a moment before the kernel drops it from /proc/self/task, and nothing signals that.
fn threads_settled(before: usize) -> usize {
    let until = std::time::Instant::now() + Duration::from_secs(1);
    loop {
        let now = threads_now();
        if now <= before || std::time::Instant::now() >= until {
            return now;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_thread_model_with_a_short_timeout_leaves_no_thread_behind() {
    // Every request held 2 s; each try times out after 50 ms, its hedge 20 ms after it started.
    let server = TestServer::start_with(Config::ephemeral(0, Duration::from_secs(2)));
    let io = IoParams {
        timeout_ms: 50,
        policy: Some(Box::new(Policy {
            retries: 1,
            hedge_after_ms: Some(20),
            ..Policy::default()
        })),
        ..IoParams::new(ServerPlan {
            workers: 0,
            delay: Duration::from_secs(2),
        })
    };
    let params = Params::Io(io);
    let before = threads_now();
    for model in [
        ModelKind::Threads,
        ModelKind::ThreadPool,
        ModelKind::Sequential,
    ] {
        let job = Job {
            workload: params.describe().build(&server.url()).unwrap(),
            params: params.clone(),
            url: server.url(),
            tasks: 8,
            limit: 4,
            exe: std::path::PathBuf::from(env!("CARGO_BIN_EXE_concbench")),
            retries: 1,
            per_worker: 1,
            max_threads: None,
            broker: None,
            schedule: None,
        };
        let exec = model.model().run(&job).unwrap();
        let mut sent = 0;
        for r in &exec.records {
            assert_eq!(r.result.outcome, Err(FailureKind::Timeout), "{model}");
            // Two tries, each a request and its hedge, each timed out.
            assert_eq!(
                (
                    r.result.tries.requests,
                    r.result.tries.hedges,
                    r.result.tries.timeouts
                ),
                (4, 2, 4),
                "{model}"
            );
            sent += r.result.tries.requests;
        }
        assert_eq!(sent, 32, "{model}");
        assert_eq!(
            threads_settled(before),
            before,
            "{model} left threads behind"
        );
    }
}
