//! `cargo bench` results read back: criterion keeps every benchmark's samples under
//! `target/criterion/<id>/<baseline>/`, and the benches write beside them (`<id>/concbench.json`) what
//! the case is — its parameters, ideal and bottleneck, known where the model code is. So a baseline
//! becomes a list of [`CaseResult`]s in the `cargo bench` group, which the report tabulates and
//! `compare` matches exactly like cases from result files, without this side running any model code.
//! criterion's files are held to what result files are (`results::read_capped_as`: a regular file of
//! bounded size; `results::check_duration`: finite figures in range), and symlinked directories are
//! not walked, so a hostile or broken folder is refused with one line naming the file, never hangs.

use crate::names::{Bottleneck, Group};
use crate::results::summary::summarise;
use crate::results::{
    check_duration, check_duration_or_zero, read_capped_as, show, CaseParams, CaseResult,
    Percentiles, Sample, Spread,
};
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

/// What the messages call the files read here.
const WHAT: &str = "a file `cargo bench` wrote";

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
            String::from_utf8(read_capped_as(&file, WHAT)?)
                .with_context(|| format!("{}: not UTF-8 text", file.display()))
        };
        let meta: BenchmarkJson = serde_json::from_str(&read("benchmark.json")?)
            .with_context(|| format!("{}: not a criterion benchmark.json", path.display()))?;
        let sample: SampleJson = serde_json::from_str(&read("sample.json")?)
            .with_context(|| format!("{}: not a criterion sample.json", path.display()))?;
        // The sidecar sits in the benchmark's directory, one above its baselines.
        let case = match path.parent().map(|d| d.join(SIDECAR)) {
            Some(file) if file.symlink_metadata().is_ok() => sidecar(&file)?,
            _ => None,
        };
        let ours = case.as_ref().is_some_and(|c| c.id == meta.full_id);
        let per_iteration_s = per_iteration(&sample, ours)
            .with_context(|| format!("{}", path.join("sample.json").display()))?;
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

/// A bench's description of its case: None when it is not one this concbench reads (an older
/// format), an error when the file cannot be read or claims an ideal no case has.
fn sidecar(file: &Path) -> anyhow::Result<Option<Sidecar>> {
    let bytes = read_capped_as(file, WHAT)?;
    let Ok(side) = serde_json::from_slice::<Sidecar>(&bytes) else {
        return Ok(None);
    };
    if let Some(ideal) = side.ideal_s {
        check_duration(ideal, "ideal_s").with_context(|| format!("{}", file.display()))?;
    }
    Ok(Some(side))
}

/// Each sample's mean time per iteration, seconds. criterion writes whole, positive iteration counts
/// and non-negative totals; anything else was not written by it, and is refused rather than shown as
/// a negative ("faster") or infinite makespan. A concbench case's times are makespans, held to what a
/// result file's are; another bench's only to be finite and non-negative (it may take under 1 ns).
fn per_iteration(sample: &SampleJson, ours: bool) -> anyhow::Result<Vec<f64>> {
    anyhow::ensure!(
        sample.iters.len() == sample.times.len(),
        "{} iteration counts for {} times: every sample has one of each",
        sample.iters.len(),
        sample.times.len()
    );
    let check = if ours {
        check_duration
    } else {
        check_duration_or_zero
    };
    let mut out = Vec::with_capacity(sample.times.len());
    for (i, (&t, &n)) in sample.times.iter().zip(&sample.iters).enumerate() {
        anyhow::ensure!(
            n.is_finite() && n >= 1.0,
            "iters[{i}] is {}: not a count of iterations",
            show(n)
        );
        let s = t / n / 1e9;
        check(
            s,
            &format!("times[{i}] / iters[{i}] (seconds per iteration)"),
        )?;
        out.push(s);
    }
    Ok(out)
}

/// Directories named `baseline` that hold a criterion benchmark. Only real directories are entered:
/// a symlink back up the tree (`ln -s .. loop`) would otherwise be walked until the kernel's limit of
/// links per path, twice over for every second such link.
fn collect(dir: &Path, baseline: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == baseline)
            && path.join("benchmark.json").symlink_metadata().is_ok()
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
                broker: None,
                workload: Params::Io(IoParams::new(ServerPlan {
                    workers: 9,
                    delay: std::time::Duration::from_millis(20),
                })),
                ledger_off: false,
                arrival: Default::default(),
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
