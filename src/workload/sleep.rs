//! `sleep`: wait, with no network. Whatever a model adds above the wait is its own cost (thread start,
//! scheduling, memory), which the `memory` suite measures.

use super::{TaskFuture, TaskResult, Workload, WorkloadKind};
use std::time::Duration;

pub struct Sleep(pub Duration);

impl Workload for Sleep {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Sleep
    }

    fn blocking(&self) -> TaskResult {
        std::thread::sleep(self.0);
        TaskResult::ok(0)
    }

    fn run_async(&self) -> TaskFuture<'_> {
        Box::pin(async move {
            tokio::time::sleep(self.0).await;
            TaskResult::ok(0)
        })
    }
}
