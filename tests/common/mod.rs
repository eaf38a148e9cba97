//! Shared test fixtures: a slow server on its own runtime in this process, and jobs for the models.
#![allow(dead_code)]

use concbench::model::Job;
use concbench::workload::{
    Connect, CpuParams, DbKind, DbParams, IoParams, MixedParams, Params, PipelineParams,
    ServerPlan, SleepParams, WorkloadKind,
};
use concbench_server::{Config, SlowServer, StatsSnapshot};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The concbench binary, re-executed by process pools and run by the CLI tests.
pub const EXE: &str = env!("CARGO_BIN_EXE_concbench");

/// Timing tests take this so they do not compete with each other for the 2 cores.
pub fn timing_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

pub struct TestServer {
    rt: tokio::runtime::Runtime,
    server: Option<SlowServer>,
}

impl TestServer {
    pub fn start(workers: usize, delay: Duration) -> TestServer {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = rt
            .block_on(SlowServer::start(Config::ephemeral(workers, delay)))
            .unwrap();
        TestServer {
            rt,
            server: Some(server),
        }
    }

    pub fn url(&self) -> String {
        self.server.as_ref().unwrap().url()
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.server.as_ref().unwrap().stats()
    }

    pub fn reset(&self) {
        self.server.as_ref().unwrap().reset_stats()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            self.rt.block_on(s.shutdown());
        }
    }
}

/// A workload to run against the server at `url`.
#[derive(Debug, Clone)]
pub struct Spec {
    pub params: Params,
    pub url: String,
}

impl Spec {
    /// The io parameters, to change the path or the client.
    pub fn io(&mut self) -> &mut IoParams {
        match &mut self.params {
            Params::Io(io) => io,
            other => panic!("not an io spec: {other:?}"),
        }
    }

    /// A sleep of `delay` instead.
    pub fn sleeping(delay: Duration) -> Spec {
        Spec {
            params: Params::Sleep(SleepParams::new(delay)),
            url: String::new(),
        }
    }
}

/// GETs of `/` with a 10 s timeout, sleeps of 50 ms, counts to 2,000,000, …; db: scores of 1,000 steps
/// into the SQLite file at `url`, on a kept connection.
pub fn spec(kind: WorkloadKind, url: &str) -> Spec {
    let params = match kind {
        WorkloadKind::Io => Params::Io(IoParams {
            timeout_ms: 10_000,
            ..IoParams::new(ServerPlan {
                workers: 0,
                delay: Duration::ZERO,
            })
        }),
        WorkloadKind::Sleep => Params::Sleep(SleepParams::new(Duration::from_millis(50))),
        WorkloadKind::Cpu => Params::Cpu(CpuParams {
            cpu_iters: 2_000_000,
        }),
        WorkloadKind::Pipeline => Params::Pipeline(PipelineParams {
            download_ms: 2,
            upload_ms: 2,
            cpu_ms: 0,
            cpu_iters: 50_000,
            ..PipelineParams::new(ServerPlan {
                workers: 0,
                delay: Duration::ZERO,
            })
        }),
        // Short waits and a short count, against an unbounded server's /delay/0.
        WorkloadKind::Mixed => Params::Mixed(MixedParams {
            wait_min_ms: 20,
            wait_max_ms: 70,
            cpu_ms: 0,
            cpu_iters: 200_000,
            ..MixedParams::new(ServerPlan {
                workers: 0,
                delay: Duration::ZERO,
            })
        }),
        WorkloadKind::Db => Params::Db(DbParams {
            cpu_iters: 1_000,
            ..DbParams::new(DbKind::Sqlite, Connect::PerWorker)
        }),
    };
    Spec {
        params,
        url: url.to_string(),
    }
}

pub fn job(spec: Spec, tasks: usize, limit: usize) -> Job {
    Job {
        workload: spec.params.build(&spec.url).unwrap(),
        params: spec.params,
        url: spec.url,
        tasks,
        limit,
        exe: PathBuf::from(EXE),
        retries: 0,
        per_worker: 4,
        max_threads: None,
    }
}

/// Most tasks in flight at one instant, from the recorded start/end times.
pub fn max_overlap(spans: &[(Duration, Duration)]) -> usize {
    let mut events: Vec<(Duration, i32)> =
        spans.iter().flat_map(|&(s, e)| [(s, 1), (e, -1)]).collect();
    // Ends sort before starts at the same instant, so touching spans do not count as overlapping.
    events.sort();
    let (mut now, mut max) = (0i32, 0i32);
    for (_, d) in events {
        now += d;
        max = max.max(now);
    }
    max as usize
}
