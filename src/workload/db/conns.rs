//! Where a `per-worker` connection is kept between tasks. A blocking worker is a thread (a thread of a
//! pool, the one thread of a sequential run or of a pool process, a thread of `threads`, where a
//! worker runs one task and so per-worker coincides with per-task): its connection is kept under its
//! thread id, taken out for a task and put back after. Async tasks move between a runtime's threads
//! and hold a connection across awaits, so there a worker is one of the runtime's threads: a pool of as
//! many connections as the runtime has worker threads, each task waiting for a free one.
//!
//! Connections are opened when a worker first needs one, not before the clock: the same in every
//! model, so each makespan holds k opens per-worker against N per-task.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// One connection per thread.
pub struct PerThread<C> {
    conns: Mutex<HashMap<ThreadId, C>>,
}

impl<C> PerThread<C> {
    pub fn new() -> PerThread<C> {
        PerThread {
            conns: Mutex::new(HashMap::new()),
        }
    }

    /// This thread's connection, if it has one (it is this thread's alone until [`Self::put`]).
    pub fn take(&self) -> Option<C> {
        self.lock().remove(&std::thread::current().id())
    }

    /// Keep `conn` as this thread's connection.
    pub fn put(&self, conn: C) {
        self.lock().insert(std::thread::current().id(), conn);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ThreadId, C>> {
        // A task that panicked while holding the lock left the map as it was: still usable.
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// As many connections as the runtime running the tasks has worker threads.
pub struct LoopPool<C> {
    permits: OnceLock<Arc<Semaphore>>,
    idle: Mutex<Vec<C>>,
}

impl<C> LoopPool<C> {
    pub fn new() -> LoopPool<C> {
        LoopPool {
            permits: OnceLock::new(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Wait for a connection's turn; with the permit, [`Self::take`] gives an idle connection or None
    /// (open one then), and [`Self::put`] returns it.
    pub async fn acquire(&self) -> OwnedSemaphorePermit {
        let permits = self.permits.get_or_init(|| {
            let workers = tokio::runtime::Handle::current().metrics().num_workers();
            Arc::new(Semaphore::new(workers.max(1)))
        });
        permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed")
    }

    pub fn take(&self) -> Option<C> {
        self.lock().pop()
    }

    pub fn put(&self, conn: C) {
        self.lock().push(conn);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<C>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_thread_keeps_its_own() {
        let kept = PerThread::new();
        kept.put(1);
        std::thread::scope(|s| {
            s.spawn(|| {
                assert_eq!(kept.take(), None, "another thread's is not this one's");
                kept.put(2);
            });
        });
        assert_eq!(kept.take(), Some(1));
        assert_eq!(kept.take(), None, "taken out until put back");
    }

    #[test]
    fn a_loop_pool_has_a_connection_per_runtime_thread() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(3)
            .enable_all()
            .build()
            .unwrap();
        let pool = LoopPool::<u32>::new();
        rt.block_on(async {
            let held = [
                pool.acquire().await,
                pool.acquire().await,
                pool.acquire().await,
            ];
            let fourth = tokio::time::timeout(std::time::Duration::from_millis(20), pool.acquire());
            assert!(fourth.await.is_err(), "a fourth waits");
            drop(held);
            let _fourth = pool.acquire().await;
        });
    }
}
