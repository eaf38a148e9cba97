//! `cargo bench --bench cpu`: every model runs N = 8 short counting tasks (limit k = 4): which models
//! spread CPU work over the cores, and which (a single event loop, sequential) cannot.

mod support;

use concbench::plan::Case;
use concbench::workload::WorkloadKind;

const TASKS: usize = 8;
const LIMIT: usize = 4;
/// Iterations per task: a few milliseconds, so the whole file stays well inside the bench budget.
const CPU_ITERS: u64 = 5_000_000;

fn main() -> anyhow::Result<()> {
    let bench = support::Bench::from_env()?;
    let cases = bench
        .every_model(WorkloadKind::Cpu, TASKS, LIMIT)
        .map(|c| Case {
            cpu_iters: CPU_ITERS,
            ..c
        })
        .collect();
    bench.run(cases)
}
