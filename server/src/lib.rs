//! The slow test server: an HTTP server that holds every request for a fixed delay, with the semantics of
//! `gunicorn -w W` sync workers (W connections served at once, the rest wait in the kernel's listen
//! backlog) or, with `workers = 0`, an unbounded timer-per-request mode for scale. It is a library so the
//! harness and the tests can start it in-process or as a child; `slow-server` is the thin binary. It can
//! misbehave on purpose, seeded: a tail of slow requests, a rate limit answered with 429, failures.

pub mod bucket;
pub mod cli;
pub mod config;
pub mod delay_dist;
pub mod draw;
mod lean;
pub mod limits;
pub mod misbehave;
mod routes;
mod serve;
pub mod stamp;
pub mod stats;

pub use cli::{run_cli, ServerArgs};
pub use config::{Config, ConfigError};
pub use serve::{ReadyLine, SlowServer};
pub use stats::StatsSnapshot;
