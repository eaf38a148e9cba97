//! `cargo bench` results read back: criterion keeps every benchmark's samples under
//! `target/criterion/<id>/<baseline>/`, and the benches write beside them (`<id>/concbench.json`) what
//! the case is — its parameters, ideal and bottleneck, known where the model code is. So a baseline
//! becomes a list of [`CaseResult`]s in the `cargo bench` group, which the report tabulates and
//! `compare` matches exactly like cases from result files, without this side running any model code.

use crate::names::{Bottleneck, Group};
use crate::results::summary::summarise;
use crate::results::{CaseParams, CaseResult, Percentiles, Sample, Spread};
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file a bench writes beside criterion's directories for each benchmark.
pub const SIDECAR: &str = "concbench.json";

/// What a bench knows of its case and criterion does not: written by the bench, read back here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    pub id: String,
    pub params: CaseParams,
    /// None for cpu cases: criterion measures no t₁.
    pub ideal_s: Option<f64>,
    pub bottleneck: Bottleneck,
}

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
    /// The bench's own description of the case, when it wrote one.
    pub case: Option<Sidecar>,
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
        // The sidecar sits in the benchmark's directory, one above its baselines.
        let case = path
            .parent()
            .map(|d| d.join(SIDECAR))
            .filter(|f| f.is_file())
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|text| serde_json::from_str(&text).ok());
        benches.push(Bench {
            id: meta.full_id,
            per_iteration_s,
            case,
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

/// A benchmark as a case result: its samples are criterion's per-sample mean makespans. Benchmarks
/// without the bench's description (not concbench's, or older) are skipped (None).
pub fn to_case(bench: &Bench) -> Option<CaseResult> {
    let case = bench.case.as_ref().filter(|c| c.id == bench.id)?;
    let samples: Vec<Sample> = bench.per_iteration_s.iter().map(|&m| sample(m)).collect();
    let mut summary = summarise(&samples, case.ideal_s, case.bottleneck);
    summary.makespan = Spread::of(&bench.per_iteration_s);
    Some(CaseResult {
        id: bench.id.clone(),
        group: Group::Bench,
        params: case.params.clone(),
        external: false,
        warmup: 0,
        samples,
        t1_s: None,
        scaling: None,
        t_write_s: None,
        t_write_together_s: None,
        ideal_s: case.ideal_s,
        summary,
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
pub fn cases(dir: &Path, baseline: &str) -> anyhow::Result<Vec<CaseResult>> {
    let cases: Vec<CaseResult> = load(dir, baseline)?.iter().filter_map(to_case).collect();
    if cases.is_empty() {
        bail!(
            "{}: no benchmark of baseline {baseline:?} has a {SIDECAR} (benches of this concbench \
             write one); run `cargo bench` again",
            dir.display()
        );
    }
    Ok(cases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::ModelKind;
    use crate::workload::{IoParams, Params, ServerPlan};

    fn sidecar(id: &str) -> Sidecar {
        Sidecar {
            id: id.into(),
            params: CaseParams {
                model: ModelKind::Async,
                tasks: 9,
                limit: None,
                concurrency: 9,
                cpu_lanes: 2,
                child_concurrency: None,
                workload: Params::Io(IoParams::new(ServerPlan {
                    workers: 9,
                    delay: std::time::Duration::from_millis(20),
                })),
            },
            ideal_s: Some(0.02),
            bottleneck: Bottleneck::Balanced,
        }
    }

    #[test]
    fn a_baseline_directory_reads_back_with_its_sidecar() {
        let dir = std::env::temp_dir().join(format!("concbench-criterion-{}", std::process::id()));
        let bench = dir.join("io/async/n9-w9-20ms");
        let b = bench.join("main");
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
        assert_eq!(to_case(&benches[0]), None, "no sidecar: not concbench's");
        assert!(cases(&dir, "main")
            .unwrap_err()
            .to_string()
            .contains(SIDECAR));
        let side = sidecar("io/async/n9-w9-20ms");
        std::fs::write(bench.join(SIDECAR), serde_json::to_string(&side).unwrap()).unwrap();
        let case = to_case(&load(&dir, "main").unwrap()[0]).unwrap();
        assert_eq!(case.group, Group::Bench);
        assert!((case.summary.efficiency.unwrap() - 0.8).abs() < 1e-9);
        assert!(load(&dir, "other")
            .unwrap_err()
            .to_string()
            .contains("\"other\""));
        let _ = std::fs::remove_dir_all(dir);
    }
}
