//! The cpu chart's sentence: the best speedup at the core count against its ideal, the best past it,
//! and the case furthest below its ideal.

use super::data::CpuPoint;
use crate::render::fmt::times;
use crate::report::flags::Namer;
use crate::report::sentence::failed_clause;

pub fn cpu(points: &[CpuPoint], cores: usize) -> String {
    // A case whose tasks failed finished less work: its speedup says nothing against the ideal.
    let sound: Vec<&CpuPoint> = points.iter().filter(|p| p.flags.failures == 0).collect();
    let namer = Namer::new(points.iter().map(|p| &p.flags));
    let name = |p: &CpuPoint| namer.name(&p.label, &p.flags);
    let best_at = |keep: &dyn Fn(usize) -> bool| {
        sound
            .iter()
            .copied()
            .filter(|p| keep(p.k))
            .max_by(|a, b| a.speedup.total_cmp(&b.speedup))
    };
    let failed = failed_clause(
        &namer,
        points
            .iter()
            .filter(|p| p.flags.failures > 0)
            .map(|p| (p.label.as_str(), &p.flags)),
    );
    // The core count, or the largest k below it when no case ran exactly there.
    let k_at = sound
        .iter()
        .map(|p| p.k)
        .filter(|&k| k <= cores)
        .max()
        .unwrap_or(1);
    let Some(at) = best_at(&|k| k == k_at) else {
        return match failed.is_empty() {
            true => String::new(),
            false => namer.sentence(&format!(
                "No cpu case can be compared with its ideal{failed}."
            )),
        };
    };
    let mut s = format!(
        "At k = {k_at}{}, the best speedup was {}'s {} against an ideal {}",
        if k_at == cores {
            " (the core count)"
        } else {
            ""
        },
        name(at),
        times(at.speedup),
        times(at.ideal)
    );
    if let Some(beyond) = best_at(&|k| k > cores) {
        s += &format!(
            "; past {cores} cores the best was {} at {}",
            name(beyond),
            times(beyond.speedup)
        );
    }
    if let Some(low) = sound
        .iter()
        .filter(|p| p.k > 1)
        .min_by(|a, b| (a.speedup / a.ideal).total_cmp(&(b.speedup / b.ideal)))
    {
        // The case the sentence already named at the core count is not named twice.
        if low.speedup < 0.9 * low.ideal && low.label != at.label {
            s += &format!(
                ", and {} reached only {} of an ideal {}",
                name(low),
                times(low.speedup),
                times(low.ideal)
            );
        }
    }
    namer.sentence(&(s + &failed + "."))
}
