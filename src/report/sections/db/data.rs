//! What the db chart shows of each db case, and its takeaway reads: which database and connection
//! policy, the model, the median with its interval, the ideal, efficiency and bottleneck, the
//! calibration the ideal rests on, and the case's caveats.

use crate::names::Bottleneck;
use crate::report::flags::Flags;
use crate::report::interval::Interval;
use crate::workload::{Connect, DbKind};

/// One db case as the chart draws it.
#[derive(Debug, Clone)]
pub struct DbBar {
    pub db: DbKind,
    pub connect: Connect,
    /// The model and its k: `thread-pool k=4`.
    pub model: String,
    pub median: f64,
    /// The interval of the median; None for one sample.
    pub ci: Option<Interval>,
    pub ideal: Option<f64>,
    /// None without an ideal or when tasks failed.
    pub efficiency: Option<f64>,
    pub bottleneck: Bottleneck,
    /// One write alone (t_write), the time per write the database sustained with 4 writers at once,
    /// and the score's computing (t_cpu), seconds, as calibrated.
    pub t_write: Option<f64>,
    pub t_write_together: Option<f64>,
    pub t_cpu: Option<f64>,
    pub flags: Flags,
}

/// One row of the chart: a database and a model, with a bar per connection policy measured.
#[derive(Debug, Clone)]
pub struct DbRow {
    pub db: DbKind,
    pub model: String,
    pub per_task: Option<DbBar>,
    pub per_worker: Option<DbBar>,
}

impl DbRow {
    pub fn bars(&self) -> impl Iterator<Item = &DbBar> {
        self.per_task.iter().chain(&self.per_worker)
    }

    /// The ideal of the row: both policies share it (one write probe serves both).
    pub fn ideal(&self) -> Option<f64> {
        self.bars().find_map(|b| b.ideal)
    }

    /// How much longer a connection per task took than one per worker.
    pub fn per_task_cost(&self) -> Option<f64> {
        let (t, w) = (self.per_task.as_ref()?, self.per_worker.as_ref()?);
        (w.median > 0.0).then(|| t.median / w.median)
    }
}

/// How the report names a database.
pub fn db_name(db: DbKind) -> &'static str {
    match db {
        DbKind::Sqlite => "SQLite",
        DbKind::Postgres => "PostgreSQL",
    }
}
