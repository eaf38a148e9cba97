//! What `concbench calibrate` measured of the load generators (wrk, hey, oha) beside the models: one
//! entry per run of a tool, with the command line it was given and the requests it completed, and one
//! line per tool that was not installed. The models' own runs are ordinary cases of group `calibrate`
//! in the same file, so the two are read side by side.

use crate::names::LoadGenerator;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The load generators' part of a calibration run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadGenerators {
    /// The path every tool and model requested (`/delay/0`), on the unbounded server, keep-alive.
    pub path: String,
    /// One per run of a tool: each tool once per connection count per round.
    pub runs: Vec<GeneratorRun>,
    /// The tools that were not run, with why (not installed, or their version unreadable).
    pub skipped: Vec<SkippedGenerator>,
    /// `calibrate --rate`: oha's rate mode (`-q`, latency from each request's scheduled time) at
    /// the same offered rate and path as concbench's constant-arrival async case. Absent without.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_runs: Vec<RateRun>,
}

/// One run of a load generator in its rate mode: requests offered at a constant rate, latency
/// counted from each request's scheduled time (oha's `--latency-correction`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRun {
    pub tool: LoadGenerator,
    pub version: Option<String>,
    /// The exact command line.
    pub command: Vec<String>,
    /// The round of the run it belongs to (0-based).
    pub round: usize,
    /// Offered, requests per second.
    pub rate_per_s: f64,
    /// The path requested (a connection per request, like concbench's default client).
    pub path: String,
    pub ok: u64,
    pub failed: u64,
    /// Latency percentiles as the tool reported them, seconds.
    pub p50_s: f64,
    pub p99_s: f64,
    /// CPU time of the tool's process (user + sys, wait4), seconds.
    pub cpu_s: f64,
}

/// One run of one load generator at one connection count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneratorRun {
    pub tool: LoadGenerator,
    /// The first line of its version output, when it prints one.
    pub version: Option<String>,
    /// c: connections held open at once (keep-alive).
    pub connections: usize,
    /// The exact command line.
    pub command: Vec<String>,
    /// The round of the run it belongs to (0-based).
    pub round: usize,
    /// The time over which the tool counted its requests, as it reported it, seconds.
    pub duration_s: f64,
    /// Responses with a 2xx status.
    pub ok: u64,
    /// Everything else the tool counted: other statuses, socket errors, timeouts.
    pub failed: u64,
    /// ok / duration: only answered requests count (hey's own figure counts errors too).
    pub requests_per_s: f64,
    /// CPU time of the tool's process (user + sys, wait4), seconds.
    pub cpu_s: f64,
    /// 1-minute load average when it started.
    pub load_1m: f64,
}

/// A tool that was not run, and the line that said so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkippedGenerator {
    pub tool: LoadGenerator,
    pub why: String,
}
