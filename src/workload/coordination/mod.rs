//! `coordination`: units that wait on each other — the threading article's synchronisation shapes,
//! one per `--shape`. Where every other workload's tasks are independent, here the N units of a case
//! share one primitive, built once per repetition (`build`) and reached by every unit through the
//! task's shared state, so a unit's time is mostly its wait for the others:
//!
//! - `semaphore` (`semaphore.rs`): a bounded semaphore of P permits; each unit holds one for the
//!   delay. Ideal: ⌈N / min(P, lanes)⌉ × d, waves of P.
//! - `condition` (`condition.rs`) and `channel` (`channel.rs`): unit 0 hands I items to units 1..N
//!   (`handoff.rs`) through a queue under a condition variable, or through a channel; every item's
//!   takes are counted (`takes.rs`). What is measured is the handoff's cost per item (makespan / I).
//!   No ideal: nothing outside the primitive bounds a handoff below — a probe of one handoff alone
//!   would time the very primitive the case times, and an efficiency against it would compare the
//!   case with itself.
//! - `barrier` (`barrier.rs`): units arrive after a seeded wait (0..=d) and gather in teams of T; a
//!   team that never fills is broken by `--barrier-timeout`, its units ending as `broken`. Ideal: the
//!   shape replayed with no cost but the waits (`teams.rs`): a full team's latest arrival, a broken
//!   one's first arrival plus the timeout.
//!
//! What each shape counted (most admitted, items taken, teams filled and broken) is the repetition's
//! [`Tally`] (`tally.rs`), kept per sample. The shapes live in one process's memory: the models that
//! start units elsewhere (process pools, Python) are refused, and so are those that do not start
//! units in order (a handoff's consumers could hold every lane before its producer ran).

pub mod barrier;
pub mod channel;
pub mod condition;
pub mod handoff;
pub mod takes;
pub mod semaphore;
pub mod suite;
pub mod tally;
pub mod teams;

pub use crate::names::CoordinationShape;
pub use tally::Tally;

use super::{parse_duration, Calibration, Describe, Params, Shape, Workload, WorkloadKind};
use crate::names::{Bottleneck, ModelKind};
use barrier::Arrivals;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

pub const ABOUT: &str = "units that wait on each other (--shape): a bounded semaphore, condition vs \
                         channel handoff, a barrier broken by its timeout";

/// The longest one unit waits for anything (a permit, an item) before it fails as `timeout`: far
/// beyond any case's own waits, so only a unit left with no one to wake it reaches it.
pub const STALL: Duration = Duration::from_secs(600);

/// The models that run it: they start every unit in this process, in unit order.
pub const RUNS: [ModelKind; 5] = [
    ModelKind::Sequential,
    ModelKind::Threads,
    ModelKind::ThreadPool,
    ModelKind::Async,
    ModelKind::AsyncSingle,
];

/// The article's semaphore: `BoundedSemaphore(5)`.
pub const DEFAULT_PERMITS: usize = 5;
/// Items a handoff moves when `--items` is not given.
pub const DEFAULT_ITEMS: usize = 5_000;
/// The article's barrier: `Barrier(4)`.
pub const DEFAULT_TEAM: usize = 4;
pub const DEFAULT_BARRIER_TIMEOUT: Duration = Duration::from_millis(200);
/// The seed of the barrier's arrivals when the run gives none: suites use it, so arrivals compare
/// across machines.
pub const DEFAULT_SEED: u64 = 24;

/// The coordination flags (ad-hoc runs; suites give their own).
#[derive(Debug, Clone, clap::Args)]
pub struct CoordinationArgs {
    /// coordination: which synchronisation shape the units form.
    #[arg(long, default_value = "semaphore", conflicts_with = "suite")]
    pub shape: CoordinationShape,
    /// coordination, semaphore: the permits P (each unit holds one for --delay).
    #[arg(long, default_value_t = DEFAULT_PERMITS, conflicts_with = "suite")]
    pub permits: usize,
    /// coordination, condition and channel: the items unit 0 hands to the others.
    #[arg(long, default_value_t = DEFAULT_ITEMS, conflicts_with = "suite")]
    pub items: usize,
    /// coordination, barrier: the parties T a team needs to go through.
    #[arg(long, default_value_t = DEFAULT_TEAM, conflicts_with = "suite")]
    pub team: usize,
    /// coordination, barrier: a unit waiting this long breaks its team (each arrives after a
    /// seeded wait of 0..=--delay).
    #[arg(long, value_parser = parse_duration, default_value = "200ms", conflicts_with = "suite")]
    pub barrier_timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinationParams {
    pub shape: CoordinationShape,
    /// semaphore: how long each unit holds its permit; barrier: the longest seeded wait before a
    /// unit arrives; milliseconds (0 for a handoff, which has no wait of its own).
    pub delay_ms: u64,
    /// semaphore: its permits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permits: Option<usize>,
    /// condition, channel: the items handed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<usize>,
    /// barrier: the parties of a team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<usize>,
    /// barrier: a waiter's timeout, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barrier_timeout_ms: Option<u64>,
    /// barrier: the seed of the arrivals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl CoordinationParams {
    /// P permits, each held for `hold`.
    pub fn semaphore(permits: usize, hold: Duration) -> CoordinationParams {
        CoordinationParams {
            shape: CoordinationShape::Semaphore,
            delay_ms: hold.as_millis() as u64,
            permits: Some(permits),
            items: None,
            team: None,
            barrier_timeout_ms: None,
            seed: None,
        }
    }

    /// I items handed from unit 0 to the rest, by `shape` (condition or channel).
    pub fn handoff(shape: CoordinationShape, items: usize) -> CoordinationParams {
        CoordinationParams {
            shape,
            delay_ms: 0,
            permits: None,
            items: Some(items),
            team: None,
            barrier_timeout_ms: None,
            seed: None,
        }
    }

    /// Teams of `team`, units arriving after a seeded wait of up to `longest`, broken after `timeout`.
    pub fn barrier(
        team: usize,
        longest: Duration,
        timeout: Duration,
        seed: u64,
    ) -> CoordinationParams {
        CoordinationParams {
            shape: CoordinationShape::Barrier,
            delay_ms: longest.as_millis() as u64,
            permits: None,
            items: None,
            team: Some(team),
            barrier_timeout_ms: Some(timeout.as_millis() as u64),
            seed: Some(seed),
        }
    }

    pub fn from_args(
        args: &super::WorkloadArgs,
        seed: Option<u64>,
    ) -> Result<CoordinationParams, String> {
        let a = &args.coordination;
        let delay = args.delay();
        if delay > super::MAX_DELAY {
            return Err(format!(
                "--delay {} is above the maximum of 60s",
                humantime::format_duration(delay)
            ));
        }
        Ok(match a.shape {
            CoordinationShape::Semaphore => {
                if !(1..=10_000).contains(&a.permits) {
                    return Err("--permits must be 1 to 10000".into());
                }
                CoordinationParams::semaphore(a.permits, delay)
            }
            shape @ (CoordinationShape::Condition | CoordinationShape::Channel) => {
                if !(1..=10_000_000).contains(&a.items) {
                    return Err("--items must be 1 to 10000000".into());
                }
                CoordinationParams::handoff(shape, a.items)
            }
            CoordinationShape::Barrier => {
                if !(2..=10_000).contains(&a.team) {
                    return Err("--team must be 2 to 10000 (a team of one never waits)".into());
                }
                if a.barrier_timeout.is_zero() || a.barrier_timeout > super::MAX_DELAY {
                    return Err("--barrier-timeout must be above 0 and at most 60s".into());
                }
                CoordinationParams::barrier(
                    a.team,
                    delay,
                    a.barrier_timeout,
                    seed.unwrap_or(DEFAULT_SEED),
                )
            }
        })
    }

    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms)
    }

    pub fn permits(&self) -> usize {
        self.permits.unwrap_or(DEFAULT_PERMITS)
    }

    pub fn items(&self) -> usize {
        self.items.unwrap_or(DEFAULT_ITEMS)
    }

    pub fn team(&self) -> usize {
        self.team.unwrap_or(DEFAULT_TEAM)
    }

    pub fn barrier_timeout(&self) -> Duration {
        self.barrier_timeout_ms
            .map_or(DEFAULT_BARRIER_TIMEOUT, Duration::from_millis)
    }

    /// The barrier's arrivals.
    pub fn arrivals(&self) -> Arrivals {
        Arrivals {
            seed: self.seed.unwrap_or(DEFAULT_SEED),
            longest: self.delay(),
        }
    }

    /// Whether its units hand items over (condition, channel).
    pub fn is_handoff(&self) -> bool {
        matches!(
            self.shape,
            CoordinationShape::Condition | CoordinationShape::Channel
        )
    }
}

impl Describe for CoordinationParams {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Coordination
    }

    /// `semaphore-p5-100ms`, `condition-i5000`, `barrier-t4-100ms-timeout200ms` (and the seed when it
    /// is not the default).
    fn id_suffix(&self) -> String {
        let d = humantime::format_duration(self.delay());
        match self.shape {
            CoordinationShape::Semaphore => format!("semaphore-p{}-{d}", self.permits()),
            CoordinationShape::Condition | CoordinationShape::Channel => {
                format!("{}-i{}", self.shape, self.items())
            }
            CoordinationShape::Barrier => {
                let mut id = format!(
                    "barrier-t{}-{d}-timeout{}",
                    self.team(),
                    humantime::format_duration(self.barrier_timeout())
                );
                if self.arrivals().seed != DEFAULT_SEED {
                    id += &format!("-seed{}", self.arrivals().seed);
                }
                id
            }
        }
    }

    fn ideal(&self, shape: &Shape, _cpu: Option<Calibration>) -> Option<f64> {
        let lanes = shape.lanes.in_flight;
        match self.shape {
            CoordinationShape::Semaphore => {
                let at_once = self.permits().min(lanes);
                Some(shape.waves(at_once) * self.delay().as_secs_f64())
            }
            CoordinationShape::Condition | CoordinationShape::Channel => None,
            CoordinationShape::Barrier => {
                let arrivals = self.arrivals();
                let waits: Vec<f64> = (0..shape.tasks as u64)
                    .map(|u| arrivals.of(u).as_secs_f64())
                    .collect();
                let timeout = self.barrier_timeout().as_secs_f64();
                Some(teams::makespan(&waits, lanes, self.team(), timeout))
            }
        }
    }

    fn bottleneck(&self, _shape: &Shape, _cpu: Option<Calibration>) -> Bottleneck {
        Bottleneck::Client
    }

    /// The repetition's deadline allows for a broken team's whole timeout.
    fn timeout(&self) -> Option<Duration> {
        (self.shape == CoordinationShape::Barrier).then(|| self.barrier_timeout())
    }

    fn refuses(&self, model: ModelKind, tasks: usize) -> Option<String> {
        let runs: Vec<&str> = RUNS.iter().map(|m| m.name()).collect();
        let runs = runs.join(", ");
        if matches!(model, ModelKind::ProcessPool | ModelKind::AsyncProcessPool)
            || model.is_python()
        {
            return Some(format!(
                "model {model} cannot run the coordination workload: its units share one \
                 primitive in one process's memory, and {model}'s run in other processes (no \
                 cross-process shapes here); run it with --model {runs}"
            ));
        }
        if !RUNS.contains(&model) {
            return Some(format!(
                "model {model} cannot run the coordination workload: its shapes need every unit \
                 started in this process in unit order (a handoff's producer first); run it with \
                 --model {runs}"
            ));
        }
        (self.is_handoff() && tasks < 2).then(|| {
            format!(
                "the {} shape needs at least 2 units: unit 0 produces, the others consume; give \
                 --tasks 2 or more",
                self.shape
            )
        })
    }

    fn client_side(&self) -> Params {
        Params::Coordination(self.clone())
    }

    fn build(&self, _url: &str) -> anyhow::Result<Arc<dyn Workload>> {
        Ok(match self.shape {
            CoordinationShape::Semaphore => {
                Arc::new(semaphore::Semaphore::new(self.permits(), self.delay()))
            }
            CoordinationShape::Condition => Arc::new(condition::Condition::new(self.items())),
            CoordinationShape::Channel => Arc::new(channel::Channel::new(self.items())),
            CoordinationShape::Barrier => Arc::new(barrier::Barrier::new(
                self.arrivals(),
                self.team(),
                self.barrier_timeout(),
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Lanes;

    fn shape(tasks: usize, in_flight: usize) -> Shape {
        Shape {
            tasks,
            lanes: Lanes {
                in_flight,
                cpu: in_flight,
            },
            cores: 2,
        }
    }

    #[test]
    fn the_semaphore_goes_in_waves_of_its_permits_or_of_the_lanes() {
        let p = CoordinationParams::semaphore(5, Duration::from_millis(100));
        // The article's 22 threads, 5 permits: ⌈22 / 5⌉ = 5 waves.
        let ideal = p.ideal(&shape(22, 22), None).unwrap();
        assert!((ideal - 0.5).abs() < 1e-12, "{ideal}");
        // A pool of 3 admits 3 at a time whatever the permits: 8 waves.
        let ideal = p.ideal(&shape(22, 3), None).unwrap();
        assert!((ideal - 0.8).abs() < 1e-12, "{ideal}");
        assert_eq!(p.id_suffix(), "semaphore-p5-100ms");
    }

    #[test]
    fn a_handoff_has_no_ideal_and_needs_a_producer_and_a_consumer() {
        let p = CoordinationParams::handoff(CoordinationShape::Channel, 3000);
        assert_eq!(Params::Coordination(p.clone()).ideal(&shape(4, 4), None), None);
        assert_eq!(p.id_suffix(), "channel-i3000");
        assert!(p.refuses(ModelKind::Threads, 1).unwrap().contains("--tasks 2"));
        assert_eq!(p.refuses(ModelKind::Threads, 2), None);
    }

    #[test]
    fn process_pools_are_refused_with_the_models_that_run_it() {
        let p = CoordinationParams::semaphore(5, Duration::from_millis(100));
        for m in ModelKind::ALL {
            let refused = p.refuses(m, 22);
            assert_eq!(refused.is_none(), RUNS.contains(&m), "{m}");
            if let Some(why) = refused {
                assert!(why.contains("--model sequential, threads"), "{why}");
            }
        }
        let why = p.refuses(ModelKind::ProcessPool, 22).unwrap();
        assert!(why.contains("cross-process"), "{why}");
    }

    #[test]
    fn the_barriers_ideal_replays_its_arrivals() {
        let d = Duration::from_millis(100);
        let timeout = Duration::from_millis(200);
        let p = CoordinationParams::barrier(4, d, timeout, DEFAULT_SEED);
        let arrivals: Vec<f64> = (0..18).map(|u| p.arrivals().of(u).as_secs_f64()).collect();
        assert!(arrivals.iter().all(|a| (0.0..=0.1).contains(a)));
        // 16 units on 16 lanes: four full teams, the latest arrival of all.
        let latest = arrivals[..16].iter().copied().fold(0.0, f64::max);
        assert_eq!(p.ideal(&shape(16, 16), None), Some(latest));
        // 18: the two last arrivals never fill a team; the earlier of them breaks it.
        let mut sorted = arrivals.clone();
        sorted.sort_by(f64::total_cmp);
        let ideal = p.ideal(&shape(18, 18), None).unwrap();
        assert!((ideal - (sorted[16] + 0.2)).abs() < 1e-9, "{ideal}");
        assert_eq!(p.id_suffix(), "barrier-t4-100ms-timeout200ms");
        let other = CoordinationParams::barrier(4, d, timeout, 7);
        assert_eq!(other.id_suffix(), "barrier-t4-100ms-timeout200ms-seed7");
    }
}
