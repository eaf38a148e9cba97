//! The coordination workload's suite: the threading article's shapes as cases. Its semaphore —
//! `BoundedSemaphore(5)` over 22 units holding a permit 100 ms — on threads, a pool of 22 and tokio;
//! a handoff of 50,000 items from one producer to three consumers through a condition and through a
//! channel, on threads and tokio; and its `Barrier(4)`: 16 units (every team fills) and 18 (two
//! units short of a fifth team, broken by the 200 ms timeout) on threads, pools of 4 and of 3 (which
//! can never fill a team: every team breaks) and tokio. Not in the default suite; the whole of it
//! in the sharing suite. Part of the plan (tests/layers.rs places it there).

use crate::model::ModelKind::*;
use crate::names::{CoordinationShape, Group};
use crate::plan::{Case, SuiteCases};
use crate::workload::coordination::DEFAULT_SEED;
use crate::workload::{CoordinationParams, Params};
use std::time::Duration;

/// The article's shapes as cases.
pub struct Coordination;

impl SuiteCases for Coordination {
    fn cases(&self) -> Vec<Case> {
        coordination()
    }

    /// The whole suite: about 20 s of ideals with its repetitions.
    fn in_sharing(&self) -> Vec<Case> {
        coordination()
    }
}

/// The article's semaphore: 22 units, 5 permits, each held 100 ms (its 2 s shortened).
pub const SEMAPHORE_TASKS: usize = 22;
pub const PERMITS: usize = 5;
pub const HOLD: Duration = Duration::from_millis(100);
/// A handoff: one producer, three consumers, 50,000 items (at 5,000 a case lasted 1-2 ms, shorter than a scheduler's hiccup on a shared machine).
pub const HANDOFF_TASKS: usize = 4;
pub const ITEMS: usize = 50_000;
/// The article's barrier of 4; units arrive within 100 ms, a team waits at most 200 ms.
pub const TEAM: usize = 4;
pub const ARRIVALS: Duration = Duration::from_millis(100);
pub const TIMEOUT: Duration = Duration::from_millis(200);
/// Every team fills; one team is two short.
pub const FULL: usize = 16;
pub const SHORT: usize = 18;

fn coordination() -> Vec<Case> {
    let g = Group::Coordination;
    let mut cases = Vec::new();
    let semaphore = Params::Coordination(CoordinationParams::semaphore(PERMITS, HOLD));
    for (model, k) in [
        (Threads, None),
        (ThreadPool, Some(SEMAPHORE_TASKS)),
        (Async, None),
    ] {
        let case = Case::new(g, model, SEMAPHORE_TASKS, k, semaphore.clone());
        cases.push(case.reps(3, 0));
    }
    for shape in [CoordinationShape::Condition, CoordinationShape::Channel] {
        let handoff = Params::Coordination(CoordinationParams::handoff(shape, ITEMS));
        for model in [Threads, Async] {
            let case = Case::new(g, model, HANDOFF_TASKS, None, handoff.clone());
            // Milliseconds each: cheap to repeat, and the first of a run pages the code in.
            cases.push(case.reps(5, 1));
        }
    }
    let barrier = Params::Coordination(CoordinationParams::barrier(
        TEAM,
        ARRIVALS,
        TIMEOUT,
        DEFAULT_SEED,
    ));
    for tasks in [FULL, SHORT] {
        for (model, k) in [
            (Threads, None),
            (ThreadPool, Some(TEAM)),
            (ThreadPool, Some(TEAM - 1)),
            (Async, None),
        ] {
            let case = Case::new(g, model, tasks, k, barrier.clone());
            cases.push(case.reps(3, 0));
        }
    }
    cases
}

#[cfg(test)]
mod tests {
    use crate::model::ModelKind;
    use crate::names::Group;
    use crate::plan::{Case, Suite};

    fn suite() -> Vec<Case> {
        Suite::Coordination.cases()
    }

    #[test]
    fn the_articles_semaphore_goes_in_five_waves_and_every_shape_runs() {
        let cases = suite();
        assert!(cases.iter().all(|c| c.group == Group::Coordination));
        let semaphores: Vec<&Case> = cases
            .iter()
            .filter(|c| c.tasks == super::SEMAPHORE_TASKS)
            .collect();
        assert_eq!(semaphores.len(), 3);
        for c in semaphores {
            // ⌈22 / 5⌉ × 100 ms.
            let ideal = c.ideal(2, None).unwrap();
            assert!((ideal - 0.5).abs() < 1e-9, "{}: {ideal}", c.id());
        }
        let pools_of_three: Vec<&Case> = cases
            .iter()
            .filter(|c| c.model == ModelKind::ThreadPool && c.limit == Some(super::TEAM - 1))
            .collect();
        assert_eq!(pools_of_three.len(), 2, "a pool that never fills a team, twice");
        assert!(
            Suite::Default.cases().iter().all(|c| c.group != Group::Coordination),
            "not in the default suite"
        );
        let sharing: Vec<String> = Suite::Sharing
            .cases()
            .iter()
            .filter(|c| c.group == Group::Coordination)
            .map(Case::id)
            .collect();
        let ids: Vec<String> = cases.iter().map(Case::id).collect();
        assert_eq!(sharing, ids, "the sharing suite runs the whole suite");
    }

    #[test]
    fn the_suite_keeps_within_its_share_of_the_sharing_suite() {
        // Its ideals over every repetition, warm-ups included, a handoff (no ideal) at a tenth of a
        // second, and a case process of a tenth of a second each.
        let cases = suite();
        let ideal: f64 = cases
            .iter()
            .map(|c| c.ideal(2, None).unwrap_or(0.1) * (c.repeat + c.warmup) as f64)
            .sum();
        let processes: usize = cases.iter().map(|c| c.repeat + c.warmup).sum();
        let cost = ideal + 0.1 * processes as f64;
        assert!(cost < 30.0, "{cost:.1} s: {ideal:.1} s of ideals, {processes} processes");
    }
}
