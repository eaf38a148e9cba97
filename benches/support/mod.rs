//! Shared by the criterion benches (`io`, `sleep`, `cpu`): the delay (`CONCBENCH_BENCH_DELAY`, 20 ms by
//! default), the slow-server children a bench file needs, the chart font, and one benchmark per
//! case that runs the library's own model — the code `concbench run` runs — and reports the model's
//! makespan, so setup (runtime build, thread or process spawn) stays out of it as it does in result files.
//! An iteration is a whole run of N tasks, so sampling is flat with criterion's minimum of ten samples,
//! and each benchmark's measurement time is sized from the case's ideal.

use anyhow::Context;
use concbench::model::{Job, ModelKind};
use concbench::names::Group;
use concbench::plan::Case;
use concbench::run::service::slow_server::ServerChild;
use concbench::store::criterion::{Sidecar, SIDECAR};
use concbench::workload::{Params, ServerPlan};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, PlottingBackend, SamplingMode};
use std::collections::hash_map::{Entry, HashMap};
use std::path::Path;
use std::time::Duration;

/// The concbench binary: the slow server (`__serve`) and process-pool workers.
const EXE: &str = env!("CARGO_BIN_EXE_concbench");
const DELAY_VAR: &str = "CONCBENCH_BENCH_DELAY";
const DEFAULT_DELAY: Duration = Duration::from_millis(20);
const SAMPLES: usize = 10;
const RESAMPLES: usize = 10_000;
const WARM_UP: Duration = Duration::from_secs(1);
/// At least this much measuring per benchmark; long cases get more (see `measurement_time`).
const MEASUREMENT: Duration = Duration::from_secs(2);

/// One bench file: criterion configured from the command line, and the delay its cases use.
pub struct Bench {
    criterion: Criterion,
    /// The io server's delay and the sleep; the cpu bench has no use for it.
    #[allow(dead_code)]
    pub delay: Duration,
}

impl Bench {
    pub fn from_env() -> anyhow::Result<Bench> {
        // criterion draws its charts with the same plotters as the report, whose ab_glyph feature has
        // no fallback to system fonts: without the shipped font registered, its first chart panics.
        concbench::render::style::ensure_font();
        let delay = match std::env::var(DELAY_VAR) {
            Err(std::env::VarError::NotPresent) => DEFAULT_DELAY,
            value => {
                let text = value.unwrap_or_default();
                humantime::parse_duration(&text).with_context(|| {
                    format!("{DELAY_VAR}={text:?} is not a duration; use e.g. 20ms or 1s")
                })?
            }
        };
        // Plotters always, so the charts do not depend on whether gnuplot happens to be installed.
        // Ten samples need no 100,000 bootstrap resamples, whose charts cost seconds per benchmark.
        // The command line still overrides both (`--warm-up-time`, `--nresamples`).
        let criterion = Criterion::default()
            .plotting_backend(PlottingBackend::Plotters)
            .nresamples(RESAMPLES)
            .warm_up_time(WARM_UP)
            .configure_from_args();
        Ok(Bench { criterion, delay })
    }

    /// `workload`'s case for every model: N tasks, limit k for the models that take one.
    pub fn every_model(
        &self,
        workload: Params,
        tasks: usize,
        limit: usize,
    ) -> impl Iterator<Item = Case> + '_ {
        ModelKind::rust()
            .map(move |model| Case::new(Group::Bench, model, tasks, Some(limit), workload.clone()))
    }

    /// Benchmark every case as `workload/model/params` in one criterion group, starting each slow server
    /// the cases need once. The servers are dropped — killed and reaped — when this returns or unwinds.
    pub fn run(mut self, cases: Vec<Case>) -> anyhow::Result<()> {
        let Some(workload) = cases.first().map(|c| c.workload.kind()) else {
            return Ok(());
        };
        let mut servers: HashMap<ServerPlan, ServerChild> = HashMap::new();
        for plan in cases.iter().filter_map(|c| c.workload.describe().server()) {
            if let Entry::Vacant(slot) = servers.entry(plan) {
                slot.insert(ServerChild::start(Path::new(EXE), plan, None, None, 0)?);
            }
        }
        let mut group = self.criterion.benchmark_group(workload.name());
        group.sampling_mode(SamplingMode::Flat).sample_size(SAMPLES);
        for case in &cases {
            let url = case
                .workload
                .describe()
                .server()
                .map_or(String::new(), |p| servers[&p].ready.url.clone());
            bench_case(&mut group, case, &url)?;
        }
        group.finish();
        self.criterion.final_summary();
        Ok(())
    }
}

fn bench_case(
    group: &mut BenchmarkGroup<'_, WallTime>,
    case: &Case,
    url: &str,
) -> anyhow::Result<()> {
    let job = Job {
        workload: case
            .workload
            .describe()
            .build(url)
            .with_context(|| format!("building the workload of {}", name(case)))?,
        params: case.workload.clone(),
        url: url.to_string(),
        tasks: case.tasks,
        limit: case.k(),
        exe: EXE.into(),
        retries: 0,
        per_worker: case.per_worker(),
        max_threads: None,
        broker: None,
        schedule: None,
    };
    group.measurement_time(measurement_time(case));
    // The group is the workload: criterion's id is `workload/model/params`.
    let id = BenchmarkId::new(case.model.name(), case.params());
    // criterion calls the closure only for a benchmark the command line's filter selects.
    let mut ran = false;
    group.bench_function(id, |b| {
        ran = true;
        b.iter_custom(|iters| (0..iters).map(|_| makespan(case, &job)).sum())
    });
    // Only beside samples criterion saved (it makes the benchmark's directory when it saves them;
    // `cargo test --benches` saves none): the group's summary charts every benchmark whose directory
    // exists, so a sidecar that made one for a benchmark the filter left out had criterion print
    // "Failed to access file …/new/sample.json" once for each.
    if ran && bench_dir(case).is_dir() {
        write_sidecar(case)?;
    }
    Ok(())
}

/// Criterion's flat sampling runs ⌈time per sample / iteration⌉ iterations per sample and complains
/// when that is one; sizing from the ideal gives even the slowest model two, and fast ones more.
fn measurement_time(case: &Case) -> Duration {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ideal = Duration::from_secs_f64(case.ideal(cores, None).unwrap_or(0.0));
    MEASUREMENT.max(ideal.mul_f64(1.5 * SAMPLES as f64))
}

/// One run of the case by the library's model; a failed task makes the number meaningless, so it stops
/// the bench with the case and the first failure.
fn makespan(case: &Case, job: &Job) -> Duration {
    let exec = case
        .model
        .model()
        .run(job)
        .unwrap_or_else(|e| panic!("{}: {e:#}", name(case)));
    let failed: Vec<_> = exec
        .records
        .iter()
        .filter_map(|r| r.result.outcome.err())
        .collect();
    assert!(
        failed.is_empty(),
        "{}: {} of {} tasks failed (first: {}); is the slow server still running?",
        name(case),
        failed.len(),
        case.tasks,
        failed[0].name()
    );
    exec.makespan()
}

/// The case as criterion names it.
fn name(case: &Case) -> String {
    format!("{}/{}/{}", case.workload.kind(), case.model, case.params())
}

/// Where criterion keeps the case's files: `$CRITERION_HOME/<id>`, by default target/criterion/<id>.
fn bench_dir(case: &Case) -> std::path::PathBuf {
    std::env::var_os("CRITERION_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new("target").join("criterion"))
        .join(name(case))
}

/// What the case is, beside criterion's own files for it, so `concbench report --criterion` and
/// `compare criterion:NAME` read the case's parameters, ideal and bottleneck instead of guessing them.
fn write_sidecar(case: &Case) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = bench_dir(case);
    let side = Sidecar {
        id: name(case),
        params: concbench::run::case_params(case, cores),
        // criterion measures no t₁: a cpu case claims no ideal.
        ideal_s: case.ideal(cores, None),
        bottleneck: case.bottleneck(cores, None),
    };
    let json = serde_json::to_string_pretty(&side).expect("a sidecar serialises");
    std::fs::write(dir.join(SIDECAR), json)
        .with_context(|| format!("cannot write {}", dir.join(SIDECAR).display()))
}
