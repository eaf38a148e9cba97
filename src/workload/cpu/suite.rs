//! The cpu workload's suite: 32 counting tasks per model, k from 1 to 8; and Python's threads
//! against its process pool on the same loop (the GIL, measured), in a group of its own. Part of the
//! plan (tests/layers.rs places it there): cases are plan's, listed beside the workload they run.

use crate::model::ModelKind::*;
use crate::names::Group;
use crate::plan::{Case, SuiteCases, QUICK_REPEAT};
use crate::workload::{CpuParams, Params};

/// Speedup against k per model, then Python's GIL.
pub struct Cpu;

impl SuiteCases for Cpu {
    fn cases(&self) -> Vec<Case> {
        [cpu(5), py_cpu(3)].concat()
    }

    /// Six repetitions of a cpu case, a fraction of a second each: the fewest with which compare's
    /// rank test can decide at p < 0.05 over a group. Python's cases twice.
    fn in_default(&self) -> Vec<Case> {
        [cpu(6), py_cpu(2)].concat()
    }

    /// The suite's own cases for one lane and for two of a thread pool, rayon and a process pool.
    fn in_quick(&self) -> Vec<Case> {
        let work = Params::Cpu(CpuParams {
            cpu_iters: crate::workload::DEFAULT_CPU_ITERS,
        });
        [
            (Sequential, None),
            (ThreadPool, Some(2)),
            (Rayon, Some(2)),
            (ProcessPool, Some(2)),
        ]
        .map(|(m, k)| Case::new(Group::Cpu, m, 32, k, work.clone()).reps(QUICK_REPEAT, 0))
        .into()
    }
}

fn cpu(repeat: usize) -> Vec<Case> {
    let work = Params::Cpu(CpuParams {
        cpu_iters: crate::workload::DEFAULT_CPU_ITERS,
    });
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
            let case = Case::new(Group::Cpu, model, 32, Some(k), work.clone());
            cases.push(case.reps(repeat, 1));
        }
    }
    cases
}

/// Python's answer to the GIL (article 004, Effective Python item 64): the same counting loop on one
/// thread, a thread per task and a process pool, in a group of its own — the cpu chart's speedups are
/// over Rust's t₁, which says nothing of Python's loop (about 100× slower). 2 M iterations and 8
/// tasks keep each case under a second in CPython (py-sequential took 0.896 s on an AMD EPYC VM,
/// vm-dbb67700, and 0.384 s on the reference run's Intel Xeon VM, vm-35e81f9f); k = 4 shows where
/// two cores stop helping.
fn py_cpu(repeat: usize) -> Vec<Case> {
    let work = Params::Cpu(CpuParams {
        cpu_iters: 2_000_000,
    });
    let case = |model, k| Case::new(Group::PyCpu, model, 8, k, work.clone()).reps(repeat, 0);
    vec![
        case(PySequential, None),
        case(PyThreads, None),
        case(PyProcessPool, Some(2)),
        case(PyProcessPool, Some(4)),
    ]
}
