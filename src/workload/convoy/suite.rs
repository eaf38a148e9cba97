//! The convoy's suite: 20 GETs of 100 ms beside 4 counting tasks of 100 ms, submitted at once in one
//! seeded order, per model — and the same 20 GETs alone per model, the baseline each model's GETs in
//! the mix are set against. Part of the plan (tests/layers.rs places it there): cases are plan's,
//! listed beside the workload they run.

use super::{ConvoyParams, DEFAULT_CPU_TASKS, DEFAULT_IO_TASKS};
use crate::model::ModelKind::{self, *};
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::{Params, ServerPlan};
use std::time::Duration;

/// The article's convoy: how much later GETs are answered beside counting.
pub struct Convoy;

/// Repetitions of every case: each costs about a second with its process and CPU probe.
const REPEAT: usize = 3;

impl SuiteCases for Convoy {
    /// A baseline per model rather than one shared: a model's own cost of a GET (a thread's start,
    /// a task's wake-up, the loop's turn) is in both of its cases, so mix / alone is the counting's
    /// doing alone, while mix / d keeps the whole cost beside the physical bound.
    fn cases(&self) -> Vec<Case> {
        let server = ServerPlan {
            workers: 0,
            delay: Duration::from_millis(100),
        };
        let mix = ConvoyParams::new(server, DEFAULT_IO_TASKS, DEFAULT_CPU_TASKS);
        let alone = mix.alone();
        models()
            .into_iter()
            .flat_map(|(model, k)| {
                [&alone, &mix].map(|p| {
                    Case::new(
                        Group::Convoy,
                        model,
                        p.io_tasks + p.cpu_tasks,
                        k,
                        Params::Convoy(p.clone()),
                    )
                    .reps(REPEAT, 0)
                })
            })
            .collect()
    }

    /// Whole: the convoy has no room in the default suite.
    fn in_lessons(&self) -> Vec<Case> {
        self.cases()
    }
}

/// The models the convoy compares, each with its k: the OS scheduler's threads (a thread per task,
/// and a pool of eight), tokio's workers counting inline, tokio handing the counting to its blocking
/// pool, one event loop, and Python's threads and asyncio loop.
fn models() -> [(ModelKind, Option<usize>); 7] {
    [
        (Threads, None),
        (ThreadPool, Some(8)),
        (Async, None),
        (AsyncBlockingPool, None),
        (AsyncSingle, None),
        // The article's own convoy (skipped with one line without `make python-env`): Python's
        // threads, where a GET's answer waits for the GIL the counting threads hand over every 5 ms,
        // and one asyncio loop, where it waits for the count to end.
        (PyThreads, None),
        (PyAsyncio, None),
    ]
}
