//! `semaphore`: the article's `BoundedSemaphore(5)` over 22 threads. Each unit acquires one of P
//! permits, holds it for the delay and releases it, so units go through in waves of P. std has no
//! semaphore: the blocking form is [`BoundedSemaphore`], a count under a `Mutex` with a `Condvar`
//! for the units waiting on it; the async form is tokio's `Semaphore`. A counter inside the held
//! section ([`Inside`]) records the most units ever admitted at once — the check that the semaphore
//! bounds what it says it bounds — and a release past P is refused and counted, as Python's bounded
//! semaphore raises `ValueError`.

use super::tally::Tally;
use super::STALL;
use crate::names::FailureKind;
use crate::workload::{TaskFuture, TaskResult, Workload};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// A counting semaphore of `permits`, bounded: releasing when every permit is free is an error.
pub struct BoundedSemaphore {
    permits: usize,
    free: Mutex<usize>,
    freed: Condvar,
}

/// Why an acquire or a release did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SemaphoreError {
    /// No permit came free within the wait allowed.
    Stalled,
    /// A release with every permit already free: more releases than acquires.
    OverReleased,
}

impl BoundedSemaphore {
    pub fn new(permits: usize) -> BoundedSemaphore {
        BoundedSemaphore {
            permits,
            free: Mutex::new(permits),
            freed: Condvar::new(),
        }
    }

    /// Take a permit, waiting at most `within` for one to come free.
    pub fn acquire(&self, within: Duration) -> Result<(), SemaphoreError> {
        let deadline = Instant::now() + within;
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        // A loop, not one wait: a condition variable may wake with nothing changed.
        while *free == 0 {
            let left = deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
                .ok_or(SemaphoreError::Stalled)?;
            free = self
                .freed
                .wait_timeout(free, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *free -= 1;
        Ok(())
    }

    /// Give a permit back; refused when none is taken.
    pub fn release(&self) -> Result<(), SemaphoreError> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if *free >= self.permits {
            return Err(SemaphoreError::OverReleased);
        }
        *free += 1;
        drop(free);
        // One permit came free: one waiter can take it.
        self.freed.notify_one();
        Ok(())
    }

    /// Permits free now.
    pub fn available(&self) -> usize {
        *self.free.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How many units are inside the held section now, and the most there ever were at once.
#[derive(Debug, Default)]
pub struct Inside {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Inside {
    /// A unit went in; returns how many are inside with it.
    pub fn enter(&self) -> usize {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        now
    }

    pub fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    /// The most units that were ever inside at once.
    pub fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

/// The semaphore task: acquire, hold for `hold`, release. A unit's value is how many were inside
/// with it (itself included).
pub struct Semaphore {
    hold: Duration,
    permits: usize,
    blocking: BoundedSemaphore,
    tokio: tokio::sync::Semaphore,
    inside: Inside,
    over_released: AtomicUsize,
}

impl Semaphore {
    pub fn new(permits: usize, hold: Duration) -> Semaphore {
        Semaphore {
            hold,
            permits,
            blocking: BoundedSemaphore::new(permits),
            tokio: tokio::sync::Semaphore::new(permits),
            inside: Inside::default(),
            over_released: AtomicUsize::new(0),
        }
    }

    fn failed(kind: FailureKind) -> TaskResult {
        TaskResult::failed(kind)
    }

    fn over_released(&self) -> TaskResult {
        self.over_released.fetch_add(1, Ordering::SeqCst);
        Semaphore::failed(FailureKind::Broken)
    }
}

impl Workload for Semaphore {
    fn blocking(&self, _task: u64) -> TaskResult {
        if self.blocking.acquire(STALL).is_err() {
            return Semaphore::failed(FailureKind::Timeout);
        }
        let with = self.inside.enter();
        std::thread::sleep(self.hold);
        self.inside.leave();
        match self.blocking.release() {
            Ok(()) => TaskResult::ok(with as u64),
            Err(_) => self.over_released(),
        }
    }

    fn run_async(&self, _task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            let Ok(Ok(permit)) = tokio::time::timeout(STALL, self.tokio.acquire()).await else {
                return Semaphore::failed(FailureKind::Timeout);
            };
            let with = self.inside.enter();
            tokio::time::sleep(self.hold).await;
            self.inside.leave();
            drop(permit);
            // tokio's semaphore is not bounded by itself (`add_permits` may go past P): check it is.
            match self.tokio.available_permits() <= self.permits {
                true => TaskResult::ok(with as u64),
                false => self.over_released(),
            }
        })
    }

    /// A semaphore that admitted more than P at once measured nothing it claims: the repetition fails.
    fn audit(&self, _results: &mut [&mut TaskResult]) -> anyhow::Result<()> {
        let most = self.inside.most();
        anyhow::ensure!(
            most <= self.permits,
            "the semaphore of {} permits admitted {most} units at once: a bug in concbench's \
             semaphore, please report it",
            self.permits
        );
        Ok(())
    }

    fn tally(&self) -> Option<Tally> {
        Some(Tally {
            permits: Some(self.permits),
            max_admitted: Some(self.inside.most()),
            over_released: Some(self.over_released.load(Ordering::SeqCst)),
            ..Tally::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_semaphore_refuses_a_release_past_its_permits() {
        let s = BoundedSemaphore::new(2);
        assert_eq!(s.release(), Err(SemaphoreError::OverReleased));
        s.acquire(Duration::ZERO).unwrap();
        s.acquire(Duration::ZERO).unwrap();
        assert_eq!(s.available(), 0);
        assert_eq!(
            s.acquire(Duration::from_millis(10)),
            Err(SemaphoreError::Stalled),
            "a third waits, then gives up"
        );
        s.release().unwrap();
        s.release().unwrap();
        assert_eq!(s.release(), Err(SemaphoreError::OverReleased));
        assert_eq!(s.available(), 2);
    }

    #[test]
    fn the_inside_counter_keeps_the_most_at_once() {
        let i = Inside::default();
        assert_eq!((i.enter(), i.enter()), (1, 2));
        i.leave();
        assert_eq!(i.enter(), 2);
        i.leave();
        i.leave();
        assert_eq!(i.enter(), 1);
        assert_eq!(i.most(), 2);
    }
}
