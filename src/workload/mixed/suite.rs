//! The mixed workload's suite: 30 tasks that wait, GET and count, per model — one event loop against
//! pools of loops. Part of the plan (tests/layers.rs places it there): cases are plan's, listed beside
//! the workload they run.

use crate::model::ModelKind::*;
use crate::names::Group;
use crate::plan::{Case, SuiteCases, QUICK_REPEAT};
use crate::workload::{MixedParams, Params, ServerPlan};
use std::time::Duration;

/// The aiomultiprocess article's question.
pub struct Mixed;

impl SuiteCases for Mixed {
    fn cases(&self) -> Vec<Case> {
        mixed(3)
    }

    /// The plain process pool's long makespan (7.7 s for 30 tasks in the reference run,
    /// vm-dbb67700) is its point; once is enough. The rest as many times as fit in 4 s of their
    /// ideal, at most 3.
    fn in_default(&self) -> Vec<Case> {
        mixed(1).into_iter().map(|c| c.sized(4.0, 3)).collect()
    }

    /// The article's question at a tenth of its waits and a ninth of its counting: one event loop,
    /// tokio's pool, and a pool of two processes each with a loop.
    fn in_quick(&self) -> Vec<Case> {
        let server = ServerPlan {
            workers: 0,
            delay: Duration::ZERO,
        };
        let work = Params::Mixed(MixedParams {
            wait_min_ms: 20,
            wait_max_ms: 70,
            cpu_ms: 5,
            ..MixedParams::new(server)
        });
        [(AsyncSingle, None), (Async, None), (AsyncProcessPool, Some(2))]
            .map(|(m, k)| Case::new(Group::Mixed, m, 30, k, work.clone()).reps(QUICK_REPEAT, 0))
            .into()
    }
}

/// The aiomultiprocess article: one event loop whose CPU work blocks it, against loops that share it
/// (a blocking pool), threads, processes, and processes each with a loop of their own.
fn mixed(repeat: usize) -> Vec<Case> {
    let server = ServerPlan {
        workers: 0,
        delay: Duration::ZERO,
    };
    let work = Params::Mixed(MixedParams::new(server));
    let case = |model, k| Case::new(Group::Mixed, model, 30, k, work.clone()).reps(repeat, 0);
    vec![
        case(AsyncSingle, None),
        case(Async, None),
        case(AsyncBlockingPool, None),
        // Sixteen threads: the in-flight tasks of one aiomultiprocess worker.
        case(ThreadPool, Some(16)),
        // multiprocessing.Pool(cpu_count) on a 2-core machine: tasks one at a time per process.
        case(ProcessPool, Some(2)),
        case(AsyncProcessPool, Some(2)),
        // The article's own pair in Python (skipped with one line without `make python-env`): one
        // asyncio loop doing all the counting against aiomultiprocess's pool of loops.
        case(PyAsyncio, None),
        case(PyAsyncProcessPool, Some(2)),
    ]
}
