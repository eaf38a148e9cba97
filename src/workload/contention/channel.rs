//! `channel`: every update is a message to one owner thread, which alone touches the count. The
//! queue is bounded, so senders that outrun the owner wait for it instead of piling updates up, and a
//! unit ends with a last message the owner answers once it has applied everything before it — a task
//! is done when its updates are applied, not when they are queued, so the makespan holds the owner's
//! work. One tokio channel serves both forms: a thread sends with `blocking_send`, a task with
//! `send().await`.

use anyhow::Context;
use tokio::sync::{mpsc, oneshot};

/// Messages in flight at most: enough that senders rarely wait for the owner's wake-up, bounded so
/// they cannot run far ahead of it.
const CAPACITY: usize = 1024;

enum Message {
    /// Add one to the count.
    Add,
    /// Answer the count once everything before is applied.
    Flush(oneshot::Sender<u64>),
}

/// The owner thread and the way to it.
pub struct Owner {
    tx: mpsc::Sender<Message>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Owner {
    /// Start the owner, at a count of zero.
    pub fn start() -> anyhow::Result<Owner> {
        let (tx, mut rx) = mpsc::channel(CAPACITY);
        let thread = std::thread::Builder::new()
            .name("contention-owner".into())
            .spawn(move || {
                let mut count = 0u64;
                while let Some(m) = rx.blocking_recv() {
                    match m {
                        Message::Add => count += 1,
                        Message::Flush(answer) => {
                            let _ = answer.send(count);
                        }
                    }
                }
            })
            .context("contention: cannot start the channel's owner thread")?;
        Ok(Owner {
            tx,
            thread: Some(thread),
        })
    }

    /// Send `ops` updates from this thread, then wait until the owner applied them.
    pub fn blocking(&self, ops: u64) {
        for _ in 0..ops {
            // The owner outlives every sender (it ends when the Owner is dropped).
            let _ = self.tx.blocking_send(Message::Add);
        }
        let (answer, applied) = oneshot::channel();
        let _ = self.tx.blocking_send(Message::Flush(answer));
        let _ = applied.blocking_recv();
    }

    /// The same from a task on an event loop.
    pub async fn run_async(&self, ops: u64) {
        for _ in 0..ops {
            let _ = self.tx.send(Message::Add).await;
        }
        let (answer, applied) = oneshot::channel();
        let _ = self.tx.send(Message::Flush(answer)).await;
        let _ = applied.await;
    }

    /// The count once every update sent before is applied (from a thread, not an event loop).
    pub fn count(&self) -> anyhow::Result<u64> {
        let (answer, count) = oneshot::channel();
        self.tx
            .blocking_send(Message::Flush(answer))
            .map_err(|_| anyhow::anyhow!("contention: the channel's owner thread is gone"))?;
        count
            .blocking_recv()
            .context("contention: the channel's owner thread is gone")
    }
}

impl Drop for Owner {
    /// Close the channel so the owner's loop ends, and join it.
    fn drop(&mut self) {
        let (closed, _) = mpsc::channel(1);
        drop(std::mem::replace(&mut self.tx, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
