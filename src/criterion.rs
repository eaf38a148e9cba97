//! `cargo bench` results read back: criterion keeps every benchmark's samples and estimates under
//! `target/criterion/<id>/<baseline>/`. Each benchmark id is a case's `workload/model/params`, so a
//! baseline becomes a list of [`CaseResult`]s in the `cargo bench` group, which the report tabulates and
//! `compare` matches exactly like cases from result files.

use crate::client::ClientKind;
use crate::model::ModelKind;
use crate::plan::{Case, ServerPlan};
use crate::results::{CaseResult, Percentiles, Sample, ServerInfo, Spread};
use crate::workload::WorkloadKind;
use anyhow::{bail, Context};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The group criterion baselines appear under.
pub const GROUP: &str = "cargo bench";

#[derive(Deserialize)]
struct BenchmarkJson {
    full_id: String,
}

#[derive(Deserialize)]
struct SampleJson {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// One benchmark of one baseline: its id and the mean makespan of each sample, seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Bench {
    pub id: String,
    pub per_iteration_s: Vec<f64>,
}

/// Every benchmark of `baseline` (`new`, `base`, or a `--save-baseline` name) under `dir`.
pub fn load(dir: &Path, baseline: &str) -> anyhow::Result<Vec<Bench>> {
    if !dir.is_dir() {
        bail!(
            "{}: no criterion results here; run `cargo bench` first",
            dir.display()
        );
    }
    let mut found = Vec::new();
    collect(dir, baseline, &mut found);
    found.sort();
    let mut benches = Vec::new();
    for path in found {
        let read = |name: &str| -> anyhow::Result<String> {
            let file = path.join(name);
            std::fs::read_to_string(&file)
                .with_context(|| format!("{}: cannot read", file.display()))
        };
        let meta: BenchmarkJson = serde_json::from_str(&read("benchmark.json")?)
            .with_context(|| format!("{}: not a criterion benchmark.json", path.display()))?;
        let sample: SampleJson = serde_json::from_str(&read("sample.json")?)
            .with_context(|| format!("{}: not a criterion sample.json", path.display()))?;
        let per_iteration_s = sample
            .times
            .iter()
            .zip(&sample.iters)
            .filter(|(_, &n)| n > 0.0)
            .map(|(t, n)| t / n / 1e9)
            .collect();
        benches.push(Bench {
            id: meta.full_id,
            per_iteration_s,
        });
    }
    if benches.is_empty() {
        bail!(
            "{}: no benchmark has a baseline named {baseline:?}",
            dir.display()
        );
    }
    Ok(benches)
}

/// Directories named `baseline` that hold a criterion benchmark.
fn collect(dir: &Path, baseline: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == baseline) && path.join("benchmark.json").is_file()
        {
            out.push(path);
        } else if path.file_name().is_none_or(|n| n != "report") {
            collect(&path, baseline, out);
        }
    }
}

/// The case a benchmark id names (`io/async-semaphore/n9-k3-w9-20ms`), when it follows concbench's ids.
pub fn case_of(id: &str) -> Option<Case> {
    let mut parts = id.splitn(3, '/');
    let workload_name = parts.next()?;
    let workload = WorkloadKind::ALL
        .into_iter()
        .find(|w| w.name() == workload_name)?;
    let model_name = parts.next()?;
    let model = ModelKind::ALL
        .into_iter()
        .find(|m| m.name() == model_name)?;
    let (mut tasks, mut limit, mut workers, mut delay, mut iters) = (None, None, None, None, None);
    let mut client = ClientKind::Direct;
    for token in parts.next()?.split('-') {
        // An empty or non-ASCII first character is no parameter of ours: the id is not concbench's.
        let head = token.get(..1)?;
        let rest = &token[1..];
        match head {
            "n" => tasks = rest.parse().ok(),
            "k" => limit = rest.parse().ok(),
            "w" => {
                workers = if rest == "inf" {
                    Some(0)
                } else {
                    rest.parse().ok()
                }
            }
            "i" => iters = rest.parse().ok(),
            _ if token == "library" => client = ClientKind::Library,
            _ => delay = humantime::parse_duration(token).ok(),
        }
    }
    let mut case = Case::new(GROUP, workload, model, tasks?, limit);
    case.delay = delay.unwrap_or(case.delay);
    case.cpu_iters = iters.unwrap_or(case.cpu_iters);
    case.client = client;
    if workload == WorkloadKind::Io {
        case.server = Some(ServerPlan {
            workers: workers?,
            delay: delay?,
        });
    }
    Some(case)
}

/// A benchmark as a case result: its samples are criterion's per-sample mean makespans. Ids that are not
/// concbench's own are skipped (None).
pub fn to_case(bench: &Bench, cores: usize) -> Option<CaseResult> {
    let case = case_of(&bench.id)?;
    let samples: Vec<Sample> = bench.per_iteration_s.iter().map(|&m| sample(m)).collect();
    // cpu ideals need a calibrated t₁, which criterion does not measure: none is claimed.
    let ideal = match case.workload {
        WorkloadKind::Cpu => None,
        _ => case.ideal(cores, None),
    };
    let spread = Spread::of(&bench.per_iteration_s);
    let mut summary = crate::run::summarise(&samples, ideal, case.bottleneck(cores));
    summary.makespan = spread;
    let params = crate::run::case_params(&case, cores);
    Some(CaseResult {
        id: bench.id.clone(),
        group: GROUP.into(),
        server: case.server.map(|s| ServerInfo {
            workers: s.workers,
            delay_ms: s.delay.as_millis() as u64,
            external: false,
        }),
        warmup: 0,
        samples,
        t1_s: None,
        scaling: None,
        ideal_s: ideal,
        summary,
        params,
    })
}

/// criterion keeps only each sample's total: the makespan is the one figure it knows.
fn sample(makespan_s: f64) -> Sample {
    let flat = Percentiles {
        p50: makespan_s,
        p90: makespan_s,
        p99: makespan_s,
        max: makespan_s,
    };
    Sample {
        makespan_s,
        task_latency: flat,
        ..Sample::default()
    }
}

/// A criterion baseline as cases, for the report and for compare; fails when nothing is concbench's.
pub fn cases(dir: &Path, baseline: &str, cores: usize) -> anyhow::Result<Vec<CaseResult>> {
    let cases: Vec<CaseResult> = load(dir, baseline)?
        .iter()
        .filter_map(|b| to_case(b, cores))
        .collect();
    if cases.is_empty() {
        bail!(
            "{}: no concbench benchmark ids (workload/model/params) in baseline {baseline:?}",
            dir.display()
        );
    }
    Ok(cases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bench_ids_name_their_cases() {
        let c = case_of("io/async-semaphore/n9-k3-w9-20ms").unwrap();
        assert_eq!(
            (c.tasks, c.limit, c.model),
            (9, Some(3), ModelKind::AsyncSemaphore)
        );
        let s = c.server.unwrap();
        assert_eq!((s.workers, s.delay), (9, Duration::from_millis(20)));
        assert_eq!(
            case_of("io/threads/n9-winf-1s")
                .unwrap()
                .server
                .unwrap()
                .workers,
            0
        );
        let cpu = case_of("cpu/rayon/n8-k4-i5000000").unwrap();
        assert_eq!((cpu.cpu_iters, cpu.limit), (5_000_000, Some(4)));
        assert_eq!(
            case_of("sleep/thread-pool/n100-k10-20ms").unwrap().delay,
            Duration::from_millis(20)
        );
        assert!(case_of("my_bench/foo").is_none());
        assert!(case_of("io/warp/n3-w3-1s").is_none());
        // Ids of other benches may hold anything: never a panic, just "not ours".
        assert!(case_of("io/threads/n3--w3").is_none());
        assert!(case_of("io/threads/é3-w3-1s").is_none());
        assert!(case_of("io/threads/n3-w3-1s-").is_none());
        let lib = case_of("io/threads/n3-w3-1s-library").unwrap();
        assert_eq!(lib.client, ClientKind::Library);
    }

    #[test]
    fn a_baseline_directory_reads_back() {
        let dir = std::env::temp_dir().join(format!("concbench-criterion-{}", std::process::id()));
        let b = dir.join("io/async/n9-w9-20ms/main");
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(
            b.join("benchmark.json"),
            r#"{"full_id":"io/async/n9-w9-20ms"}"#,
        )
        .unwrap();
        std::fs::write(
            b.join("sample.json"),
            r#"{"iters":[2.0,4.0],"times":[4.0e7,1.2e8]}"#,
        )
        .unwrap();
        let benches = load(&dir, "main").unwrap();
        assert_eq!(benches[0].per_iteration_s, vec![0.02, 0.03]);
        let case = to_case(&benches[0], 2).unwrap();
        assert!(
            (case.ideal_s.unwrap() - 0.02).abs() < 1e-12,
            "9 tasks, 9 workers, 20 ms"
        );
        assert!((case.summary.efficiency.unwrap() - 0.8).abs() < 1e-9);
        assert!(load(&dir, "other")
            .unwrap_err()
            .to_string()
            .contains("\"other\""));
        let _ = std::fs::remove_dir_all(dir);
    }
}
