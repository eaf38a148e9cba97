//! `payload`: data moved to a task and back — Effective Python item 64's "a process pool pays only
//! when the data moved is small". The submitter makes B bytes for each task (`--payload B`); the task
//! checks every byte it received (a pass over the data the compiler cannot fold: it compares them with
//! what task i was to be sent), counts the usual CPU part, and returns R bytes (`--payload-back R`),
//! which the submitter checks in turn: a byte changed on the way fails the task as `corrupt`. Each
//! model moves the data its own way — sequential hands it over on its one thread, the thread pool
//! moves ownership through its channel (no copy), the process pools write it down their pipes and
//! read the answer back (two copies each way through the kernel), Python's pools pickle it.
//!
//! Ideal: the CPU part's compute bound, N × t₁ / (min(k, cores) × s). Every cost per byte — making,
//! moving and checking the data — is left out of it on purpose: that is what the payload section
//! measures, as the slope of the makespan against the bytes moved, beside this machine's `memcpy` and
//! pipe bandwidth (`measure::bandwidth`).

pub mod suite;

use super::cpu::{check_iters, compute_bound, counted};
use super::WorkloadKind;
use super::{Calibration, Describe, Params, Shape, TaskFuture, TaskResult};
use crate::names::{Bottleneck, FailureKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const ABOUT: &str =
    "B bytes to each task and R back (--payload B, --payload-back R), checked, beside a CPU part (--cpu-time)";
/// The most bytes a task may be sent or send back: N tasks' worth can be in flight at once.
pub const MAX_BYTES: u64 = 256 << 20;
/// The CPU part when `--cpu-time` is not given: long enough that a process pool's parallel counting
/// shows, short enough that 16 MiB moved per task is not dwarfed by it.
pub const DEFAULT_CPU_MS: u64 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayloadParams {
    /// Bytes the submitter makes and sends to each task.
    pub bytes: u64,
    /// Bytes each task sends back.
    pub back: u64,
    /// The CPU part's intended time, milliseconds (0: given in iterations); the run sizes `cpu_iters`.
    pub cpu_ms: u64,
    /// The CPU part's iterations: 0 until the run has sized it on this machine.
    pub cpu_iters: u64,
}

/// payload's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct PayloadArgs {
    /// payload: bytes sent to each task (0, 1KiB, 64KiB, 1MiB, 16MiB …; at most 256MiB).
    #[arg(long, value_parser = parse_bytes, default_value = "64KiB", conflicts_with = "suite")]
    pub payload: u64,
    /// payload: bytes each task sends back (default: as many as it was sent).
    #[arg(long, value_parser = parse_bytes, conflicts_with = "suite")]
    pub payload_back: Option<u64>,
}

/// A byte count: a number with an optional unit, B, KiB, MiB or GiB (`64KiB`, `1MiB`, `0`).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a byte count (examples: 0, 1KiB, 64KiB, 16MiB)"))?;
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        other => return Err(format!("unknown unit {other:?}: use B, KiB, MiB or GiB")),
    };
    let bytes = n.saturating_mul(scale);
    if bytes > MAX_BYTES {
        return Err(format!(
            "{s} is above the maximum of {} MiB",
            MAX_BYTES >> 20
        ));
    }
    Ok(bytes)
}

impl PayloadParams {
    /// B bytes to each task and back, beside a CPU part of `cpu_ms`.
    pub fn new(bytes: u64, cpu_ms: u64) -> PayloadParams {
        PayloadParams {
            bytes,
            back: bytes,
            cpu_ms,
            cpu_iters: 0,
        }
    }

    pub fn from_args(
        args: &super::WorkloadArgs,
        _seed: Option<u64>,
    ) -> Result<PayloadParams, String> {
        let own = &args.payload;
        let (cpu_ms, cpu_iters) = match (args.cpu_ms()?, args.cpu_iters) {
            (Some(ms), _) => (ms, 0),
            (None, iters) if iters != super::DEFAULT_CPU_ITERS => {
                check_iters(iters)?;
                (0, iters)
            }
            (None, _) => (DEFAULT_CPU_MS, 0),
        };
        Ok(PayloadParams {
            bytes: own.payload,
            back: own.payload_back.unwrap_or(own.payload),
            cpu_ms,
            cpu_iters,
        })
    }

    /// Bytes one task moves: there and back.
    pub fn moved(&self) -> u64 {
        self.bytes + self.back
    }
}

/// The bytes task `task` is sent (`len` of them): byte j is (task + j) mod 251. A prime period, so
/// that a shifted, dropped or repeated stretch of the data does not match by chance; every 251-byte
/// stretch is the same rotation, so making and checking run at memcpy speed.
pub fn pattern(task: u64, len: usize) -> Vec<u8> {
    let period = rotation(task);
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let take = (len - out.len()).min(period.len());
        out.extend_from_slice(&period[..take]);
    }
    out
}

/// Whether `data` is exactly what [`pattern`] makes for `task` and its length: a pass over every
/// byte, compared 251 at a time.
pub fn is_pattern(task: u64, data: &[u8], len: usize) -> bool {
    let period = rotation(task);
    data.len() == len
        && data
            .chunks(period.len())
            .all(|chunk| chunk == &period[..chunk.len()])
}

fn rotation(task: u64) -> [u8; 251] {
    std::array::from_fn(|j| ((task + j as u64) % 251) as u8)
}

impl Describe for PayloadParams {
    /// A task's work is its CPU part; moving and checking its bytes is the client's.
    fn nominal(&self, _task: u64) -> Option<crate::ledger::path::Nominal> {
        Some(crate::ledger::path::Nominal {
            cpu: true,
            ..Default::default()
        })
    }

    fn python(&self, _url: &str, _tasks: usize) -> Option<serde_json::Value> {
        let mut doc = serde_json::json!({
            "workload": "payload",
            "bytes": self.bytes,
            "back": self.back,
        });
        match self.cpu_ms {
            0 => doc["cpu_iters"] = self.cpu_iters.into(),
            ms => doc["cpu_s"] = (ms as f64 / 1e3).into(),
        }
        Some(doc)
    }

    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Payload
    }

    fn id_suffix(&self) -> String {
        let cpu = match self.cpu_ms {
            0 => format!("i{}", self.cpu_iters),
            ms => format!("c{ms}ms"),
        };
        format!("b{}-r{}-{cpu}", self.bytes, self.back)
    }

    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        Some(compute_bound(shape, cpu?))
    }

    /// A task's time holds its CPU part and its bytes checked, so the lanes' busy time bounds the
    /// makespan too: where the probe before the repetition saw a slower machine than the case did,
    /// the ideal is this, not a figure the case beat.
    fn own_bound(&self, shape: &Shape, task_times: &[f64]) -> Option<f64> {
        super::cpu::lanes_busy(shape, task_times)
    }

    fn bottleneck(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        Bottleneck::Cpu
    }

    fn cpu_iters(&self) -> Option<u64> {
        (self.cpu_iters > 0).then_some(self.cpu_iters)
    }

    fn cpu_ms(&self) -> u64 {
        self.cpu_ms
    }

    fn set_cpu_iters(&mut self, iters: u64) {
        self.cpu_iters = iters;
    }

    fn moves_data(&self) -> bool {
        true
    }

    fn client_side(&self) -> Params {
        Params::Payload(self.clone())
    }

    fn build(&self, _url: &str) -> anyhow::Result<Arc<dyn super::Workload>> {
        Ok(Arc::new(Payload {
            bytes: self.bytes as usize,
            back: self.back as usize,
            iters: self.cpu_iters,
        }))
    }
}

/// The payload task.
pub struct Payload {
    bytes: usize,
    back: usize,
    iters: u64,
}

impl Payload {
    /// Check what came, count, answer: the task's side.
    fn work(&self, task: u64, input: &[u8]) -> (TaskResult, Vec<u8>) {
        if !is_pattern(task, input, self.bytes) {
            return (TaskResult::failed(FailureKind::Corrupt), Vec::new());
        }
        (counted(self.iters), pattern(task + 1, self.back))
    }
}

impl super::Workload for Payload {
    /// Without a submitter's data (a model that does not move it would call this): the task makes
    /// its own, so it still does the whole job.
    fn blocking(&self, task: u64) -> TaskResult {
        let (result, back) = self.work(task, &self.parcel(task));
        match self.receive(task, &back) {
            Ok(()) => result,
            Err(kind) => TaskResult::failed(kind),
        }
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move { self.blocking(task) })
    }

    fn parcel(&self, task: u64) -> Vec<u8> {
        pattern(task, self.bytes)
    }

    fn blocking_with(&self, task: u64, input: Vec<u8>) -> (TaskResult, Vec<u8>) {
        self.work(task, &input)
    }

    fn run_async_with(&self, task: u64, input: Vec<u8>) -> super::DataFuture<'_> {
        // Inline on the loop, like every CPU part of the async models.
        Box::pin(async move { self.work(task, &input) })
    }

    fn receive(&self, task: u64, back: &[u8]) -> Result<(), FailureKind> {
        match is_pattern(task + 1, back, self.back) {
            true => Ok(()),
            false => Err(FailureKind::Corrupt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Workload;
    use super::*;

    #[test]
    fn byte_counts_read_with_their_units_and_refuse_past_the_bound() {
        assert_eq!(parse_bytes("0"), Ok(0));
        assert_eq!(parse_bytes("1KiB"), Ok(1024));
        assert_eq!(parse_bytes("16MiB"), Ok(16 << 20));
        assert_eq!(parse_bytes("300"), Ok(300));
        assert!(parse_bytes("1GiB")
            .unwrap_err()
            .contains("maximum of 256 MiB"));
        assert!(parse_bytes("3kb").unwrap_err().contains("unit"));
        assert!(parse_bytes("-1").is_err());
    }

    #[test]
    fn the_pattern_is_each_tasks_own_and_a_changed_byte_is_caught() {
        let data = pattern(7, 1000);
        assert_eq!(data[0], 7);
        assert_eq!(data[244], 0);
        assert_eq!(data[251], 7);
        assert!(is_pattern(7, &data, 1000));
        assert!(!is_pattern(8, &data, 1000), "another task's data");
        assert!(!is_pattern(7, &data[..999], 1000), "a byte short");
        for at in [0, 250, 251, 999] {
            let mut bad = data.clone();
            bad[at] ^= 1;
            assert!(!is_pattern(7, &bad, 1000), "byte {at} changed");
        }
        assert!(is_pattern(3, &[], 0));
    }

    #[test]
    fn a_task_answers_its_own_bytes_and_the_submitter_catches_a_corrupt_answer() {
        let w = Payload {
            bytes: 4096,
            back: 300,
            iters: 10,
        };
        let (result, back) = w.blocking_with(5, w.parcel(5));
        assert_eq!(result.outcome, Ok(10));
        assert_eq!(back.len(), 300);
        assert_eq!(w.receive(5, &back), Ok(()));
        let mut bad = back.clone();
        bad[150] = bad[150].wrapping_add(1);
        assert_eq!(w.receive(5, &bad), Err(FailureKind::Corrupt));
        let mut sent = w.parcel(5);
        sent[4095] ^= 0x80;
        assert_eq!(
            w.blocking_with(5, sent).0.outcome,
            Err(FailureKind::Corrupt)
        );
        assert_eq!(w.blocking(5).outcome, Ok(10));
    }

    #[test]
    fn the_ideal_is_the_cpu_parts_alone() {
        let p = PayloadParams::new(1 << 20, 10);
        let shape = Shape {
            tasks: 16,
            lanes: super::super::Lanes::bounded(16, 2),
            cores: 2,
        };
        let cpu = Calibration {
            t1: 0.010,
            scaling: 0.9,
            write: None,
        };
        let ideal = p.ideal(&shape, Some(cpu)).unwrap();
        assert!(
            (ideal - 16.0 * 0.010 / (2.0 * 0.9)).abs() < 1e-12,
            "{ideal}"
        );
        assert_eq!(p.ideal(&shape, None), None);
        assert_eq!(p.moved(), 2 << 20);
        // The case's own tasks bound it too, where its lanes had a core each.
        assert_eq!(p.own_bound(&shape, &[0.010; 16]), Some(0.080));
        let crowded = Shape {
            lanes: super::super::Lanes::bounded(16, 4),
            ..shape
        };
        assert_eq!(p.own_bound(&crowded, &[0.010; 16]), None);
    }
}
