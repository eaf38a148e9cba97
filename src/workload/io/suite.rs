//! The io workload's suites: the talk's seed clients against 3 workers and 1 s (and the same Rust
//! clients against gunicorn, the fidelity suite), makespan as N grows for every model (the io sweep)
//! and as the bound k grows (the limit sweep). Part of the plan (tests/layers.rs places it there):
//! cases are plan's, listed beside the workload they run.

use crate::model::ModelKind::*;
use crate::names::{Group, ServerKind};
use crate::plan::{Case, SuiteCases, QUICK_REPEAT, RUNTIMES, RUNTIMES_BESIDE};
use crate::workload::{IoParams, Params, ServerPlan};
use std::time::Duration;

/// The talk's clients, and their Python originals.
pub struct Seed;

impl SuiteCases for Seed {
    fn cases(&self) -> Vec<Case> {
        seed(3)
    }

    /// Six repetitions, the fewest a 95 % interval of the median needs; Python's clients twice: a
    /// mark beside the Rust bar, not an interval, and with them the default suite must still measure
    /// in 6 minutes.
    fn in_default(&self) -> Vec<Case> {
        seed(6)
            .into_iter()
            .map(|c| match c.model.is_python() {
                true => c.reps(2, 0),
                false => c,
            })
            .collect()
    }

    /// The seed's shapes at 50 ms, six tasks each: sequential, threads, the semaphore and a process
    /// pool. Six is in no default seed case, whose same shapes at 1 s compare would otherwise refuse
    /// to set beside these (the same case against another server).
    fn in_quick(&self) -> Vec<Case> {
        let s = ServerPlan {
            workers: 3,
            delay: QUICK_DELAY,
        };
        let g = Group::Seed;
        [
            Case::io(g, Sequential, 6, None, s),
            Case::io(g, Threads, 6, None, s),
            Case::io(g, AsyncSemaphore, 6, Some(3), s),
            Case::io(g, ProcessPool, 6, Some(3), s),
        ]
        .map(|c| c.reps(QUICK_REPEAT, 0))
        .into()
    }
}

/// The quick suite's delay for the seed: a twentieth of the seed's second, so a model's own cost is a
/// larger share of the makespan and a regression in it shows. Every quick seed case waits two delays
/// or more: six samples then cover the half second of wall time the busy check needs
/// (`results::stability`), and a case the machine was busy for says so.
const QUICK_DELAY: Duration = Duration::from_millis(50);

/// The seed's Rust clients against concbench's server and against gunicorn.
pub struct Fidelity;

impl SuiteCases for Fidelity {
    fn cases(&self) -> Vec<Case> {
        fidelity(3)
    }
}

/// Makespan against N for every model.
pub struct IoSweep;

impl SuiteCases for IoSweep {
    fn cases(&self) -> Vec<Case> {
        io_sweep(3)
    }

    /// As many repetitions of a point as fit in 0.2 s of waiting, 1 to 3.
    fn in_default(&self) -> Vec<Case> {
        io_sweep(1).into_iter().map(|c| c.sized(0.2, 3)).collect()
    }

    /// The sweep's own far end, 243 tasks on the unbounded server at 100 ms: where the models part.
    fn in_quick(&self) -> Vec<Case> {
        let s = ServerPlan {
            workers: 0,
            delay: Duration::from_millis(100),
        };
        [Threads, Async, AsyncSingle]
            .map(|m| Case::io(Group::IoSweep, m, 243, None, s).reps(QUICK_REPEAT, 0))
            .into()
    }

    /// The sweep's far end, 243 GETs of 100 ms on the unbounded server, for each runtime and the
    /// tokio runtimes beside it.
    fn in_runtimes(&self) -> Vec<Case> {
        let s = ServerPlan {
            workers: 0,
            delay: Duration::from_millis(100),
        };
        RUNTIMES
            .into_iter()
            .chain(RUNTIMES_BESIDE)
            .map(|m| Case::io(Group::IoSweep, m, 243, None, s).reps(3, 0))
            .collect()
    }
}

/// Makespan against k for the bounded models.
pub struct LimitSweep;

impl SuiteCases for LimitSweep {
    fn cases(&self) -> Vec<Case> {
        limit_sweep(3)
    }

    /// As many repetitions of a point as fit in 0.2 s of waiting, 1 to 3.
    fn in_default(&self) -> Vec<Case> {
        limit_sweep(1)
            .into_iter()
            .map(|c| c.sized(0.2, 3))
            .collect()
    }

    /// The sweep's own k = 16 (two waves of 100 ms) for a pool of threads, of permits and of
    /// processes.
    fn in_quick(&self) -> Vec<Case> {
        let s = ServerPlan {
            workers: 0,
            delay: Duration::from_millis(100),
        };
        [ThreadPool, AsyncSemaphore, ProcessPool]
            .map(|m| Case::io(Group::LimitSweep, m, 32, Some(16), s).reps(QUICK_REPEAT, 0))
            .into()
    }
}

/// The talk against `gunicorn -w 3` and a 1 s app.
fn seed(repeat: usize) -> Vec<Case> {
    let s = ServerPlan {
        workers: 3,
        delay: Duration::from_secs(1),
    };
    let g = Group::Seed;
    [
        Case::io(g, Sequential, 3, None, s),
        Case::io(g, Threads, 3, None, s),
        Case::io(g, Async, 3, None, s),
        Case::io(g, AsyncSemaphore, 9, Some(3), s),
        Case::io(g, ProcessPool, 3, Some(3), s),
        Case::io(g, ThreadPool, 3, Some(3), s),
        // Nine unbounded threads against three workers: six requests queue at the server.
        Case::io(g, Threads, 9, None, s),
        // The same clients in Python on this machine (skipped with one line without `make
        // python-env`): the seed chart's second source, between Rust here and the talk's figures.
        Case::io(g, PySequential, 3, None, s),
        Case::io(g, PyThreads, 3, None, s),
        Case::io(g, PyAsyncio, 3, None, s),
        Case::io(g, PyAsyncioSemaphore, 9, Some(3), s),
        Case::io(g, PyProcessPool, 3, Some(3), s),
        Case::io(g, PyThreadPool, 3, Some(3), s),
    ]
    .into_iter()
    // Python's cases at most 3 times: each is a second or three of waiting, and the seed chart
    // shows them as a mark beside the Rust bar, not with an interval of their own.
    .map(|c| match c.model.is_python() {
        true => c.reps(repeat.min(3), 1),
        false => c.reps(repeat, 1),
    })
    .collect()
}

/// The seed's Rust clients twice: against concbench's server and against gunicorn with the same W
/// and delay. Their ratio per case is the evidence that concbench's server has gunicorn's sync-worker
/// semantics (the report's fidelity section); Python's clients would only add Python's own noise to both sides.
fn fidelity(repeat: usize) -> Vec<Case> {
    let ours = seed(repeat)
        .into_iter()
        .filter(|c| !c.model.is_python())
        .map(|c| Case {
            group: Group::Fidelity,
            ..c
        });
    ours.flat_map(|c| {
        let mut theirs = c.clone();
        if let Params::Io(io) = &mut theirs.workload {
            io.server = ServerKind::Gunicorn;
        }
        [c, theirs]
    })
    .collect()
}

fn io_sweep(repeat: usize) -> Vec<Case> {
    let delay = Duration::from_millis(100);
    let mut cases = Vec::new();
    // The models whose io shape differs; the two built for work that waits and computes (an async
    // with a blocking pool, an async process pool) add nothing to plain GETs.
    let models = [
        Sequential,
        Threads,
        ThreadPool,
        Async,
        AsyncSingle,
        AsyncSemaphore,
        ProcessPool,
        Rayon,
    ];
    for workers in [9, 0] {
        let s = ServerPlan { workers, delay };
        for model in models {
            for n in [1, 3, 9, 27, 81, 243] {
                if model == Sequential && n > 27 {
                    continue;
                }
                cases.push(Case::io(Group::IoSweep, model, n, Some(9), s).reps(repeat, 0));
            }
        }
    }
    // What the usual libraries add on top of a model's own cost (ureq blocking, reqwest async): the
    // unbounded models against the unbounded server, where every connection is paid at once.
    let unbounded = ServerPlan { workers: 0, delay };
    for model in [Threads, Async] {
        for n in [1, 3, 9, 27, 81, 243] {
            let library = IoParams {
                client: crate::client::ClientKind::Library,
                ..IoParams::new(unbounded)
            };
            let case = Case::new(Group::IoSweep, model, n, None, Params::Io(library));
            cases.push(case.reps(repeat, 0));
        }
    }
    cases
}

fn limit_sweep(repeat: usize) -> Vec<Case> {
    // 100 ms and 32 tasks show the same halving per doubling of k as a longer delay and more tasks,
    // at a quarter of the waiting (k = 1 alone waits N × 100 ms per model).
    let s = ServerPlan {
        workers: 0,
        delay: Duration::from_millis(100),
    };
    let mut cases = Vec::new();
    for model in [ThreadPool, AsyncSemaphore, ProcessPool, Rayon] {
        for k in [1, 2, 4, 8, 16, 32] {
            cases.push(Case::io(Group::LimitSweep, model, 32, Some(k), s).reps(repeat, 0));
        }
    }
    cases
}
