//! The slow test server: an HTTP server that holds every request for a fixed delay, with the semantics of
//! `gunicorn -w W` sync workers (W connections served at once, the rest wait in the kernel's listen
//! backlog) or, with `workers = 0`, an unbounded timer-per-request mode for scale. It is a library so the
//! harness and the tests can start it in-process or as a child; `slow-server` is the thin binary.

pub mod cli;
pub mod config;
mod lean;
pub mod limits;
mod routes;
mod serve;
pub mod stats;

pub use cli::{run_cli, ServerArgs};
pub use config::{Config, ConfigError};
pub use serve::{ReadyLine, SlowServer};
pub use stats::StatsSnapshot;
