//! What the compare tests share: synthetic result files (a machine, a sample, a cpu case, an io case,
//! a file of cases), known noise, and one comparison of two files as the command makes it.

use super::builders::{case_params, plan};
use concbench::cli::CompareArgs;
use concbench::compare::{self, Comparison, Format};
use concbench::names::{Bottleneck, Group, ModelKind};
use concbench::results::{CaseResult, Machine, Percentiles, ResultFile, Sample};
use concbench::workload::{CpuParams, IoParams, Params};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

pub fn machine(id: &str) -> Machine {
    Machine {
        machine_id: id.into(),
        hostname: "test".into(),
        cpu_model: "Test CPU".into(),
        logical_cores: 4,
        physical_cores: Some(2),
        memory_bytes: 8 << 30,
        os: "Test OS".into(),
        kernel: "Linux 6.0".into(),
        rustc: "rustc 1.95.0".into(),
        governor: None,
        allowed_cpus: vec![0, 1, 2, 3],
    }
}

pub fn sample(makespan_s: f64) -> Sample {
    let p = Percentiles {
        p50: makespan_s,
        p90: makespan_s,
        p99: makespan_s,
        max: makespan_s,
    };
    Sample {
        makespan_s,
        setup_s: 0.001,
        ok: 4,
        failures: BTreeMap::new(),
        task_latency: p,
        service_latency: None,
        user_s: makespan_s,
        sys_s: 0.0,
        max_rss_kib: 4096,
        voluntary_ctx: 1,
        involuntary_ctx: 1,
        threads_peak: 2,
        attempts: 4,
        ..Sample::default()
    }
}

/// A cpu case of the `cpu` group: the thread-pool at k = `k`, with these makespans.
pub fn case(k: usize, makespans: &[f64]) -> CaseResult {
    let samples: Vec<Sample> = makespans.iter().map(|&m| sample(m)).collect();
    let ideal = 0.5;
    CaseResult {
        id: format!("cpu/cpu/thread-pool/n8-k{k}-i1000"),
        group: Group::Cpu,
        params: case_params(
            ModelKind::ThreadPool,
            8,
            Some(k),
            Params::Cpu(CpuParams { cpu_iters: 1000 }),
        ),
        external: false,
        warmup: 1,
        summary: concbench::run::summarise(&samples, Some(ideal), Bottleneck::Cpu),
        samples,
        t1_s: Some(0.1),
        scaling: Some(1.0),
        t_write_s: None,
        t_write_together_s: None,
        ideal_s: Some(ideal),
    }
}

pub fn file(id: &str, cases: Vec<CaseResult>) -> ResultFile {
    ResultFile {
        schema_version: concbench::results::SCHEMA_VERSION,
        concbench_version: "0.1.0".into(),
        git_commit: None,
        command: vec!["concbench".into()],
        suite: "cpu".into(),
        started: "2025-01-01T00:00:00Z".into(),
        updated: "2025-01-01T00:00:00Z".into(),
        complete: true,
        interrupted: None,
        machine: machine(id),
        order: None,
        seed: None,
        cases,
        load_generators: None,
        data_floors: None,
    }
}

/// Known noise, within ±1 %: a different pattern on each side, so no sample ties across sides.
pub const NOISE_A: [f64; 8] = [-0.010, 0.004, -0.006, 0.008, 0.000, 0.010, -0.004, 0.002];
pub const NOISE_B: [f64; 8] = [0.003, -0.009, 0.007, -0.001, 0.009, -0.005, 0.005, -0.007];

pub fn noisy(centre: f64, noise: &[f64]) -> Vec<f64> {
    noise.iter().map(|e| centre * (1.0 + e)).collect()
}

pub fn compare_files(a: &Path, b: &Path) -> Comparison {
    compare::compare(&CompareArgs {
        runs: vec![a.display().to_string(), b.display().to_string()],
        threshold: 5.0,
        format: Format::Table,
        store: "reports/results".into(),
        html: None,
        fail_on: None,
    })
    .unwrap()
}

/// An io case of the seed group: the thread-pool at k = `k` against W = 3, with these makespans.
pub fn io(k: usize, makespans: &[f64]) -> CaseResult {
    let mut c = case(k, makespans);
    c.id = format!("seed/io/thread-pool/n8-k{k}-w3-1s");
    c.group = Group::Seed;
    c.params.workload = Params::Io(IoParams::new(plan(3, Duration::from_secs(1))));
    c
}

/// Three samples spread 0.2 %, as io against a slow server gives them.
pub const IO3: [f64; 3] = [-0.001, 0.0, 0.001];

/// `case(k, …)` moved into `group`, its id saying so.
pub fn grouped(group: Group, mut c: CaseResult) -> CaseResult {
    c.id = format!("{group}/{}", c.id.split_once('/').unwrap().1);
    c.group = group;
    c
}
