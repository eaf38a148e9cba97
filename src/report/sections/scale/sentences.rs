//! The scale charts' sentences: memory per task at each model's largest N beside its bare program and
//! the published figures (and how often the harness stayed within its goal), and io at scale: the
//! closest and furthest at the largest N every model served, the failures, the listen overflows.

use super::data::{shape_of, IoRow, Origin, Overhead, RssSeries, OVERHEAD_GOAL};
use super::tables as scale_fmt;
use crate::render::fmt::{count, pct};
use crate::report::flags::Namer;
use crate::report::sentence::{capitalise, list};
use crate::report::sweep::{closest_and_furthest, Point};

/// One measured model at its largest N: its memory per task, its bare program's and what the harness
/// adds, and the published figure of its shape there (or at the published series' largest N).
fn scale_model(namer: &Namer, series: &[RssSeries], own: &RssSeries) -> Option<String> {
    let Origin::Harness(model) = own.origin else {
        return None;
    };
    let p = own
        .points
        .iter()
        .filter(|p| p.per_task_kib.is_some())
        .max_by_key(|p| p.asked)?;
    let mut s = format!(
        "{} at {} added {}",
        namer.name(&own.label, &p.flags),
        count(p.asked as u64),
        scale_fmt::per_task(p.per_task_kib?)
    );
    let mut beside = Vec::new();
    let bare = series
        .iter()
        .find(|b| b.origin == Origin::Bare(model))
        .and_then(|b| b.at(p.asked).and_then(|q| Some((b, q.per_task_kib?))));
    if let Some((b, k)) = bare {
        beside.push(format!(
            "its {} program {}, so the harness adds {:+.1} %",
            b.label,
            scale_fmt::per_task(k),
            (p.per_task_kib? / k - 1.0) * 100.0
        ));
    }
    let published: Vec<String> = series
        .iter()
        .filter_map(|a| match a.origin {
            Origin::Published(src) if Some(src.shape) == shape_of(model) => {
                let q = a
                    .at(p.asked)
                    .filter(|q| q.per_task_kib.is_some())
                    .or_else(|| {
                        a.points
                            .iter()
                            .filter(|q| q.per_task_kib.is_some())
                            .max_by_key(|q| q.asked)
                    })?;
                let at = match q.asked == p.asked {
                    true => String::new(),
                    false => format!(" at {}", count(q.asked as u64)),
                };
                let bound = if q.upper_bound { "at most " } else { "" };
                let failed = a
                    .failed_at
                    .map(|n| format!(", failing at {}", count(n as u64)))
                    .unwrap_or_default();
                Some(format!(
                    "{} {bound}{}{at}{failed}",
                    src.source.name,
                    scale_fmt::per_task(q.per_task_kib?)
                ))
            }
            _ => None,
        })
        .collect();
    if !published.is_empty() {
        beside.push(format!(
            "published: {}",
            list(&published.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
    if !beside.is_empty() {
        s += &format!(" ({})", beside.join("; "));
    }
    if let Some(r) = own.points.iter().find(|r| r.units < r.asked) {
        s += &format!(
            ", and at {} it started {} before {}",
            count(r.asked as u64),
            count(r.units as u64),
            r.refused.as_deref().unwrap_or("the next was refused")
        );
    }
    Some(s)
}

/// The scale memory chart's sentence: each model at its largest N beside its bare program and the
/// published figures, then how often the harness stayed within its 10 % goal.
pub fn scale_memory(series: &[RssSeries], overheads: &[Overhead]) -> String {
    let namer = Namer::new(
        series
            .iter()
            .filter(|s| matches!(s.origin, Origin::Harness(_)))
            .flat_map(|s| &s.points)
            .map(|p| &p.flags),
    );
    let parts: Vec<String> = series
        .iter()
        .filter_map(|s| scale_model(&namer, series, s))
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Memory per task above each series' base, at each model's largest N: {}.",
        parts.join("; ")
    );
    if !overheads.is_empty() {
        let within = overheads
            .iter()
            .filter(|o| o.added <= OVERHEAD_GOAL)
            .count();
        let worst = overheads
            .iter()
            .max_by(|a, b| a.added.total_cmp(&b.added))
            .expect("not empty");
        out += &format!(
            " The harness stayed within {} of the bare program per task at {} of {} points",
            pct(OVERHEAD_GOAL),
            within,
            overheads.len()
        );
        out += &match worst.added > OVERHEAD_GOAL {
            true => format!(
                "; the furthest was {} at {}, {:+.1} %.",
                namer.name(worst.model.name(), &worst.flags),
                count(worst.asked as u64),
                worst.added * 100.0
            ),
            false => ".".into(),
        };
    }
    namer.sentence(&out)
}

/// The scale io chart's sentence: at the largest N whose tasks all succeeded, the closest to and
/// furthest from the ideal; which cases failed and how; where the listen queue overflowed.
pub fn scale_io(rows: &[IoRow]) -> String {
    let namer = Namer::new(rows.iter().map(|r| &r.point.flags));
    let sound: Vec<&IoRow> = rows
        .iter()
        .filter(|r| r.point.flags.failures == 0)
        .collect();
    let top = sound.iter().map(|r| r.n).max();
    let mut parts = Vec::new();
    if let Some(top) = top {
        let compared: Vec<(&Point, f64, f64)> = sound
            .iter()
            .filter(|r| r.n == top)
            .filter_map(|r| Some((&r.point, r.point.efficiency?, r.point.ideal?)))
            .collect();
        if let Some(c) = closest_and_furthest(&namer, &compared) {
            parts.push(format!(
                "at N = {}, the most requests every model served, {c}",
                count(top as u64)
            ));
        }
    }
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.point.flags.failures > 0)
        .map(|r| format!("{} ({})", r.point.label, r.failure_kinds))
        .collect();
    if !failed.is_empty() {
        parts.push(format!(
            "tasks failed in {}",
            list(&failed.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
    let queued: Vec<&str> = rows
        .iter()
        .filter(|r| r.listen_overflows > 0 || r.syn_retrans > 0)
        .map(|r| r.point.label.as_str())
        .collect();
    if !queued.is_empty() {
        parts.push(format!(
            "the kernel counted listen overflows or SYN retransmissions in {}",
            list(&queued)
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    namer.sentence(&(capitalise(&parts.join("; ")) + "."))
}
