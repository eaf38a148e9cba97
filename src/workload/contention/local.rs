//! The counter as one process's units share it, one form per sync: the lock or atomic the model's
//! threads and tasks update, built once in the workload value. A unit's loop is here, blocking (a
//! thread) and async (a task on an event loop); only tokio's Mutex and the channel await anything,
//! every other sync updates inline, as code on an event loop does with a short critical section.

use super::channel::Owner;
use super::{ContentionParams, SyncKind};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard, RwLock};

/// Counters per `sharded` state: unit i updates counter i mod this, so up to this many units never
/// share a line.
pub const SHARDS: usize = 1024;

/// One counter on a cache line of its own: 128 bytes, because x86's adjacent-line prefetcher pulls
/// lines in pairs, and a neighbour on the pair's other line would still be shared.
#[repr(C, align(128))]
#[derive(Debug, Default)]
pub struct Line(pub AtomicU64);

/// The shared counter, in the form its sync needs.
pub enum Local {
    Mutex(Mutex<u64>),
    TokioMutex(tokio::sync::Mutex<u64>),
    Rwlock(RwLock<u64>),
    Atomic(Line),
    Sharded(Box<[Line]>),
    Channel(Owner),
    Unguarded(Line),
}

impl Local {
    /// A count of zero under `sync` (`channel`: its owner thread started).
    pub fn new(sync: SyncKind) -> anyhow::Result<Local> {
        Ok(match sync {
            SyncKind::Mutex => Local::Mutex(Mutex::new(0)),
            SyncKind::TokioMutex => Local::TokioMutex(tokio::sync::Mutex::new(0)),
            SyncKind::Rwlock => Local::Rwlock(RwLock::new(0)),
            SyncKind::Atomic => Local::Atomic(Line::default()),
            SyncKind::Sharded => Local::Sharded((0..SHARDS).map(|_| Line::default()).collect()),
            SyncKind::Channel => Local::Channel(Owner::start()?),
            SyncKind::Unguarded => Local::Unguarded(Line::default()),
        })
    }

    /// Unit `unit`'s operations, on this thread.
    pub fn blocking(&self, unit: u64, p: &ContentionParams) {
        let ops = p.updates;
        match self {
            Local::Mutex(m) => (0..ops).for_each(|_| *lock(m) += 1),
            Local::TokioMutex(m) => (0..ops).for_each(|_| *m.blocking_lock() += 1),
            Local::Rwlock(rw) => rwlock(rw, p),
            Local::Atomic(a) => (0..ops).for_each(|_| {
                a.0.fetch_add(1, Relaxed);
            }),
            Local::Sharded(shards) => {
                let own = &shards[unit as usize % SHARDS].0;
                (0..ops).for_each(|_| {
                    own.fetch_add(1, Relaxed);
                })
            }
            Local::Channel(owner) => owner.blocking(ops),
            Local::Unguarded(c) => (0..ops).for_each(|_| unguarded(&c.0)),
        }
    }

    /// Unit `unit`'s operations on an event loop.
    pub async fn run_async(&self, unit: u64, p: &ContentionParams) {
        match self {
            Local::TokioMutex(m) => {
                for _ in 0..p.updates {
                    *m.lock().await += 1;
                }
            }
            Local::Channel(owner) => owner.run_async(p.updates).await,
            other => other.blocking(unit, p),
        }
    }

    /// The count now: every shard summed; the owner's once it applied every update sent before.
    pub fn count(&self) -> anyhow::Result<u64> {
        Ok(match self {
            Local::Mutex(m) => *lock(m),
            Local::TokioMutex(m) => *m.blocking_lock(),
            Local::Rwlock(rw) => *rw.read().unwrap_or_else(|e| e.into_inner()),
            Local::Atomic(a) | Local::Unguarded(a) => a.0.load(Relaxed),
            Local::Sharded(shards) => shards.iter().map(|s| s.0.load(Relaxed)).sum(),
            Local::Channel(owner) => owner.count()?,
        })
    }
}

/// The lock, also when a task panicked holding it: the count stays what it was, and the audit says.
fn lock(m: &Mutex<u64>) -> MutexGuard<'_, u64> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `rwlock`'s operations: the reads look at the count under the read lock, the updates add one under
/// the write lock.
fn rwlock(rw: &RwLock<u64>, p: &ContentionParams) {
    for op in 0..p.updates {
        if p.reads(op) {
            black_box(*rw.read().unwrap_or_else(|e| e.into_inner()));
        } else {
            *rw.write().unwrap_or_else(|e| e.into_inner()) += 1;
        }
    }
}

/// The lost update, with no undefined behaviour: a load and a separate store, each atomic, with
/// nothing holding another unit off between them. A unit that loaded the same value stores the same
/// sum, and one of the two updates is gone.
pub fn unguarded(c: &AtomicU64) {
    let v = c.load(Relaxed);
    c.store(v + 1, Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_unit_alone_loses_nothing_under_any_sync() {
        for sync in SyncKind::ALL {
            let p = ContentionParams::new(sync, 1_000);
            let local = Local::new(sync).unwrap();
            local.blocking(0, &p);
            local.blocking(1, &p);
            assert_eq!(local.count().unwrap(), 2 * p.per_unit(), "{sync}");
        }
    }

    #[test]
    fn a_line_is_a_cache_line_pair() {
        assert_eq!(std::mem::size_of::<Line>(), 128);
        assert_eq!(std::mem::align_of::<Line>(), 128);
    }
}
