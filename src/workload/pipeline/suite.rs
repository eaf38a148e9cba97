//! The pipeline workload's suite: 1,000 items through download → resize → upload, on threads and on
//! tokio tasks. Part of the plan (tests/layers.rs places it there): cases are plan's, listed beside
//! the workload they run.

use crate::model::ModelKind::*;
use crate::names::Group;
use crate::plan::{Case, SuiteCases, QUICK_REPEAT};
use crate::workload::{Params, PipelineParams, ServerPlan};
use std::time::Duration;

/// Effective Python's item 55.
pub struct Pipeline;

impl SuiteCases for Pipeline {
    fn cases(&self) -> Vec<Case> {
        pipeline(3)
    }

    fn in_default(&self) -> Vec<Case> {
        pipeline(3)
    }

    /// 100 items instead of 1,000: the same stages and queues, a sixth of a second.
    fn in_quick(&self) -> Vec<Case> {
        pipeline_of(100, QUICK_REPEAT)
    }
}

/// Effective Python's item 55: std threads on channels against tokio tasks on channels.
fn pipeline(repeat: usize) -> Vec<Case> {
    pipeline_of(1_000, repeat)
}

fn pipeline_of(items: usize, repeat: usize) -> Vec<Case> {
    let server = ServerPlan {
        workers: 0,
        delay: Duration::ZERO,
    };
    let work = Params::Pipeline(PipelineParams::new(server));
    [Threads, Async]
        .into_iter()
        .map(|m| Case::new(Group::Pipeline, m, items, None, work.clone()).reps(repeat, 0))
        .collect()
}
