//! What the models that run a task's plain steps share (`async-uring`, `coroutines`: loops that are
//! not tokio's and so cannot poll a workload's future; see `Workload::steps`): the workloads they
//! run, the one line that refuses the others, and a failed task's result.

use super::Params;
use crate::names::FailureKind;
use crate::workload::{TaskResult, WorkloadKind};

/// The workloads whose tasks are plain steps (a wait, the direct client's GET, a count).
const RUNS: [WorkloadKind; 4] = [
    WorkloadKind::Io,
    WorkloadKind::Sleep,
    WorkloadKind::Cpu,
    WorkloadKind::Mixed,
];

/// Why `model` cannot run this workload, when it cannot: one that is more than the steps, or a GET
/// that is more than the direct client's one plain try.
pub fn refuses(model: &str, params: &Params) -> Option<String> {
    let plain = params.describe().io().is_none_or(|io| {
        io.client == crate::client::ClientKind::Direct && !io.keep_alive && io.policy.is_none()
    });
    match (RUNS.contains(&params.kind()), plain) {
        (true, true) => None,
        (false, _) => Some(format!(
            "model {model} runs tasks made of a wait, a GET and a count (io, sleep, cpu, mixed), \
             not {}",
            params.kind()
        )),
        (true, false) => Some(format!(
            "model {model} makes the direct client's one plain GET: no --client library, \
             --keep-alive, retries, backoff or hedge"
        )),
    }
}

/// A task that failed as `kind` before or without a GET.
pub fn failed(kind: FailureKind) -> TaskResult {
    TaskResult::failed(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{IoParams, ServerPlan, SleepParams};
    use std::time::Duration;

    #[test]
    fn plain_steps_run_and_the_rest_is_refused_with_what_runs() {
        let server = ServerPlan {
            workers: 0,
            delay: Duration::from_millis(10),
        };
        let io = IoParams::new(server);
        assert_eq!(refuses("m", &Params::Io(io.clone())), None);
        let sleep = Params::Sleep(SleepParams::new(Duration::from_millis(1)));
        assert_eq!(refuses("m", &sleep), None);
        let kept = Params::Io(IoParams {
            keep_alive: true,
            ..io.clone()
        });
        assert!(refuses("m", &kept).unwrap().contains("--keep-alive"));
        let library = Params::Io(IoParams {
            client: crate::client::ClientKind::Library,
            ..io
        });
        assert!(refuses("m", &library).unwrap().contains("plain GET"));
    }
}
