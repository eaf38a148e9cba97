//! What one argument of `concbench compare` stands for: a result file, a directory of them, or a machine
//! id of the store (`reports/results/<machine-id>/`; `this` = this machine). A directory or machine id
//! means its newest complete measurement of every case: normally its newest complete run, and when it
//! holds runs of several suites, all of them (asv's "results merged per machine").

use crate::error::UsageError;
use crate::results::{CaseResult, Machine, ResultFile};
use std::path::{Path, PathBuf};

/// One side of a comparison, loaded.
#[derive(Debug, Clone)]
pub struct Input {
    /// `A`, `B`, … by position; `A` is the baseline.
    pub label: String,
    /// The argument as given.
    pub source: String,
    /// The result files used, newest first.
    pub files: Vec<PathBuf>,
    /// The newest of those runs: its machine, versions and state describe this side.
    pub run: ResultFile,
    /// Every case, the newest measurement winning when several runs hold it.
    pub cases: Vec<CaseResult>,
}

/// Resolve and load every argument, labelled `A`, `B`, … in order.
pub fn load_all(args: &[String], store: &Path) -> anyhow::Result<Vec<Input>> {
    args.iter()
        .enumerate()
        .map(|(i, arg)| load(arg, label(i), store))
        .collect()
}

fn label(i: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    match letters.get(i) {
        Some(&c) => (c as char).to_string(),
        None => format!("R{}", i + 1),
    }
}

fn load(arg: &str, label: String, store: &Path) -> anyhow::Result<Input> {
    let path = Path::new(arg);
    let (files, runs) = if let Some(spec) = arg.strip_prefix("criterion:") {
        (Vec::new(), vec![criterion_run(spec)?])
    } else if path.is_dir() {
        newest_complete(path)?
    } else if path.exists() {
        // A file, or something that is not one (a FIFO, a device): the loader says which.
        let run = ResultFile::load(path).map_err(|e| UsageError(format!("{e:#}")))?;
        (vec![path.to_path_buf()], vec![run])
    } else {
        let id = match arg {
            "this" => crate::measure::machine::describe(None).machine_id,
            _ => arg.to_string(),
        };
        let dir = store.join(&id);
        if !dir.is_dir() || id.contains('/') || id == ".." {
            return Err(UsageError(unknown(arg, &id, store)).into());
        }
        newest_complete(&dir)?
    };
    let mut cases: Vec<CaseResult> = Vec::new();
    for run in &runs {
        for case in &run.cases {
            if !cases.iter().any(|c| super::matching::same_case(c, case)) {
                cases.push(case.clone());
            }
        }
    }
    Ok(Input {
        label,
        source: arg.to_string(),
        files,
        run: runs.into_iter().next().expect("at least one run"),
        cases,
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
    let cases = crate::store::criterion::cases(dir, name)
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

/// The complete runs of a directory, newest first; all from one machine.
fn newest_complete(dir: &Path) -> anyhow::Result<(Vec<PathBuf>, Vec<ResultFile>)> {
    let mut found: Vec<(PathBuf, ResultFile)> = Vec::new();
    let mut incomplete = 0;
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot read the directory ({e})", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Hidden files are in-flight temp files of a running `concbench run`.
        if name.starts_with('.') || !name.ends_with(".json") || !path.is_file() {
            continue;
        }
        let run = ResultFile::load(&path)?;
        if run.complete {
            found.push((path, run));
        } else {
            incomplete += 1;
        }
    }
    if found.is_empty() {
        return Err(UsageError(format!(
            "{} holds no complete run ({incomplete} incomplete); finish one with `concbench run` or give a file",
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
    Ok(found.into_iter().unzip())
}

impl Input {
    pub fn machine(&self) -> &Machine {
        &self.run.machine
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_run_past_z() {
        assert_eq!(label(0), "A");
        assert_eq!(label(25), "Z");
        assert_eq!(label(26), "R27");
    }
}
