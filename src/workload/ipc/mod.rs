//! `ipc`: two processes exchanging data (issue 24 §2). A task is one pair — this process and a peer
//! it starts — exchanging `--messages M` round trips of `--message-size S` bytes over `--transport T`,
//! then streaming M more one way; every message is checked for its sequence number and every byte
//! (`message`). The case records per repetition what the pairs exchanged (`exchanged`): messages/s
//! and MB/s of the stream, round-trip p50/p99 from an HDR histogram, and beside them this machine's
//! memcpy at the same size, measured in the same process (`memcpy`): the floor no transport beats.
//!
//! Rust's transports (`transport`) are a pipe pair, a Unix socket pair, TCP on 127.0.0.1, a
//! shared-memory ring (`ring`, `channel`) and a serialised queue; the peer is the concbench binary
//! re-executed as `__ipc` (`peer`). Python's — `multiprocessing`'s Queue, Pipe, shared_memory and a
//! Manager's queue — run on the Python model (python/concbench_py/ipc.py) with the same sizes and
//! counts. The models: sequential is one pair at a time (the suite's); threads and the thread pool run
//! N pairs at once, and the record then holds each pair's rate, not their sum.
//!
//! Ideal: none. What bounds a transport is memcpy at its size, and the record sets MB/s beside it;
//! the makespan also holds each peer's start, which is no property of the transport.

pub mod channel;
pub mod exchanged;
pub mod memcpy;
pub mod message;
pub mod pair;
pub mod peer;
pub mod ring;
pub mod suite;
pub mod task;
pub mod transport;

use super::payload::parse_bytes;
use super::{Calibration, Describe, Params, Shape, Workload, WorkloadKind};
use crate::names::{Bottleneck, ModelKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use exchanged::Exchanged;
pub use message::{MAX_SIZE, MIN_SIZE};
pub use task::Ipc;
pub use transport::Transport;

pub const ABOUT: &str = "a pair of processes per task: --messages round trips of --message-size \
                         bytes over --transport, then as many streamed, each checked, beside memcpy";

/// The sizes issue 24 asks for: 64 B, 4 KiB, 64 KiB, 1 MiB.
pub const SIZES: [usize; 4] = [64, 4 << 10, 64 << 10, 1 << 20];
/// The most round trips (and messages streamed) one pair is asked for.
pub const MAX_MESSAGES: u64 = 10_000_000;
/// How long a pair may take before its peer is killed and it fails as `timeout`, when `--timeout`
/// is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IpcParams {
    pub transport: Transport,
    /// Bytes per message.
    pub size: u64,
    /// Round trips per pair, and as many messages streamed.
    pub messages: u64,
    /// A pair still exchanging after this long has its peer killed and fails as `timeout`,
    /// milliseconds.
    pub timeout_ms: u64,
}

/// ipc's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct IpcArgs {
    /// ipc: how the pair exchanges data (pipe, unix, tcp, shm, queue; Python's mp-queue, mp-pipe,
    /// mp-shared-memory, mp-manager on py-sequential).
    #[arg(long, default_value = "pipe", conflicts_with = "suite")]
    pub transport: Transport,
    /// ipc: bytes per message, a multiple of 8 from 16 B to 1 MiB (64, 4KiB, 64KiB, 1MiB).
    #[arg(long, value_parser = parse_bytes, default_value = "4KiB", conflicts_with = "suite")]
    pub message_size: u64,
    /// ipc: round trips per pair, and as many messages streamed one way.
    #[arg(long, default_value_t = 1000, conflicts_with = "suite")]
    pub messages: u64,
}

impl IpcParams {
    pub fn new(transport: Transport, size: usize, messages: u64) -> IpcParams {
        IpcParams {
            transport,
            size: size as u64,
            messages,
            timeout_ms: DEFAULT_TIMEOUT.as_millis() as u64,
        }
    }

    pub fn from_args(args: &super::WorkloadArgs, _seed: Option<u64>) -> Result<IpcParams, String> {
        let own = &args.ipc;
        let size = own.message_size;
        if size < MIN_SIZE as u64 || size > MAX_SIZE as u64 || !size.is_multiple_of(8) {
            return Err(format!(
                "--message-size {size}: give a multiple of 8 bytes from {MIN_SIZE} B to 1 MiB (the \
                 shared ring moves whole words), e.g. 64, 4KiB, 64KiB, 1MiB"
            ));
        }
        if own.messages == 0 || own.messages > MAX_MESSAGES {
            return Err(format!(
                "--messages {}: give 1 to {MAX_MESSAGES} round trips per pair",
                own.messages
            ));
        }
        // io's --timeout, when given other than its default, bounds each pair.
        let timeout = match args.io.timeout {
            t if t == super::io::DEFAULT_TIMEOUT => DEFAULT_TIMEOUT,
            t if t.is_zero() || t > super::io::MAX_TIMEOUT => {
                return Err("--timeout must be above 0 and at most 10m".into())
            }
            t => t,
        };
        Ok(IpcParams {
            timeout_ms: timeout.as_millis() as u64,
            ..IpcParams::new(own.transport, size as usize, own.messages)
        })
    }

    pub fn size(&self) -> usize {
        self.size as usize
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// The task, its peers started from `exe` (`build` gives the running binary).
    pub fn task(&self, exe: PathBuf) -> Ipc {
        Ipc::new(
            exe,
            self.transport,
            self.size(),
            self.messages,
            self.timeout(),
        )
    }
}

/// `64B`, `4KiB`, `1MiB`: a size as ids and tables write it.
pub fn size_name(size: u64) -> String {
    match size {
        s if s >= 1 << 20 && s.is_multiple_of(1 << 20) => format!("{}MiB", s >> 20),
        s if s >= 1 << 10 && s.is_multiple_of(1 << 10) => format!("{}KiB", s >> 10),
        s => format!("{s}B"),
    }
}

impl Describe for IpcParams {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Ipc
    }

    /// `pipe-4KiB-m1000`, and `-timeout5s` with a timeout other than the default.
    fn id_suffix(&self) -> String {
        let base = format!(
            "{}-{}-m{}",
            self.transport,
            size_name(self.size),
            self.messages
        );
        match self.timeout() == DEFAULT_TIMEOUT {
            true => base,
            false => format!(
                "{base}-timeout{}",
                humantime::format_duration(self.timeout())
            ),
        }
    }

    fn ideal(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Option<f64> {
        None
    }

    /// Copying: each message is moved by a CPU, through the kernel or the mapping.
    fn bottleneck(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        Bottleneck::Cpu
    }

    /// The repetition's deadline allows for a pair's whole timeout.
    fn timeout(&self) -> Option<Duration> {
        Some(IpcParams::timeout(self))
    }

    fn refuses(&self, model: ModelKind, _tasks: usize) -> Option<String> {
        let can = self.transport.models();
        (!can.contains(&model)).then(|| {
            let can: Vec<&str> = can.iter().map(|m| m.name()).collect();
            format!(
                "model {model} cannot run the ipc case {}; models that can: {}",
                self.id_suffix(),
                can.join(", ")
            )
        })
    }

    fn python(&self, _url: &str, _tasks: usize) -> Option<serde_json::Value> {
        self.transport.is_python().then(|| {
            serde_json::json!({
                "workload": "ipc",
                "transport": self.transport.name(),
                "size": self.size,
                "messages": self.messages,
                "timeout_s": self.timeout().as_secs_f64(),
            })
        })
    }

    fn client_side(&self) -> Params {
        Params::Ipc(self.clone())
    }

    fn build(&self, _url: &str) -> anyhow::Result<Arc<dyn Workload>> {
        anyhow::ensure!(
            !self.transport.is_python(),
            "ipc: {} is Python's transport; run it with --model py-sequential",
            self.transport
        );
        let exe = std::env::current_exe()
            .map_err(|e| anyhow::anyhow!("ipc: cannot find the running executable: {e}"))?;
        Ok(Arc::new(self.task(exe)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_transport_size_and_messages() {
        let p = IpcParams::new(Transport::Shm, 64 << 10, 500);
        assert_eq!(p.id_suffix(), "shm-64KiB-m500");
        assert_eq!(size_name(64), "64B");
        assert_eq!(size_name(1 << 20), "1MiB");
        let short = IpcParams {
            timeout_ms: 5000,
            ..p
        };
        assert_eq!(short.id_suffix(), "shm-64KiB-m500-timeout5s");
    }

    #[test]
    fn python_runs_only_pythons_transports() {
        assert!(IpcParams::new(Transport::Pipe, 64, 10).python("", 1).is_none());
        let py = IpcParams::new(Transport::MpQueue, 64, 10).python("", 1).unwrap();
        assert_eq!(py["transport"], "mp-queue");
        assert_eq!(py["workload"], "ipc");
    }
}
