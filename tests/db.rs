//! The article of a process pool writing to a database: every task's row is there exactly once after a
//! repetition, or the task counts as failed — also a task that fails inside its transaction, and one
//! whose row vanished after it said it wrote; SQLITE_BUSY is a `db` failure once its retries are spent;
//! a connection per task costs more than one per worker; `--db-url` writes to the server it names; and
//! the PostgreSQL cluster the harness starts never outlives it, however the harness ends. The
//! PostgreSQL tests say so in one line and pass when PostgreSQL is not installed.

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::names::{Bottleneck, Group};
use concbench::render::fmt;
use concbench::results::CaseResult;
use concbench::run::case::{execute, CaseOutput, CaseSpec};
use concbench::run::service::cluster::{self, Cluster};
use concbench::run::service::{temp_dir::TempDir, Service};
use concbench::workload::db::{postgres, sqlite};
use concbench::workload::{Connect, DbKind, DbParams, FailureKind, Params, TaskResult};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MODELS: [(ModelKind, usize); 6] = [
    (ModelKind::Sequential, 1),
    (ModelKind::Threads, 1),
    (ModelKind::ThreadPool, 3),
    (ModelKind::ProcessPool, 3),
    (ModelKind::Async, 1),
    (ModelKind::AsyncSingle, 1),
];

fn params(db: DbKind, connect: Connect) -> Params {
    Params::Db(DbParams {
        cpu_iters: 1_000,
        ..DbParams::new(db, connect)
    })
}

/// A SQLite file in a directory of its own.
fn sqlite_file() -> (TempDir, String) {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("t.sqlite").display().to_string();
    (dir, file)
}

/// One repetition as a case process runs it: prepare, the model, the count.
fn repetition(spec: &CaseSpec) -> CaseOutput {
    execute(spec, Path::new(EXE)).unwrap_or_else(|e| panic!("{spec:?}: {e:#}"))
}

#[test]
fn every_models_tasks_write_their_rows_exactly_once_on_sqlite() {
    let (_dir, file) = sqlite_file();
    let n = 40;
    for connect in [Connect::PerTask, Connect::PerWorker] {
        for (model, k) in MODELS {
            let out = repetition(&case_spec(
                model,
                params(DbKind::Sqlite, connect),
                &file,
                n,
                k,
            ));
            assert_eq!(
                (out.ok, out.failures.len()),
                (n as u64, 0),
                "{model} {connect}: {:?}",
                out.failures
            );
            // The count happened in the case: here the rows are read once more.
            let rows = sqlite::rows(Path::new(&file)).unwrap();
            let mut ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
            ids.sort();
            assert_eq!(ids, (0..n as i64).collect::<Vec<_>>(), "{model} {connect}");
            let service = out.service_latency.expect("each write is timed");
            assert!(service.p50 > 0.0 && service.p50 <= out.task_latency.max);
        }
    }
}

/// Run `model` on a workload prepared by hand, `meddle` done to the fresh table first, and count.
fn meddled(model: ModelKind, k: usize, file: &str, n: usize, meddle: &str) -> Vec<TaskResult> {
    let workload = params(DbKind::Sqlite, Connect::PerWorker);
    let built = workload.describe().build(file).unwrap();
    built.prepare().unwrap();
    rusqlite::Connection::open(file)
        .unwrap()
        .execute_batch(meddle)
        .unwrap();
    let job = concbench::model::Job {
        workload: built.clone(),
        ..job(
            Spec {
                params: workload,
                url: file.to_string(),
            },
            n,
            k,
        )
    };
    let mut exec = model.model().run(&job).unwrap();
    let mut results: Vec<&mut TaskResult> =
        exec.records.iter_mut().map(|r| &mut r.result).collect();
    built.audit(&mut results).unwrap();
    exec.records.iter().map(|r| r.result).collect()
}

#[test]
fn a_task_that_fails_inside_its_transaction_fails_and_leaves_no_row() {
    let (_dir, file) = sqlite_file();
    // Task 7's INSERT is refused after its BEGIN: the transaction rolls back.
    let refuse = "CREATE TRIGGER refuse BEFORE INSERT ON concbench_scores WHEN NEW.id = 7 \
                  BEGIN SELECT RAISE(ABORT, 'refused'); END;";
    for (model, k) in [(ModelKind::ThreadPool, 3), (ModelKind::ProcessPool, 2)] {
        let results = meddled(model, k, &file, 20, refuse);
        for (i, r) in results.iter().enumerate() {
            match i {
                7 => assert_eq!(r.outcome, Err(FailureKind::Db), "{model}"),
                _ => assert!(r.outcome.is_ok(), "{model} task {i}: {r:?}"),
            }
        }
        let rows = sqlite::rows(Path::new(&file)).unwrap();
        assert_eq!(rows.len(), 19, "{model}");
        assert!(rows.iter().all(|r| r.0 != 7), "{model}");
    }
}

#[test]
fn a_row_lost_after_its_task_said_it_wrote_is_counted_as_a_failure() {
    let (_dir, file) = sqlite_file();
    // Task 3 commits and says so; its row is gone before the count, as a lost write would be.
    let lose = "CREATE TRIGGER lose AFTER INSERT ON concbench_scores WHEN NEW.id = 3 \
                BEGIN DELETE FROM concbench_scores WHERE id = 3; END;";
    let results = meddled(ModelKind::Sequential, 1, &file, 10, lose);
    assert_eq!(results[3].outcome, Err(FailureKind::Db));
    assert_eq!(results.iter().filter(|r| r.outcome.is_ok()).count(), 9);
}

#[test]
fn sqlite_busy_is_a_db_failure_once_its_retries_are_spent() {
    let (_dir, file) = sqlite_file();
    let workload = Params::Db(DbParams {
        busy_timeout_ms: 0,
        busy_retries: 1,
        ..DbParams::new(DbKind::Sqlite, Connect::PerWorker)
    });
    let built = workload.describe().build(&file).unwrap();
    built.prepare().unwrap();
    // Another writer holds SQLite's one write lock for the whole repetition.
    let mut holder = rusqlite::Connection::open(&file).unwrap();
    let lock = holder
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    for task in 0..3 {
        let t = Instant::now();
        let r = built.blocking(task);
        assert_eq!(r.outcome, Err(FailureKind::Db));
        assert!(
            t.elapsed() >= Duration::from_millis(2),
            "it backed off once"
        );
    }
    lock.rollback().unwrap();
    assert!(built.blocking(3).outcome.is_ok(), "the lock is free again");
}

#[test]
fn a_connection_per_task_is_slower_than_one_per_worker_on_sqlite() {
    let _t = timing_lock();
    let (_dir, file) = sqlite_file();
    let n = 60;
    // Best of three each, so a burst of load elsewhere does not decide the ratio.
    let best = |connect| {
        (0..3)
            .map(|_| {
                let s = case_spec(
                    ModelKind::Sequential,
                    params(DbKind::Sqlite, connect),
                    &file,
                    n,
                    1,
                );
                let out = repetition(&s);
                assert_eq!(out.ok, n as u64);
                out.makespan_s
            })
            .fold(f64::INFINITY, f64::min)
    };
    let (per_task, per_worker) = (best(Connect::PerTask), best(Connect::PerWorker));
    eprintln!(
        "sqlite, {n} tasks: per-task {per_task:.3} s, per-worker {per_worker:.3} s ({:.2}×)",
        per_task / per_worker
    );
    // Opening (and closing: the last connection checkpoints the WAL) costs more than the write.
    assert!(
        per_task > 1.2 * per_worker,
        "per-task {per_task:.3} s, per-worker {per_worker:.3} s"
    );
}

/// A cluster to test against, or None once the skip is said and recorded.
fn cluster_or_skip() -> Option<Cluster> {
    if let Err(why) = cluster::find() {
        skip(Why::NoPostgres, why);
        return None;
    }
    Some(Cluster::start().unwrap())
}

#[test]
fn every_models_tasks_write_their_rows_exactly_once_on_postgres() {
    let Some(cluster) = cluster_or_skip() else {
        return;
    };
    let config = postgres::config(cluster.url()).unwrap();
    let n = 30;
    for connect in [Connect::PerTask, Connect::PerWorker] {
        for (model, k) in MODELS {
            let s = case_spec(
                model,
                params(DbKind::Postgres, connect),
                cluster.url(),
                n,
                k,
            );
            let out = repetition(&s);
            assert_eq!(
                (out.ok, out.failures.len()),
                (n as u64, 0),
                "{model} {connect}: {:?}",
                out.failures
            );
            assert_eq!(postgres::rows(&config).unwrap().len(), n, "{model}");
        }
    }
    // A task that said it wrote but left no row is counted as failed.
    let mut results = [TaskResult::ok(0)];
    let built = params(DbKind::Postgres, Connect::PerTask)
        .describe()
        .build(cluster.url())
        .unwrap();
    built.prepare().unwrap();
    let mut refs: Vec<&mut TaskResult> = results.iter_mut().collect();
    built.audit(&mut refs).unwrap();
    assert_eq!(
        results[0].outcome,
        Err(FailureKind::Db),
        "said done, no row"
    );
}

#[test]
fn db_url_writes_to_the_server_it_names() {
    let Some(cluster) = cluster_or_skip() else {
        return;
    };
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("run.json");
    let n = 12;
    let run = Command::new(EXE)
        .args(["run", "--workload", "db", "--db-url", cluster.url()])
        .args([
            "--connect",
            "per-task",
            "--model",
            "thread-pool",
            "--limit",
            "2",
        ])
        .args([
            "--tasks",
            &n.to_string(),
            "--repeat",
            "1",
            "--warmup",
            "0",
            "-q",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let file = concbench::results::ResultFile::load(&out).unwrap();
    let case = &file.cases[0];
    assert!(
        case.id.ends_with("postgres-url-per-task-i10000"),
        "{}",
        case.id
    );
    let sample = &case.samples[0];
    assert_eq!((sample.ok, sample.failures.len()), (n, 0), "{stderr}");
    // The rows are in the server named (the last of the repetition and the write probes, n each).
    let config = postgres::config(cluster.url()).unwrap();
    assert_eq!(postgres::rows(&config).unwrap().len(), n as usize);
}

#[test]
fn the_cluster_and_its_backends_cpu_is_the_services_not_noise() {
    if let Err(why) = cluster::find() {
        return skip(Why::NoPostgres, why);
    }
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("run.json");
    // A connection per task: every task makes the postmaster fork a backend that ends with it, so
    // most of the service's CPU is in processes that are gone by the time the repetition ends.
    let file = run_ok(
        &[
            "--workload",
            "db",
            "--db",
            "postgres",
            "--connect",
            "per-task",
            "--model",
            "thread-pool",
            "--limit",
            "2",
            "--tasks",
            "40",
            "--repeat",
            "2",
        ],
        &out,
    );
    let case = &file.cases[0];
    for s in &case.samples {
        let cpu = s
            .server_cpu_s
            .expect("a cluster the run started has its CPU measured");
        // 40 backends forked and ended: never nothing (ticks are 10 ms; one backend's start alone
        // costs more than a millisecond).
        assert!(cpu > 0.0, "{:?}", s.server_cpu_s);
        let noise = s.noise.expect("noise on record");
        assert_eq!(noise.server_cpu_s, Some(cpu), "the same reading");
    }
    let data = data_of(file);
    let tables = concbench::report::table::tables(&data);
    let db = tables
        .iter()
        .find(|t| t.table.header.iter().any(|h| h == "service CPU"));
    assert!(
        db.is_some(),
        "a service CPU column in {:?}",
        tables.iter().map(|t| &t.table.header).collect::<Vec<_>>()
    );
}

/// Start a harness measuring a long PostgreSQL case with its temporary directory in `tmp`; wait until
/// its cluster runs, send it `signal`, and check that the cluster and its backends are gone.
fn the_cluster_dies_with_its_harness(signal: i32) {
    let tmp = tmpdir(&signal.to_string());
    // The cluster's user must reach its directory through this one.
    std::fs::set_permissions(&tmp, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut harness = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "db",
            "--db",
            "postgres",
            "--connect",
            "per-task",
        ])
        .args([
            "--model",
            "sequential",
            "--tasks",
            "100000",
            "--repeat",
            "1",
            "--warmup",
            "0",
        ])
        .arg("--out")
        .arg(tmp.join("run.json"))
        .arg("-q")
        .env("TMPDIR", &tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid_file = || -> Option<PathBuf> {
        std::fs::read_dir(&tmp).ok()?.flatten().find_map(|e| {
            let f = e.path().join("data/postmaster.pid");
            f.is_file().then_some(f)
        })
    };
    let mut postmaster = 0;
    until(Duration::from_secs(60), "the cluster to start", || {
        postmaster = pid_file()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|s| s.lines().next()?.trim().parse().ok())
            .unwrap_or(0);
        postmaster != 0 && children(postmaster).len() >= 3
    });
    let backends = children(postmaster);
    eprintln!(
        "signal {signal}: postmaster {postmaster} with {} children",
        backends.len()
    );
    let dir = pid_file()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    // SAFETY: our own child.
    unsafe { libc::kill(harness.id() as i32, signal) };
    wait_for(&mut harness, Duration::from_secs(30));
    until(Duration::from_secs(15), "the cluster to stop", || {
        !alive(postmaster) && backends.iter().all(|&b| !alive(b))
    });
    if signal == libc::SIGKILL {
        // Nobody was left to remove its directory: the next harness does.
        assert!(dir.exists());
        concbench::run::service::temp_dir::remove_stale(&tmp);
    }
    assert!(!dir.exists(), "{} is left behind", dir.display());
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn the_cluster_never_outlives_the_harness() {
    if let Err(why) = cluster::find() {
        return skip(Why::NoPostgres, why);
    }
    the_cluster_dies_with_its_harness(libc::SIGINT);
    the_cluster_dies_with_its_harness(libc::SIGKILL);
}

#[test]
fn without_postgres_its_cases_are_skipped_in_one_line() {
    let empty = TempDir::new().unwrap();
    let out = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "db",
            "--db",
            "postgres",
            "--model",
            "sequential",
        ])
        .args([
            "--tasks", "2", "--repeat", "1", "--warmup", "0", "-q", "--out",
        ])
        .arg(empty.path().join("run.json"))
        .env(cluster::BIN_ENV, empty.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("PostgreSQL"))
        .collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(said[0].contains("not installed") && said[0].contains("make postgres-env"));
}

// ---- The report's section ----

#[test]
fn the_db_takeaway_says_what_a_connection_per_task_costs_on_each_database() {
    let data = data_from(DB_FIXTURE);
    let takeaway = takeaway_of(&data, "db");
    let cases = data.group(Group::Db);
    assert_eq!(cases.len(), 20, "5 models × 2 policies × 2 databases");
    for (db, name) in [(DbKind::Sqlite, "SQLite"), (DbKind::Postgres, "PostgreSQL")] {
        let of = |connect: Connect| -> Vec<&CaseResult> {
            cases
                .iter()
                .copied()
                .filter(|c| {
                    matches!(&c.params.workload, Params::Db(p) if p.db == db && p.connect == connect)
                })
                .collect()
        };
        let (per_task, per_worker) = (of(Connect::PerTask), of(Connect::PerWorker));
        assert_eq!((per_task.len(), per_worker.len()), (5, 5), "{name}");
        // Per model, the per-task median over the per-worker one; their geometric mean, recomputed.
        let logs: Vec<f64> = per_task
            .iter()
            .map(|t| {
                let w = per_worker
                    .iter()
                    .find(|w| w.params.model == t.params.model)
                    .expect("both policies per model");
                (t.summary.makespan.median / w.summary.makespan.median).ln()
            })
            .collect();
        let geomean = (logs.iter().sum::<f64>() / logs.len() as f64).exp();
        let said = format!(
            "On {name}, a connection per task took {} as long as one per worker (geometric mean of 5 \
             models)",
            fmt::times(geomean)
        );
        assert!(takeaway.contains(&said), "{said:?} not in {takeaway:?}");
        // The nearest its ideal: the highest efficiency of the database's cases.
        let best = per_task
            .iter()
            .chain(&per_worker)
            .filter(|c| c.summary.efficiency.is_some())
            .max_by(|a, b| {
                a.summary
                    .efficiency
                    .unwrap()
                    .total_cmp(&b.summary.efficiency.unwrap())
            })
            .expect("cases with an ideal");
        let eff = fmt::pct(best.summary.efficiency.unwrap());
        assert!(
            takeaway.contains(&format!("at {eff} of it")),
            "{name}: {eff} not in {takeaway:?}"
        );
        // Every case carries the write times its ideal rests on, and a write bound is its ideal
        // wherever more than one task is in flight (the score is microseconds, the writes ms).
        for c in per_task.iter().chain(&per_worker) {
            assert!(
                c.t_write_s.is_some() && c.t_write_together_s.is_some(),
                "{}",
                c.id
            );
            if c.params.model != ModelKind::Sequential {
                assert_eq!(c.summary.bottleneck, Bottleneck::Database, "{}", c.id);
            }
        }
    }
}
