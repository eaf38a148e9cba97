//! The resilience suites (issue 23): an API that misbehaves, and what each model and client policy
//! makes of it — slow tails (plain, a timeout and a retry, a hedge), a rate limit (four answers to a
//! 429) and failures retried (the aiomultiprocess article's two shapes). Every case's server is seeded
//! (`SEED`), so every model meets the same slow, refused and failing tries. Not in the default suite:
//! `make report-resilience` runs the three (`--suite resilience`), about 90 s here. Part of the plan
//! (tests/layers.rs places it there, as every `suite.rs`): cases are plan's, listed beside the workload they run.

use super::policy::{Backoff, On429, Policy};
use super::{IoParams, Misbehave};
use crate::model::ModelKind::{self, *};
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::{Params, ServerPlan};
use std::time::Duration;

/// The seed of every resilience case's server and jitter.
pub const SEED: u64 = 23;

/// GETs from a server of base delay `delay` (unbounded workers) misbehaving as `m`, with `policy`
/// and a per-request `timeout`.
fn io(delay: Duration, m: &Misbehave, policy: &Policy, timeout: Duration) -> IoParams {
    IoParams {
        misbehaviour: Some(Box::new(m.clone())),
        policy: (!policy.is_plain()).then(|| Box::new(policy.clone())),
        timeout_ms: timeout.as_millis() as u64,
        ..IoParams::new(ServerPlan { workers: 0, delay })
    }
}

/// A case of `model` over `io`.
fn case(group: Group, model: ModelKind, tasks: usize, limit: Option<usize>, io: IoParams) -> Case {
    let retries = io.policy.as_ref().map_or(0, |p| p.retries as usize);
    Case {
        // The process pools resubmit a task whose worker died; the task retries the rest itself.
        retries,
        ..Case::new(group, model, tasks, limit, Params::Io(io))
    }
}

fn misbehave(delay_dist: Option<&str>, rate: Option<(&str, u32)>, fail: Option<&str>) -> Misbehave {
    Misbehave {
        delay_dist: delay_dist.map(str::to_string),
        rate: rate.map(|(r, _)| r.to_string()),
        burst: rate.map(|(_, b)| b),
        fail: fail.map(str::to_string),
        seed: SEED,
    }
}

/// Slow tails: 40 GETs of 50 ms, a tenth held 10× (500 ms), on two blocking and two async models;
/// each plain, with a 100 ms timeout and two retries, and hedged after 75 ms.
pub struct Tails;

pub const TAIL_TASKS: usize = 40;
pub const TAIL_DELAY: Duration = Duration::from_millis(50);
pub const TAIL_DIST: &str = "tail:p=0.1,x=10";
pub const TAIL_TIMEOUT: Duration = Duration::from_millis(100);
pub const HEDGE_AFTER_MS: u64 = 75;
pub const TAIL_LIMIT: usize = 8;

/// The three policies the tails are met with: none, a timeout with retries, a hedge.
pub fn tail_policies() -> [(Policy, Duration); 3] {
    let plain = Policy {
        seed: SEED,
        ..Policy::default()
    };
    [
        (plain.clone(), super::DEFAULT_TIMEOUT),
        (
            Policy {
                retries: 2,
                ..plain.clone()
            },
            TAIL_TIMEOUT,
        ),
        (
            Policy {
                hedge_after_ms: Some(HEDGE_AFTER_MS),
                ..plain
            },
            super::DEFAULT_TIMEOUT,
        ),
    ]
}

impl SuiteCases for Tails {
    fn cases(&self) -> Vec<Case> {
        let m = misbehave(Some(TAIL_DIST), None, None);
        let mut cases = Vec::new();
        for (model, limit) in [
            (Threads, None),
            (ThreadPool, Some(TAIL_LIMIT)),
            (Async, None),
            (AsyncSemaphore, Some(TAIL_LIMIT)),
        ] {
            for (policy, timeout) in tail_policies() {
                let io = io(TAIL_DELAY, &m, &policy, timeout);
                let c = case(Group::Tails, model, TAIL_TASKS, limit, io);
                cases.push(c.reps(3, 0));
            }
        }
        cases
    }

    fn in_resilience(&self) -> Vec<Case> {
        self.cases()
    }
}

/// A rate limit: 50 GETs of 20 ms against 25/s with a burst of 5 (ideal (50 − 5) / 25 = 1.8 s), 10
/// at a time, by a thread pool and an async semaphore, under each answer to a 429.
pub struct RateLimit;

pub const LIMIT_TASKS: usize = 50;
pub const LIMIT_DELAY: Duration = Duration::from_millis(20);
pub const LIMIT_RATE: &str = "25/s";
pub const LIMIT_BURST: u32 = 5;
pub const LIMIT_K: usize = 10;

impl SuiteCases for RateLimit {
    fn cases(&self) -> Vec<Case> {
        let m = misbehave(None, Some((LIMIT_RATE, LIMIT_BURST)), None);
        let mut cases = Vec::new();
        for model in [ThreadPool, AsyncSemaphore] {
            for on_429 in On429::ALL {
                let policy = Policy {
                    on_429,
                    backoff: (on_429 == On429::Backoff).then_some(super::policy::DEFAULT_BACKOFF),
                    limit: (on_429 == On429::Limit)
                        .then(|| (m.rate.clone().expect("a rate"), LIMIT_BURST)),
                    seed: SEED,
                    ..Policy::default()
                };
                let io = io(LIMIT_DELAY, &m, &policy, super::DEFAULT_TIMEOUT);
                let c = case(Group::RateLimit, model, LIMIT_TASKS, Some(LIMIT_K), io);
                cases.push(c.reps(2, 0));
            }
        }
        cases
    }

    fn in_resilience(&self) -> Vec<Case> {
        self.cases()
    }
}

/// Failures retried, the article's two shapes: 7 GETs of 100 ms failing half the time, all at once and
/// each tried again as it fails (its `FIRST_EXCEPTION` loop); and 20 GETs of 50 ms on 5 workers
/// failing 40 % of the time, each retried until it succeeds — at once, and after an exponential
/// backoff with full jitter (10 ms doubling).
pub struct Retries;

pub const RESUBMIT_TASKS: usize = 7;
pub const RESUBMIT_DELAY: Duration = Duration::from_millis(100);
pub const RESUBMIT_FAIL: &str = "0.5,500";
pub const UNTIL_TASKS: usize = 20;
pub const UNTIL_WORKERS: usize = 5;
pub const UNTIL_DELAY: Duration = Duration::from_millis(50);
pub const UNTIL_FAIL: &str = "0.4,500";
/// Enough that no task of the seed runs out (the longest chain of SEED is far shorter; the suite's
/// test checks every task succeeds).
pub const RETRIES: u32 = 20;

impl SuiteCases for Retries {
    fn cases(&self) -> Vec<Case> {
        let retry = Policy {
            retries: RETRIES,
            seed: SEED,
            ..Policy::default()
        };
        let mut cases = Vec::new();
        let resubmit = misbehave(None, None, Some(RESUBMIT_FAIL));
        for (model, limit) in [
            (Threads, None),
            (Async, None),
            (ProcessPool, Some(RESUBMIT_TASKS)),
        ] {
            let io = io(RESUBMIT_DELAY, &resubmit, &retry, super::DEFAULT_TIMEOUT);
            let c = case(Group::Retries, model, RESUBMIT_TASKS, limit, io);
            cases.push(c.reps(3, 0));
        }
        let until = misbehave(None, None, Some(UNTIL_FAIL));
        let backoff = Policy {
            backoff: Some(Backoff {
                base_ms: 10,
                cap_ms: 1000,
            }),
            ..retry.clone()
        };
        for model in [ThreadPool, AsyncSemaphore, ProcessPool] {
            for policy in [&retry, &backoff] {
                let io = io(UNTIL_DELAY, &until, policy, super::DEFAULT_TIMEOUT);
                let c = case(Group::Retries, model, UNTIL_TASKS, Some(UNTIL_WORKERS), io);
                cases.push(c.reps(3, 0));
            }
        }
        cases
    }

    fn in_resilience(&self) -> Vec<Case> {
        self.cases()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Suite;
    use std::collections::BTreeSet;

    #[test]
    fn every_case_has_its_own_id_and_an_ideal() {
        let cases = Suite::Resilience.cases();
        let ids: BTreeSet<String> = cases.iter().map(Case::id).collect();
        assert_eq!(ids.len(), cases.len(), "ids clash: {ids:?}");
        for c in &cases {
            assert!(c.ideal(2, None).is_some(), "{}", c.id());
        }
        let groups: BTreeSet<Group> = cases.iter().map(|c| c.group).collect();
        assert_eq!(
            groups,
            [Group::Tails, Group::RateLimit, Group::Retries].into()
        );
    }

    #[test]
    fn the_rate_limits_ideal_is_its_tokens() {
        let c = &RateLimit.cases()[0];
        let ideal = c.ideal(2, None).unwrap();
        assert!((ideal - (50.0 - 5.0) / 25.0).abs() < 1e-9, "{ideal}");
    }

    #[test]
    fn the_retries_ideal_holds_each_tasks_failing_tries() {
        // 7 tasks at once, failing half the time: the longest chain of tries, each a whole 100 ms.
        let c = &Retries.cases()[0];
        let ideal = c.ideal(2, None).unwrap();
        let tries = ideal / RESUBMIT_DELAY.as_secs_f64();
        assert!(
            tries >= 1.0 && (tries - tries.round()).abs() < 1e-9,
            "{ideal}"
        );
        // With no failures the same case would be one delay; with them, at least that.
        assert!(ideal >= RESUBMIT_DELAY.as_secs_f64());
    }
}
