//! `contention`: the cost of sharing state, and what sharing it unguarded loses. N units (the case's
//! tasks: task i is unit i) each make M updates (`--updates`) of one shared counter, under a `--sync`:
//! std's `Mutex`, tokio's `Mutex` (`.lock().await` on an event loop, `blocking_lock` on a thread),
//! std's `RwLock` (`--read-share P`: that share of each unit's operations read the counter under the
//! read lock; the rest are its updates), an atomic `fetch_add`, a counter per unit on a cache line of
//! its own (`sharded`, summed at the end), every update sent to one owner thread that applies it
//! (`channel`), or a separate atomic load and store with no lock (`unguarded`: two units that load the
//! same value both store it plus one, and an update is lost — with no undefined behaviour).
//!
//! An update is one increment of the shared count; a task's value is the updates it made (M, or M
//! less its reads on `rwlock`). After the model ran, the case process reads the final count
//! ([`super::Workload::counted`]); against the tasks' sum it gives the updates lost, which only
//! `unguarded` may lose. The state lives in the workload value (`local`), built once per case process
//! and shared by the model's threads and tasks; a process pool's workers share it through a mapping
//! the case process creates and hands down to them (`mapping`), with process-shared pthread locks for
//! `mutex` and `rwlock`. `channel` and `tokio-mutex` live in one process and are refused for pools.
//!
//! Ideal: the uncontended cost of one update, t_u — a write probe (run/probes/write.rs) runs the same
//! sync with one unit at a time, and its median task over [`PROBE_UPDATES`] is t_u. One lock, one
//! atomic's cache line or one owner applies every update in turn: N × M × t_u. `sharded` and
//! `unguarded` hold no lock, and their units may update side by side: N × M × t_u / (min(lanes, cores)
//! × s), s the machine's parallel scaling the cpu probes measure. `rwlock`'s reads may overlap, its
//! updates not: N × M × t_u × (updates' share + reads' share / (min(lanes, cores) × s)).

pub mod channel;
pub mod local;
pub mod mapping;
pub mod suite;
pub mod task;

use super::cpu::ideal_speedup;
use super::{Calibration, Describe, Params, Shape, Workload, WorkloadKind};
use crate::names::{Bottleneck, ModelKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use task::Contention;

pub const ABOUT: &str = "N units each make --updates M updates of one shared counter under --sync \
                         mutex|tokio-mutex|rwlock|atomic|sharded|channel|unguarded; the count lost \
                         is the result";
/// Updates per unit when `--updates` is not given.
pub const DEFAULT_UPDATES: u64 = 100_000;
/// The most updates a unit may make: a billion at a few ns each is already seconds per unit.
pub const MAX_UPDATES: u64 = 1_000_000_000;
/// `rwlock`'s share of reads when `--read-share` is not given, percent: a read-mostly counter, the
/// case a read lock is for.
pub const DEFAULT_READ_SHARE: u32 = 90;
/// Updates per task of the write probe that measures t_u: enough that a task's fixed costs (a
/// channel's last round trip) are a small part of it, few enough that a probe of 12 tasks stays short.
pub const PROBE_UPDATES: u64 = 20_000;
/// The cpu probes' task size: they measure the parallel scaling s for `sharded` and `unguarded`.
pub const PROBE_CPU_ITERS: u64 = 1_000_000;

crate::names::name_enum! {
    /// How the units share the counter.
    #[derive(JsonSchema)]
    pub enum SyncKind {
        /// std's Mutex around the count (a process pool: a process-shared pthread mutex).
        Mutex = "mutex",
        /// tokio's Mutex: `.lock().await` on an event loop, `blocking_lock` on a thread.
        TokioMutex = "tokio-mutex",
        /// std's RwLock: `--read-share` of the operations read under the read lock, the rest update
        /// under the write lock (a process pool: a process-shared pthread rwlock).
        Rwlock = "rwlock",
        /// One atomic, `fetch_add`.
        Atomic = "atomic",
        /// A counter per unit, each on a cache line of its own, summed at the end.
        Sharded = "sharded",
        /// Every update sent to one owner thread, which applies it.
        Channel = "channel",
        /// A separate atomic load and store, no lock: updates are lost, without undefined behaviour.
        Unguarded = "unguarded",
    }
}

impl SyncKind {
    /// Whether processes can share it through memory: a pool's workers then update one mapping.
    pub fn crosses_processes(self) -> bool {
        !matches!(self, SyncKind::Channel | SyncKind::TokioMutex)
    }

    /// Whether its units may update side by side (no lock, no single owner): its ideal divides over
    /// the lanes.
    pub fn side_by_side(self) -> bool {
        matches!(self, SyncKind::Sharded | SyncKind::Unguarded)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentionParams {
    pub sync: SyncKind,
    /// Operations per unit: updates, and on `rwlock` its reads among them.
    pub updates: u64,
    /// `rwlock`: the share of operations that read, percent (0 elsewhere).
    #[serde(default)]
    pub read_share: u32,
}

impl ContentionParams {
    /// M operations per unit under `sync` (`rwlock`: with the default share of reads).
    pub fn new(sync: SyncKind, updates: u64) -> ContentionParams {
        ContentionParams {
            sync,
            updates,
            read_share: match sync {
                SyncKind::Rwlock => DEFAULT_READ_SHARE,
                _ => 0,
            },
        }
    }

    pub fn from_args(
        args: &super::WorkloadArgs,
        _seed: Option<u64>,
    ) -> Result<ContentionParams, String> {
        let a = &args.contention;
        if a.updates == 0 || a.updates > MAX_UPDATES {
            return Err(format!(
                "--updates {} is out of range: give 1 to {MAX_UPDATES}",
                a.updates
            ));
        }
        let read_share = match (a.sync, a.read_share) {
            (SyncKind::Rwlock, None) => DEFAULT_READ_SHARE,
            (SyncKind::Rwlock, Some(p)) if (0.0..=1.0).contains(&p) => (p * 100.0).round() as u32,
            (SyncKind::Rwlock, Some(p)) => {
                return Err(format!(
                    "--read-share {p} is out of range: give a share from 0 to 1 (0.9: nine \
                     operations in ten read)"
                ))
            }
            (_, Some(_)) => {
                return Err("--read-share applies to --sync rwlock only".into());
            }
            (_, None) => 0,
        };
        Ok(ContentionParams {
            sync: a.sync,
            updates: a.updates,
            read_share,
        })
    }

    /// Whether operation `op` of a unit reads (`rwlock`'s share, spread evenly over every hundred).
    pub fn reads(&self, op: u64) -> bool {
        op % 100 < self.read_share as u64
    }

    /// The updates one unit makes: its operations less its reads.
    pub fn per_unit(&self) -> u64 {
        let reads = (self.updates / 100) * self.read_share as u64
            + (self.updates % 100).min(self.read_share as u64);
        self.updates - reads
    }

    /// What `--sync` cannot run on `model`, with how to run it instead.
    pub fn refusal(&self, model: ModelKind) -> Option<String> {
        let pool = matches!(model, ModelKind::ProcessPool | ModelKind::AsyncProcessPool);
        (pool && !self.sync.crosses_processes()).then(|| {
            format!(
                "contention --sync {} lives in one process: run it with threads, thread-pool, \
                 rayon, async or sequential; {model} shares only mutex, rwlock, atomic, sharded \
                 and unguarded (through a shared mapping)",
                self.sync
            )
        })
    }

    /// The probe's parameters: the same sync and read share, [`PROBE_UPDATES`] per task, so every
    /// case of a sync shares one probe per round.
    fn probe(&self) -> ContentionParams {
        ContentionParams {
            updates: PROBE_UPDATES,
            ..self.clone()
        }
    }
}

/// contention's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ContentionArgs {
    /// contention: how the units share the counter.
    #[arg(long, value_enum, default_value_t = SyncKind::Mutex, conflicts_with = "suite")]
    pub sync: SyncKind,
    /// contention: operations (updates, and rwlock's reads) each unit makes.
    #[arg(long, default_value_t = DEFAULT_UPDATES, conflicts_with = "suite")]
    pub updates: u64,
    /// contention, --sync rwlock: the share of operations that read, 0 to 1 (default 0.9).
    #[arg(long, value_name = "P", conflicts_with = "suite")]
    pub read_share: Option<f64>,
}

impl Describe for ContentionParams {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Contention
    }

    /// `atomic-u100000`, `rwlock-r90-u100000`.
    fn id_suffix(&self) -> String {
        match self.sync {
            SyncKind::Rwlock => format!("rwlock-r{}-u{}", self.read_share, self.updates),
            sync => format!("{sync}-u{}", self.updates),
        }
    }

    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        let cal = cpu?;
        let t_u = cal.write?.alone / PROBE_UPDATES as f64;
        let ops = shape.tasks as f64 * self.updates as f64;
        let lanes = shape.lanes.cpu.min(shape.cores).max(1) as f64;
        let speedup = ideal_speedup(lanes, shape.cores, cal.scaling);
        let reads = self.read_share as f64 / 100.0;
        Some(match self.sync {
            sync if sync.side_by_side() => ops * t_u / speedup,
            SyncKind::Rwlock => ops * t_u * ((1.0 - reads) + reads / speedup),
            _ => ops * t_u,
        })
    }

    fn bottleneck(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        match self.sync.side_by_side() {
            true => Bottleneck::Cpu,
            false => Bottleneck::Shared,
        }
    }

    fn cpu_iters(&self) -> Option<u64> {
        Some(PROBE_CPU_ITERS)
    }

    fn write_probe(&self) -> Option<Params> {
        Some(Params::Contention(self.probe()))
    }

    /// t_u is one unit alone; several at once are what the cases measure, not what the ideal needs.
    fn probes_writers_together(&self) -> bool {
        false
    }

    fn refuses(&self, model: ModelKind, _tasks: usize) -> Option<String> {
        self.refusal(model)
    }

    fn client_side(&self) -> Params {
        Params::Contention(self.clone())
    }

    fn build(&self, _url: &str) -> anyhow::Result<Arc<dyn Workload>> {
        Ok(Arc::new(Contention::new(self.clone())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Lanes, WriteTimes};

    fn shape(tasks: usize, lanes: usize) -> Shape {
        Shape {
            tasks,
            lanes: Lanes {
                in_flight: lanes,
                cpu: lanes,
            },
            cores: 2,
        }
    }

    /// A probe whose task of PROBE_UPDATES took `t_u` per update, on a machine of scaling `s`.
    fn cal(t_u: f64, s: f64) -> Calibration {
        let alone = t_u * PROBE_UPDATES as f64;
        Calibration {
            t1: 0.001,
            scaling: s,
            write: Some(WriteTimes {
                alone,
                together: alone,
            }),
        }
    }

    #[test]
    fn one_lock_serialises_and_shards_divide_over_the_cores() {
        let c = cal(10e-9, 0.9);
        let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-12;
        // 8 units of 1,000 updates at 10 ns: 80 µs under one lock, whatever the lanes.
        let mutex = ContentionParams::new(SyncKind::Mutex, 1_000);
        assert!(close(mutex.ideal(&shape(8, 8), Some(c)), 80e-6));
        assert!(close(mutex.ideal(&shape(8, 1), Some(c)), 80e-6));
        // Sharded: over min(8, 2) cores at s = 0.9; one lane has all of it.
        let sharded = ContentionParams::new(SyncKind::Sharded, 1_000);
        assert!(close(sharded.ideal(&shape(8, 8), Some(c)), 80e-6 / 1.8));
        assert!(close(sharded.ideal(&shape(8, 1), Some(c)), 80e-6));
        // rwlock at 90 % reads: the tenth that updates serialises, the reads spread.
        let rw = ContentionParams::new(SyncKind::Rwlock, 1_000);
        assert!(close(rw.ideal(&shape(8, 8), Some(c)), 80e-6 * (0.1 + 0.9 / 1.8)));
        // No probe yet, no ideal.
        assert_eq!(mutex.ideal(&shape(8, 8), None), None);
        let no_write = Calibration { write: None, ..c };
        assert_eq!(mutex.ideal(&shape(8, 8), Some(no_write)), None);
    }

    #[test]
    fn a_units_updates_are_its_operations_less_its_reads() {
        assert_eq!(ContentionParams::new(SyncKind::Atomic, 1_000).per_unit(), 1_000);
        let rw = ContentionParams::new(SyncKind::Rwlock, 1_000);
        assert_eq!(rw.per_unit(), 100);
        assert_eq!((0..1_000).filter(|&op| !rw.reads(op)).count(), 100);
        // A partial hundred: its first 90 read.
        let odd = ContentionParams {
            updates: 1_095,
            ..rw
        };
        assert_eq!(odd.per_unit(), 105);
        assert_eq!((0..1_095).filter(|&op| !odd.reads(op)).count(), 105);
    }

    #[test]
    fn pools_are_refused_what_lives_in_one_process() {
        let channel = ContentionParams::new(SyncKind::Channel, 10);
        let why = channel.refusal(ModelKind::ProcessPool).unwrap();
        assert!(why.contains("threads") && why.contains("atomic"), "{why}");
        assert_eq!(channel.refusal(ModelKind::Threads), None);
        let atomic = ContentionParams::new(SyncKind::Atomic, 10);
        assert_eq!(atomic.refusal(ModelKind::ProcessPool), None);
        assert_eq!(atomic.id_suffix(), "atomic-u10");
        let rw = ContentionParams::new(SyncKind::Rwlock, 10);
        assert_eq!(rw.id_suffix(), "rwlock-r90-u10");
    }
}
