//! `mixed`: the aiomultiprocess article's task — wait a random 0.2–0.7 s, GET the server, then count.
//! The waits are drawn per task number from a seed, so every model sees the same waits. The counting is
//! sized in time (`cpu_ms`, 45 ms by default: a tenth of the mean wait, enough CPU that one event loop
//! doing all of it falls visibly behind while the whole suite stays inside the report's budget); the run
//! turns it into iterations on the machine it runs on and records them.
//!
//! Ideal: the larger of two bounds. Waiting overlaps: with k tasks in flight no schedule beats
//! max(longest wait + request + CPU part, Σ (wait + request + CPU part) / k, ⌈N / min(k, W)⌉ ×
//! request + CPU part) — W server workers serve one request each at a time. Computing does not: N × t_cpu /
//! (min(k_cpu, cores) × s), t_cpu the calibrated time of the CPU part.

pub mod advice_suite;
pub mod article;
pub mod suite;

use super::cpu::{check_iters, compute_bound, counted, counted_offloaded};
use super::WorkloadKind;
use super::{Calibration, Describe, IoParams, Params, ServerPlan, Shape, TaskFuture, TaskResult};
use crate::names::Bottleneck;
use crate::rng::Rng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

pub const ABOUT: &str =
    "wait a seeded random 0.2–0.7 s, GET the server, then count (--cpu-time, 45ms): the aiomultiprocess article";
/// The seed of the waits when the run gives none: suites use it, so waits compare across machines.
pub const DEFAULT_SEED: u64 = 0x5eed;
pub const DEFAULT_CPU_MS: u64 = 45;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MixedParams {
    /// Each task's wait is drawn uniformly from [wait_min_ms, wait_max_ms).
    pub wait_min_ms: u64,
    pub wait_max_ms: u64,
    /// The seed of the waits.
    pub seed: u64,
    /// The CPU part's intended time, milliseconds; the run sizes `cpu_iters` to it.
    pub cpu_ms: u64,
    /// The CPU part's iterations: 0 until the run has sized it on this machine.
    pub cpu_iters: u64,
    /// The GET.
    pub io: IoParams,
}

impl MixedParams {
    /// The article's task against `server`: waits of 0.2–0.7 s, a GET of `/delay/0`, 45 ms of counting.
    pub fn new(server: ServerPlan) -> MixedParams {
        MixedParams {
            wait_min_ms: 200,
            wait_max_ms: 700,
            seed: DEFAULT_SEED,
            cpu_ms: DEFAULT_CPU_MS,
            cpu_iters: 0,
            io: IoParams {
                path: "/delay/0".into(),
                ..IoParams::new(server)
            },
        }
    }

    pub fn from_args(args: &super::WorkloadArgs, seed: Option<u64>) -> Result<MixedParams, String> {
        let mut io = IoParams::from_args(args, seed)?;
        if args.io.path == "/" {
            io.path = "/delay/0".into();
        }
        // An unbounded server unless told otherwise: the article's server answers at once.
        io.server_workers = Some(args.io.server_workers.unwrap_or(0));
        // Sized in time unless --cpu-iters says how many iterations.
        let (cpu_ms, cpu_iters) = match (args.cpu_ms()?, args.cpu_iters) {
            (Some(ms), _) => (ms, 0),
            (None, iters) if iters != super::DEFAULT_CPU_ITERS => {
                check_iters(iters)?;
                (0, iters)
            }
            (None, _) => (DEFAULT_CPU_MS, 0),
        };
        Ok(MixedParams {
            seed: seed.unwrap_or(DEFAULT_SEED),
            cpu_ms,
            cpu_iters,
            io,
            ..MixedParams::new(ServerPlan {
                workers: 0,
                delay: Duration::ZERO,
            })
        })
    }

    /// Task `task`'s wait: the same for every model, every run with this seed.
    pub fn wait(&self, task: u64) -> Duration {
        let unit = Rng::new(self.seed ^ task.wrapping_mul(0x9e37_79b9_7f4a_7c15)).unit();
        let span = self.wait_max_ms.saturating_sub(self.wait_min_ms) as f64;
        Duration::from_secs_f64((self.wait_min_ms as f64 + span * unit) / 1e3)
    }
}

impl Describe for MixedParams {
    /// The same waits as the Rust models, task by task; the CPU part as a time, which Python sizes on
    /// its own loop (~100× slower than Rust's), or the iterations when they were given.
    fn python(&self, url: &str, tasks: usize) -> Option<serde_json::Value> {
        let mut doc = self.io.python(url, tasks)?;
        doc["workload"] = "mixed".into();
        let waits: Vec<f64> = (0..tasks as u64)
            .map(|i| self.wait(i).as_secs_f64())
            .collect();
        doc["waits_s"] = waits.into();
        match self.cpu_ms {
            0 => doc["cpu_iters"] = self.cpu_iters.into(),
            ms => doc["cpu_s"] = (ms as f64 / 1e3).into(),
        }
        Some(doc)
    }

    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Mixed
    }

    fn id_suffix(&self) -> String {
        let cpu = match self.cpu_ms {
            0 => format!("i{}", self.cpu_iters),
            ms => format!("c{ms}ms"),
        };
        format!(
            "{}-{}ms-{cpu}",
            self.io.id_suffix(),
            self.wait_min_ms.max(self.wait_max_ms)
        )
    }

    fn server(&self) -> Option<ServerPlan> {
        self.io.server()
    }

    fn io(&self) -> Option<&IoParams> {
        Some(&self.io)
    }

    fn io_mut(&mut self) -> Option<&mut IoParams> {
        Some(&mut self.io)
    }

    fn nominal(&self, task: u64) -> Option<crate::ledger::path::Nominal> {
        Some(crate::ledger::path::Nominal {
            serve: self.io.request_delay().unwrap_or_default().as_nanos() as u64,
            own: self.wait(task).as_nanos() as u64,
            cpu: true,
        })
    }

    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        let cpu = cpu?;
        let request = self.io.request_delay().unwrap_or_default().as_secs_f64();
        let per_task = |i: u64| self.wait(i).as_secs_f64() + request + cpu.t1;
        let tasks = 0..shape.tasks as u64;
        let longest = tasks.clone().map(per_task).fold(0.0, f64::max);
        let total: f64 = tasks.map(per_task).sum();
        // W server workers hold one request each: ⌈N / min(k, W)⌉ waves of the request at least,
        // then the last one's CPU part.
        let w = match self.io.server_workers {
            Some(w) if w > 0 => w,
            _ => usize::MAX,
        };
        let served = shape.waves(shape.lanes.in_flight.max(1).min(w)) * request + cpu.t1;
        let waiting = longest
            .max(total / shape.lanes.in_flight.max(1) as f64)
            .max(served);
        Some(waiting.max(compute_bound(shape, cpu)))
    }

    fn bottleneck(&self, shape: &Shape, cpu: Option<Calibration>) -> Bottleneck {
        // Without a calibration the CPU part's time is its intended one.
        let cpu = cpu.unwrap_or(Calibration {
            t1: self.cpu_ms as f64 / 1e3,
            scaling: 1.0,
            write: None,
        });
        let computing = compute_bound(shape, cpu);
        let waiting = self.ideal(shape, Some(cpu)).unwrap_or(0.0);
        if computing >= waiting {
            Bottleneck::Cpu
        } else {
            Bottleneck::Client
        }
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

    fn client_side(&self) -> Params {
        let io = match self.io.client_side() {
            Params::Io(io) => io,
            _ => unreachable!("io's client side is io"),
        };
        Params::Mixed(MixedParams {
            io,
            // Sized by time, the iterations are the machine's, not the case's.
            cpu_iters: if self.cpu_ms > 0 { 0 } else { self.cpu_iters },
            ..self.clone()
        })
    }

    fn build(&self, url: &str) -> anyhow::Result<Arc<dyn super::Workload>> {
        anyhow::ensure!(
            self.cpu_iters > 0,
            "mixed: the CPU part was not sized (cpu_iters 0); the run sizes it before any case starts"
        );
        let io = self.io.build_io(url)?;
        Ok(Arc::new(Mixed {
            params: self.clone(),
            io,
        }))
    }
}

/// The mixed task: a wait, a GET with the case's client, a count.
pub struct Mixed {
    params: MixedParams,
    io: super::io::Io,
}

impl Mixed {
    /// The task's result: the GET's request and the count's value and CPU part.
    fn after_get(got: TaskResult, count: TaskResult) -> TaskResult {
        TaskResult {
            outcome: count.outcome,
            part: count.part,
            ..got
        }
    }
}

impl super::Workload for Mixed {
    fn blocking(&self, task: u64) -> TaskResult {
        std::thread::sleep(self.params.wait(task));
        let got = self.io.get_blocking(task);
        if got.outcome.is_err() {
            return got;
        }
        Self::after_get(got, counted(self.params.cpu_iters))
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            tokio::time::sleep(self.params.wait(task)).await;
            let got = self.io.get_async(task).await;
            if got.outcome.is_err() {
                return got;
            }
            // Counted on the event loop's own thread: while it counts, no other task advances.
            Self::after_get(got, counted(self.params.cpu_iters))
        })
    }

    fn run_async_offloaded(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            tokio::time::sleep(self.params.wait(task)).await;
            let got = self.io.get_async(task).await;
            if got.outcome.is_err() {
                return got;
            }
            Self::after_get(got, counted_offloaded(self.params.cpu_iters).await)
        })
    }

    fn steps(&self, task: u64) -> Option<super::Steps<'_>> {
        Some(super::Steps {
            wait: self.params.wait(task),
            get: Some(self.io.plain()?),
            count: self.params.cpu_iters,
        })
    }

    fn verify(&self, value: u64) -> Result<(), String> {
        if value == self.params.cpu_iters {
            Ok(())
        } else {
            Err(format!(
                "a mixed task counted to {value}, not {}",
                self.params.cpu_iters
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Lanes;

    fn params() -> MixedParams {
        MixedParams::new(ServerPlan {
            workers: 0,
            delay: Duration::ZERO,
        })
    }

    #[test]
    fn the_same_seed_gives_every_model_the_same_waits() {
        let p = params();
        let waits: Vec<Duration> = (0..30).map(|i| p.wait(i)).collect();
        assert_eq!(waits, (0..30).map(|i| params().wait(i)).collect::<Vec<_>>());
        assert!(waits
            .iter()
            .all(|w| (200..700).contains(&(w.as_millis() as u64))));
        let mean = waits.iter().map(|w| w.as_secs_f64()).sum::<f64>() / 30.0;
        assert!((0.35..0.55).contains(&mean), "{mean}");
        let other = MixedParams { seed: 7, ..p };
        assert_ne!(waits[0], other.wait(0));
    }

    #[test]
    fn the_ideal_is_the_larger_of_waiting_and_computing() {
        let p = params();
        let cal = Calibration {
            t1: 0.045,
            scaling: 1.0,
            write: None,
        };
        let shape = |in_flight, cpu| Shape {
            tasks: 30,
            lanes: Lanes { in_flight, cpu },
            cores: 2,
        };
        let longest = (0..30).map(|i| p.wait(i).as_secs_f64()).fold(0.0, f64::max);
        // One event loop: every wait overlaps, all 30 CPU parts run one after another.
        let single = p.ideal(&shape(30, 1), Some(cal)).unwrap();
        assert!((single - (30.0 * 0.045f64).max(longest + 0.045)).abs() < 1e-9);
        // Two processes, 16 tasks each in flight: the waits bound it.
        let pool = p.ideal(&shape(30, 2), Some(cal)).unwrap();
        assert!((pool - (longest + 0.045)).abs() < 1e-9, "{pool}");
        assert!(single > pool);
        // Against 3 server workers the requests come in ⌈30 / 3⌉ waves, whatever the client's k.
        let slow = MixedParams {
            wait_min_ms: 0,
            wait_max_ms: 0,
            io: IoParams::new(ServerPlan {
                workers: 3,
                delay: Duration::from_millis(100),
            }),
            ..params()
        };
        let served = slow.ideal(&shape(30, 2), Some(cal)).unwrap();
        assert!((served - (10.0 * 0.1 + 0.045)).abs() < 1e-9, "{served}");
        assert_eq!(p.bottleneck(&shape(30, 1), None), Bottleneck::Cpu);
        assert_eq!(p.bottleneck(&shape(30, 2), None), Bottleneck::Client);
    }
}
