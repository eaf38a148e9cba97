//! The workloads and jobs the tests give the models: a spec (a workload's parameters and the server's
//! URL), the usual spec of each workload, and the job built from one.

use super::EXE;
use concbench::model::Job;
use concbench::workload::{
    Connect, CpuParams, DbKind, DbParams, IoParams, MixedParams, Params, PipelineParams,
    ServerPlan, SleepParams, WorkloadKind,
};
use std::path::PathBuf;
use std::time::Duration;

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
