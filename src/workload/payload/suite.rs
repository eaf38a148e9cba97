//! The payload suite: 16 tasks, each handed B bytes and handing B back beside 10 ms of counting, for
//! B = 0, 1 KiB, 64 KiB, 1 MiB and 16 MiB, on the models that move data — sequential (nothing moves),
//! a thread pool (ownership moves), a process pool and an async process pool (the bytes go down
//! their pipes) — and Python's thread pool and process pool (a reference against pickling), each
//! with k = 2 on this 2-core machine's scale. Part of the plan (tests/layers.rs places it there).

use super::{PayloadParams, DEFAULT_CPU_MS};
use crate::model::ModelKind::{self, *};
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::Params;

/// Effective Python item 64: where moving the data eats what a process pool gains.
pub struct Payload;

/// The sizes swept: none, a small record, a large one, an image, a dataset's chunk.
pub const SIZES: [u64; 5] = [0, 1 << 10, 64 << 10, 1 << 20, 16 << 20];
const TASKS: usize = 16;
/// Repetitions of every case: each a fraction of a second but Python's start.
const REPEAT: usize = 3;

impl SuiteCases for Payload {
    fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for (model, k) in models() {
            for bytes in SIZES {
                let work = Params::Payload(PayloadParams::new(bytes, DEFAULT_CPU_MS));
                cases.push(Case::new(Group::Payload, model, TASKS, k, work).reps(REPEAT, 0));
            }
        }
        cases
    }

    /// Whole: no room in the default suite.
    fn in_lessons(&self) -> Vec<Case> {
        self.cases()
    }
}

/// The models compared, each with its k.
fn models() -> [(ModelKind, Option<usize>); 6] {
    [
        (Sequential, None),
        (ThreadPool, Some(2)),
        (ProcessPool, Some(2)),
        (AsyncProcessPool, Some(2)),
        // Skipped with one line without `make python-env`.
        (PyThreadPool, Some(2)),
        (PyProcessPool, Some(2)),
    ]
}
