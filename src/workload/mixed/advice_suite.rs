//! The `advice-check` suite: jobs the advice never saw, drawn by a recorded seed from a wide space
//! (N 10–20,000 tasks, a wait of 1 ms–1 s per task, 0–50 ms of CPU per task, W = 3 … unbounded
//! server workers), each measured on the models the advice ranks, so `concbench advise`'s error
//! can be published beside its predictions (design decision 14). A drawn job is the mixed workload
//! with no random wait: every task GETs the slow server, which holds it the job's wait D, then
//! counts the job's CPU part C (C = 0: a count to one). The seed is every case's mixed `seed`, so the
//! result file records it case by case. Part of the plan (tests/layers.rs places it there): the
//! draw is plan's, the prediction that is checked against it is `advise`'s.
//!
//! A draw is rejected, and counted under its rule, when it could not be measured here in bounded
//! time or honestly: its best model's ideal is over [`JOB_CAP_S`]; more tasks in flight than the
//! machine's open files allow ([`MAX_TASKS`]); more connections than a bounded server's listen
//! backlog ([`BACKLOG`]: TCP retries the rest after a second, a cost no model of a job has); or it
//! is a case of a suite the costs are fitted on (io-sweep's). Within an accepted job, a model whose
//! own ideal is over [`PAIR_CAP_S`] is not measured (a sequential-like wait of minutes).

use crate::model::ModelKind::{self, *};
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::rng::Rng;
use crate::workload::{IoParams, MixedParams, Params, ServerPlan};
use std::time::Duration;

/// The seed of the suite's draw when the run gives none (`--seed` draws another set).
pub const DRAW_SEED: u64 = 0xad_71ce;
/// Jobs drawn: at least 20, as the acceptance asks, with a few to spare for failed cases.
pub const JOBS: usize = 24;
/// Repetitions of every measured pair: the check's medians.
pub const REPEAT: usize = 2;
/// A job whose best model's ideal is longer than this is not drawn (the whole check stays within
/// about eight minutes).
pub const JOB_CAP_S: f64 = 2.0;
/// A model whose own ideal for an accepted job is longer than this is not measured on it.
pub const PAIR_CAP_S: f64 = 2.0;
/// Most tasks of a drawn job: each holds a connection, so a descriptor in the case process and one
/// in the server's, and this machine allows 20,000 open files a process.
pub const MAX_TASKS: usize = 10_000;
/// The slow server's listen backlog in worker mode (docs/slow-server.md): beyond it, connections
/// wait for TCP's one-second SYN retry.
pub const BACKLOG: usize = 2_048;
/// The draw's space.
pub const TASKS: (usize, usize) = (10, 20_000);
pub const WAIT_MS: (u64, u64) = (1, 1_000);
pub const CPU_MS: (u64, u64) = (0, 50);
/// Server workers drawn from; 0 is the unbounded server.
pub const WORKERS: [usize; 6] = [3, 9, 27, 81, 243, 0];

/// A job as `concbench advise` takes it: N tasks, each waiting D on the server then computing C,
/// against W server workers (0: unbounded), each handed `payload` bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Job {
    pub tasks: usize,
    pub wait: Duration,
    pub cpu: Duration,
    /// Server workers; 0 = unbounded.
    pub workers: usize,
    /// Bytes handed to each task (0: none). advice-check draws none: see docs/advice.md.
    pub payload: u64,
}

impl Job {
    /// The mixed workload that performs it, its draw seed recorded in the parameters.
    pub fn params(&self, seed: u64) -> Params {
        let cpu_ms = self.cpu.as_millis() as u64;
        Params::Mixed(MixedParams {
            wait_min_ms: 0,
            wait_max_ms: 0,
            seed,
            cpu_ms,
            // No CPU part: a count to one, so the workload stays the same shape.
            cpu_iters: if cpu_ms == 0 { 1 } else { 0 },
            io: IoParams::new(ServerPlan {
                workers: self.workers,
                delay: self.wait,
            }),
        })
    }

    /// The job a measured mixed case performed, when it is one of this shape (no random wait).
    pub fn of(params: &Params, tasks: usize) -> Option<Job> {
        let Params::Mixed(m) = params else {
            return None;
        };
        if m.wait_max_ms != 0 {
            return None;
        }
        Some(Job {
            tasks,
            wait: m.io.request_delay()?,
            cpu: Duration::from_millis(m.cpu_ms),
            workers: m.io.server_workers?,
            payload: 0,
        })
    }

    /// The case of `model` on it.
    pub fn case(&self, model: ModelKind, cores: usize, seed: u64) -> Case {
        Case::new(
            Group::AdviceCheck,
            model,
            self.tasks,
            limit(model, self, cores),
            self.params(seed),
        )
    }
}

/// The models the advice ranks and advice-check measures.
pub const MODELS: [ModelKind; 7] = [
    Threads,
    ThreadPool,
    Async,
    AsyncSingle,
    AsyncSemaphore,
    ProcessPool,
    AsyncProcessPool,
];

/// The k the advice gives a bounded model: a thread pool or semaphore as wide as the server's
/// workers (as wide as 100 against an unbounded server: a typical pool), a process pool one
/// process per core.
pub fn limit(model: ModelKind, job: &Job, cores: usize) -> Option<usize> {
    let k = match model {
        ThreadPool | AsyncSemaphore => match job.workers {
            0 => 100,
            w => w,
        },
        ProcessPool | AsyncProcessPool => cores.max(1),
        _ => return None,
    };
    Some(k.min(job.tasks).max(1))
}

/// Why a draw was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// Its best model's ideal is over [`JOB_CAP_S`].
    TooLong,
    /// More tasks than [`MAX_TASKS`].
    TooManyTasks,
    /// More connections at once than a bounded server's listen backlog.
    OverBacklog,
    /// A case of a suite the costs are fitted on.
    Fitted,
}

impl Rule {
    pub fn describe(self) -> String {
        match self {
            Rule::TooLong => format!("its best model's ideal is over {JOB_CAP_S} s"),
            Rule::TooManyTasks => format!("over {MAX_TASKS} tasks: open files"),
            Rule::OverBacklog => format!("over {BACKLOG} connections to a bounded server"),
            Rule::Fitted => "a case of io-sweep, which the costs are fitted on".into(),
        }
    }
}

/// What a draw gave: the accepted jobs in draw order, and the rejected draws per rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    pub seed: u64,
    pub jobs: Vec<Job>,
    pub rejected: Vec<(Rule, usize)>,
}

/// The ideal's two bounds for `model` at `limit` on `job`, on `cores` CPUs of parallel scaling `s`,
/// seconds: waiting — ⌈N / min(k, W)⌉ waves of the wait D then one CPU part C, and never less than
/// N × (D + C) over the k tasks in flight — and computing, N × C / (min(CPU lanes, cores) × s).
/// The mixed workload's ideal is the larger, the same way.
pub fn bounds(
    model: ModelKind,
    job: &Job,
    limit: Option<usize>,
    cores: usize,
    s: f64,
) -> (f64, f64) {
    let lanes = job_case(model, job, limit, cores).lanes(cores);
    let (n, d, c) = (job.tasks, job.wait.as_secs_f64(), job.cpu.as_secs_f64());
    let in_flight = lanes.in_flight.max(1);
    let w = if job.workers == 0 {
        usize::MAX
    } else {
        job.workers
    };
    let waiting = (n.div_ceil(in_flight.min(w)) as f64 * d + c)
        .max(n as f64 * (d + c) / in_flight as f64);
    let computing = n as f64 * c / (lanes.cpu.min(cores).max(1) as f64 * s);
    (waiting, computing)
}

/// The case of `model` on `job` at `limit`.
fn job_case(model: ModelKind, job: &Job, limit: Option<usize>, cores: usize) -> Case {
    Case {
        limit,
        ..job.case(model, cores, 0)
    }
}

/// The tasks `model` holds in flight on `job` at `limit`.
pub fn in_flight(model: ModelKind, job: &Job, limit: Option<usize>, cores: usize) -> usize {
    job_case(model, job, limit, cores)
        .lanes(cores)
        .in_flight
        .max(1)
}

/// The CPU parts `model` runs at once on `job` at `limit`: min(its CPU lanes, `cores`), at least 1.
pub fn cpu_lanes(model: ModelKind, job: &Job, limit: Option<usize>, cores: usize) -> usize {
    job_case(model, job, limit, cores)
        .lanes(cores)
        .cpu
        .min(cores)
        .max(1)
}

/// The ideal of `model` on `job` with the advice's k and `cores` CPUs, at perfect scaling.
pub fn ideal(model: ModelKind, job: &Job, cores: usize) -> f64 {
    let (waiting, computing) = bounds(model, job, limit(model, job, cores), cores, 1.0);
    waiting.max(computing)
}

/// Why `job` cannot be drawn, if it cannot.
pub fn rejects(job: &Job, cores: usize) -> Option<Rule> {
    let io_sweep = job.cpu.is_zero()
        && job.wait == Duration::from_millis(100)
        && matches!(job.workers, 0 | 9)
        && [1, 3, 9, 27, 81, 243].contains(&job.tasks);
    let best = MODELS
        .iter()
        .map(|&m| ideal(m, job, cores))
        .fold(f64::INFINITY, f64::min);
    if job.tasks > MAX_TASKS {
        Some(Rule::TooManyTasks)
    } else if job.workers > 0 && job.tasks > BACKLOG {
        Some(Rule::OverBacklog)
    } else if io_sweep {
        Some(Rule::Fitted)
    } else if best > JOB_CAP_S {
        Some(Rule::TooLong)
    } else {
        None
    }
}

/// Uniform in log space between `lo` and `hi`.
fn log_uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    (lo.ln() + rng.unit() * (hi.ln() - lo.ln())).exp()
}

/// `count` jobs drawn by `seed` on a machine of `cores` CPUs: N and D log-uniform, C 0 a fifth of
/// the time and otherwise uniform in whole milliseconds, W uniform over [`WORKERS`].
pub fn draw(seed: u64, count: usize, cores: usize) -> Draw {
    let mut rng = Rng::new(seed);
    let mut jobs: Vec<Job> = Vec::new();
    let mut rejected: Vec<(Rule, usize)> = Vec::new();
    // Enough tries for any count the suite asks for; most draws are rejected as too long.
    for _ in 0..1_000_000 {
        if jobs.len() == count {
            break;
        }
        let tasks = log_uniform(&mut rng, TASKS.0 as f64, TASKS.1 as f64).round() as usize;
        let wait_ms = log_uniform(&mut rng, WAIT_MS.0 as f64, WAIT_MS.1 as f64).round() as u64;
        let cpu_ms = if rng.below(5) == 0 {
            0
        } else {
            1 + rng.below(CPU_MS.1 as usize) as u64
        };
        let workers = WORKERS[rng.below(WORKERS.len())];
        let job = Job {
            tasks,
            wait: Duration::from_millis(wait_ms),
            cpu: Duration::from_millis(cpu_ms),
            workers,
            payload: 0,
        };
        match rejects(&job, cores) {
            Some(rule) => match rejected.iter_mut().find(|(r, _)| *r == rule) {
                Some((_, n)) => *n += 1,
                None => rejected.push((rule, 1)),
            },
            None if jobs.contains(&job) => {}
            None => jobs.push(job),
        }
    }
    rejected.sort();
    Draw {
        seed,
        jobs,
        rejected,
    }
}

/// The cases of a draw: every job on every model whose own ideal is within [`PAIR_CAP_S`].
pub fn cases(seed: u64, count: usize, cores: usize) -> Vec<Case> {
    draw(seed, count, cores)
        .jobs
        .iter()
        .flat_map(|job| {
            MODELS
                .iter()
                .filter(|&&m| ideal(m, job, cores) <= PAIR_CAP_S)
                .map(|&m| job.case(m, cores, seed).reps(REPEAT, 0))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// This machine's CPUs, as the run will see them.
pub fn cores() -> usize {
    crate::measure::machine::allowed_cpus().len().max(1)
}

/// The suite: [`JOBS`] jobs of [`DRAW_SEED`] (`concbench run --suite advice-check --seed S
/// --advice-jobs K` draws others).
pub struct AdviceCheck;

impl SuiteCases for AdviceCheck {
    fn cases(&self) -> Vec<Case> {
        cases(DRAW_SEED, JOBS, cores())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_draws_the_same_jobs_within_the_rules() {
        let a = draw(7, 20, 2);
        assert_eq!(a, draw(7, 20, 2));
        assert_eq!(a.jobs.len(), 20);
        assert_ne!(a.jobs, draw(8, 20, 2).jobs);
        for job in &a.jobs {
            assert!(rejects(job, 2).is_none());
            assert!((TASKS.0..=MAX_TASKS).contains(&job.tasks));
            assert!(job.cpu <= Duration::from_millis(CPU_MS.1));
            let back = Job::of(&job.params(7), job.tasks).unwrap();
            assert_eq!(back, *job, "a case's parameters give its job back");
        }
        assert!(a.rejected.iter().any(|(r, _)| *r == Rule::TooLong));
    }

    #[test]
    fn every_case_is_within_its_cap_and_new() {
        let cases = cases(DRAW_SEED, JOBS, 2);
        assert!(cases.len() >= JOBS, "{}", cases.len());
        for c in &cases {
            assert!(ideal(c.model, &Job::of(&c.workload, c.tasks).unwrap(), 2) <= PAIR_CAP_S);
        }
        // The whole check within about eight minutes: the ideals, a probe and a process per
        // repetition (0.3 s: the CPU probe's three processes and the case's own).
        let floor: f64 = cases
            .iter()
            .map(|c| {
                let job = Job::of(&c.workload, c.tasks).unwrap();
                (ideal(c.model, &job, 2) + 0.3) * c.repeat as f64
            })
            .sum();
        assert!(floor < 420.0, "advice-check needs {floor:.0} s");
    }
}
