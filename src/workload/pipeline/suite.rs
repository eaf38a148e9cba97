//! The pipeline workload's suite: 1,000 items through download → resize → upload, on threads and on
//! tokio tasks. Part of the plan (tests/layers.rs places it there): cases are plan's, listed beside
//! the workload they run.

use crate::model::ModelKind::*;
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
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
}

/// Effective Python's item 55: std threads on channels against tokio tasks on channels.
fn pipeline(repeat: usize) -> Vec<Case> {
    let server = ServerPlan {
        workers: 0,
        delay: Duration::ZERO,
    };
    let work = Params::Pipeline(PipelineParams::new(server));
    [Threads, Async]
        .into_iter()
        .map(|m| Case::new(Group::Pipeline, m, 1_000, None, work.clone()).reps(repeat, 0))
        .collect()
}
