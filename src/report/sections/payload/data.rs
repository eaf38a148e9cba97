//! What the payload section reads of each model: its makespan at every size of data moved, the cost
//! per byte moved (the slope of makespan against the bytes a run moved there and back, by least
//! squares), and where Python's process pool starts to lose to its thread pool — the size at which
//! moving the data eats what the second core gains.

use crate::names::{Group, ModelKind};
use crate::report::data::ReportData;
use crate::report::flags::Flags;
use crate::workload::Params;

/// One model's cases of the sweep, by size.
#[derive(Debug, Clone)]
pub struct PayloadRow {
    pub model: ModelKind,
    /// k, for the models that take one.
    pub limit: Option<usize>,
    pub tasks: usize,
    /// Per size, smallest first: bytes handed to each task, bytes handed back, median makespan
    /// (seconds), the case's flags.
    pub points: Vec<(u64, u64, f64, Flags)>,
}

impl PayloadRow {
    /// The model as a row names it: `process-pool k=2`.
    pub fn name(&self) -> String {
        match self.limit {
            Some(k) => format!("{} k={k}", self.model.name()),
            None => self.model.name().to_string(),
        }
    }

    /// Makespan added per byte moved, nanoseconds: the least-squares slope of makespan against the
    /// bytes the whole run moved (N × (B + R)); None with fewer than two sizes, or none above 0.
    pub fn ns_per_byte(&self) -> Option<f64> {
        let xy: Vec<(f64, f64)> = self
            .points
            .iter()
            .filter(|p| p.3.failures == 0)
            .map(|&(b, r, t, _)| ((self.tasks as u64 * (b + r)) as f64, t))
            .collect();
        slope(&xy).map(|s| s * 1e9)
    }

    /// The median makespan at `bytes`, when measured.
    pub fn at(&self, bytes: u64) -> Option<f64> {
        self.points.iter().find(|p| p.0 == bytes).map(|p| p.2)
    }
}

/// The least-squares slope of y over x; None when x does not vary.
pub fn slope(xy: &[(f64, f64)]) -> Option<f64> {
    let n = xy.len() as f64;
    if xy.len() < 2 {
        return None;
    }
    let (mx, my) = (
        xy.iter().map(|p| p.0).sum::<f64>() / n,
        xy.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxx: f64 = xy.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Where `late` (a process pool) stops being faster than `early` (a thread pool): None when both
/// have no size in common; otherwise what happened over the sizes measured.
#[derive(Debug, Clone, PartialEq)]
pub enum Crossing {
    /// Slower from `between.1` on, faster up to `between.0`; `at` interpolated linearly in bytes.
    At { between: (u64, u64), at: f64 },
    /// Faster at every size measured.
    Never { up_to: u64 },
    /// Slower at every size measured.
    Always,
}

/// Where the makespans of `pool` cross those of `threads`, over the sizes both measured.
pub fn crossing(pool: &PayloadRow, threads: &PayloadRow) -> Option<Crossing> {
    let diffs: Vec<(u64, f64)> = pool
        .points
        .iter()
        .filter_map(|p| Some((p.0, p.2 - threads.at(p.0)?)))
        .collect();
    let (&(first, d0), rest) = diffs.split_first()?;
    if d0 > 0.0 {
        return Some(Crossing::Always);
    }
    let mut prev = (first, d0);
    for &(b, d) in rest {
        if d > 0.0 {
            let (a, da) = prev;
            let at = a as f64 + (b - a) as f64 * (-da) / (d - da);
            return Some(Crossing::At {
                between: (a, b),
                at,
            });
        }
        prev = (b, d);
    }
    Some(Crossing::Never { up_to: prev.0 })
}

/// The payload cases as rows, one per model and k, in the order they first ran.
pub fn rows(data: &ReportData) -> Vec<PayloadRow> {
    let mut rows: Vec<PayloadRow> = Vec::new();
    for c in data.group(Group::Payload) {
        let Params::Payload(p) = &c.params.workload else {
            continue;
        };
        let limit = c.params.limit;
        let point = (p.bytes, p.back, c.summary.makespan.median, Flags::of(c));
        match rows
            .iter_mut()
            .find(|r| r.model == c.params.model && r.limit == limit && r.tasks == c.params.tasks)
        {
            Some(r) => r.points.push(point),
            None => rows.push(PayloadRow {
                model: c.params.model,
                limit,
                tasks: c.params.tasks,
                points: vec![point],
            }),
        }
    }
    for r in &mut rows {
        r.points.sort_by_key(|p| (p.0, p.1));
    }
    rows
}

/// Every size measured by any row, smallest first.
pub fn sizes(rows: &[PayloadRow]) -> Vec<u64> {
    let mut s: Vec<u64> = rows.iter().flat_map(|r| r.points.iter().map(|p| p.0)).collect();
    s.sort_unstable();
    s.dedup();
    s
}


#[cfg(test)]
mod tests {
    use super::*;

    fn row(model: ModelKind, times: &[(u64, f64)]) -> PayloadRow {
        PayloadRow {
            model,
            limit: Some(2),
            tasks: 16,
            points: times
                .iter()
                .map(|&(b, t)| (b, b, t, Flags::default()))
                .collect(),
        }
    }

    #[test]
    fn the_slope_is_the_makespan_added_per_byte_moved() {
        // 0.1 s, then 1 ns more for every byte the 16 tasks moved there and back.
        let per = |b: u64| 0.1 + (16 * 2 * b) as f64 * 1e-9;
        let r = row(
            ModelKind::ProcessPool,
            &[0, 1 << 10, 1 << 20, 16 << 20].map(|b| (b, per(b))),
        );
        assert!((r.ns_per_byte().unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(row(ModelKind::ThreadPool, &[(0, 0.1)]).ns_per_byte(), None);
        assert_eq!(slope(&[(1.0, 2.0), (1.0, 3.0)]), None);
    }

    #[test]
    fn the_crossing_is_where_the_pool_becomes_slower_interpolated_in_bytes() {
        let threads = row(ModelKind::PyThreadPool, &[(0, 0.2), (1 << 20, 0.2), (16 << 20, 0.3)]);
        let pool = row(ModelKind::PyProcessPool, &[(0, 0.1), (1 << 20, 0.15), (16 << 20, 0.45)]);
        // At 1 MiB 0.05 s faster, at 16 MiB 0.15 s slower: a quarter of the way.
        match crossing(&pool, &threads).unwrap() {
            Crossing::At { between, at } => {
                assert_eq!(between, (1 << 20, 16 << 20));
                let want = (1u64 << 20) as f64 + (15u64 << 20) as f64 * 0.25;
                assert!((at - want).abs() < 1.0, "{at} {want}");
            }
            other => panic!("{other:?}"),
        }
        let never = row(ModelKind::PyProcessPool, &[(0, 0.1), (16 << 20, 0.2)]);
        assert_eq!(
            crossing(&never, &threads),
            Some(Crossing::Never { up_to: 16 << 20 })
        );
        let always = row(ModelKind::PyProcessPool, &[(0, 0.3), (16 << 20, 0.5)]);
        assert_eq!(crossing(&always, &threads), Some(Crossing::Always));
    }
}
