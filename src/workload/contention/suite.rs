//! The contention workload's suite: ns per update against units, per sync and model. Threads run every
//! sync at 1, 2, 4, 8 and 16 units (the section's chart); the thread pool, rayon and async run the
//! mutex, the atomic and the shards (async also tokio's Mutex); the process pool the syncs that cross
//! processes through its shared mapping; sequential every sync at 8 units, the one-lane baseline. M
//! is sized per sync so a case at 8 units takes some tens of milliseconds: the cheap syncs get more
//! updates. Not in the default suite; the whole of it, at two repetitions, in the sharing suite. Part
//! of the plan (tests/layers.rs places it there).

use super::{ContentionParams, SyncKind};
use crate::model::ModelKind::{self, *};
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::Params;

/// N units × M updates of one counter, per sync and model.
pub struct Contention;

impl SuiteCases for Contention {
    fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for sync in SyncKind::ALL {
            for units in [1, 2, 4, 8, 16] {
                cases.push(case(Threads, sync, units));
            }
        }
        for model in [ThreadPool, Rayon, Async] {
            for sync in [SyncKind::Mutex, SyncKind::Atomic, SyncKind::Sharded] {
                cases.extend(UNITS.map(|units| case(model, sync, units)));
            }
        }
        cases.extend(UNITS.map(|units| case(Async, SyncKind::TokioMutex, units)));
        for sync in POOLED {
            cases.extend(UNITS.map(|units| case(ProcessPool, sync, units)));
        }
        cases.extend(SyncKind::ALL.map(|sync| case(Sequential, sync, 8)));
        cases
    }

    /// The whole suite at two repetitions: every repetition is a short case process and a cpu
    /// probe's three, so all 98 cases measure in well under half a minute on two cores.
    fn in_sharing(&self) -> Vec<Case> {
        self.cases().into_iter().map(|c| c.reps(2, 0)).collect()
    }
}

/// The units every model runs.
const UNITS: [usize; 4] = [1, 2, 4, 8];
/// What the process pool shares through its mapping in the suite.
const POOLED: [SyncKind; 4] = [
    SyncKind::Atomic,
    SyncKind::Unguarded,
    SyncKind::Sharded,
    SyncKind::Mutex,
];

/// Updates per unit: a case at 8 units spends some tens of milliseconds updating, by what each sync
/// costs per update under contention (the channel's round trips and tokio's Mutex dearest, the shards
/// cheapest).
pub fn updates(sync: SyncKind) -> u64 {
    match sync {
        SyncKind::Sharded | SyncKind::Unguarded => 1_000_000,
        SyncKind::Atomic => 400_000,
        SyncKind::Rwlock => 300_000,
        SyncKind::Mutex => 150_000,
        SyncKind::TokioMutex | SyncKind::Channel => 8_000,
    }
}

/// `units` units of `sync` on `model`; the pools get a worker per unit, as threads a thread each.
fn case(model: ModelKind, sync: SyncKind, units: usize) -> Case {
    let work = Params::Contention(ContentionParams::new(sync, updates(sync)));
    Case::new(Group::Contention, model, units, Some(units), work)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Suite;

    #[test]
    fn every_sync_runs_on_threads_and_every_model_the_brief_names() {
        let cases = Suite::Contention.cases();
        assert!(cases.iter().all(|c| c.group == Group::Contention));
        for sync in SyncKind::ALL {
            let on = |m: ModelKind| {
                cases.iter().any(|c| {
                    c.model == m
                        && matches!(&c.workload, Params::Contention(p) if p.sync == sync)
                })
            };
            assert!(on(Threads) && on(Sequential), "{sync}");
            assert_eq!(on(ProcessPool), POOLED.contains(&sync), "{sync}");
        }
        // No case the CLI would refuse.
        for c in &cases {
            assert_eq!(c.workload.describe().refuses(c.model, c.tasks), None, "{}", c.id());
        }
        assert!(
            Suite::Default
                .cases()
                .iter()
                .all(|c| c.group != Group::Contention),
            "not in the default suite"
        );
        let sharing: Vec<Case> = Suite::Sharing
            .cases()
            .into_iter()
            .filter(|c| c.group == Group::Contention)
            .collect();
        assert!(!sharing.is_empty());
        let ids: Vec<String> = cases.iter().map(Case::id).collect();
        assert!(sharing.iter().all(|c| ids.contains(&c.id())));
    }

    #[test]
    fn the_sharing_share_starts_few_processes() {
        // Each repetition is a case process and a cpu probe's 3 (on two cores); each sync's write
        // probe two a round. Short processes of a few tens of milliseconds at most, and cases sized
        // to tens of milliseconds: under a thousand processes keeps the share well within 40 s.
        let sharing: Vec<Case> = Contention.in_sharing();
        assert_eq!(sharing.len(), Contention.cases().len());
        let reps: usize = sharing.iter().map(|c| c.repeat + c.warmup).sum();
        let processes = reps * 4 + SyncKind::ALL.len() * 2 * 2;
        assert!(processes < 1000, "{processes} processes");
    }
}
