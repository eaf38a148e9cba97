//! `cargo bench --bench sleep`: every model waits out N = 100 delays (limit k = 10) with no network,
//! so whatever it takes above ⌈N / k⌉ × delay is the model's own cost.

mod support;

use concbench::workload::{Params, SleepParams};

const TASKS: usize = 100;
const LIMIT: usize = 10;

fn main() -> anyhow::Result<()> {
    let bench = support::Bench::from_env()?;
    let sleep = Params::Sleep(SleepParams::new(bench.delay));
    let cases = bench.every_model(sleep, TASKS, LIMIT).collect();
    bench.run(cases)
}
