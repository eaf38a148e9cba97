//! Every model against the real slow server on 127.0.0.1 (50 ms delay, small N): results are complete
//! and no model beats physics; bounds hold at the server; pools really use k workers or threads.

mod common;

use common::*;
use concbench::model::{Job, ModelKind};
use concbench::names::Group;
use concbench::plan::Case;
use concbench::workload::{
    CpuParams, IoParams, Params, Steps, TaskFuture, TaskResult, Workload, WorkloadKind,
};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_millis(50);

fn limit_for(model: ModelKind, k: usize) -> Option<usize> {
    model.model().takes_limit().then_some(k)
}

#[test]
fn every_model_completes_io_within_physics() {
    let _t = timing_lock();
    let server = TestServer::start(3, DELAY);
    let plan = plan(3, DELAY);
    for model in ModelKind::rust() {
        let (n, k) = (6, 3);
        let io = Params::Io(IoParams::new(plan));
        let case = Case::new(Group::AdHoc, model, n, limit_for(model, k), io);
        let ideal = Duration::from_secs_f64(case.ideal(2, None).unwrap());
        let exec = model
            .model()
            .run(&job(spec(WorkloadKind::Io, &server.url()), n, case.k()))
            .unwrap();
        let ok = exec
            .records
            .iter()
            .filter(|r| r.result.outcome == Ok(22))
            .count();
        assert_eq!(
            ok,
            n,
            "{}: every GET returned the 22-byte body",
            model.name()
        );
        let makespan = exec.makespan();
        assert!(
            makespan >= ideal,
            "{} beat physics: {makespan:?} < {ideal:?}",
            model.name()
        );
        assert!(
            makespan < ideal.mul_f64(1.5) + Duration::from_millis(150),
            "{}: {makespan:?} vs ideal {ideal:?}",
            model.name()
        );
    }
}

fn run_and_stats(server: &TestServer, model: ModelKind, n: usize, k: usize) -> (usize, u64) {
    server.reset();
    let exec = model
        .model()
        .run(&job(spec(WorkloadKind::Io, &server.url()), n, k))
        .unwrap();
    assert!(exec.records.iter().all(|r| r.result.outcome.is_ok()));
    let spans: Vec<_> = exec.records.iter().map(|r| (r.start, r.end)).collect();
    (max_overlap(&spans), server.stats().max_in_flight)
}

#[test]
fn bounds_are_held_where_the_server_can_see_them() {
    let _t = timing_lock();
    // Unbounded server: whatever it sees in flight is the client's own bound.
    let unbounded = TestServer::start(0, DELAY);
    let (client, at_server) = run_and_stats(&unbounded, ModelKind::AsyncSemaphore, 9, 3);
    assert_eq!((client, at_server), (3, 3), "semaphore of 3");
    let (client, at_server) = run_and_stats(&unbounded, ModelKind::Sequential, 4, 1);
    assert_eq!((client, at_server), (1, 1), "sequential");
    // Nine threads against three workers: nine in flight in the client, three at the server.
    let three = TestServer::start(3, DELAY);
    let (client, at_server) = run_and_stats(&three, ModelKind::Threads, 9, 9);
    assert_eq!((client, at_server), (9, 3), "threads vs W = 3");
}

/// A task that notes which thread ran it, then waits a little so every worker gets a turn.
struct WhichThread(Mutex<HashSet<ThreadId>>);

impl Workload for WhichThread {
    fn blocking(&self, _task: u64) -> TaskResult {
        self.0.lock().unwrap().insert(std::thread::current().id());
        std::thread::sleep(Duration::from_millis(20));
        TaskResult::ok(0)
    }
    fn run_async(&self, _task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            self.0.lock().unwrap().insert(std::thread::current().id());
            tokio::time::sleep(Duration::from_millis(20)).await;
            TaskResult::ok(0)
        })
    }
}

fn threads_used(model: ModelKind, n: usize, k: usize) -> usize {
    let probe = Arc::new(WhichThread(Mutex::new(HashSet::new())));
    let job = Job {
        workload: probe.clone(),
        ..job(spec(WorkloadKind::Sleep, ""), n, k)
    };
    model.model().run(&job).unwrap();
    let used = probe.0.lock().unwrap().len();
    used
}

#[test]
fn rayon_uses_exactly_k_threads_and_async_single_one() {
    assert_eq!(threads_used(ModelKind::Rayon, 12, 3), 3);
    assert_eq!(threads_used(ModelKind::ThreadPool, 12, 3), 3);
    assert_eq!(threads_used(ModelKind::AsyncSingle, 12, 12), 1);
    assert_eq!(threads_used(ModelKind::Threads, 5, 5), 5);
    // A loop per allowed CPU, never more than tasks.
    assert_eq!(
        threads_used(ModelKind::ThreadPerCore, 12, 12),
        cores().min(12)
    );
    assert_eq!(threads_used(ModelKind::ThreadPerCore, 1, 1), 1);
}

fn cores() -> usize {
    concbench::measure::machine::allowed_cpus().len().max(1)
}

/// A task that notes which thread ran it by task number.
struct ThreadOfTask(Mutex<Vec<(u64, ThreadId)>>);

impl Workload for ThreadOfTask {
    fn blocking(&self, task: u64) -> TaskResult {
        self.0
            .lock()
            .unwrap()
            .push((task, std::thread::current().id()));
        TaskResult::ok(0)
    }
    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            let before = std::thread::current().id();
            // Waits, so a loop that stole would have the chance to take it over.
            tokio::time::sleep(Duration::from_millis(5)).await;
            tokio::task::yield_now().await;
            let after = std::thread::current().id();
            let mut seen = self.0.lock().unwrap();
            seen.push((task, before));
            seen.push((task, after));
            TaskResult::ok(0)
        })
    }
}

#[test]
fn thread_per_core_deals_tasks_round_robin_and_never_moves_them() {
    let probe = Arc::new(ThreadOfTask(Mutex::new(Vec::new())));
    let n = 40;
    let job = Job {
        workload: probe.clone(),
        ..job(spec(WorkloadKind::Sleep, ""), n, n)
    };
    ModelKind::ThreadPerCore.model().run(&job).unwrap();
    let seen = probe.0.lock().unwrap();
    assert_eq!(seen.len(), 2 * n);
    let loops = cores().min(n);
    // Task i runs on loop i mod loops, before and after its waits: same residue, same thread;
    // another residue, another thread.
    let mut of_residue: Vec<Option<ThreadId>> = vec![None; loops];
    for &(task, thread) in seen.iter() {
        let slot = &mut of_residue[task as usize % loops];
        assert_eq!(*slot.get_or_insert(thread), thread, "task {task} moved");
    }
    let distinct: HashSet<_> = of_residue.iter().flatten().collect();
    assert_eq!(distinct.len(), loops, "one thread per loop");
    assert!(
        !distinct.contains(&std::thread::current().id()),
        "the submitter ran a task"
    );
}

/// Run `job` on `model` on a thread of its own, and collect the pids of the worker processes this
/// test process had meanwhile (a poll every 5 ms: a worker that lives a whole sleeping task is seen).
fn run_watching_workers(model: ModelKind, job: Job) -> (concbench::model::Execution, HashSet<u32>) {
    let handle = std::thread::spawn(move || model.model().run(&job).unwrap());
    let mut seen = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !handle.is_finished() && Instant::now() < deadline {
        seen.extend(pool_workers(std::process::id()));
        std::thread::sleep(Duration::from_millis(5));
    }
    (handle.join().unwrap(), seen)
}

#[test]
fn process_pool_really_uses_k_worker_processes() {
    let _t = timing_lock();
    let s = Spec::sleeping(Duration::from_millis(300));
    let (exec, seen) = run_watching_workers(ModelKind::ProcessPool, job(s, 6, 3));
    assert_eq!(seen.len(), 3, "distinct worker pids: {seen:?}");
    let usage = exec.workers.expect("a pool reports its workers");
    assert_eq!(usage.processes, 3);
    assert!(usage.rss_sum_kib > 0);
    assert!(
        pool_workers(std::process::id()).is_empty(),
        "workers reaped at the end"
    );
}

#[test]
fn async_sharded_splits_the_tasks_exactly_over_k_processes_and_adds_them_up() {
    let _t = timing_lock();
    let wait = Duration::from_millis(300);
    let s = Spec::sleeping(wait);
    let (exec, seen) = run_watching_workers(ModelKind::AsyncSharded, job(s, 7, 3));
    assert_eq!(seen.len(), 3, "distinct shard pids: {seen:?}");
    assert_eq!((exec.pool, exec.workers.unwrap().processes), (Some(3), 3));
    assert_eq!(exec.records.len(), 7, "a record per task, none twice");
    assert!(exec.records.iter().all(|r| r.result.outcome.is_ok()));
    // Every shard's tasks on the parent's clock: none ends before its wait, all at once.
    assert!(exec.records.iter().all(|r| r.end - r.start >= wait));
    assert!(
        exec.makespan() >= wait && exec.makespan() < wait * 3,
        "{:?}",
        exec.makespan()
    );
    assert!(pool_workers(std::process::id()).is_empty(), "shards reaped");
    // Past KEEP_EACH each shard folds its share, and the folds add up to every task.
    let many = concbench::model::aggregate::KEEP_EACH * 2 + 1;
    let s = Spec::sleeping(Duration::from_millis(50));
    let exec = ModelKind::AsyncSharded
        .model()
        .run(&job(s, many, 4))
        .unwrap();
    let folded = exec.aggregate.expect("folded past KEEP_EACH");
    assert_eq!(folded.ok as usize, many);
    assert_eq!(folded.task_latency.len() as usize, many);
    assert!(folded.makespan >= Duration::from_millis(50));
    assert_eq!(exec.spawned.map(|(n, _)| n), Some(many));
}

#[test]
fn cpu_counts_exactly_and_two_lanes_run_at_once() {
    let _t = timing_lock();
    // Each model counts right; with two lanes, two tasks are in flight at once, with one event loop
    // or none, never. (Whether two lanes also finish sooner depends on the machine's other load: the
    // cpu suite and its report show that, not a timed test.)
    let mut cpu = spec(WorkloadKind::Cpu, "");
    // Tasks of tens of milliseconds, so a lane the OS is slow to run still runs within the case.
    cpu.params = Params::Cpu(CpuParams {
        cpu_iters: 20_000_000,
    });
    let iters = cpu.params.describe().cpu_iters().unwrap();
    for model in ModelKind::rust() {
        let exec = model.model().run(&job(cpu.clone(), 8, 2)).unwrap();
        assert!(
            exec.records.iter().all(|r| r.result.outcome == Ok(iters)),
            "{} counted wrong",
            model.name()
        );
        let spans: Vec<_> = exec.records.iter().map(|r| (r.start, r.end)).collect();
        let overlap = max_overlap(&spans);
        match model {
            ModelKind::Sequential | ModelKind::AsyncSingle | ModelKind::AsyncUring => {
                assert_eq!(overlap, 1, "{} ran tasks side by side", model.name())
            }
            ModelKind::Rayon | ModelKind::ThreadPool => {
                assert_eq!(overlap, 2, "{}: 2 lanes", model.name())
            }
            ModelKind::Threads => assert!(overlap >= 2, "threads: {overlap} at once"),
            // A loop per core, each counting one task at a time.
            ModelKind::ThreadPerCore => assert_eq!(overlap, cores().min(2), "thread-per-core"),
            _ => {}
        }
        // A task on a thread of its own carries that thread's CPU time over it (schedstat) for
        // the ledger — a process pool's from its worker, across the pipe: more than nothing, and
        // not more than the task's span (give or take a scheduler tick: a running thread's
        // schedstat is brought up to date at ticks and switches, so a reading may lag by one).
        let own_thread = matches!(
            model,
            ModelKind::Sequential
                | ModelKind::Threads
                | ModelKind::ThreadPool
                | ModelKind::ProcessPool
        );
        if own_thread && concbench::ledger::schedstat::this_thread().is_some() {
            for r in &exec.records {
                let run = r.marks.run.unwrap_or_else(|| {
                    panic!("{}: no run time of the task's thread", model.name())
                });
                assert!(
                    run > Duration::ZERO && run <= r.end - r.start + Duration::from_millis(10),
                    "{}: ran {run:?} in a span of {:?}",
                    model.name(),
                    r.end - r.start
                );
                // A worker process says when it was done, so its answer's way back is the drain.
                if model == ModelKind::ProcessPool {
                    let done = r.marks.done.expect("a pool worker's done");
                    assert!(r.start < done && done <= r.end, "{r:?}");
                }
            }
        }
    }
}

#[test]
fn a_panicking_task_fails_alone() {
    struct Boom;
    impl Workload for Boom {
        fn blocking(&self, _task: u64) -> TaskResult {
            panic!("task panicked on purpose")
        }
        fn run_async(&self, _task: u64) -> TaskFuture<'_> {
            Box::pin(async { panic!("task panicked on purpose") })
        }
        // What a loop that is not tokio's (async-uring) asks of a task, inside the task.
        fn steps(&self, _task: u64) -> Option<Steps<'_>> {
            panic!("task panicked on purpose")
        }
    }
    // Process pools and queue workers rebuild the workload from its parameters in their workers: no
    // Boom there (their own panics are caught in the worker, tested with the pool).
    for model in ModelKind::rust().filter(|m| {
        !matches!(
            m,
            ModelKind::ProcessPool
                | ModelKind::AsyncProcessPool
                | ModelKind::QueueWorkers
                | ModelKind::AsyncSharded
        )
    }) {
        let job = Job {
            workload: Arc::new(Boom),
            ..job(spec(WorkloadKind::Cpu, ""), 3, 2)
        };
        let exec = model.model().run(&job).unwrap();
        assert_eq!(exec.records.len(), 3, "{}", model.name());
        assert!(
            exec.records.iter().all(|r| r.result.outcome.is_err()),
            "{}",
            model.name()
        );
    }
}

#[test]
fn the_ledger_of_real_requests_adds_up_and_follows_one_server_worker() {
    let _t = timing_lock();
    // One server worker: every request waits in its backlog for the one before, so the critical
    // path goes through every task, each serve whole on it.
    let server = TestServer::start(1, DELAY);
    let n = 4;
    for model in [
        ModelKind::Threads,
        ModelKind::ThreadPool,
        ModelKind::AsyncSemaphore,
    ] {
        let mut s = spec(WorkloadKind::Io, &server.url());
        s.params = Params::Io(IoParams {
            timeout_ms: 10_000,
            ..IoParams::new(plan(1, DELAY))
        });
        let params = s.params.clone();
        let exec = model.model().run(&job(s, n, 2)).unwrap();
        let sums = concbench::run::ledger::path(&exec, &params, model).expect("a ledger");
        let name = model.name();
        assert_eq!(sums.total_ns(), exec.makespan().as_nanos() as u64, "{name}");
        assert_eq!(sums.tasks, n as u64, "{name}: {sums:?}");
        assert_eq!(
            sums.serve_work_ns,
            n as u64 * DELAY.as_nanos() as u64,
            "{name}"
        );
        assert!(
            sums.backlog_ns > 0 && sums.unstamped_ns == 0,
            "{name}: {sums:?}"
        );
        let ideal = n as f64 * DELAY.as_secs_f64();
        // One server worker serves them one by one: in-order packing adds nothing.
        let ledger =
            concbench::run::ledger::ledger(&sums, exec.makespan().as_secs_f64(), ideal, None, 0.0);
        assert!(ledger.stamped, "{name}");
        assert!(ledger.residual_s.abs() < 1e-9, "{name}: {ledger:?}");
    }
}
