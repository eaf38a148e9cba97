//! The ipc task: one pair (`pair`) per task — a peer started, `messages` round trips and `messages`
//! streamed, the peer reaped — its figures added to the repetition's tally, which the case process
//! reads after the model ran (`Workload::exchanged`), with the memcpy floor measured right then. A
//! failed pair is its task's failure (`timeout`, `worker-lost`, `corrupt`, `reordered`, `io`,
//! `spawn`); after the repetition the task checks that no peer it started is left.

use super::exchanged::{Exchanged, Tally};
use super::message::Messages;
use super::pair::exchange;
use super::Transport;
use crate::workload::subprocess::task::parent_of;
use crate::workload::{TaskFuture, TaskResult, Workload};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

pub struct Ipc {
    exe: PathBuf,
    transport: Transport,
    msgs: Messages,
    messages: u64,
    timeout: Duration,
    tally: Mutex<Tally>,
    /// Every peer started, for the check after the repetition.
    peers: Mutex<Vec<u32>>,
}

impl Ipc {
    /// Pairs with peers started from `exe` (the concbench binary).
    pub fn new(
        exe: PathBuf,
        transport: Transport,
        size: usize,
        messages: u64,
        timeout: Duration,
    ) -> Ipc {
        Ipc {
            exe,
            transport,
            msgs: Messages::new(size),
            messages,
            timeout,
            tally: Mutex::new(Tally::default()),
            peers: Mutex::new(Vec::new()),
        }
    }

    /// The pid of every peer started so far.
    pub fn peers(&self) -> Vec<u32> {
        self.peers.lock().expect("never poisoned").clone()
    }
}

impl Workload for Ipc {
    fn blocking(&self, _task: u64) -> TaskResult {
        let started = |pid| self.peers.lock().expect("never poisoned").push(pid);
        let outcome = exchange(
            &self.exe,
            self.transport,
            &self.msgs,
            self.messages,
            self.timeout,
            &started,
        );
        match outcome {
            Ok(figures) => {
                self.tally.lock().expect("never poisoned").add(&figures);
                TaskResult::ok(figures.streamed)
            }
            Err(failed) => TaskResult::failed(failed.kind),
        }
    }

    /// Only the models of `Transport::models` run it, none of them async; were one to, the pair
    /// would block its event loop for the whole exchange, as any blocking call in a task does.
    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move { self.blocking(task) })
    }

    fn verify(&self, value: u64) -> Result<(), String> {
        match value == self.messages {
            true => Ok(()),
            false => Err(format!(
                "ipc: a pair streamed {value} messages, not the {} asked",
                self.messages
            )),
        }
    }

    /// No peer outlives its pair: every one started is gone, or another process's (its pid reused).
    fn audit(&self, _results: &mut [&mut TaskResult]) -> anyhow::Result<()> {
        let me = std::process::id();
        let left: Vec<String> = self
            .peers()
            .into_iter()
            .filter(|&pid| parent_of(pid) == Some(me))
            .map(|pid| pid.to_string())
            .collect();
        anyhow::ensure!(
            left.is_empty(),
            "ipc: peer process(es) {} still there after every pair ended",
            left.join(", ")
        );
        Ok(())
    }

    fn exchanged(&self) -> Option<Exchanged> {
        let floor = super::memcpy::mb_per_s(self.msgs.size(), super::memcpy::TIME);
        self.tally
            .lock()
            .expect("never poisoned")
            .exchanged(self.msgs.size(), floor)
    }
}
