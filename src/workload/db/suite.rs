//! The db workload's suite: every model with a connection per task and one per worker, on SQLite and
//! PostgreSQL. Part of the plan (tests/layers.rs places it there): cases are plan's, listed beside the
//! workload they run.

use crate::model::ModelKind::*;
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::{Connect, DbKind, DbParams, Params};

/// The process pool writing to a database, and every other model doing the same. None of it is in
/// the quick suite: a db case's makespan is mostly the disk's commits, whose time on a shared VM
/// jumps between modes several-fold apart from one repetition to the next, so its verdicts would be
/// `noisy` at best and a CI gate's false alarms at worst.
pub struct Db;

impl SuiteCases for Db {
    fn cases(&self) -> Vec<Case> {
        db(&[DbKind::Sqlite, DbKind::Postgres], 3)
    }

    /// SQLite only: it needs no install step, so every machine's report has it. Twice: its threads
    /// and async cases with a connection per task take the longest of the default suite's cases.
    fn in_default(&self) -> Vec<Case> {
        db(&[DbKind::Sqlite], 2)
    }
}

/// Tasks of a db case: 40 writes, each a commit that waits for the disk, keep the slowest case — 40
/// threads contending for SQLite's write lock — within a second or two on a shared disk.
pub const DB_TASKS: usize = 40;

/// The article of a process pool writing to a database: every model with a connection per task and
/// one per worker, on each database. The pools have 4 workers, more than this machine's cores, so
/// writers contend for SQLite's one write lock as the article's `Pool(cpu_count)` would on a larger
/// machine.
fn db(dbs: &[DbKind], repeat: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    for &db in dbs {
        for connect in [Connect::PerTask, Connect::PerWorker] {
            let work = Params::Db(DbParams::new(db, connect));
            for (model, k) in [
                (Sequential, None),
                (Threads, None),
                (ThreadPool, Some(4)),
                (ProcessPool, Some(4)),
                (Async, None),
            ] {
                let case = Case::new(Group::Db, model, DB_TASKS, k, work.clone());
                cases.push(case.reps(repeat, 0));
            }
        }
    }
    cases
}

#[cfg(test)]
mod tests {
    use crate::names::Group;
    use crate::plan::{Case, Suite};
    use crate::workload::DbKind;

    #[test]
    fn its_share_keeps_within_fifteen_seconds_of_the_default_suite() {
        // Its ideals are no guide (a connection per task is most of the time), so its cost is counted
        // in writes — a few ms each with the commit's fsync, tens when 40 threads contend for SQLite's
        // lock — and in case processes, a fraction of a second each.
        let db: Vec<Case> = Suite::Default
            .cases()
            .into_iter()
            .filter(|c| c.group == Group::Db)
            .collect();
        let writes: usize = db.iter().map(|c| c.tasks * (c.warmup + c.repeat)).sum();
        let processes: usize = db.iter().map(|c| c.warmup + c.repeat).sum();
        assert!(writes <= 800, "{writes} writes");
        assert!(processes <= 20, "{processes} case processes");
        assert!(db
            .iter()
            .all(|c| c.workload.describe().database() == Some(DbKind::Sqlite)));
    }
}
