//! What the cpu chart shows of each cpu case, and its takeaway reads: its speedup over N × t₁ against
//! k, the lanes that can compute at once, with the ideal speedup the table's ideal implies.

use crate::names::ModelKind;
use crate::report::flags::Flags;
use crate::report::interval::Interval;

/// One cpu case: its model, k, speedup and ideal speedup.
#[derive(Debug, Clone)]
pub struct CpuPoint {
    pub model: ModelKind,
    pub label: String,
    pub k: usize,
    pub speedup: f64,
    /// The speedup's interval, from the makespan's; None for one sample.
    pub ci: Option<Interval>,
    /// min(k, cores) × s for more than one lane, 1 for one.
    pub ideal: f64,
    /// The scaling s its ideal used; None when the file has none (then 1 is used).
    pub scaling: Option<f64>,
    pub flags: Flags,
}
