//! The result store, read: result files (named, a directory of them, or a machine id under
//! `reports/results/`) and criterion's saved baselines, as the result-file types every view renders
//! from. [`files`] loads what a report is given, [`machines`] what a comparison side or a machine of
//! the store stands for (its newest complete runs, merged), [`identity`] says when two runs hold the
//! same case, [`criterion`] reads `cargo bench` baselines. Reading only; runs write their own files.

pub mod criterion;
pub mod files;
pub mod identity;
pub mod machines;
