//! What the two sweep charts show, and their takeaways read: one point per case at its swept value (N
//! or k) — its median, interval, ideal, efficiency, client and caveats — gathered in one panel per
//! server.

use super::{client, label};
use crate::client::ClientKind;
use crate::report::flags::Flags;
use crate::report::interval::Interval;
use crate::results::CaseResult;

/// One measured point of a sweep.
#[derive(Debug, Clone)]
pub struct Point {
    pub model: String,
    pub label: String,
    /// The swept value (N or k).
    pub x: f64,
    pub median: f64,
    /// The interval of the median; None for one sample.
    pub ci: Option<Interval>,
    /// None when the case has no ideal.
    pub ideal: Option<f64>,
    /// None without an ideal or when tasks failed.
    pub efficiency: Option<f64>,
    /// Made with the library client (ureq / reqwest): drawn as its model's second, dashed line.
    pub library: bool,
    pub flags: Flags,
}

impl Point {
    /// A case as the point at swept value `x` (its N or its k).
    pub fn of(c: &CaseResult, x: usize) -> Point {
        Point {
            model: c.params.model.to_string(),
            label: label(c),
            x: x as f64,
            median: c.summary.makespan.median,
            ci: Interval::of(c),
            ideal: c.ideal_s,
            efficiency: c.summary.efficiency,
            library: client(c) == Some(ClientKind::Library),
            flags: Flags::of(c),
        }
    }
}

/// One panel: the points measured against one server.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub points: Vec<Point>,
}
