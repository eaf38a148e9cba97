//! What the memory chart shows, and its takeaway reads: one figure per memory case — what one more
//! task in flight costs its model without the base, how that figure was obtained, and the case's own
//! peak.

use crate::names::ModelKind;
use crate::report::flags::Flags;
use crate::report::per_task::Basis;

/// One memory figure as the chart draws it.
#[derive(Debug, Clone)]
pub struct MemoryPoint {
    pub model: ModelKind,
    /// Tasks in flight (a process pool: its workers).
    pub in_flight: usize,
    /// KiB per task in flight, base excluded (a process pool: per worker).
    pub per_task_kib: f64,
    /// The case process's own peak, KiB.
    pub peak_kib: f64,
    pub basis: Basis,
    pub flags: Flags,
}
