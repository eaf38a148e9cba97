//! `cargo bench --bench cpu`: every model runs N = 8 short counting tasks (limit k = 4): which models
//! spread CPU work over the cores, and which (a single event loop, sequential) cannot.

mod support;

use concbench::workload::{CpuParams, Params};

const TASKS: usize = 8;
const LIMIT: usize = 4;
/// Iterations per task: a few milliseconds, so the whole file stays well inside the bench budget.
const CPU_ITERS: u64 = 5_000_000;

fn main() -> anyhow::Result<()> {
    let bench = support::Bench::from_env()?;
    let work = Params::Cpu(CpuParams {
        cpu_iters: CPU_ITERS,
    });
    let cases = bench.every_model(work, TASKS, LIMIT).collect();
    bench.run(cases)
}
