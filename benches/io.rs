//! `cargo bench --bench io`: every model sends N = 9 GETs (limit k = 3 for the models that take one)
//! to the slow server, once against 9 sync workers and once against an unbounded server — the talk's
//! client-bound and server-bound shapes at a short delay.

mod support;

use concbench::workload::{IoParams, Params, ServerPlan};

const TASKS: usize = 9;
const LIMIT: usize = 3;
/// Server workers: W = 9, then unbounded (0).
const WORKERS: [usize; 2] = [9, 0];

fn main() -> anyhow::Result<()> {
    let bench = support::Bench::from_env()?;
    let cases = WORKERS
        .into_iter()
        .flat_map(|workers| {
            let server = ServerPlan {
                workers,
                delay: bench.delay,
            };
            bench.every_model(Params::Io(IoParams::new(server)), TASKS, LIMIT)
        })
        .collect();
    bench.run(cases)
}
