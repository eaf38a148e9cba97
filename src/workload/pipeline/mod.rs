//! `pipeline`: Effective Python's item 55 — items flow through three stages joined by bounded queues:
//! `download` (a GET held `download_ms` by the server), `resize` (counting, sized in time),
//! `upload` (a GET held `upload_ms`), with 3, 4 and 5 workers by default. A task is one item; the
//! models that can run a pipeline (threads, async) start the stage workers and close each queue when the
//! stage before it is done, so no sentinel is needed and every item comes out exactly once.
//!
//! Ideal: the slowest stage bounds the flow. Stage i moves lanesᵢ / tᵢ items a second (the resize stage
//! on at most `cores` of its workers, at the machine's parallel scaling); N items take N / minᵢ(lanesᵢ /
//! tᵢ), plus the other stages' time for the last item to get through (fill and drain).

pub mod suite;

use super::cpu::{check_iters, count_to};
use super::WorkloadKind;
use super::{
    Calibration, Describe, IoParams, Params, ServerPlan, Shape, Stages, TaskFuture, TaskResult,
};
use crate::names::Bottleneck;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

pub const ABOUT: &str =
    "items through download (GET) → resize (count) → upload (GET) stages on bounded queues, 3/4/5 workers";
pub const STAGES: [&str; 3] = ["download", "resize", "upload"];

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineParams {
    /// Workers of each stage: download, resize, upload.
    pub workers: [usize; 3],
    /// Capacity of each queue between stages (and before the first).
    pub queue: usize,
    /// How long the server holds a download and an upload, milliseconds.
    pub download_ms: u64,
    pub upload_ms: u64,
    /// The resize stage's intended time per item, milliseconds; the run sizes `cpu_iters` to it.
    pub cpu_ms: u64,
    /// The resize stage's iterations: 0 until the run has sized it on this machine.
    pub cpu_iters: u64,
    /// The server and client (its path is set per stage).
    pub io: IoParams,
}

/// pipeline's own flags.
#[derive(Debug, Clone, clap::Args)]
pub struct PipelineArgs {
    /// pipeline: workers of the download, resize and upload stages (default 3,4,5).
    #[arg(long, value_delimiter = ',', value_name = "D,R,U", conflicts_with = "suite")]
    pub stage_workers: Option<Vec<usize>>,
    /// pipeline: capacity of each queue between stages (default 8).
    #[arg(long, conflicts_with = "suite")]
    pub queue: Option<usize>,
}

impl PipelineParams {
    /// The book's shape: 3 downloaders (5 ms), 4 resizers (2 ms of counting), 5 uploaders (6 ms),
    /// queues of 8, against an unbounded server. Downloading bounds it (600 items/s, against 1,000 and
    /// 833), and 1,000 items take under 2 s: the report's budget allows it.
    pub fn new(server: ServerPlan) -> PipelineParams {
        PipelineParams {
            workers: [3, 4, 5],
            queue: 8,
            download_ms: 5,
            upload_ms: 6,
            cpu_ms: 2,
            cpu_iters: 0,
            io: IoParams::new(server),
        }
    }

    pub fn from_args(
        args: &super::WorkloadArgs,
        seed: Option<u64>,
    ) -> Result<PipelineParams, String> {
        let mut io = IoParams::from_args(args, seed)?;
        io.server_workers = Some(args.io.server_workers.unwrap_or(0));
        let mut p = PipelineParams {
            io,
            ..PipelineParams::new(ServerPlan {
                workers: 0,
                delay: Duration::ZERO,
            })
        };
        if let Some(w) = &args.pipeline.stage_workers {
            if w.len() != 3 || w.iter().any(|&n| n == 0 || n > 1_000) {
                return Err(format!(
                    "--stage-workers {w:?}: give three counts in 1..=1000, e.g. 3,4,5"
                ));
            }
            p.workers = [w[0], w[1], w[2]];
        }
        if let Some(q) = args.pipeline.queue {
            if q == 0 || q > 100_000 {
                return Err(format!("--queue {q} is out of range 1..=100000"));
            }
            p.queue = q;
        }
        if let Some(ms) = args.cpu_ms()? {
            p.cpu_ms = ms;
        } else if args.cpu_iters != super::DEFAULT_CPU_ITERS {
            check_iters(args.cpu_iters)?;
            (p.cpu_ms, p.cpu_iters) = (0, args.cpu_iters);
        }
        Ok(p)
    }

    /// Each stage's time per item, seconds, with the resize stage's as calibrated.
    fn stage_times(&self, cpu: Calibration) -> [f64; 3] {
        [
            self.download_ms as f64 / 1e3,
            cpu.t1,
            self.upload_ms as f64 / 1e3,
        ]
    }

    /// Items a second each stage can move: its lanes over its time per item.
    fn throughputs(&self, shape: &Shape, cpu: Calibration) -> [f64; 3] {
        let t = self.stage_times(cpu);
        let resize_lanes = self.workers[1].min(shape.cores).max(1);
        let s = if resize_lanes > 1 { cpu.scaling } else { 1.0 };
        [
            self.workers[0] as f64 / t[0],
            resize_lanes as f64 * s / t[1],
            self.workers[2] as f64 / t[2],
        ]
    }

    /// The stage that bounds the flow (0, 1 or 2).
    pub fn slowest_stage(&self, shape: &Shape, cpu: Calibration) -> usize {
        let rates = self.throughputs(shape, cpu);
        (0..3)
            .min_by(|&a, &b| rates[a].total_cmp(&rates[b]))
            .unwrap_or(0)
    }

    fn path(&self, stage: usize) -> String {
        format!(
            "/delay/{}",
            if stage == 0 {
                self.download_ms
            } else {
                self.upload_ms
            }
        )
    }
}

impl Describe for PipelineParams {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Pipeline
    }

    fn id_suffix(&self) -> String {
        let cpu = match self.cpu_ms {
            0 => format!("i{}", self.cpu_iters),
            ms => format!("c{ms}ms"),
        };
        let [d, r, u] = self.workers;
        format!(
            "{}-s{d}.{r}.{u}-q{}-{}ms-{cpu}-{}ms",
            self.io.id_suffix(),
            self.queue,
            self.download_ms,
            self.upload_ms
        )
    }

    fn server(&self) -> Option<ServerPlan> {
        self.io.server()
    }

    fn io(&self) -> Option<&IoParams> {
        Some(&self.io)
    }

    /// None: each stage requests a path of its own, named in the case id.
    fn path(&self) -> Option<&str> {
        None
    }

    fn io_mut(&mut self) -> Option<&mut IoParams> {
        Some(&mut self.io)
    }

    fn ideal(&self, shape: &Shape, cpu: Option<Calibration>) -> Option<f64> {
        let cpu = cpu?;
        let rates = self.throughputs(shape, cpu);
        let slowest = self.slowest_stage(shape, cpu);
        let times = self.stage_times(cpu);
        let through: f64 = (0..3).filter(|&i| i != slowest).map(|i| times[i]).sum();
        Some(shape.tasks as f64 / rates[slowest] + through)
    }

    fn bottleneck(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        Bottleneck::Stage
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

    fn sockets(&self, _shape: &Shape) -> u64 {
        (self.workers[0] + self.workers[2]) as u64
    }



    fn client_side(&self) -> Params {
        let io = match self.io.client_side() {
            Params::Io(io) => io,
            _ => unreachable!("io's client side is io"),
        };
        Params::Pipeline(PipelineParams {
            io,
            cpu_iters: if self.cpu_ms > 0 { 0 } else { self.cpu_iters },
            ..self.clone()
        })
    }

    fn stage_workers(&self) -> Option<usize> {
        Some(self.workers.iter().sum())
    }

    fn build(&self, url: &str) -> anyhow::Result<Arc<dyn super::Workload>> {
        anyhow::ensure!(
            self.cpu_iters > 0,
            "pipeline: the resize stage was not sized (cpu_iters 0); the run sizes it first"
        );
        let get = |stage: usize| {
            IoParams {
                path: self.path(stage),
                ..self.io.clone()
            }
            .build_io(url)
        };
        Ok(Arc::new(Pipeline {
            params: self.clone(),
            download: get(0)?,
            upload: get(2)?,
        }))
    }
}

/// The pipeline task set: two clients (download, upload) and the resize count.
pub struct Pipeline {
    params: PipelineParams,
    download: super::io::Io,
    upload: super::io::Io,
}

impl Stages for Pipeline {
    fn workers(&self) -> [usize; 3] {
        self.params.workers
    }

    fn queue(&self) -> usize {
        self.params.queue
    }

    fn blocking(&self, stage: usize, item: u64) -> TaskResult {
        match stage {
            0 => self.download.get_blocking(item),
            1 => TaskResult::ok(count_to(self.params.cpu_iters)),
            _ => self.upload.get_blocking(item),
        }
    }

    fn run_async(&self, stage: usize, item: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            match stage {
                0 => self.download.get_async(item).await,
                1 => TaskResult::ok(count_to(self.params.cpu_iters)),
                _ => self.upload.get_async(item).await,
            }
        })
    }
}

impl super::Workload for Pipeline {
    /// An item through all three stages in a row, for models that are not pipelines (refused up front;
    /// this keeps the trait total).
    fn blocking(&self, task: u64) -> TaskResult {
        let mut last = TaskResult::ok(0);
        for stage in 0..3 {
            last = Stages::blocking(self, stage, task);
            if last.outcome.is_err() {
                break;
            }
        }
        last
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            let mut last = TaskResult::ok(0);
            for stage in 0..3 {
                last = Stages::run_async(self, stage, task).await;
                if last.outcome.is_err() {
                    break;
                }
            }
            last
        })
    }

    fn stages(&self) -> Option<&dyn Stages> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Lanes;

    #[test]
    fn the_slowest_stage_bounds_the_flow() {
        let p = PipelineParams::new(ServerPlan {
            workers: 0,
            delay: Duration::ZERO,
        });
        let shape = Shape {
            tasks: 1000,
            lanes: Lanes {
                in_flight: 1000,
                cpu: 2,
            },
            cores: 2,
        };
        let cal = Calibration {
            t1: 0.004,
            scaling: 1.0,
            write: None,
        };
        // 3 / 5 ms = 600 items/s; 2 / 4 ms = 500; 5 / 6 ms = 833: resizing on 2 cores bounds it.
        assert_eq!(p.slowest_stage(&shape, cal), 1);
        let ideal = p.ideal(&shape, Some(cal)).unwrap();
        assert!(
            (ideal - (1000.0 / 500.0 + 0.005 + 0.006)).abs() < 1e-9,
            "{ideal}"
        );
        let quick = Calibration { t1: 0.002, ..cal };
        assert_eq!(
            p.slowest_stage(&shape, quick),
            0,
            "at 2 ms, downloading bounds it"
        );
        // A slow resize (20 ms on 2 cores = 100 items/s) takes over.
        let slow = Calibration { t1: 0.020, ..cal };
        assert_eq!(p.slowest_stage(&shape, slow), 1);
        assert_eq!(p.bottleneck(&shape, None), Bottleneck::Stage);
        assert_eq!(p.id_suffix(), "winf-0s-s3.4.5-q8-5ms-c2ms-6ms");
    }
}
