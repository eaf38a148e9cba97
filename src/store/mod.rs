//! The result store, read: result files (one, a directory of them, or a machine id under
//! `reports/results/`) and criterion's saved baselines, as the result-file types every view renders
//! from. Reading only; runs write their own files.

pub mod criterion;
