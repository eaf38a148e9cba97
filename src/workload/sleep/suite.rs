//! The sleep workload's suites: peak memory per concurrent task up to 10,000 tasks (memory), and a
//! thousand to a million tasks beside their bare programs, threads to the OS's refusal and io to
//! 100,000 connections (scale). Part of the plan (tests/layers.rs places it there): cases are plan's,
//! listed beside the workload they run.

use crate::model::ModelKind::*;
use crate::names::Group;
use crate::plan::{Case, SuiteCases, BARE_GET_MAX, QUICK_REPEAT, RUNTIMES, RUNTIMES_BESIDE};
use crate::workload::{IoParams, Params, ServerPlan, SleepParams};
use std::time::Duration;

/// Peak RSS per concurrent task.
pub struct Memory;

impl SuiteCases for Memory {
    fn cases(&self) -> Vec<Case> {
        memory(3)
    }

    fn in_default(&self) -> Vec<Case> {
        memory(2)
    }

    /// Many tasks in flight for 100 ms: what starting them costs, which the makespan shows beside
    /// the wait.
    fn in_quick(&self) -> Vec<Case> {
        let sleep = Params::Sleep(SleepParams::new(Duration::from_millis(100)));
        [(Async, 10_000), (Threads, 100), (ThreadPool, 100)]
            .map(|(m, n)| {
                Case::new(Group::Memory, m, n, Some(n), sleep.clone()).reps(QUICK_REPEAT, 0)
            })
            .into()
    }

    /// Each runtime's memory per task and start cost, the memory suite's points (N = 1 the base),
    /// beside tokio's runtimes.
    fn in_runtimes(&self) -> Vec<Case> {
        let sleep = Params::Sleep(SleepParams::new(Duration::from_secs(1)));
        let mut cases = Vec::new();
        for model in RUNTIMES.into_iter().chain(RUNTIMES_BESIDE) {
            for n in [1, 100, 1_000, 10_000] {
                cases.push(Case::new(Group::Memory, model, n, None, sleep.clone()).reps(2, 0));
            }
        }
        cases
    }
}

/// Thousands to a million tasks and connections (`make report-scale`; not in the default suite).
pub struct Scale;

impl SuiteCases for Scale {
    fn cases(&self) -> Vec<Case> {
        scale()
    }

    /// 10,000 GETs of 1 s at once on the unbounded server (the scale suite's io at 10,000), for
    /// each runtime and tokio's multi-thread runtime beside them.
    fn in_runtimes(&self) -> Vec<Case> {
        let io = scale_io();
        RUNTIMES
            .into_iter()
            .chain([Async])
            .map(|m| Case::new(Group::Scale, m, 10_000, None, io.clone()).reps(3, 0))
            .collect()
    }
}

/// io against the unbounded server at 1 s, as the scale suite sends it.
fn scale_io() -> Params {
    scale_io_within(Duration::from_secs(5))
}

/// [`scale_io`] with requests that fail as `timeout` after `timeout`.
fn scale_io_within(timeout: Duration) -> Params {
    let server = ServerPlan {
        workers: 0,
        delay: Duration::from_secs(1),
    };
    Params::Io(IoParams {
        timeout_ms: timeout.as_millis() as u64,
        ..IoParams::new(server)
    })
}

/// A request's time limit in the scale suite's io cases. One stuck behind the machine's limits (SYNs
/// retried at 1 s and 3 s) fails after 5 s rather than a minute; but where the case holds every
/// connection, setting 100,000 of them up keeps two cores busy for seconds (about 40 µs of the
/// client's CPU and 30 µs of the server's each, measured: 4.6–5.1 s in all on a 2-vCPU VM), and a
/// request waiting its turn for a core is not stuck: the sharded cases wait 15 s.
const SHARDED_TIMEOUT: Duration = Duration::from_secs(15);

fn memory(repeat: usize) -> Vec<Case> {
    let sleep = Params::Sleep(SleepParams::new(Duration::from_secs(1)));
    let case =
        |model, n, k| Case::new(Group::Memory, model, n, Some(k), sleep.clone()).reps(repeat, 0);
    let mut cases = Vec::new();
    for model in [Async, Threads, ThreadPool] {
        // N = 1 is the base (runtime, binary, allocator) that the memory per task is taken above.
        // A pool as large as the task count, so every task is in flight and RSS is per concurrent task.
        for n in [1, 100, 1_000, 10_000] {
            cases.push(case(model, n, n));
        }
    }
    // One task per worker: all k workers hold a task at once, and one wave of the delay suffices.
    for k in [2, 8, 32] {
        cases.push(case(ProcessPool, k, k));
    }
    cases
}

/// The wait of the scale suite's sleep cases: the published memory figures' 10 s (the scale report sets
/// them beside these), long enough that every task is in flight at once even at a million.
pub const SCALE_SLEEP: Duration = Duration::from_secs(10);

/// Sleep task counts of `async` in the scale suite: the published figures' N.
pub const SCALE_TASKS: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// Sleep task counts of `async-join-all`: not a million. On one loop, join_all's first poll of each
/// sleep registers it in tokio's timer, and those polls grow faster than N: a million took the bare
/// program minutes beyond its wait, a third of the suite's 10 minutes or more, the model as long
/// again, and a case process running past 30 s + 10 × its ideal is killed as hung.
pub const SCALE_JOIN_ALL_TASKS: [usize; 3] = [1_000, 10_000, 100_000];

/// Thread counts of `threads` in the scale suite, the last two past where this machine's kernel refuses
/// a thread (vm.max_map_count 65,530 and four mappings a thread: near 16,000, see `thread_room`); a
/// machine that starts them all says so.
pub const SCALE_THREADS: [usize; 4] = [1_000, 10_000, 20_000, 30_000];

/// The scale suite. Repetitions are few because every sleep case costs 10 s twice (the case, then its
/// bare program) and the whole suite must fit `make report-scale` in 10 minutes on two cores: the
/// sleep cases run once (what they measure, peak memory and spawn time, varies by a few per cent
/// between runs, far less than the factors the report compares), io past the machine's limits once,
/// the cheap ones (bases, pools, io up to 10,000) 3 times. tests/scale.rs holds the sum.
fn scale() -> Vec<Case> {
    let g = Group::Scale;
    let sleep = |d: Duration| Params::Sleep(SleepParams::new(d));
    let mut cases = Vec::new();
    for model in [Async, AsyncJoinAll, Threads] {
        // N = 1, the base the memory per task is taken above (as in the memory suite). A sleeping
        // task's memory does not depend on its wait, so the base waits 100 ms, not 10 s.
        let base = Case::new(g, model, 1, None, sleep(Duration::from_millis(100)));
        cases.push(Case {
            reference: true,
            ..base.reps(3, 0)
        });
        let ns: &[usize] = match model {
            Threads => &SCALE_THREADS,
            AsyncJoinAll => &SCALE_JOIN_ALL_TASKS,
            _ => &SCALE_TASKS,
        };
        for &n in ns {
            cases.push(Case {
                reference: true,
                // Threads past where the kernel refuses one run anyway, warned of: the refusal is
                // what they measure (the run's capacity check would refuse them up front).
                past_limits: model == Threads && n >= SCALE_THREADS[2],
                ..Case::new(g, model, n, None, sleep(SCALE_SLEEP)).reps(1, 0)
            });
        }
    }
    // Pools of a few workers at 10,000 tasks: what starting a worker costs them (thread or process),
    // with 1 ms tasks so the 1,250 waves stay near a second.
    for model in [ThreadPool, ProcessPool] {
        let case = Case::new(g, model, 10_000, Some(8), sleep(Duration::from_millis(1)));
        cases.push(case.reps(3, 0));
    }
    // io against the unbounded server, 1 s: every connection open at once. One process holds at most
    // its open-file limit of them (20,000 here): `async` at 50,000 runs anyway, once, and what the OS
    // refuses is its result, counted as failures; `async-sharded` holds 50,000 and 100,000 over
    // processes of SCALE_SHARD_CONNECTIONS each (the run shards the server the same way).
    let io = scale_io();
    for (model, ns) in [
        (Async, &[1_000usize, 10_000, 50_000][..]),
        (AsyncSemaphore, &[1_000, 10_000][..]),
        (Threads, &[1_000, 10_000][..]),
        (AsyncSharded, &[50_000, 100_000][..]),
    ] {
        for &n in ns {
            let k = match model {
                AsyncSharded => n.div_ceil(SCALE_SHARD_CONNECTIONS),
                _ => n,
            };
            let params = match model {
                AsyncSharded => scale_io_within(SHARDED_TIMEOUT),
                _ => io.clone(),
            };
            let case = Case::new(g, model, n, Some(k), params);
            // Past the limits a case is its failures, and costs tens of seconds of busy cores: once.
            let past_limits = n > 28_000 && model != AsyncSharded;
            let bare = match model {
                Async => n <= BARE_GET_MAX,
                AsyncSharded => true,
                _ => false,
            };
            cases.push(Case {
                past_limits,
                // Beside async, the same GETs with no HTTP client: the io shape's floor that day
                // (sharded the same way beside async-sharded).
                reference: bare,
                ..case.reps(if past_limits { 1 } else { 3 }, 0)
            });
        }
    }
    cases
}

/// Connections each `async-sharded` process of the scale suite holds: well under the 20,000 open files
/// a process may have on the machines this was built on (each shard also keeps a few for itself), so
/// 100,000 connections are 8 processes.
pub const SCALE_SHARD_CONNECTIONS: usize = 12_500;
