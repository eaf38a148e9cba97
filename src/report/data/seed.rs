//! What the seed chart shows of each seed case, and its takeaway reads: the median with its interval,
//! the ideal and efficiency, the talk's published Python time when the case reproduces one of its
//! clients, the same client's time in Python on this machine, and the case's caveats.

use crate::report::flags::Flags;
use crate::report::interval::Interval;
use crate::report::talk::TalkTime;

/// One seed case as the chart draws it.
#[derive(Debug, Clone)]
pub struct SeedBar {
    pub label: String,
    pub median: f64,
    /// The interval of the median; None for one sample, drawn without a whisker.
    pub ci: Option<Interval>,
    pub ideal: Option<f64>,
    /// None without an ideal or when tasks failed.
    pub efficiency: Option<f64>,
    pub talk: Option<&'static TalkTime>,
    /// The median of the same client in Python on this machine (its `py-*` twin), when measured
    /// without failures.
    pub python_here: Option<f64>,
    pub flags: Flags,
}
