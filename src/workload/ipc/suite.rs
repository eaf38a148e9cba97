//! The ipc suite: every transport — Rust's on sequential, Python's on py-sequential (skipped with one
//! line without `make python-env`) — at 64 B, 4 KiB, 64 KiB and 1 MiB, one pair per case, with a
//! message count per size that keeps a Rust case's exchange to tens of milliseconds (Python's take
//! longer: the same counts, so the rows compare message for message). Not in the default suite; the
//! whole of it in the sharing suite (Python's cases with a repetition fewer). Part of the plan
//! (tests/layers.rs places it there).

use super::{IpcParams, Transport, SIZES};
use crate::model::ModelKind;
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::Params;

/// Processes exchanging data, per transport and size.
pub struct Ipc;

/// Repetitions of every case.
const REPEAT: usize = 3;
/// Repetitions of Python's cases in the sharing suite.
const PYTHON_SHARING_REPEAT: usize = 2;

/// Round trips (and as many streamed) per pair at `size`: fewer as messages grow, so that each
/// case moves a few to some tens of megabytes.
pub fn messages(size: usize) -> u64 {
    match size {
        s if s <= 64 => 1000,
        s if s <= 4 << 10 => 500,
        s if s <= 64 << 10 => 200,
        _ => 20,
    }
}

impl SuiteCases for Ipc {
    fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for transport in Transport::ALL {
            let model = match transport.is_python() {
                false => ModelKind::Sequential,
                true => ModelKind::PySequential,
            };
            for size in SIZES {
                let work = Params::Ipc(IpcParams::new(transport, size, messages(size)));
                cases.push(Case::new(Group::Ipc, model, 1, None, work).reps(REPEAT, 0));
            }
        }
        cases
    }

    /// All of it; Python's cases twice rather than three times, each a Python start and a fork per
    /// pair, so the share stays under a minute of measuring on two busy cores.
    fn in_sharing(&self) -> Vec<Case> {
        self.cases()
            .into_iter()
            .map(|c| match c.model.is_python() {
                true => c.reps(PYTHON_SHARING_REPEAT, 0),
                false => c,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Suite;

    #[test]
    fn every_transport_runs_every_size_on_its_own_languages_model() {
        let cases = Suite::Ipc.cases();
        assert_eq!(cases.len(), Transport::ALL.len() * SIZES.len());
        for c in &cases {
            let Params::Ipc(p) = &c.workload else {
                panic!("{}: not ipc", c.id())
            };
            assert!(p.transport.models().contains(&c.model), "{}", c.id());
        }
        assert!(
            Suite::Default.cases().iter().all(|c| c.group != Group::Ipc),
            "not in the default suite"
        );
        let sharing = Suite::Sharing
            .cases()
            .iter()
            .filter(|c| c.group == Group::Ipc)
            .count();
        assert_eq!(sharing, cases.len(), "the sharing suite runs all of it");
    }

    #[test]
    fn each_case_moves_megabytes_not_gigabytes() {
        for size in SIZES {
            // Both phases, there and back for the round trips.
            let moved = 3 * messages(size) * size as u64;
            assert!((64 << 10..=128 << 20).contains(&moved), "{size}: {moved} bytes");
        }
    }
}
