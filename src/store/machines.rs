//! What one argument of `concbench compare` (or one machine of the report's machines page) stands for:
//! a result file, a directory of them, a machine id of the store (`reports/results/<machine-id>/`;
//! `this` = this machine) or a `cargo bench` baseline (`criterion:NAME`). A directory or machine id
//! means its newest complete measurement of every case: normally its newest complete run, and when it
//! holds runs of several suites, all of them (asv's "results merged per machine"). A file of such a
//! directory that is no readable result file (a copy cut short) is skipped and listed, as the report's
//! loader does, as long as a complete run remains.

use super::files::{json_files, Skipped};
use super::identity::same_case;
use crate::error::UsageError;
use crate::results::{CaseResult, ResultFile};
use std::path::{Path, PathBuf};

/// The runs one argument names, loaded.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The argument as given.
    pub source: String,
    /// The result files used, newest first.
    pub files: Vec<PathBuf>,
    /// The newest of those runs: its machine, versions and state describe them all.
    pub run: ResultFile,
    /// Every case, the newest measurement winning when several runs hold it.
    pub cases: Vec<CaseResult>,
    /// Files of the directory that could not be read, and why.
    pub skipped: Vec<Skipped>,
}

/// Resolve `arg` against the store and load what it names.
pub fn load(arg: &str, store: &Path) -> anyhow::Result<Loaded> {
    let path = Path::new(arg);
    let (files, runs, skipped) = if let Some(spec) = arg.strip_prefix("criterion:") {
        (Vec::new(), vec![criterion_run(spec)?], Vec::new())
    } else if path.is_dir() {
        complete_runs(path)?
    } else if path.exists() {
        // A file, or something that is not one (a FIFO, a device): the loader says which.
        let run = ResultFile::load(path).map_err(|e| UsageError(format!("{e:#}")))?;
        (vec![path.to_path_buf()], vec![run], Vec::new())
    } else {
        let id = match arg {
            "this" => crate::measure::machine::describe(None).machine_id,
            _ => arg.to_string(),
        };
        let dir = store.join(&id);
        if !dir.is_dir() || id.contains('/') || id == ".." {
            return Err(UsageError(unknown(arg, &id, store)).into());
        }
        complete_runs(&dir)?
    };
    let mut cases: Vec<CaseResult> = Vec::new();
    for run in &runs {
        for case in &run.cases {
            if !cases.iter().any(|c| same_case(c, case)) {
                cases.push(case.clone());
            }
        }
    }
    Ok(Loaded {
        source: arg.to_string(),
        files,
        run: runs.into_iter().next().expect("at least one run"),
        cases,
        skipped,
    })
}

/// `criterion:NAME` (a baseline under target/criterion) or `criterion:DIR:NAME`: a `cargo bench`
/// baseline as a run of this machine, so it compares exactly like a result file.
fn criterion_run(spec: &str) -> anyhow::Result<ResultFile> {
    let (dir, name) = match spec.rsplit_once(':') {
        Some((dir, name)) => (Path::new(dir), name),
        None => (Path::new("target/criterion"), spec),
    };
    let machine = crate::measure::machine::describe(None);
    let cases = super::criterion::cases(dir, name)
        .map_err(|e| UsageError(format!("criterion:{spec}: {e:#}")))?;
    Ok(ResultFile {
        schema_version: crate::results::SCHEMA_VERSION,
        concbench_version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: None,
        command: vec!["cargo".into(), "bench".into()],
        suite: crate::names::Group::Bench.name().into(),
        started: String::new(),
        updated: String::new(),
        complete: true,
        interrupted: None,
        machine,
        order: None,
        seed: None,
        cases,
        load_generators: None,
        data_floors: None,
    })
}

/// The one line a user sees for an argument that names nothing: what exists instead.
fn unknown(arg: &str, id: &str, store: &Path) -> String {
    let known = machine_ids(store);
    let this = if arg == "this" {
        format!(" (this machine is {id}: run `make report` first)")
    } else {
        String::new()
    };
    if known.is_empty() {
        format!(
            "{arg:?} is no result file, directory or machine id{this}; the store {} holds no runs yet",
            store.display()
        )
    } else {
        format!(
            "{arg:?} is no result file, directory or machine id{this}; machine ids in {}: {}",
            store.display(),
            known.join(", ")
        )
    }
}

/// Machine ids of the store: its subdirectories, sorted.
pub fn machine_ids(store: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(store)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.'))
        .collect();
    ids.sort();
    ids
}

/// The complete runs of a directory, newest first, all from one machine; and the files skipped as
/// unreadable.
fn complete_runs(dir: &Path) -> anyhow::Result<(Vec<PathBuf>, Vec<ResultFile>, Vec<Skipped>)> {
    let mut found: Vec<(PathBuf, ResultFile)> = Vec::new();
    let mut incomplete = 0;
    let mut skipped = Vec::new();
    let files = json_files(dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot read the directory ({e})", dir.display()))?;
    for path in files {
        match ResultFile::load(&path) {
            Ok(run) if run.complete => found.push((path, run)),
            Ok(_) => incomplete += 1,
            Err(e) => skipped.push(Skipped {
                why: e.root_cause().to_string(),
                path,
            }),
        }
    }
    if found.is_empty() {
        let unreadable = match skipped.first() {
            Some(first) => format!(
                ", {} unreadable (first: {}: {})",
                skipped.len(),
                first.path.display(),
                first.why
            ),
            None => String::new(),
        };
        return Err(UsageError(format!(
            "{} holds no complete run ({incomplete} incomplete{unreadable}); finish one with `concbench run` or give a file",
            dir.display()
        ))
        .into());
    }
    // RFC 3339 UTC times sort as text; the path breaks ties so the order never depends on read_dir.
    found.sort_by(|a, b| (&b.1.started, &b.0).cmp(&(&a.1.started, &a.0)));
    let mut ids: Vec<&str> = found
        .iter()
        .map(|(_, r)| r.machine.machine_id.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    if ids.len() > 1 {
        return Err(UsageError(format!(
            "{} holds runs of several machines ({}); give one result file per side",
            dir.display(),
            ids.join(", ")
        ))
        .into());
    }
    let (files, runs) = found.into_iter().unzip();
    Ok((files, runs, skipped))
}
