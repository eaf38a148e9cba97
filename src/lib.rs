//! concbench: measures concurrency models on I/O-bound, CPU-bound and pure-wait work against a
//! deliberately slow HTTP server, and sets every measurement beside its ideal. Data flows one way:
//! CLI → plan → run (isolated processes) → result file → report / compare.

pub mod cli;
pub mod client;
pub mod compare;
pub mod criterion;
pub mod measure;
pub mod model;
pub mod plan;
pub mod report;
pub mod results;
pub mod run;
pub mod stats;
pub mod workload;
