//! One builder for each struct the tests make in several files, with the fields a test rarely sets
//! defaulted: a field added to the struct is added here, not in every test. Each returns its value,
//! so a test changes a field afterwards or writes `Struct { field, ..builder(…) }`.

use super::EXE;
use concbench::model::Job;
use concbench::names::ModelKind;
use concbench::results::CaseParams;
use concbench::run::case::CaseSpec;
use concbench::workload::contention::SyncKind;
use concbench::workload::ipc::Transport;
use concbench::workload::{
    Connect, ContentionParams, ConvoyParams, CoordinationParams, CpuParams, DbKind, DbParams,
    IoParams, IpcParams, MixedParams, Params, PayloadParams, PipelineParams, ServerPlan,
    SleepParams, SubprocessParams, WorkloadKind,
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

/// What the server is asked to be: `workers` sync workers (0: unbounded) and `delay` per request.
pub fn plan(workers: usize, delay: Duration) -> ServerPlan {
    ServerPlan { workers, delay }
}

/// GETs of `/` with a 10 s timeout, sleeps of 50 ms, counts to 2,000,000, …; db: scores of 1,000 steps
/// into the SQLite file at `url`, on a kept connection.
pub fn spec(kind: WorkloadKind, url: &str) -> Spec {
    let params = match kind {
        WorkloadKind::Io => Params::Io(IoParams {
            timeout_ms: 10_000,
            ..IoParams::new(plan(0, Duration::ZERO))
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
            ..PipelineParams::new(plan(0, Duration::ZERO))
        }),
        // Short waits and a short count, against an unbounded server's /delay/0.
        WorkloadKind::Mixed => Params::Mixed(MixedParams {
            wait_min_ms: 20,
            wait_max_ms: 70,
            cpu_ms: 0,
            cpu_iters: 200_000,
            ..MixedParams::new(plan(0, Duration::ZERO))
        }),
        WorkloadKind::Db => Params::Db(DbParams {
            cpu_iters: 1_000,
            ..DbParams::new(DbKind::Sqlite, Connect::PerWorker)
        }),
        // Its task needs the child program, which is not beside a test binary: `subprocess_job`.
        WorkloadKind::Subprocess => {
            Params::Subprocess(SubprocessParams::new(Duration::from_millis(50)))
        }
        // 6 GETs of 50 ms beside 2 short counts, against an unbounded server.
        WorkloadKind::Convoy => Params::Convoy(ConvoyParams {
            cpu_ms: 0,
            cpu_iters: 2_000_000,
            ..ConvoyParams::new(plan(0, Duration::from_millis(50)), 6, 2)
        }),
        // 4 KiB there and back beside a short count.
        WorkloadKind::Payload => Params::Payload(PayloadParams {
            cpu_ms: 0,
            cpu_iters: 200_000,
            ..PayloadParams::new(4 << 10, 0)
        }),
        // The article's semaphore of 5, each unit holding its permit 50 ms.
        WorkloadKind::Coordination => {
            Params::Coordination(CoordinationParams::semaphore(5, Duration::from_millis(50)))
        }
        // A pair per task over a pipe, 20 round trips of 64 B; its task needs the concbench binary,
        // which a test binary is not: `ipc_job`.
        WorkloadKind::Ipc => Params::Ipc(IpcParams::new(Transport::Pipe, 64, 20)),
        // 10,000 updates a unit under one mutex.
        WorkloadKind::Contention => {
            Params::Contention(ContentionParams::new(SyncKind::Mutex, 10_000))
        }
    };
    Spec {
        params,
        url: url.to_string(),
    }
}

/// What a model is asked to run in this process: `tasks` of `spec` at limit k = `limit`, no retries,
/// no thread cap, 4 tasks at once in each async pool worker.
pub fn job(spec: Spec, tasks: usize, limit: usize) -> Job {
    Job {
        workload: spec.params.describe().build(&spec.url).unwrap(),
        params: spec.params,
        url: spec.url,
        tasks,
        limit,
        exe: PathBuf::from(EXE),
        retries: 0,
        per_worker: 4,
        max_threads: None,
        broker: None,
        schedule: None,
    }
}

/// The child program the subprocess workload starts, as cargo built it beside concbench.
pub const CHILD: &str = env!("CARGO_BIN_EXE_concbench-child");

/// [`job`] for the subprocess workload: `tasks` children of `params` at limit k = `limit`, started
/// from [`CHILD`] (a test binary has no child program beside it for the workload to find).
pub fn subprocess_job(
    params: &SubprocessParams,
    tasks: usize,
    limit: usize,
) -> (
    Job,
    std::sync::Arc<concbench::workload::subprocess::Subprocess>,
) {
    let task = std::sync::Arc::new(params.task(PathBuf::from(CHILD)));
    let job = Job {
        workload: task.clone(),
        params: Params::Subprocess(params.clone()),
        url: String::new(),
        tasks,
        limit,
        exe: PathBuf::from(EXE),
        retries: 0,
        per_worker: 4,
        max_threads: None,
        broker: None,
        schedule: None,
    };
    (job, task)
}

/// What a case process is asked to run: `tasks` of `workload` (against `url`, empty for none) on
/// `model` at limit k = `limit`, no retries, one task at a time in each worker, no thread cap.
pub fn case_spec(
    model: ModelKind,
    workload: Params,
    url: &str,
    tasks: usize,
    limit: usize,
) -> CaseSpec {
    CaseSpec {
        model,
        workload,
        url: url.to_string(),
        tasks,
        limit,
        retries: 0,
        per_worker: 1,
        max_threads: None,
        broker: None,
        ledger: true,
        arrival: Default::default(),
        seed: 0,
    }
}

/// The parameters a result file records for a case of `tasks` tasks at limit `limit` (all of them
/// at once without one), with as many lanes for CPU work as tasks in flight.
pub fn case_params(
    model: ModelKind,
    tasks: usize,
    limit: Option<usize>,
    workload: Params,
) -> CaseParams {
    let concurrency = limit.unwrap_or(tasks);
    CaseParams {
        model,
        tasks,
        limit,
        concurrency,
        cpu_lanes: concurrency,
        child_concurrency: None,
        broker: None,
        workload,
        ledger_off: false,
        arrival: Default::default(),
    }
}
