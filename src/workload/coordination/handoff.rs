//! Who is who in a handoff (condition, channel): unit 0 is the producer of every item, units 1..N
//! are its consumers. The producer is a unit like the others — started by the model as the first
//! of its units, so a pool that pulls its units in order always has it running — and a consumer's
//! value is how many items it took, the producer's how many it handed over.

use crate::names::FailureKind;
use crate::workload::TaskResult;

/// A unit's part in the handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handoff {
    Producer,
    Consumer,
}

impl Handoff {
    pub fn of(unit: u64) -> Handoff {
        match unit {
            0 => Handoff::Producer,
            _ => Handoff::Consumer,
        }
    }
}

/// A consumer that took `n` items and saw the producer close.
pub fn consumed(n: u64) -> TaskResult {
    TaskResult::ok(n)
}

pub fn failed(kind: FailureKind) -> TaskResult {
    TaskResult::failed(kind)
}
