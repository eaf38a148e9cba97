//! Result files as a report takes them: named files, directories of them, or by default the newest
//! complete result of one machine. A bad named file, a missing path or an empty directory stops with
//! one line naming it (exit 2); inside a directory, bad files are skipped and listed, as long as one
//! good file remains. Also what every reader of the store calls a directory's result files.

use crate::error::UsageError;
use crate::results::ResultFile;
use std::path::{Path, PathBuf};

/// A file left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub why: String,
}

type Loaded = Vec<(PathBuf, ResultFile)>;

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// The `*.json` files directly inside `dir`, sorted; hidden files (the in-flight temp files of a
/// running `concbench run`) left out.
pub fn json_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// [`json_files`], or the one line that says the directory cannot be listed.
fn listed(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    json_files(dir).map_err(|e| {
        usage(format!(
            "{}: cannot list the directory ({e})",
            dir.display()
        ))
    })
}

/// Every good file of a directory; the bad ones skipped with why.
fn load_dir(dir: &Path, loaded: &mut Loaded, skipped: &mut Vec<Skipped>) -> anyhow::Result<()> {
    let files = listed(dir)?;
    if files.is_empty() {
        return Err(usage(format!(
            "{}: no result files (*.json) in this directory; run `concbench run` first or name a file",
            dir.display()
        )));
    }
    let before = loaded.len();
    let mut bad = Vec::new();
    for f in files {
        match ResultFile::load(&f) {
            Ok(r) => loaded.push((f, r)),
            Err(e) => bad.push(Skipped {
                why: e.root_cause().to_string(),
                path: f,
            }),
        }
    }
    if loaded.len() == before {
        let first = &bad[0];
        return Err(usage(format!(
            "{}: none of its {} .json files is a readable result file (first: {}: {})",
            dir.display(),
            bad.len(),
            first.path.display(),
            first.why
        )));
    }
    skipped.extend(bad);
    Ok(())
}

/// Load the named files and directories, or the newest complete result under `default_dir()` when
/// none is named; all from one machine, each file once.
pub fn load(
    paths: &[PathBuf],
    default_dir: impl FnOnce() -> PathBuf,
) -> anyhow::Result<(Loaded, Vec<Skipped>)> {
    if paths.is_empty() {
        return Ok((vec![newest_complete(&default_dir())?], Vec::new()));
    }
    let mut loaded = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.is_dir() {
            load_dir(p, &mut loaded, &mut skipped)?;
        } else if p.exists() {
            let r = ResultFile::load(p).map_err(|e| usage(format!("{e:#}")))?;
            loaded.push((p.clone(), r));
        } else {
            return Err(usage(format!("{}: no such file or directory", p.display())));
        }
    }
    // The same file named twice (or inside a named directory too) counts once.
    let mut seen = Vec::new();
    loaded.retain(|(p, _)| {
        let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    let mut machines: Vec<&str> = loaded
        .iter()
        .map(|(_, f)| f.machine.machine_id.as_str())
        .collect();
    machines.sort_unstable();
    machines.dedup();
    if machines.len() > 1 {
        return Err(usage(format!(
            "the inputs come from {} machines ({}); a report shows one machine: name the files of one",
            machines.len(),
            machines.join(", ")
        )));
    }
    Ok((loaded, skipped))
}

/// The newest complete run in a machine's results directory.
fn newest_complete(dir: &Path) -> anyhow::Result<(PathBuf, ResultFile)> {
    let fix = "run `make report` or `concbench run --suite default` first, or name result files";
    if !dir.is_dir() {
        return Err(usage(format!(
            "no results for this machine in {}; {fix}",
            dir.display()
        )));
    }
    listed(dir)?
        .into_iter()
        .filter_map(|f| ResultFile::load(&f).ok().map(|r| (f, r)))
        .filter(|(_, r)| r.complete)
        .max_by(|a, b| a.1.started.cmp(&b.1.started))
        .ok_or_else(|| {
            usage(format!(
                "no complete result file in {}; {fix}",
                dir.display()
            ))
        })
}
