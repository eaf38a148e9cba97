//! The mixed workload's suites: 30 tasks that wait, GET and count, per model — one event loop against
//! pools of loops — in two shapes: `mixed`, mostly waiting (45 ms of counting after 0.2–0.7 s), and
//! `mixed-article`, the article's own, mostly counting, at a tenth of its times. Part of the plan
//! (tests/layers.rs places it there): cases are plan's, listed beside the workload they run.

use super::article;
use crate::model::ModelKind::{self, *};
use crate::names::Group;
use crate::plan::{Case, SuiteCases, QUICK_REPEAT, RUNTIMES, RUNTIMES_BESIDE};
use crate::workload::{MixedParams, Params, ServerPlan};
use std::time::Duration;

/// The aiomultiprocess article's question.
pub struct Mixed;

impl SuiteCases for Mixed {
    fn cases(&self) -> Vec<Case> {
        mixed(3)
    }

    /// The plain process pool's long makespan (7.8 s for 30 tasks in the reference run,
    /// vm-35e81f9f) is its point; once is enough. The rest as many times as fit in 4 s of their
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
        [
            (AsyncSingle, None),
            (Async, None),
            (AsyncProcessPool, Some(2)),
        ]
        .map(|(m, k)| Case::new(Group::Mixed, m, 30, k, work.clone()).reps(QUICK_REPEAT, 0))
        .into()
    }

    /// The suite's 30 tasks for each runtime and tokio's runtimes beside them.
    fn in_runtimes(&self) -> Vec<Case> {
        let work = Params::Mixed(MixedParams::new(ServerPlan {
            workers: 0,
            delay: Duration::ZERO,
        }));
        RUNTIMES
            .into_iter()
            .chain(RUNTIMES_BESIDE)
            .map(|m| Case::new(Group::Mixed, m, 30, None, work.clone()).reps(3, 0))
            .collect()
    }
}

/// The article's own shape: the counting sized from its published times (`article`), waits and
/// counting both at a tenth (20–70 ms, 68 ms), so the suite fits a minute. The article's pair (one
/// loop, a pool of loops, in Rust and in Python) three times, whose ratio the chart sets against the
/// article's; the rest twice, since every Rust repetition also costs its CPU probe (about a second
/// beside each in the first run, on a machine shared with other builds).
pub struct MixedArticle;

impl SuiteCases for MixedArticle {
    fn cases(&self) -> Vec<Case> {
        let (wait_min_ms, wait_max_ms, cpu_ms) = article::scaled(article::SCALE);
        let work = Params::Mixed(MixedParams {
            wait_min_ms,
            wait_max_ms,
            cpu_ms,
            ..MixedParams::new(ServerPlan {
                workers: 0,
                delay: Duration::ZERO,
            })
        });
        let pair = [AsyncSingle, AsyncProcessPool, PyAsyncio, PyAsyncProcessPool];
        models()
            .into_iter()
            .map(|(model, k)| {
                let repeat = if pair.contains(&model) { 3 } else { 2 };
                Case::new(Group::MixedArticle, model, article::TASKS, k, work.clone())
                    .reps(repeat, 0)
            })
            .collect()
    }

    /// Whole: the article's question has no room in the default suite.
    fn in_lessons(&self) -> Vec<Case> {
        self.cases()
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
    models()
        .into_iter()
        .map(|(model, k)| Case::new(Group::Mixed, model, 30, k, work.clone()).reps(repeat, 0))
        .collect()
}

/// The models both shapes run, each with its k.
fn models() -> [(ModelKind, Option<usize>); 8] {
    [
        (AsyncSingle, None),
        (Async, None),
        (AsyncBlockingPool, None),
        // Sixteen threads: the in-flight tasks of one aiomultiprocess worker.
        (ThreadPool, Some(16)),
        // multiprocessing.Pool(cpu_count) on a 2-core machine: tasks one at a time per process.
        (ProcessPool, Some(2)),
        (AsyncProcessPool, Some(2)),
        // The article's own pair in Python (skipped with one line without `make python-env`): one
        // asyncio loop doing all the counting against aiomultiprocess's pool of loops.
        (PyAsyncio, None),
        (PyAsyncProcessPool, Some(2)),
    ]
}
