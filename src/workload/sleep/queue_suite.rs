//! The queue-workers suite: the same tasks run by process-pool (workers on pipes) and by
//! queue-workers through the own broker and through Redis, at one k: 200 sleeps of 0 ms (the hop
//! alone), 200 of 10 ms (the hop beside a wait), 32 GETs of 100 ms from the unbounded server, and
//! 32 counting tasks. Not in the default suite; the whole of it in the sharing suite (its Redis
//! cases skipped, with one line, where redis-server is not installed). Part of the plan
//! (tests/layers.rs places it there): cases are plan's, listed beside the workload they run.

use crate::model::ModelKind;
use crate::names::{BrokerKind, Group};
use crate::plan::{Case, SuiteCases};
use crate::workload::{CpuParams, IoParams, Params, ServerPlan, SleepParams};
use std::time::Duration;

/// A task queue served to workers, beside a process pool on the same tasks.
pub struct QueueWorkers;

impl SuiteCases for QueueWorkers {
    fn cases(&self) -> Vec<Case> {
        queue_workers()
    }

    /// The whole suite: about half a minute of measuring, most of it the workers' start.
    fn in_sharing(&self) -> Vec<Case> {
        queue_workers()
    }
}

/// Workers: as many as a small machine's pools would start, more than its cores, so the broker
/// serves several at once.
pub const K: usize = 4;
/// Counting tasks: each some milliseconds, long beside a hop.
const CPU_ITERS: u64 = 10_000_000;

/// Each shape on process-pool, then queue-workers on each broker; 3 repetitions after a warm-up
/// (a worker's first start pages the binary in).
fn queue_workers() -> Vec<Case> {
    let g = Group::QueueWorkers;
    let sleep = |ms| Params::Sleep(SleepParams::new(Duration::from_millis(ms)));
    let io = Params::Io(IoParams::new(ServerPlan {
        workers: 0,
        delay: Duration::from_millis(100),
    }));
    let cpu = Params::Cpu(CpuParams {
        cpu_iters: CPU_ITERS,
    });
    let shapes = [(200, sleep(0)), (200, sleep(10)), (32, io), (32, cpu)];
    let mut cases = Vec::new();
    for (n, work) in shapes {
        cases.push(Case::new(g, ModelKind::ProcessPool, n, Some(K), work.clone()).reps(3, 1));
        for broker in BrokerKind::ALL {
            let case = Case::new(g, ModelKind::QueueWorkers, n, Some(K), work.clone());
            cases.push(
                Case {
                    broker: Some(broker),
                    ..case
                }
                .reps(3, 1),
            );
        }
    }
    cases
}

#[cfg(test)]
mod tests {
    use crate::model::ModelKind;
    use crate::names::BrokerKind;
    use crate::plan::Suite;

    #[test]
    fn every_shape_runs_on_the_pool_and_on_both_brokers_at_the_same_k() {
        let cases = Suite::QueueWorkers.cases();
        assert_eq!(cases.len(), 12);
        for chunk in cases.chunks(3) {
            assert_eq!(chunk[0].model, ModelKind::ProcessPool);
            assert_eq!(chunk[0].broker, None);
            let brokers: Vec<_> = chunk[1..].iter().map(|c| c.broker).collect();
            assert_eq!(brokers, [Some(BrokerKind::Own), Some(BrokerKind::Redis)]);
            assert!(chunk
                .iter()
                .all(|c| c.limit == Some(super::K) && c.workload == chunk[0].workload));
        }
        let sharing: Vec<_> = Suite::Sharing.cases().iter().map(|c| c.id()).collect();
        assert!(cases.iter().all(|c| sharing.contains(&c.id())));
    }
}
