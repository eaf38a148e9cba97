//! `condition`: the article's `Condition` between a producer and its consumers. Unit 0 is the
//! producer: it pushes items 1..=I onto a queue under a `Mutex` and wakes one waiting consumer per
//! item (`notify_one`), then marks the queue closed and wakes them all. Units 1..N are consumers:
//! each takes items until the queue is empty and closed. The queue is unbounded, as the article's
//! list is, so the producer never waits and the channel shape (`channel.rs`) is its like for like.
//!
//! The blocking form waits on a `Condvar`; the async form keeps the same queue under the same std
//! `Mutex` (held for a push or a pop, never across an await) and waits on tokio's `Notify`. Every
//! wait is bounded (`STALL`): a consumer that hears nothing for that long fails as `timeout`.

use super::handoff::{consumed, failed, Handoff};
use super::takes::Takes;
use super::tally::Tally;
use super::STALL;
use crate::names::FailureKind;
use crate::workload::{TaskFuture, TaskResult, Workload};
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::Notify;

/// The queue the producer fills and the consumers drain.
#[derive(Default)]
struct Queue {
    items: VecDeque<u64>,
    closed: bool,
}

/// What a consumer found on the queue.
enum Next {
    Item(u64),
    Closed,
    Empty,
}

impl Queue {
    fn next(&mut self) -> Next {
        match (self.items.pop_front(), self.closed) {
            (Some(id), _) => Next::Item(id),
            (None, true) => Next::Closed,
            (None, false) => Next::Empty,
        }
    }
}

/// The condition task: a queue, the condition variable its blocking consumers wait on, the `Notify`
/// its async consumers wait on, and the record of what they took (`Takes`).
pub struct Condition {
    queue: Mutex<Queue>,
    ready: Condvar,
    notify: Notify,
    takes: Takes,
}

impl Condition {
    pub fn new(items: usize) -> Condition {
        Condition {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            notify: Notify::new(),
            takes: Takes::new(items),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn produce_blocking(&self) -> TaskResult {
        let mut n = 0;
        for id in self.takes.ids() {
            self.lock().items.push_back(id);
            self.ready.notify_one();
            n += 1;
        }
        self.lock().closed = true;
        self.ready.notify_all();
        self.takes.produced(n);
        TaskResult::ok(n)
    }

    fn consume_blocking(&self) -> TaskResult {
        let mut took = 0;
        let mut queue = self.lock();
        let mut deadline = Instant::now() + STALL;
        loop {
            match queue.next() {
                Next::Item(id) => {
                    // Counted outside the lock, so the record adds nothing to the handoff's hold.
                    drop(queue);
                    self.takes.take(id);
                    took += 1;
                    deadline = Instant::now() + STALL;
                    queue = self.lock();
                }
                Next::Closed => return consumed(took),
                Next::Empty => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        return failed(FailureKind::Timeout);
                    };
                    queue = self
                        .ready
                        .wait_timeout(queue, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
    }

    async fn produce_async(&self) -> TaskResult {
        let mut n = 0;
        for id in self.takes.ids() {
            self.lock().items.push_back(id);
            self.notify.notify_one();
            n += 1;
        }
        self.lock().closed = true;
        self.notify.notify_waiters();
        self.takes.produced(n);
        TaskResult::ok(n)
    }

    async fn consume_async(&self) -> TaskResult {
        let mut took = 0;
        let mut deadline = tokio::time::Instant::now() + STALL;
        loop {
            // Registered before the queue is read, so a push or the close between the read and the
            // await still wakes this consumer (no lost wake-up).
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let next = self.lock().next();
            match next {
                Next::Item(id) => {
                    self.takes.take(id);
                    took += 1;
                    deadline = tokio::time::Instant::now() + STALL;
                }
                Next::Closed => return consumed(took),
                Next::Empty => {
                    if tokio::time::timeout_at(deadline, notified).await.is_err() {
                        return failed(FailureKind::Timeout);
                    }
                }
            }
        }
    }
}

impl Workload for Condition {
    fn blocking(&self, task: u64) -> TaskResult {
        match Handoff::of(task) {
            Handoff::Producer => self.produce_blocking(),
            Handoff::Consumer => self.consume_blocking(),
        }
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            match Handoff::of(task) {
                Handoff::Producer => self.produce_async().await,
                Handoff::Consumer => self.consume_async().await,
            }
        })
    }

    fn tally(&self) -> Option<Tally> {
        Some(self.takes.tally())
    }
}
