//! What a report is drawn from: the cases of one machine's result files merged into one list (a case
//! measured again in a newer file replaces the older measurement), with where each came from and which
//! files were skipped. Also the small readings every section shares: a case's label, its k, W, the
//! sample nearest its median, its peak memory. What one section alone reads of its cases lives in its
//! own folder (`sections/<name>/data.rs`).

use crate::client::ClientKind;
use crate::names::Group;
use crate::results::{CaseResult, DataFloors, LoadGenerators, Machine, ResultFile, Sample};
use crate::store::files::Skipped;
use crate::workload::{IoParams, Params};
use std::collections::HashMap;
use std::path::PathBuf;

/// One result file that went into the report.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub suite: String,
    pub started: String,
    pub complete: bool,
    pub interrupted: Option<String>,
    pub concbench_version: String,
    pub git_commit: Option<String>,
    pub cases: usize,
    /// How repetitions were scheduled (`interleaved`, `blocked`); None in files before schema v2.
    pub order: Option<String>,
    /// The seed of the round shuffles, so the order can be replayed.
    pub seed: Option<u64>,
}

/// Everything a report shows, read from result files only.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// The machine of the newest file.
    pub machine: Machine,
    /// Oldest first.
    pub sources: Vec<Source>,
    pub skipped: Vec<Skipped>,
    /// Merged cases, in the order they first ran.
    pub cases: Vec<CaseResult>,
    /// The load generators of the newest calibration among the files.
    pub load_generators: Option<LoadGenerators>,
    /// The floors of moving data of the newest file that measured them.
    pub data_floors: Option<DataFloors>,
}

impl ReportData {
    /// Merge files of one machine; `files` in any order, the newest measurement of a case wins.
    pub fn merge(mut files: Vec<(PathBuf, ResultFile)>, skipped: Vec<Skipped>) -> ReportData {
        files.sort_by(|a, b| a.1.started.cmp(&b.1.started));
        let machine = files
            .last()
            .map(|(_, f)| f.machine.clone())
            .expect("merge is given at least one file");
        let mut cases: Vec<CaseResult> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut sources = Vec::new();
        let mut load_generators = None;
        let mut data_floors = None;
        for (path, file) in files {
            data_floors = file.data_floors.or(data_floors);
            // Oldest first: a newer calibration replaces an older one, like a case measured again.
            if file.load_generators.is_some() {
                load_generators = file.load_generators.clone();
            }
            sources.push(Source {
                path,
                suite: file.suite.clone(),
                started: file.started.clone(),
                complete: file.complete,
                interrupted: file.interrupted.clone(),
                concbench_version: file.concbench_version.clone(),
                git_commit: file.git_commit.clone(),
                cases: file.cases.len(),
                order: file.order.clone(),
                seed: file.seed,
            });
            for case in file.cases {
                match index.get(&case.id) {
                    Some(&i) => cases[i] = case,
                    None => {
                        index.insert(case.id.clone(), cases.len());
                        cases.push(case);
                    }
                }
            }
        }
        ReportData {
            machine,
            sources,
            skipped,
            cases,
            load_generators,
            data_floors,
        }
    }

    /// The cases of one suite group, in run order.
    pub fn group(&self, group: Group) -> Vec<&CaseResult> {
        self.cases.iter().filter(|c| c.group == group).collect()
    }

    /// Every group present, in the order its first case ran.
    pub fn groups(&self) -> Vec<Group> {
        let mut out: Vec<Group> = Vec::new();
        for c in &self.cases {
            if !out.contains(&c.group) {
                out.push(c.group);
            }
        }
        out
    }

    /// Cores the runs could use: the allowed CPU set, as the ideals assume.
    pub fn cores(&self) -> usize {
        match self.machine.allowed_cpus.len() {
            0 => self.machine.logical_cores.max(1),
            n => n,
        }
    }
}

/// A short readable name for a case in charts: model, then k and N (`async-semaphore k=3 N=9`).
pub fn label(c: &CaseResult) -> String {
    match c.params.limit {
        Some(k) => format!("{} k={k} N={}", c.params.model, c.params.tasks),
        None => format!("{} N={}", c.params.model, c.params.tasks),
    }
}

/// k as the model saw it: its limit, or N for models without one.
pub fn k(c: &CaseResult) -> usize {
    c.params.limit.unwrap_or(c.params.tasks)
}

/// The io parameters of a case that makes requests.
pub fn io(c: &CaseResult) -> Option<&IoParams> {
    match &c.params.workload {
        Params::Io(io) => Some(io),
        _ => None,
    }
}

/// The wait of a sleep case, milliseconds.
pub fn sleep_ms(c: &CaseResult) -> Option<u64> {
    match &c.params.workload {
        Params::Sleep(s) => Some(s.delay_ms),
        _ => None,
    }
}

/// Server workers W: None without a (known) server, Some(None) for the unbounded server.
pub fn server_workers(c: &CaseResult) -> Option<Option<usize>> {
    io(c)
        .and_then(|io| io.server_workers)
        .map(|w| (w > 0).then_some(w))
}

/// The measured sample whose makespan is nearest the median: the typical repetition to draw.
pub fn typical_sample(c: &CaseResult) -> Option<&Sample> {
    let m = c.summary.makespan.median;
    c.samples.iter().min_by(|a, b| {
        (a.makespan_s - m)
            .abs()
            .total_cmp(&(b.makespan_s - m).abs())
    })
}

/// Median over samples of one figure.
pub fn median_of(c: &CaseResult, f: impl Fn(&Sample) -> f64) -> f64 {
    crate::stats::median(&c.samples.iter().map(f).collect::<Vec<_>>())
}

/// CPU time of the service the case ran against (the slow server, gunicorn and its workers, a database
/// and its backends) over a repetition, seconds: the sample's own figure, or its noise's in files that
/// kept it there.
pub fn server_cpu_s(s: &Sample) -> Option<f64> {
    s.server_cpu_s.or(s.noise.and_then(|n| n.server_cpu_s))
}

/// The median over samples of the service's CPU time, when every sample has one.
pub fn median_server_cpu_s(c: &CaseResult) -> Option<f64> {
    let all: Option<Vec<f64>> = c.samples.iter().map(server_cpu_s).collect();
    all.filter(|v| !v.is_empty())
        .map(|v| crate::stats::median(&v))
}

/// The median over samples of the time to the first result (first submission → first task done),
/// when every sample recorded one: files written before it was recorded have none.
pub fn first_result_p50(c: &CaseResult) -> Option<f64> {
    let all: Option<Vec<f64>> = c.samples.iter().map(|s| s.first_result_s).collect();
    all.filter(|v| !v.is_empty())
        .map(|v| crate::stats::median(&v))
}

/// Peak memory of a case's process in KiB, median over samples. wait4's peak of the case process
/// already covers its largest reaped child, so process-pool workers are never added on top of it.
pub fn peak_rss_kib(c: &CaseResult) -> f64 {
    median_of(c, |s| s.max_rss_kib as f64)
}

/// How an io case made its requests; None for workloads without requests.
pub fn client(c: &CaseResult) -> Option<ClientKind> {
    io(c).map(|io| io.client)
}
