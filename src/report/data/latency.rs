//! What the latency chart shows of each seed case, and its takeaway reads: its task-latency
//! percentiles, medians over repetitions.

use crate::report::flags::Flags;

/// One seed case's latency percentiles, seconds.
#[derive(Debug, Clone)]
pub struct LatencyRow {
    pub label: String,
    /// p50, p90, p99, max.
    pub values: [f64; 4],
    pub flags: Flags,
}
