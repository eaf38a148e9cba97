//! Suites and cases: what to run, with which parameters, and each case's ideal — the makespan physics
//! allows — and bottleneck, known before anything runs (for `cpu`, given the calibrated t₁).

use crate::model::{Lanes, ModelKind};
use crate::workload::{IoOptions, WorkloadKind, WorkloadSpec};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The named suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// The talk's clients against 3 workers and 1 s.
    Seed,
    /// N from 1 to 243 for every model, against W = 9 and an unbounded server, 100 ms.
    IoSweep,
    /// N = 64, k from 1 to 64 for the bounded models, unbounded server, 200 ms.
    LimitSweep,
    /// 32 CPU tasks, k from 1 to 8.
    Cpu,
    /// Peak RSS per concurrent task: sleep 1 s at up to 10,000 tasks.
    Memory,
    /// All of the above, with repetitions sized for `make report`.
    Default,
}

impl Suite {
    pub const ALL: [Suite; 6] = [
        Suite::Seed,
        Suite::IoSweep,
        Suite::LimitSweep,
        Suite::Cpu,
        Suite::Memory,
        Suite::Default,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Suite::Seed => "seed",
            Suite::IoSweep => "io-sweep",
            Suite::LimitSweep => "limit-sweep",
            Suite::Cpu => "cpu",
            Suite::Memory => "memory",
            Suite::Default => "default",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            Suite::Seed => {
                "the talk: sequential, threads, async, semaphore, process pool vs 3 workers, 1 s"
            }
            Suite::IoSweep => "makespan vs N (1..243) for every model, W = 9 and unbounded, 100 ms",
            Suite::LimitSweep => "makespan vs k (1..64) for the bounded models, 64 tasks, 200 ms",
            Suite::Cpu => "32 counting tasks, speedup vs k (1..8) per model",
            Suite::Memory => "peak RSS per concurrent task, sleep 1 s, up to 10,000 tasks",
            Suite::Default => "everything above, sized for `make report`",
        }
    }

    /// The suite's cases with their default repetitions.
    pub fn cases(self) -> Vec<Case> {
        match self {
            Suite::Seed => seed(3),
            Suite::IoSweep => io_sweep(3),
            Suite::LimitSweep => limit_sweep(3),
            Suite::Cpu => cpu(5),
            Suite::Memory => memory(3),
            // Sweeps trade repetitions for breadth: one sample per point; the seed keeps three but no
            // warm-up, since every repetition is a fresh process anyway. The waiting alone is ~275 s.
            Suite::Default => {
                let seed = seed(3).into_iter().map(|c| c.reps(3, 0));
                let cpu = cpu(3).into_iter().map(|c| c.reps(3, 0));
                [
                    seed.collect(),
                    io_sweep(1),
                    limit_sweep(1),
                    cpu.collect(),
                    memory(1),
                ]
                .concat()
            }
        }
    }
}

/// The server a case needs: W workers (0 = unbounded) holding each request for `delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServerPlan {
    pub workers: usize,
    pub delay: Duration,
}

/// One case: a workload × model × parameters, and how often to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub group: String,
    pub workload: WorkloadKind,
    pub model: ModelKind,
    pub tasks: usize,
    /// k, for models that take one.
    pub limit: Option<usize>,
    /// `io` only.
    pub server: Option<ServerPlan>,
    /// `sleep`: the wait per task.
    pub delay: Duration,
    pub cpu_iters: u64,
    pub path: String,
    pub keep_alive: bool,
    pub timeout: Duration,
    pub repeat: usize,
    pub warmup: usize,
    /// Times a failed task is resubmitted (process pools).
    pub retries: usize,
}

pub const DEFAULT_CPU_ITERS: u64 = 20_000_000;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

impl Case {
    /// A case with the defaults every suite starts from.
    pub fn new(
        group: &str,
        workload: WorkloadKind,
        model: ModelKind,
        tasks: usize,
        limit: Option<usize>,
    ) -> Case {
        Case {
            group: group.to_string(),
            workload,
            model,
            tasks,
            limit: limit.filter(|_| model.model().takes_limit()),
            server: None,
            delay: Duration::from_secs(1),
            cpu_iters: DEFAULT_CPU_ITERS,
            path: "/".into(),
            keep_alive: false,
            timeout: DEFAULT_TIMEOUT,
            repeat: 3,
            warmup: 1,
            retries: 0,
        }
    }

    fn io(
        group: &str,
        model: ModelKind,
        tasks: usize,
        limit: Option<usize>,
        server: ServerPlan,
    ) -> Case {
        Case {
            server: Some(server),
            ..Case::new(group, WorkloadKind::Io, model, tasks, limit)
        }
    }

    fn reps(self, repeat: usize, warmup: usize) -> Case {
        Case {
            repeat,
            warmup,
            ..self
        }
    }

    /// Readable and unique within a run: `group/workload/model/n9-k3-w3-1s`.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.group,
            self.workload.name(),
            self.model.name(),
            self.params()
        )
    }

    /// The parameters part of the id, `n9-k3-w3-1s`; `cargo bench` names its benchmarks with it too.
    pub fn params(&self) -> String {
        let mut p = format!("n{}", self.tasks);
        if let Some(k) = self.limit {
            p += &format!("-k{k}");
        }
        match (self.workload, self.server) {
            (WorkloadKind::Io, Some(s)) => {
                let w = if s.workers == 0 {
                    "inf".to_string()
                } else {
                    s.workers.to_string()
                };
                p += &format!("-w{w}-{}", humantime::format_duration(s.delay));
            }
            (WorkloadKind::Sleep, _) => {
                p += &format!("-{}", humantime::format_duration(self.delay))
            }
            (WorkloadKind::Cpu, _) => p += &format!("-i{}", self.cpu_iters),
            _ => {}
        }
        p
    }

    /// The workload as a model process rebuilds it, against the server at `url` (io only).
    pub fn workload_spec(&self, url: &str) -> WorkloadSpec {
        WorkloadSpec {
            kind: self.workload,
            delay: self.delay,
            cpu_iters: self.cpu_iters,
            io: IoOptions {
                url: format!("{url}{}", self.path),
                keep_alive: self.keep_alive,
                timeout: self.timeout,
                client: Default::default(),
            },
        }
    }

    /// k as the model sees it: the limit, or N for models without one.
    pub fn k(&self) -> usize {
        self.limit.unwrap_or(self.tasks)
    }

    pub fn lanes(&self, cores: usize) -> Lanes {
        self.model.model().lanes(self.tasks, self.k(), cores)
    }

    /// The time one request is held: `/delay/{ms}` overrides the server's delay.
    pub fn request_delay(&self) -> Duration {
        self.path
            .strip_prefix("/delay/")
            .and_then(|ms| ms.parse().ok())
            .map(Duration::from_millis)
            .or(self.server.map(|s| s.delay))
            .unwrap_or(Duration::ZERO)
    }

    /// The makespan physics allows, seconds: io ⌈N / min(k, W)⌉ × d; sleep ⌈N / k⌉ × d;
    /// cpu N × t₁ / min(k, cores). `t1` is one cpu task's calibrated time.
    pub fn ideal(&self, cores: usize, t1: Option<f64>) -> f64 {
        let lanes = self.lanes(cores);
        let waves = |conc: usize| self.tasks.div_ceil(conc.max(1)) as f64;
        match self.workload {
            WorkloadKind::Io => {
                let w = self
                    .server
                    .map(|s| s.workers)
                    .filter(|&w| w > 0)
                    .unwrap_or(usize::MAX);
                waves(lanes.in_flight.min(w)) * self.request_delay().as_secs_f64()
            }
            WorkloadKind::Sleep => waves(lanes.in_flight) * self.delay.as_secs_f64(),
            WorkloadKind::Cpu => {
                self.tasks as f64 * t1.unwrap_or(0.0) / lanes.cpu.min(cores).max(1) as f64
            }
        }
    }

    /// What limits the case: `server` (W < k), `client` (k < W), `balanced` (k = W), or `cpu`.
    pub fn bottleneck(&self, cores: usize) -> &'static str {
        let k = self.lanes(cores).in_flight;
        match (self.workload, self.server) {
            (WorkloadKind::Cpu, _) => "cpu",
            (WorkloadKind::Io, Some(s)) if s.workers > 0 && s.workers < k => "server",
            (WorkloadKind::Io, Some(s)) if s.workers == k => "balanced",
            _ => "client",
        }
    }
}

use ModelKind::*;

/// The talk against `gunicorn -w 3` and a 1 s app.
fn seed(repeat: usize) -> Vec<Case> {
    let s = ServerPlan {
        workers: 3,
        delay: Duration::from_secs(1),
    };
    [
        Case::io("seed", Sequential, 3, None, s),
        Case::io("seed", Threads, 3, None, s),
        Case::io("seed", Async, 3, None, s),
        Case::io("seed", AsyncSemaphore, 9, Some(3), s),
        Case::io("seed", ProcessPool, 3, Some(3), s),
        Case::io("seed", ThreadPool, 3, Some(3), s),
        // Nine unbounded threads against three workers: six requests queue at the server.
        Case::io("seed", Threads, 9, None, s),
    ]
    .into_iter()
    .map(|c| c.reps(repeat, 1))
    .collect()
}

fn io_sweep(repeat: usize) -> Vec<Case> {
    let delay = Duration::from_millis(100);
    let mut cases = Vec::new();
    for workers in [9, 0] {
        let s = ServerPlan { workers, delay };
        for model in ModelKind::ALL {
            for n in [1, 3, 9, 27, 81, 243] {
                if model == Sequential && n > 27 {
                    continue;
                }
                cases.push(Case::io("io-sweep", model, n, Some(9), s).reps(repeat, 0));
            }
        }
    }
    cases
}

fn limit_sweep(repeat: usize) -> Vec<Case> {
    let s = ServerPlan {
        workers: 0,
        delay: Duration::from_millis(200),
    };
    let mut cases = Vec::new();
    for model in [ThreadPool, AsyncSemaphore, ProcessPool, Rayon] {
        for k in [1, 2, 4, 8, 16, 32, 64] {
            cases.push(Case::io("limit-sweep", model, 64, Some(k), s).reps(repeat, 0));
        }
    }
    cases
}

fn cpu(repeat: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    for model in [
        Sequential,
        Threads,
        Async,
        AsyncSingle,
        ThreadPool,
        Rayon,
        ProcessPool,
    ] {
        let ks: &[usize] = if model.model().takes_limit() {
            &[1, 2, 4, 8]
        } else {
            &[32]
        };
        for &k in ks {
            cases.push(Case::new("cpu", WorkloadKind::Cpu, model, 32, Some(k)).reps(repeat, 1));
        }
    }
    cases
}

fn memory(repeat: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    for model in [Async, Threads, ThreadPool] {
        for n in [100, 1_000, 10_000] {
            // A pool as large as the task count, so every task is in flight and RSS is per concurrent task.
            cases.push(Case::new("memory", WorkloadKind::Sleep, model, n, Some(n)).reps(repeat, 0));
        }
    }
    for k in [2, 8, 32] {
        cases.push(
            Case::new("memory", WorkloadKind::Sleep, ProcessPool, 100, Some(k)).reps(repeat, 0),
        );
    }
    cases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideals_follow_the_design_formulas() {
        let s3 = ServerPlan {
            workers: 3,
            delay: Duration::from_secs(1),
        };
        let seq = Case::io("t", Sequential, 3, None, s3);
        assert_eq!(seq.ideal(2, None), 3.0);
        let threads9 = Case::io("t", Threads, 9, None, s3);
        assert_eq!(
            (threads9.ideal(2, None), threads9.bottleneck(2)),
            (3.0, "server")
        );
        let sem = Case::io("t", AsyncSemaphore, 9, Some(3), s3);
        assert_eq!((sem.ideal(2, None), sem.bottleneck(2)), (3.0, "balanced"));
        let unbounded = ServerPlan { workers: 0, ..s3 };
        let pool = Case::io("t", ThreadPool, 10, Some(4), unbounded);
        assert_eq!((pool.ideal(2, None), pool.bottleneck(2)), (3.0, "client"));
        let delayed = Case {
            path: "/delay/250".into(),
            ..Case::io("t", Threads, 1, None, s3)
        };
        assert_eq!(delayed.ideal(2, None), 0.25);
        let cpu = Case::new("t", WorkloadKind::Cpu, Rayon, 32, Some(8));
        assert_eq!(cpu.ideal(2, Some(0.1)), 32.0 * 0.1 / 2.0);
        let single = Case::new("t", WorkloadKind::Cpu, AsyncSingle, 32, None);
        assert_eq!(single.ideal(2, Some(0.1)), 32.0 * 0.1);
        let sleep = Case::new("t", WorkloadKind::Sleep, ThreadPool, 100, Some(8));
        assert_eq!(sleep.ideal(2, None), 13.0);
    }

    #[test]
    fn ids_are_unique_within_every_suite() {
        for suite in Suite::ALL {
            let cases = suite.cases();
            let mut ids: Vec<_> = cases.iter().map(Case::id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), cases.len(), "{}", suite.name());
        }
    }

    #[test]
    fn a_limit_is_kept_only_for_models_that_take_one() {
        assert_eq!(
            Case::new("t", WorkloadKind::Cpu, Threads, 4, Some(2)).limit,
            None
        );
        assert_eq!(
            Case::new("t", WorkloadKind::Cpu, Rayon, 4, Some(2)).limit,
            Some(2)
        );
    }
}

#[cfg(test)]
mod budget {
    use super::*;

    /// Seconds of pure waiting a suite needs at the least: Σ ideal × (warm-ups + repetitions).
    fn waiting(suite: Suite, t1: f64) -> f64 {
        suite
            .cases()
            .iter()
            .map(|c| c.ideal(2, Some(t1)) * (c.warmup + c.repeat) as f64)
            .sum()
    }

    #[test]
    fn the_default_suite_leaves_room_in_five_minutes() {
        // t₁ of 20 M iterations is ~9 ms here; process start and bookkeeping take the rest of 300 s.
        let floor = waiting(Suite::Default, 0.009);
        assert!(
            floor < 285.0,
            "the default suite waits {floor:.1} s before any overhead"
        );
        assert!(
            waiting(Suite::Seed, 0.009) < 60.0,
            "the seed suite finishes in under 90 s"
        );
    }
}
