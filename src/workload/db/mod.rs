//! `db`: the article of a process pool writing to a database — each task computes a score (Σ j × id for
//! j < 10,000; `--cpu-iters` changes the bound) and INSERTs one row (id, score) in a transaction of its
//! own, into SQLite (a file in WAL mode: one writer at a time; `sqlite`) or PostgreSQL (a throwaway
//! cluster the run starts, or an existing server; `postgres`). `--connect` says when a task's connection
//! is opened: for every task, or once per worker and kept (`per_worker`: a thread, a pool's process, an
//! event loop's small pool) — the article's point, since a connection cannot cross processes.
//!
//! The case process creates the table empty before each repetition ([`super::Workload::prepare`]) and
//! reads every row after it ([`super::Workload::audit`]): a task that said it wrote but whose row is
//! missing or wrong becomes a `db` failure, so nothing is lost silently.
//!
//! Ideal: the largest of three bounds. Computing: N × t_cpu / (min(k, cores) × s). Writing: SQLite
//! serialises its writers, N × t_write; PostgreSQL's backends commit side by side, N × t_write /
//! min(k, cores) — but with several writers at once, never more than N × t_write,4, the time per write
//! the database was measured to sustain with 4 writers: concurrent commits overlap what is not under
//! SQLite's lock and share PostgreSQL's disk flushes (group commit), so one writer's t_write alone is no
//! floor for several (4 writers may sustain a write in a third of one writer's time on PostgreSQL; on
//! SQLite sometimes faster than one alone, sometimes slower, their waits for the lock being sleeps —
//! then t_write alone stands). A shared machine's disk can change its write times tenfold from one
//! hour to the next, which is why they are probed in the rounds beside the cases. And each of the k lanes computes and then
//! writes, one task after another: N × (t_cpu + t_write) / k. t_cpu is the cpu probes' t₁ at the
//! score's iterations (the score's loop is the count's, one add per step); the write times come from
//! write probes (run/probes/write.rs). The ideal is what the writes themselves cost: a connection
//! opened per task is what that policy adds, and shows as lost efficiency.

pub mod suite;

mod conns;
pub mod postgres;
pub mod sqlite;

use super::cpu::{check_iters, compute_bound};
use super::{Calibration, Describe, Params, Shape, TaskResult, WorkloadKind};
use crate::names::{Bottleneck, FailureKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

pub const ABOUT: &str =
    "compute a score (Σ j × id, j < 10,000) and INSERT it in a transaction of its own: \
     --db sqlite|postgres, --connect per-task|per-worker";
/// The article's score: `sum(j * user_id for j in range(10000))`.
pub const DEFAULT_SCORE_ITERS: u64 = 10_000;
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;
pub const DEFAULT_BUSY_RETRIES: u32 = 3;
/// Writers at once in the write probe that measures what the database sustains together: the pools' k
/// in the db suite.
pub const WRITERS_TOGETHER: usize = 4;
/// The table every repetition writes; a distinctive name, because with `--db-url` it lives in someone's
/// database and is dropped before each repetition.
pub const TABLE: &str = "concbench_scores";

crate::names::name_enum! {
    /// Which database the rows go to.
    #[derive(JsonSchema)]
    pub enum DbKind {
        /// Embedded (rusqlite, bundled): a file in a temporary directory, WAL mode.
        Sqlite = "sqlite",
        /// A server: a throwaway cluster on a Unix socket, or `--db-url`.
        Postgres = "postgres",
    }
}

crate::names::name_enum! {
    /// When a task's connection is opened.
    #[derive(JsonSchema)]
    pub enum Connect {
        /// Opened for the task, closed after it.
        PerTask = "per-task",
        /// Opened by a worker at its first task and kept for the next ones: one per thread
        /// (sequential, threads, thread-pool, rayon), per pool process, or per event-loop thread
        /// (async models).
        PerWorker = "per-worker",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbParams {
    pub db: DbKind,
    pub connect: Connect,
    /// The score's iterations: Σ j × id for j < cpu_iters.
    pub cpu_iters: u64,
    /// SQLite: how long a writer waits for the write lock before SQLITE_BUSY, milliseconds.
    pub busy_timeout_ms: u64,
    /// SQLite: times a transaction that met SQLITE_BUSY is tried again before the task fails as `db`.
    pub busy_retries: u32,
    /// PostgreSQL: an existing server's connection string instead of a throwaway cluster. It is
    /// written to the result file: it should carry no password (local servers trust the Unix socket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_url: Option<String>,
}

impl DbParams {
    /// The article's task on `db` with `connect`.
    pub fn new(db: DbKind, connect: Connect) -> DbParams {
        DbParams {
            db,
            connect,
            cpu_iters: DEFAULT_SCORE_ITERS,
            busy_timeout_ms: DEFAULT_BUSY_TIMEOUT_MS,
            busy_retries: DEFAULT_BUSY_RETRIES,
            db_url: None,
        }
    }

    pub fn from_args(args: &super::WorkloadArgs, _seed: Option<u64>) -> Result<DbParams, String> {
        let a = &args.db;
        let db = match (a.db, &a.db_url) {
            (Some(DbKind::Sqlite), Some(_)) => {
                return Err(
                    "--db-url names a PostgreSQL server; it does not apply to --db sqlite".into(),
                )
            }
            (Some(db), _) => db,
            (None, Some(_)) => DbKind::Postgres,
            (None, None) => DbKind::Sqlite,
        };
        if let Some(url) = &a.db_url {
            url.parse::<tokio_postgres::Config>().map_err(|e| {
                format!(
                    "--db-url {url:?} is not a PostgreSQL connection string ({e}); e.g. \
                     \"host=/var/run/postgresql user=me dbname=bench\""
                )
            })?;
        }
        // The score's bound unless --cpu-iters says otherwise (its default is the cpu workload's).
        let cpu_iters = match args.cpu_iters {
            iters if iters != super::DEFAULT_CPU_ITERS => {
                check_iters(iters)?;
                iters
            }
            _ => DEFAULT_SCORE_ITERS,
        };
        Ok(DbParams {
            cpu_iters,
            busy_timeout_ms: a.busy_timeout.as_millis() as u64,
            busy_retries: a.busy_retries,
            db_url: a.db_url.clone(),
            ..DbParams::new(db, a.connect)
        })
    }

    /// The three bounds of the ideal, seconds: computing, writing, and each lane doing both in turn.
    fn bounds(&self, shape: &Shape, cal: Calibration) -> Option<Bounds> {
        let w = cal.write?;
        let n = shape.tasks as f64;
        let writers = match self.db {
            DbKind::Sqlite => 1,
            DbKind::Postgres => shape.lanes.in_flight.min(shape.cores).max(1),
        };
        let per_write = match shape.lanes.in_flight {
            0 | 1 => w.alone,
            _ => (w.alone / writers as f64).min(w.together),
        };
        Some(Bounds {
            cpu: compute_bound(shape, cal),
            write: n * per_write,
            lanes: n * (cal.t1 + w.alone) / shape.lanes.in_flight.max(1) as f64,
        })
    }
}

struct Bounds {
    cpu: f64,
    write: f64,
    lanes: f64,
}

/// db's own flags.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// db: the database: sqlite (a file in a temporary directory) or postgres (a throwaway cluster
    /// the run starts, or --db-url).
    #[arg(long, value_enum, conflicts_with = "suite")]
    pub db: Option<DbKind>,
    /// db: a connection opened for every task, or once per worker and kept.
    #[arg(long, value_enum, default_value_t = Connect::PerWorker, conflicts_with = "suite")]
    pub connect: Connect,
    /// db: how long a SQLite writer waits for the write lock before SQLITE_BUSY.
    #[arg(long, default_value = "5s", value_parser = super::parse_duration, conflicts_with = "suite")]
    pub busy_timeout: Duration,
    /// db: times a SQLite transaction that met SQLITE_BUSY is tried again before its task fails.
    #[arg(long, default_value_t = DEFAULT_BUSY_RETRIES, conflicts_with = "suite")]
    pub busy_retries: u32,
    /// db: an existing local PostgreSQL server instead of a throwaway cluster (implies --db postgres),
    /// e.g. "host=/var/run/postgresql user=me dbname=bench". Its table concbench_scores is dropped
    /// and created before every repetition.
    #[arg(long, value_name = "URL")]
    pub db_url: Option<String>,
}

impl Describe for DbParams {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Db
    }

    fn id_suffix(&self) -> String {
        let external = if self.db_url.is_some() { "-url" } else { "" };
        format!("{}{external}-{}-i{}", self.db, self.connect, self.cpu_iters)
    }

    fn database(&self) -> Option<DbKind> {
        self.db_url.is_none().then_some(self.db)
    }

    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        let b = self.bounds(shape, cpu?)?;
        Some(b.cpu.max(b.write).max(b.lanes))
    }

    fn bottleneck(&self, shape: &Shape, cpu: Option<Calibration>) -> Bottleneck {
        // Before anything is measured, the article's premise: every task ends in a write.
        let Some(b) = cpu.and_then(|c| self.bounds(shape, c)) else {
            return Bottleneck::Database;
        };
        if b.write >= b.cpu && b.write >= b.lanes {
            Bottleneck::Database
        } else if b.cpu >= b.lanes {
            Bottleneck::Cpu
        } else {
            Bottleneck::Client
        }
    }

    fn cpu_iters(&self) -> Option<u64> {
        Some(self.cpu_iters)
    }

    fn write_probe(&self) -> Option<Params> {
        // One kept connection: the write alone, whichever policy the case uses.
        Some(Params::Db(DbParams {
            connect: Connect::PerWorker,
            ..self.clone()
        }))
    }

    fn client_side(&self) -> Params {
        Params::Db(DbParams {
            db_url: None,
            ..self.clone()
        })
    }

    fn server_side(&self) -> Option<String> {
        self.db_url.as_ref().map(|u| format!("PostgreSQL at {u}"))
    }

    fn build(&self, url: &str) -> anyhow::Result<Arc<dyn super::Workload>> {
        let url = self.db_url.as_deref().unwrap_or(url);
        anyhow::ensure!(
            !url.is_empty(),
            "db: no database given; the run starts one (or pass --db-url for PostgreSQL)"
        );
        Ok(match self.db {
            DbKind::Sqlite => Arc::new(sqlite::SqliteDb::new(self.clone(), url.into())),
            DbKind::Postgres => Arc::new(postgres::PgDb::new(self.clone(), url)?),
        })
    }
}

/// Task `id`'s score: Σ j × id for j < iters, wrapping. Each step's sum goes through `black_box`, like
/// the count of the cpu workload, so the loop is not folded and costs what the cpu probes measure.
pub fn score(id: u64, iters: u64) -> u64 {
    let mut r = 0u64;
    for j in 0..black_box(iters) {
        r = black_box(r.wrapping_add(j.wrapping_mul(id)));
    }
    r
}

/// The count after a repetition: every row read back (id, score) against what the tasks said. A task
/// that said it wrote, but whose row is absent or holds another score, becomes a `db` failure; a row of
/// no task is an error of the whole repetition (someone else writes to the table). `results` are in
/// task order.
pub fn audit(
    rows: impl IntoIterator<Item = (i64, i64)>,
    results: &mut [&mut TaskResult],
    iters: u64,
) -> anyhow::Result<()> {
    let mut found = vec![false; results.len()];
    for (id, stored) in rows {
        let slot = usize::try_from(id)
            .ok()
            .and_then(|i| found.get_mut(i))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "db: the table holds a row for id {id}, which no task of this repetition wrote"
                )
            })?;
        *slot = stored == score(id as u64, iters) as i64;
    }
    for (result, found) in results.iter_mut().zip(found) {
        if result.outcome.is_ok() && !found {
            result.outcome = Err(FailureKind::Db);
        }
    }
    Ok(())
}

/// What a task's write came to: its result, with the write's own time (BEGIN → COMMIT) as the service
/// time, so the write probe reads t_write off it.
fn written(score: u64, write: Result<Duration, FailureKind>) -> TaskResult {
    match write {
        Ok(took) => TaskResult {
            outcome: Ok(score),
            service: Some(took),
            tries: Default::default(),
            call: None,
            part: None,
        },
        Err(kind) => TaskResult::failed(kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Lanes, WriteTimes};

    fn shape(in_flight: usize, cpu: usize) -> Shape {
        Shape {
            tasks: 100,
            lanes: Lanes { in_flight, cpu },
            cores: 2,
        }
    }

    fn cal(t1: f64, write: f64) -> Calibration {
        Calibration {
            t1,
            scaling: 1.0,
            write: Some(WriteTimes {
                alone: write,
                together: write,
            }),
        }
    }

    #[test]
    fn the_score_is_the_articles_sum() {
        assert_eq!(score(3, 10_000), 3 * (0..10_000u64).sum::<u64>());
        assert_eq!(score(0, 10_000), 0);
        assert_eq!(score(7, 0), 0);
    }

    #[test]
    fn the_ideal_is_the_largest_bound() {
        let sqlite = DbParams::new(DbKind::Sqlite, Connect::PerWorker);
        let pg = DbParams::new(DbKind::Postgres, Connect::PerWorker);
        // Writes of 1 ms, scores of 0.1 ms: SQLite's one writer bounds every pool.
        let c = cal(0.0001, 0.001);
        assert!((sqlite.ideal(&shape(4, 4), Some(c)).unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(
            sqlite.bottleneck(&shape(4, 4), Some(c)),
            Bottleneck::Database
        );
        // One lane computes and writes in turn: 100 × 1.1 ms.
        assert!((sqlite.ideal(&shape(1, 1), Some(c)).unwrap() - 0.11).abs() < 1e-12);
        assert_eq!(sqlite.bottleneck(&shape(1, 1), Some(c)), Bottleneck::Client);
        // PostgreSQL commits on both cores.
        assert!((pg.ideal(&shape(4, 4), Some(c)).unwrap() - 0.05).abs() < 1e-12);
        // A heavy score: the cores bound it.
        let heavy = cal(0.01, 0.001);
        assert!((pg.ideal(&shape(4, 4), Some(heavy)).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(pg.bottleneck(&shape(4, 4), Some(heavy)), Bottleneck::Cpu);
        // Writers that together sustain a write per 0.4 ms: SQLite's bound is that, for several lanes.
        let shared = Calibration {
            write: Some(WriteTimes {
                alone: 0.001,
                together: 0.0004,
            }),
            ..c
        };
        assert!((sqlite.ideal(&shape(4, 4), Some(shared)).unwrap() - 0.04).abs() < 1e-12);
        assert!((pg.ideal(&shape(4, 4), Some(shared)).unwrap() - 0.04).abs() < 1e-12);
        // One lane writes alone: 100 × (0.1 + 1) ms still.
        assert!((sqlite.ideal(&shape(1, 1), Some(shared)).unwrap() - 0.11).abs() < 1e-12);
        // No write time, no ideal; the premise stands in for the bottleneck.
        let no_write = Calibration { write: None, ..c };
        assert_eq!(sqlite.ideal(&shape(4, 4), Some(no_write)), None);
        assert_eq!(sqlite.bottleneck(&shape(4, 4), None), Bottleneck::Database);
    }

    #[test]
    fn the_count_fails_tasks_whose_rows_are_missing_or_wrong() {
        let iters = 100;
        let mut results: Vec<TaskResult> =
            (0..4).map(|i| TaskResult::ok(score(i, iters))).collect();
        results[3].outcome = Err(FailureKind::Db);
        let rows = [
            (0, score(0, iters) as i64),
            (1, 12345),
            (3, score(3, iters) as i64),
        ];
        let mut refs: Vec<&mut TaskResult> = results.iter_mut().collect();
        audit(rows, &mut refs, iters).unwrap();
        let outcomes: Vec<_> = results.iter().map(|r| r.outcome.is_ok()).collect();
        // 1: a wrong score; 2: no row; 3: failed already, its row changes nothing.
        assert_eq!(outcomes, [true, false, false, false]);
        let mut refs: Vec<&mut TaskResult> = results.iter_mut().collect();
        assert!(
            audit([(9, 0)], &mut refs, iters).is_err(),
            "a row of no task"
        );
    }

    #[test]
    fn one_write_probe_serves_both_policies() {
        let per_task = DbParams::new(DbKind::Sqlite, Connect::PerTask);
        let per_worker = DbParams::new(DbKind::Sqlite, Connect::PerWorker);
        assert_eq!(per_task.write_probe(), per_worker.write_probe());
        assert_ne!(per_task.id_suffix(), per_worker.id_suffix());
        assert_eq!(per_task.id_suffix(), "sqlite-per-task-i10000");
    }
}
