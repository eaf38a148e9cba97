//! `convoy`: GETs beside counting tasks in one job — the threading and multiprocessing article's
//! convoy effect. `io_tasks` GETs of the server's delay d and `cpu_tasks` counting loops (cpu's loop,
//! sized in time like mixed's CPU part) are submitted at once, in an order drawn from a seed (the
//! *mix*), so every model meets the same job. The question is not the makespan but how much later the
//! GETs' answers are read because the counting holds the cores, the event loop or the GIL: the case's
//! service latency holds the GETs alone (a counting task has none), and its ideal is d.
//!
//! Ideal (makespan): the larger of ⌈N_io / k⌉ × d, the GETs overlapping as far as the model's k lets
//! them, and the counting's compute bound N_cpu × t₁ / (min(k_cpu, cores) × s).

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
    "GETs of d beside counting tasks, submitted at once in a seeded order (--io-tasks, --cpu-tasks, --cpu-time): the convoy";
/// The seed of the mix when the run gives none: suites use it, so the mix compares across machines.
pub const DEFAULT_SEED: u64 = 0xc0_4f0e;
pub const DEFAULT_IO_TASKS: usize = 20;
pub const DEFAULT_CPU_TASKS: usize = 4;
pub const DEFAULT_CPU_MS: u64 = 100;
/// The most tasks of either kind a case may ask for: the mix is drawn as a list of this length at most.
pub const MAX_TASKS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvoyParams {
    /// GETs in the job; the case's N is `io_tasks + cpu_tasks`.
    pub io_tasks: usize,
    /// Counting tasks in the job (0: the GETs alone, the baseline).
    pub cpu_tasks: usize,
    /// The seed of the mix: which task numbers count and which GET.
    pub seed: u64,
    /// A counting task's intended time, milliseconds; the run sizes `cpu_iters` to it.
    pub cpu_ms: u64,
    /// A counting task's iterations: 0 until the run has sized it on this machine.
    pub cpu_iters: u64,
    /// The GET.
    pub io: IoParams,
}

/// convoy's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ConvoyArgs {
    /// convoy: the GETs in the job (give `--tasks` = GETs + counting tasks).
    #[arg(long, default_value_t = DEFAULT_IO_TASKS, conflicts_with = "suite")]
    pub io_tasks: usize,
    /// convoy: the counting tasks in the job (0: the GETs alone).
    #[arg(long, default_value_t = DEFAULT_CPU_TASKS, conflicts_with = "suite")]
    pub cpu_tasks: usize,
}

impl ConvoyParams {
    /// `io_tasks` GETs of `/` against `server` beside `cpu_tasks` counting tasks of 100 ms each.
    pub fn new(server: ServerPlan, io_tasks: usize, cpu_tasks: usize) -> ConvoyParams {
        ConvoyParams {
            io_tasks,
            cpu_tasks,
            seed: DEFAULT_SEED,
            cpu_ms: DEFAULT_CPU_MS,
            cpu_iters: 0,
            io: IoParams::new(server),
        }
    }

    pub fn from_args(
        args: &super::WorkloadArgs,
        seed: Option<u64>,
    ) -> Result<ConvoyParams, String> {
        let mut io = IoParams::from_args(args, seed)?;
        // Unbounded unless told otherwise: every GET is answered after d, whatever else is in flight.
        io.server_workers = Some(args.io.server_workers.unwrap_or(0));
        let own = &args.convoy;
        if own.io_tasks == 0 || own.io_tasks > MAX_TASKS || own.cpu_tasks > MAX_TASKS {
            return Err(format!(
                "--io-tasks must be 1..={MAX_TASKS} and --cpu-tasks at most {MAX_TASKS}"
            ));
        }
        let (cpu_ms, cpu_iters) = match (args.cpu_ms()?, args.cpu_iters) {
            (Some(ms), _) => (ms, 0),
            (None, iters) if iters != super::DEFAULT_CPU_ITERS => {
                check_iters(iters)?;
                (0, iters)
            }
            (None, _) => (DEFAULT_CPU_MS, 0),
        };
        Ok(ConvoyParams {
            io_tasks: own.io_tasks,
            cpu_tasks: own.cpu_tasks,
            seed: seed.unwrap_or(DEFAULT_SEED),
            cpu_ms,
            cpu_iters,
            io,
        })
    }

    /// The job's tasks in submission order, `true` where the task counts: a seeded shuffle of
    /// `cpu_tasks` counting tasks among `io_tasks` GETs, the same for every model and every run with
    /// this seed.
    pub fn mix(&self) -> Vec<bool> {
        let n = self.io_tasks + self.cpu_tasks;
        let mut mix: Vec<bool> = (0..n).map(|i| i < self.cpu_tasks).collect();
        let mut rng = Rng::new(self.seed);
        // Fisher–Yates, from the end.
        for i in (1..n).rev() {
            mix.swap(i, rng.below(i + 1));
        }
        mix
    }

    /// The time a GET's answer takes at best: the server's delay d.
    pub fn io_ideal(&self) -> Option<Duration> {
        self.io.request_delay()
    }

    /// The GETs alone: the same job without its counting tasks, the baseline of the mix.
    pub fn alone(&self) -> ConvoyParams {
        ConvoyParams {
            cpu_tasks: 0,
            ..self.clone()
        }
    }
}

/// A latency's inflation: `latency` over `reference` (d, or the same GETs alone); None when the
/// reference is not a positive time.
pub fn inflation(latency: f64, reference: f64) -> Option<f64> {
    (reference > 0.0 && latency.is_finite() && reference.is_finite()).then(|| latency / reference)
}

impl Describe for ConvoyParams {
    /// A counting task's work is its CPU part; a GET's, the server's delay.
    fn nominal(&self, task: u64) -> Option<crate::ledger::path::Nominal> {
        Some(match self.mix().get(task as usize).copied().unwrap_or(false) {
            true => crate::ledger::path::Nominal {
                cpu: true,
                ..Default::default()
            },
            false => crate::ledger::path::Nominal {
                serve: self.io.request_delay()?.as_nanos() as u64,
                ..Default::default()
            },
        })
    }

    /// The same mix as the Rust models, task by task; the counting as a time, which Python sizes on
    /// its own loop (~100× slower than Rust's), or the iterations when they were given.
    fn python(&self, url: &str, tasks: usize) -> Option<serde_json::Value> {
        let mut doc = self.io.python(url, tasks)?;
        doc["workload"] = "convoy".into();
        doc["counts"] = self.mix().into();
        match self.cpu_ms {
            0 => doc["cpu_iters"] = self.cpu_iters.into(),
            ms => doc["cpu_s"] = (ms as f64 / 1e3).into(),
        }
        Some(doc)
    }

    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Convoy
    }

    fn id_suffix(&self) -> String {
        let cpu = match self.cpu_ms {
            0 => format!("i{}", self.cpu_iters),
            ms => format!("c{ms}ms"),
        };
        format!(
            "{}-io{}-cpu{}-{cpu}",
            self.io.id_suffix(),
            self.io_tasks,
            self.cpu_tasks
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

    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        // A case whose N is not the job's would run another mix than its id says.
        if shape.tasks != self.io_tasks + self.cpu_tasks {
            return None;
        }
        // No more GETs in flight than the model's lanes: ⌈N_io / k⌉ rounds of d.
        let io = Shape {
            tasks: self.io_tasks,
            ..*shape
        };
        let waiting = io.waves(shape.lanes.in_flight) * self.io.request_delay()?.as_secs_f64();
        if self.cpu_tasks == 0 {
            return Some(waiting);
        }
        let counting = Shape {
            tasks: self.cpu_tasks,
            ..*shape
        };
        Some(waiting.max(compute_bound(&counting, cpu?)))
    }

    fn bottleneck(&self, shape: &Shape, cpu: Option<Calibration>) -> Bottleneck {
        let cpu = cpu.unwrap_or(Calibration {
            t1: self.cpu_ms as f64 / 1e3,
            scaling: 1.0,
            write: None,
        });
        let counting = Shape {
            tasks: self.cpu_tasks,
            ..*shape
        };
        let waiting = self.io.request_delay().unwrap_or_default().as_secs_f64();
        if self.cpu_tasks > 0 && compute_bound(&counting, cpu) >= waiting {
            Bottleneck::Cpu
        } else {
            Bottleneck::Client
        }
    }

    /// The GETs alone need no CPU probe: their ideal is d.
    fn cpu_iters(&self) -> Option<u64> {
        (self.cpu_tasks > 0 && self.cpu_iters > 0).then_some(self.cpu_iters)
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
        Params::Convoy(ConvoyParams {
            io,
            // Sized by time, the iterations are the machine's, not the case's.
            cpu_iters: if self.cpu_ms > 0 { 0 } else { self.cpu_iters },
            ..self.clone()
        })
    }

    fn build(&self, url: &str) -> anyhow::Result<Arc<dyn super::Workload>> {
        anyhow::ensure!(
            self.cpu_tasks == 0 || self.cpu_iters > 0,
            "convoy: the counting was not sized (cpu_iters 0); the run sizes it before any case starts"
        );
        Ok(Arc::new(Convoy {
            mix: self.mix(),
            iters: self.cpu_iters,
            io: self.io.build_io(url)?,
        }))
    }
}

/// The convoy job: task i counts where the mix says so and GETs otherwise (tasks past the mix GET).
pub struct Convoy {
    mix: Vec<bool>,
    iters: u64,
    io: super::io::Io,
}

impl Convoy {
    fn counts(&self, task: u64) -> bool {
        self.mix.get(task as usize).copied().unwrap_or(false)
    }
}

impl super::Workload for Convoy {
    fn blocking(&self, task: u64) -> TaskResult {
        if self.counts(task) {
            counted(self.iters)
        } else {
            self.io.get_blocking(task)
        }
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            if self.counts(task) {
                // On the runtime's own thread: while it counts, the answers that thread would
                // read wait.
                counted(self.iters)
            } else {
                self.io.get_async(task).await
            }
        })
    }

    fn run_async_offloaded(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            if !self.counts(task) {
                return self.io.get_async(task).await;
            }
            counted_offloaded(self.iters).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Lanes;

    fn params() -> ConvoyParams {
        ConvoyParams::new(
            ServerPlan {
                workers: 0,
                delay: Duration::from_millis(100),
            },
            20,
            4,
        )
    }

    #[test]
    fn the_ideal_is_d_alone_and_the_counting_when_it_outlasts_d() {
        let p = params();
        let cal = Calibration {
            t1: 0.1,
            scaling: 1.0,
            write: None,
        };
        let shape = |tasks, cpu| Shape {
            tasks,
            lanes: Lanes {
                in_flight: tasks,
                cpu,
            },
            cores: 2,
        };
        assert_eq!(p.alone().ideal(&shape(20, 20), None), Some(0.1));
        // One loop: four counts one after another; two cores: two at a time.
        assert!((p.ideal(&shape(24, 1), Some(cal)).unwrap() - 0.4).abs() < 1e-9);
        assert!((p.ideal(&shape(24, 24), Some(cal)).unwrap() - 0.2).abs() < 1e-9);
        // Eight GETs at a time: three rounds of d.
        let pool = Shape {
            lanes: Lanes::bounded(24, 8),
            ..shape(24, 8)
        };
        assert!((p.ideal(&pool, Some(cal)).unwrap() - 0.3).abs() < 1e-9);
        assert_eq!(p.ideal(&shape(24, 1), None), None);
        // Another N than the job's is another job.
        assert_eq!(p.ideal(&shape(30, 1), Some(cal)), None);
        assert_eq!(p.bottleneck(&shape(24, 1), None), Bottleneck::Cpu);
        assert_eq!(
            p.alone().bottleneck(&shape(20, 20), None),
            Bottleneck::Client
        );
    }

    #[test]
    fn inflation_is_a_ratio_to_a_positive_reference() {
        assert_eq!(inflation(0.3, 0.1).map(|x| (x * 1e9).round()), Some(3e9));
        assert_eq!(inflation(0.3, 0.0), None);
        assert_eq!(inflation(f64::NAN, 0.1), None);
    }
}
