//! The sides of a comparison: each argument loaded from the store (a result file, a directory, a
//! machine id, `this` or `criterion:NAME`, see [`crate::store::machines`]) and labelled `A`, `B`, … by
//! position, `A` the baseline; with the files of a directory that could not be read.

use crate::results::{CaseResult, Machine, ResultFile};
use crate::store::files::Skipped;
use crate::store::machines;
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
    /// Files of a named directory that were no readable result file: left out, and listed.
    pub skipped: Vec<Skipped>,
}

/// Resolve and load every argument, labelled `A`, `B`, … in order.
pub fn load_all(args: &[String], store: &Path) -> anyhow::Result<Vec<Input>> {
    args.iter()
        .enumerate()
        .map(|(i, arg)| {
            let loaded = machines::load(arg, store)?;
            Ok(Input {
                label: label(i),
                source: loaded.source,
                files: loaded.files,
                run: loaded.run,
                cases: loaded.cases,
                skipped: loaded.skipped,
            })
        })
        .collect()
}

fn label(i: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    match letters.get(i) {
        Some(&c) => (c as char).to_string(),
        None => format!("R{}", i + 1),
    }
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
