//! SQLite behind the `db` workload: rusqlite with the bundled library (no install step), one file the
//! run keeps in a temporary directory, in WAL mode, with SQLite's default durability (the WAL is synced
//! at every commit). Writers meet SQLite's one-writer lock: a transaction begins IMMEDIATE, so it takes
//! the lock at BEGIN and waits for it up to the busy timeout; if it still finds the lock taken
//! (SQLITE_BUSY), it is tried again after a short backoff, `busy_retries` times, and then fails as `db`.
//! Blocking models write on their own thread; async models hand each write to tokio's blocking pool,
//! since rusqlite's calls block.

use super::conns::{LoopPool, PerThread};
use super::{audit, score, written, Connect, DbParams, TABLE};
use crate::workload::{FailureKind, TaskFuture, TaskResult, Workload};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One connection to the file.
pub struct Conn {
    conn: Connection,
}

impl Conn {
    /// Open the file the repetition prepared (never create it: a missing file is a missing table).
    pub fn open(path: &Path, busy_timeout: Duration) -> rusqlite::Result<Conn> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(busy_timeout)?;
        Ok(Conn { conn })
    }

    /// INSERT (id, score) in a transaction of its own; SQLITE_BUSY is tried again `retries` times.
    pub fn write(&mut self, id: u64, score: u64, retries: u32) -> Result<(), FailureKind> {
        let mut attempt = 0;
        loop {
            match self.try_write(id, score) {
                Ok(()) => return Ok(()),
                Err(e) if is_busy(&e) && attempt < retries => {
                    attempt += 1;
                    // The busy timeout has waited already; the backoff only keeps a zero timeout
                    // from spinning against the writer that holds the lock.
                    std::thread::sleep(Duration::from_millis(1 << attempt.min(6)));
                }
                Err(_) => return Err(FailureKind::Db),
            }
        }
    }

    fn try_write(&mut self, id: u64, score: u64) -> rusqlite::Result<()> {
        // Dropped without a commit (an error on the way), the transaction rolls back.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(&format!("INSERT INTO {TABLE} (id, score) VALUES (?1, ?2)"))?
            .execute((id as i64, score as i64))?;
        tx.commit()
    }
}

/// SQLITE_BUSY (the write lock is taken) and SQLITE_LOCKED (a table is): the errors waiting can cure.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// The file of one repetition: any earlier one (and its WAL) removed, a fresh file in WAL mode with the
/// table empty.
pub fn prepare(path: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(anyhow::Error::new(e)
                    .context(format!("cannot remove {}", Path::new(&file).display())))
            }
            _ => {}
        }
    }
    let conn = Connection::open(path)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    anyhow::ensure!(
        mode.eq_ignore_ascii_case("wal"),
        "SQLite would not use WAL mode for {} (it chose {mode})",
        path.display()
    );
    conn.execute_batch(&format!(
        "CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, score INTEGER NOT NULL)"
    ))?;
    Ok(())
}

/// Every row of the table.
pub fn rows(path: &Path) -> anyhow::Result<Vec<(i64, i64)>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn.prepare(&format!("SELECT id, score FROM {TABLE}"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// What every task of one workload shares, owned so a write can move to tokio's blocking pool.
struct Shared {
    params: DbParams,
    path: PathBuf,
}

/// The db task on SQLite.
pub struct SqliteDb {
    shared: Arc<Shared>,
    threads: PerThread<Conn>,
    pool: LoopPool<Conn>,
}

impl SqliteDb {
    pub fn new(params: DbParams, path: PathBuf) -> SqliteDb {
        SqliteDb {
            shared: Arc::new(Shared { params, path }),
            threads: PerThread::new(),
            pool: LoopPool::new(),
        }
    }

    /// The write on an event loop: in the blocking pool, on one of the loop's connections when they
    /// are kept.
    async fn write_async(&self, task: u64, score: u64) -> TaskResult {
        let permit = match self.shared.params.connect {
            Connect::PerWorker => Some(self.pool.acquire().await),
            Connect::PerTask => None,
        };
        let kept = permit.as_ref().and_then(|_| self.pool.take());
        let shared = self.shared.clone();
        match tokio::task::spawn_blocking(move || shared.write(kept, task, score)).await {
            Ok((conn, result)) => {
                if let Some(conn) = conn {
                    self.pool.put(conn);
                }
                result
            }
            Err(_) => TaskResult::failed(FailureKind::Panic),
        }
    }
}

impl Shared {
    /// One task's write on the kept connection (or one opened for it); the connection comes back when
    /// the policy keeps it, and is closed with the task otherwise.
    fn write(&self, kept: Option<Conn>, task: u64, score: u64) -> (Option<Conn>, TaskResult) {
        let p = &self.params;
        let mut conn = match kept {
            Some(conn) => conn,
            None => match Conn::open(&self.path, Duration::from_millis(p.busy_timeout_ms)) {
                Ok(conn) => conn,
                Err(_) => return (None, written(score, Err(FailureKind::Connect))),
            },
        };
        let t = Instant::now();
        let wrote = conn
            .write(task, score, p.busy_retries)
            .map(|()| t.elapsed());
        let keep = (p.connect == Connect::PerWorker).then_some(conn);
        (keep, written(score, wrote))
    }
}

impl Workload for SqliteDb {
    fn blocking(&self, task: u64) -> TaskResult {
        let score = score(task, self.shared.params.cpu_iters);
        let (conn, result) = self.shared.write(self.threads.take(), task, score);
        if let Some(conn) = conn {
            self.threads.put(conn);
        }
        result
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            // The score on the event loop, as the cpu workload counts there.
            let score = score(task, self.shared.params.cpu_iters);
            self.write_async(task, score).await
        })
    }

    fn run_async_offloaded(&self, task: u64) -> TaskFuture<'_> {
        let iters = self.shared.params.cpu_iters;
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || score(task, iters)).await {
                Ok(score) => self.write_async(task, score).await,
                Err(_) => TaskResult::failed(FailureKind::Panic),
            }
        })
    }

    fn prepare(&self) -> anyhow::Result<()> {
        prepare(&self.shared.path)
    }

    fn audit(&self, results: &mut [&mut TaskResult]) -> anyhow::Result<()> {
        audit(
            rows(&self.shared.path)?,
            results,
            self.shared.params.cpu_iters,
        )
    }

    fn audits(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "concbench-sqlite-test-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("db.sqlite")
    }

    #[test]
    fn busy_is_classified_and_retried() {
        let path = file("busy");
        prepare(&path).unwrap();
        let (locked_tx, locked) = std::sync::mpsc::channel();
        let (release_tx, release) = std::sync::mpsc::channel::<Duration>();
        std::thread::scope(|s| {
            // Another connection holds the write lock until told, then lets it go a little later.
            let path = &path;
            s.spawn(move || {
                let mut holder = Connection::open(path).unwrap();
                let tx = holder
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .unwrap();
                locked_tx.send(()).unwrap();
                std::thread::sleep(release.recv().unwrap());
                tx.rollback().unwrap();
            });
            locked.recv().unwrap();
            let mut writer = Conn::open(path, Duration::ZERO).unwrap();
            let err = writer.try_write(1, 2).unwrap_err();
            assert!(is_busy(&err), "{err:?}");
            let t = Instant::now();
            assert_eq!(writer.write(1, 2, 2), Err(FailureKind::Db));
            assert!(
                t.elapsed() >= Duration::from_millis(2 + 4),
                "backed off twice"
            );
            // The lock is let go while the writer retries: a retry succeeds.
            release_tx.send(Duration::from_millis(30)).unwrap();
            assert_eq!(writer.write(1, 2, 10), Ok(()));
        });
        assert_eq!(rows(&path).unwrap(), [(1, 2)]);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn each_repetition_starts_from_an_empty_table() {
        let path = file("fresh");
        prepare(&path).unwrap();
        let mut conn = Conn::open(&path, Duration::from_secs(1)).unwrap();
        conn.write(0, 7, 0).unwrap();
        assert_eq!(conn.write(0, 7, 0), Err(FailureKind::Db), "a row once");
        drop(conn);
        assert_eq!(rows(&path).unwrap().len(), 1);
        prepare(&path).unwrap();
        assert!(rows(&path).unwrap().is_empty());
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
