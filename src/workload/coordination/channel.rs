//! `channel`: the condition shape's handoff through a channel instead of a queue under a condition
//! variable. Unit 0 sends items 1..=I and drops its sender, which closes the channel; units 1..N
//! receive until it is closed and empty. std's `mpsc` has one receiver, so the consumers share it
//! behind a `Mutex`, as a `ThreadPoolExecutor`'s workers share their queue; the async form is
//! tokio's unbounded `mpsc` with its receiver behind tokio's `Mutex`. Both unbounded, like the
//! condition's queue. Every wait is bounded (`STALL`): a consumer that hears nothing for that long
//! fails as `timeout`.

use super::handoff::{consumed, failed, Handoff};
use super::takes::Takes;
use super::tally::Tally;
use super::STALL;
use crate::names::FailureKind;
use crate::workload::{TaskFuture, TaskResult, Workload};
use std::sync::mpsc;
use std::sync::Mutex;
use tokio::sync::mpsc as tokio_mpsc;

/// The channel task: both channels (a run uses the blocking one or the async one, never both) and
/// the record of what the consumers took (`Takes`).
pub struct Channel {
    sender: Mutex<Option<mpsc::Sender<u64>>>,
    receiver: Mutex<mpsc::Receiver<u64>>,
    async_sender: Mutex<Option<tokio_mpsc::UnboundedSender<u64>>>,
    async_receiver: tokio::sync::Mutex<tokio_mpsc::UnboundedReceiver<u64>>,
    takes: Takes,
}

impl Channel {
    pub fn new(items: usize) -> Channel {
        let (tx, rx) = mpsc::channel();
        let (atx, arx) = tokio_mpsc::unbounded_channel();
        Channel {
            sender: Mutex::new(Some(tx)),
            receiver: Mutex::new(rx),
            async_sender: Mutex::new(Some(atx)),
            async_receiver: tokio::sync::Mutex::new(arx),
            takes: Takes::new(items),
        }
    }

    fn produce_blocking(&self) -> TaskResult {
        let taken = self.sender.lock().unwrap_or_else(|e| e.into_inner()).take();
        // A second producer (a unit 0 run twice) finds the channel already handed over.
        let Some(tx) = taken else {
            return failed(FailureKind::Broken);
        };
        let mut n = 0;
        for id in self.takes.ids() {
            if tx.send(id).is_err() {
                break;
            }
            n += 1;
        }
        self.takes.produced(n);
        // Dropping the only sender closes the channel: the consumers' end of the run.
        drop(tx);
        TaskResult::ok(n)
    }

    fn consume_blocking(&self) -> TaskResult {
        let mut took = 0;
        loop {
            let next = self
                .receiver
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .recv_timeout(STALL);
            match next {
                Ok(id) => {
                    self.takes.take(id);
                    took += 1;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return consumed(took),
                Err(mpsc::RecvTimeoutError::Timeout) => return failed(FailureKind::Timeout),
            }
        }
    }

    async fn produce_async(&self) -> TaskResult {
        let taken = self
            .async_sender
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let Some(tx) = taken else {
            return failed(FailureKind::Broken);
        };
        let mut n = 0;
        for id in self.takes.ids() {
            if tx.send(id).is_err() {
                break;
            }
            n += 1;
        }
        self.takes.produced(n);
        drop(tx);
        TaskResult::ok(n)
    }

    async fn consume_async(&self) -> TaskResult {
        let mut took = 0;
        loop {
            let next = {
                let mut rx = self.async_receiver.lock().await;
                tokio::time::timeout(STALL, rx.recv()).await
            };
            match next {
                Ok(Some(id)) => {
                    self.takes.take(id);
                    took += 1;
                }
                Ok(None) => return consumed(took),
                Err(_) => return failed(FailureKind::Timeout),
            }
        }
    }
}

impl Workload for Channel {
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
