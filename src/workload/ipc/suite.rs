//! The ipc suite: every transport — Rust's on sequential, Python's on py-sequential (skipped with one
//! line without `make python-env`) — at 64 B, 4 KiB, 64 KiB and 1 MiB, one pair per case, with a
//! message count per size that keeps a Rust case's exchange to 50-200 ms (at a fifth of it, a case
//! of 5-40 ms swung by up to 10x between repetitions on a 2-vCPU machine: where the two processes
//! were scheduled decided it) and Python's, five times slower a message, to a similar time with a
//! fifth of the messages; the rows compare as rates (MB/s, msgs/s, round-trip percentiles). Not in
//! the default suite; the whole of it in the sharing suite (Python's cases with fewer repetitions). Part of the plan
//! (tests/layers.rs places it there).

use super::{IpcParams, Transport, SIZES};
use crate::model::ModelKind;
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::Params;

/// Processes exchanging data, per transport and size.
pub struct Ipc;

/// Repetitions of Rust's cases, and of Python's (a Python start and a fork per pair each).
const REPEAT: usize = 5;
const PYTHON_REPEAT: usize = 3;
/// Repetitions of Python's cases in the sharing suite.
const PYTHON_SHARING_REPEAT: usize = 2;

/// Round trips (and as many streamed) per pair at `size` for Python's transports: fewer as messages
/// grow, so that each case moves a few to some tens of megabytes; Rust's pairs make five times as
/// many ([`RUST_SCALE`]).
pub fn messages(size: usize) -> u64 {
    match size {
        s if s <= 64 => 1000,
        s if s <= 4 << 10 => 500,
        s if s <= 64 << 10 => 200,
        _ => 20,
    }
}

/// How many times Python's message count a Rust pair makes: a message costs Rust about a fifth.
pub const RUST_SCALE: u64 = 5;

impl SuiteCases for Ipc {
    fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for transport in Transport::ALL {
            let model = match transport.is_python() {
                false => ModelKind::Sequential,
                true => ModelKind::PySequential,
            };
            for size in SIZES {
                let (scale, repeat) = match transport.is_python() {
                    true => (1, PYTHON_REPEAT),
                    false => (RUST_SCALE, REPEAT),
                };
                let work = Params::Ipc(IpcParams::new(transport, size, messages(size) * scale));
                cases.push(Case::new(Group::Ipc, model, 1, None, work).reps(repeat, 0));
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
