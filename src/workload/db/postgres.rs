//! PostgreSQL behind the `db` workload, through tokio-postgres: natively on the async models' event
//! loops, and for the blocking models through a connection that drives its own current-thread runtime
//! (what the `postgres` crate does), so a blocking worker waits on its socket like any libpq client and
//! one async client serves both kinds of model. Every connection prepares the INSERT once, so a
//! connection per task pays that round trip per task too; a write is BEGIN, INSERT, COMMIT.

use super::conns::{LoopPool, PerThread};
use super::{audit, score, written, Connect, DbParams, TABLE};
use crate::workload::{FailureKind, TaskFuture, TaskResult, Workload};
use std::time::{Duration, Instant};
use tokio_postgres::{Client, Config, NoTls, Statement};

/// How long a connection may take before its task fails as `connect`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection string as tokio-postgres reads it (`host=/dir port=5432 user=postgres` or a URL).
pub fn config(url: &str) -> anyhow::Result<Config> {
    let mut config: Config = url
        .parse()
        .map_err(|e| anyhow::anyhow!("{url:?} is not a PostgreSQL connection string ({e})"))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    Ok(config)
}

/// One connection, on the runtime that opened it (its driver is a task there).
pub struct Conn {
    client: Client,
    insert: Statement,
}

impl Conn {
    pub async fn connect(config: &Config) -> Result<Conn, tokio_postgres::Error> {
        let (client, connection) = config.connect(NoTls).await?;
        // The socket's reader and writer; it ends when the client is dropped.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let insert = client
            .prepare(&format!("INSERT INTO {TABLE} (id, score) VALUES ($1, $2)"))
            .await?;
        Ok(Conn { client, insert })
    }

    /// INSERT (id, score) in a transaction of its own.
    pub async fn write(&mut self, id: u64, score: u64) -> Result<(), tokio_postgres::Error> {
        let tx = self.client.transaction().await?;
        tx.execute(&self.insert, &[&(id as i64), &(score as i64)])
            .await?;
        tx.commit().await
    }

    /// Whether it can still be used (its server or runtime may have gone).
    pub fn usable(&self) -> bool {
        !self.client.is_closed()
    }
}

/// A connection for a blocking thread: the connection and the runtime it runs on.
pub struct Blocking {
    rt: tokio::runtime::Runtime,
    conn: Conn,
}

impl Blocking {
    pub fn connect(config: &Config) -> anyhow::Result<Blocking> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let conn = rt.block_on(Conn::connect(config))?;
        Ok(Blocking { rt, conn })
    }

    pub fn write(&mut self, id: u64, score: u64) -> Result<(), tokio_postgres::Error> {
        self.rt.block_on(self.conn.write(id, score))
    }
}

/// `work` on a connection of its own, from a thread outside any runtime: the case process's setup and
/// count, the run's readiness check.
fn on_a_connection<T>(
    config: &Config,
    work: impl AsyncFnOnce(&Client) -> Result<T, tokio_postgres::Error>,
) -> anyhow::Result<T> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let (client, connection) = config.connect(NoTls).await?;
        let driver = tokio::spawn(async move {
            let _ = connection.await;
        });
        let out = work(&client).await;
        drop(client);
        let _ = driver.await;
        anyhow::Ok(out?)
    })
}

/// The table of one repetition, empty; a checkpoint after it, so no repetition inherits the last one's
/// dirty pages (refused to a user without the right to it, which only costs that evenness).
pub fn prepare(config: &Config) -> anyhow::Result<()> {
    on_a_connection(config, async |client| {
        client
            .batch_execute(&format!(
                "DROP TABLE IF EXISTS {TABLE}; \
                 CREATE TABLE {TABLE} (id bigint PRIMARY KEY, score bigint NOT NULL)"
            ))
            .await?;
        let _ = client.batch_execute("CHECKPOINT").await;
        Ok(())
    })
}

/// Every row of the table.
pub fn rows(config: &Config) -> anyhow::Result<Vec<(i64, i64)>> {
    on_a_connection(config, async |client| {
        let rows = client
            .query(&format!("SELECT id, score FROM {TABLE}"), &[])
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    })
}

/// Whether a server answers at `config`.
pub fn ping(config: &Config) -> anyhow::Result<()> {
    on_a_connection(config, async |client| {
        client.simple_query("SELECT 1").await.map(|_| ())
    })
}

/// The db task on PostgreSQL.
pub struct PgDb {
    params: DbParams,
    config: Config,
    threads: PerThread<Blocking>,
    pool: LoopPool<Conn>,
}

impl PgDb {
    pub fn new(params: DbParams, url: &str) -> anyhow::Result<PgDb> {
        Ok(PgDb {
            params,
            config: config(url)?,
            threads: PerThread::new(),
            pool: LoopPool::new(),
        })
    }

    fn keeps(&self) -> bool {
        self.params.connect == Connect::PerWorker
    }

    async fn write_async(&self, task: u64, score: u64) -> TaskResult {
        let permit = match self.keeps() {
            true => Some(self.pool.acquire().await),
            false => None,
        };
        let kept = permit
            .as_ref()
            .and_then(|_| self.pool.take())
            .filter(Conn::usable);
        let mut conn = match kept {
            Some(conn) => conn,
            None => match Conn::connect(&self.config).await {
                Ok(conn) => conn,
                Err(_) => return written(score, Err(FailureKind::Connect)),
            },
        };
        let t = Instant::now();
        let wrote = conn.write(task, score).await;
        let wrote = wrote.map(|()| t.elapsed()).map_err(|_| FailureKind::Db);
        if self.keeps() {
            self.pool.put(conn);
        }
        written(score, wrote)
    }
}

impl Workload for PgDb {
    fn blocking(&self, task: u64) -> TaskResult {
        let score = score(task, self.params.cpu_iters);
        let kept = self.threads.take().filter(|c| c.conn.usable());
        let mut conn = match kept {
            Some(conn) => conn,
            None => match Blocking::connect(&self.config) {
                Ok(conn) => conn,
                Err(_) => return written(score, Err(FailureKind::Connect)),
            },
        };
        let t = Instant::now();
        let wrote = conn.write(task, score);
        let wrote = wrote.map(|()| t.elapsed()).map_err(|_| FailureKind::Db);
        if self.keeps() {
            self.threads.put(conn);
        }
        written(score, wrote)
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            let score = score(task, self.params.cpu_iters);
            self.write_async(task, score).await
        })
    }

    fn run_async_offloaded(&self, task: u64) -> TaskFuture<'_> {
        let iters = self.params.cpu_iters;
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || score(task, iters)).await {
                Ok(score) => self.write_async(task, score).await,
                Err(_) => TaskResult::failed(FailureKind::Panic),
            }
        })
    }

    fn prepare(&self) -> anyhow::Result<()> {
        prepare(&self.config)
    }

    fn audit(&self, results: &mut [&mut TaskResult]) -> anyhow::Result<()> {
        audit(rows(&self.config)?, results, self.params.cpu_iters)
    }

    fn audits(&self) -> bool {
        true
    }
}
