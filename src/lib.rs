//! concbench: measures concurrency models on I/O-bound, CPU-bound and pure-wait work against a
//! deliberately slow HTTP server, and sets every measurement beside its ideal. Data flows one way:
//! CLI → plan → run (isolated processes) → result file → report / compare.

pub mod advise;
pub mod arrival;
pub mod calibrate;
pub mod cli;
pub mod client;
pub mod compare;
pub mod error;
pub mod fmt;
pub mod ledger;
pub mod measure;
pub mod model;
pub mod names;
pub mod output;
pub mod plan;
pub mod render;
pub mod report;
pub mod results;
pub mod rng;
pub mod run;
pub mod spawn;
pub mod stats;
pub mod store;
pub mod thread_room;
pub mod workload;
