//! The one-sentence takeaway under each chart, computed from the chart's own data — which model came
//! closest to its ideal, how far the furthest fell, where queueing happened — never canned text, so a
//! report of a slow model says it is slow.

use super::charts::cpu::CpuPoint;
use super::charts::latency::LatencyRow;
use super::charts::memory::MemoryPoint;
use super::charts::seed::SeedBar;
use super::charts::sweep::{Panel, Point};
use super::charts::timeline::Lane;
use super::fmt::{count, kib, pct, secs, times};

/// How far a measurement is from its ideal, either way (0 = on it).
fn distance(efficiency: f64) -> f64 {
    if efficiency > 0.0 {
        efficiency.ln().abs()
    } else {
        f64::INFINITY
    }
}

/// One case against its ideal, in words: within x % of it, or at y % efficiency.
pub fn against_ideal(label: &str, efficiency: f64, median: f64, ideal: f64) -> String {
    if efficiency > 1.0 {
        format!(
            "{label} came in {} under its ideal ({} against {})",
            pct(1.0 - median.min(ideal) / ideal),
            secs(median),
            secs(ideal)
        )
    } else if efficiency >= 0.99 {
        format!(
            "{label} came within {} of the ideal ({} against {})",
            pct(median / ideal - 1.0),
            secs(median),
            secs(ideal)
        )
    } else {
        format!(
            "{label} ran at {} efficiency ({} against an ideal {})",
            pct(efficiency),
            secs(median),
            secs(ideal)
        )
    }
}

/// The closest to and furthest from the ideal among some points, as one clause.
fn best_and_worst<T>(
    items: &[T],
    eff: impl Fn(&T) -> f64,
    say: impl Fn(&T) -> String,
) -> Option<String> {
    let best = items
        .iter()
        .min_by(|a, b| distance(eff(a)).total_cmp(&distance(eff(b))))?;
    let worst = items
        .iter()
        .max_by(|a, b| distance(eff(a)).total_cmp(&distance(eff(b))))?;
    if items.len() == 1 || distance(eff(worst)) - distance(eff(best)) < 1e-12 {
        return Some(say(best));
    }
    Some(format!("{}, while {}", say(best), say(worst)))
}

pub fn seed(bars: &[SeedBar]) -> String {
    let gap = |b: &SeedBar| b.median / b.ideal - 1.0;
    // Within 2 % the ranking matters less than how close they all came.
    let all_close = bars.len() > 1 && bars.iter().all(|b| (0.98..=1.0).contains(&b.efficiency));
    let core = if all_close {
        let by_gap = |a: &&SeedBar, b: &&SeedBar| gap(a).total_cmp(&gap(b));
        let (best, worst) = (
            bars.iter().min_by(by_gap).expect("bars"),
            bars.iter().max_by(by_gap).expect("bars"),
        );
        format!(
            "Every seed case came within {} of its ideal: {} closest ({} over), {} furthest",
            pct(gap(worst)),
            best.label,
            pct(gap(best)),
            worst.label
        )
    } else {
        match best_and_worst(
            bars,
            |b| b.efficiency,
            |b| against_ideal(&b.label, b.efficiency, b.median, b.ideal),
        ) {
            Some(core) => core,
            None => return String::new(),
        }
    };
    let ratios: Vec<f64> = bars
        .iter()
        .filter_map(|b| b.talk.map(|t| t.seconds / b.median))
        .collect();
    let python = match ratios.len() {
        0 => String::new(),
        1 => format!(
            "; the talk's Python client took {} as long as its match here",
            times(ratios[0])
        ),
        n => {
            let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = ratios.iter().copied().fold(0.0, f64::max);
            format!(
                "; the talk's {n} Python clients took {} to {} as long as their matches here",
                times(lo),
                times(hi)
            )
        }
    };
    format!("{core}{python}.")
}

pub fn timeline(lanes: &[Lane]) -> String {
    let waited = lanes
        .iter()
        .filter(|l| l.waiting_peak > 0)
        .max_by(|a, b| a.waiting_task_s.total_cmp(&b.waiting_task_s));
    let kept: Vec<&str> = lanes
        .iter()
        .filter(|l| l.workers.is_some_and(|w| l.peak <= w))
        .map(|l| l.label.as_str())
        .collect();
    let kept_clause = match kept.len() {
        0 => String::new(),
        n if n + 1 == lanes.len() && waited.is_some() => {
            "; every other case kept within what the server could serve".to_string()
        }
        _ => format!(
            "; {} never had more in flight than the server could serve",
            list(&kept)
        ),
    };
    match waited {
        Some(l) => format!(
            "{} had up to {} tasks in flight against {} workers, so up to {} waited in the server's \
             backlog ({} task-seconds of waiting in all){kept_clause}.",
            l.label,
            l.peak,
            l.workers.map_or("unbounded".into(), |w| w.to_string()),
            l.waiting_peak,
            format_args!("{:.1}", l.waiting_task_s),
            kept_clause = kept_clause
        ),
        None => {
            let busiest = lanes.iter().max_by_key(|l| l.peak);
            match busiest {
                Some(b) => format!(
                    "No seed case had more tasks in flight than the server could serve, so nothing \
                     queued at the server; the most in flight was {} ({}).",
                    b.peak, b.label
                ),
                None => String::new(),
            }
        }
    }
}

pub fn latency(rows: &[LatencyRow]) -> String {
    let spread = |r: &LatencyRow| {
        if r.values[0] > 0.0 {
            r.values[3] / r.values[0]
        } else {
            1.0
        }
    };
    let Some(widest) = rows.iter().max_by(|a, b| spread(a).total_cmp(&spread(b))) else {
        return String::new();
    };
    let narrowest = rows
        .iter()
        .min_by(|a, b| spread(a).total_cmp(&spread(b)))
        .expect("rows is not empty");
    let wide = format!(
        "In {} the slowest task took {}, {} the median task's {}",
        widest.label,
        secs(widest.values[3]),
        times(spread(widest)),
        secs(widest.values[0])
    );
    if rows.len() == 1 {
        return format!("{wide}.");
    }
    let narrow = spread(narrowest) - 1.0;
    if narrow < 0.005 {
        format!(
            "{wide}; in {} all tasks took about {}, the median.",
            narrowest.label,
            secs(narrowest.values[0])
        )
    } else {
        format!(
            "{wide}; in {} every task finished within {} of the median's {}.",
            narrowest.label,
            pct(narrow),
            secs(narrowest.values[0])
        )
    }
}

/// The closest to and furthest from the ideal among some sweep points, briefly.
fn closest_and_furthest(points: &[&Point]) -> Option<String> {
    let best = points
        .iter()
        .min_by(|a, b| distance(a.efficiency).total_cmp(&distance(b.efficiency)))?;
    let worst = points
        .iter()
        .max_by(|a, b| distance(a.efficiency).total_cmp(&distance(b.efficiency)))?;
    let best_says = if (0.99..=1.0).contains(&best.efficiency) {
        format!(
            "{} came within {} of its ideal",
            best.model,
            pct(best.median / best.ideal - 1.0)
        )
    } else {
        format!(
            "{} came closest to its ideal ({} efficiency)",
            best.model,
            pct(best.efficiency)
        )
    };
    if points.len() == 1 || best.model == worst.model {
        return Some(best_says);
    }
    Some(format!(
        "{best_says} and {} fell furthest ({}, {} against {})",
        worst.model,
        pct(worst.efficiency),
        secs(worst.median),
        secs(worst.ideal)
    ))
}

/// At the largest swept value of a panel: the closest to and furthest from the ideal.
fn at_largest(panel: &Panel, name: &str) -> Option<String> {
    let top = panel.points.iter().map(|p| p.x).fold(0.0, f64::max);
    let at: Vec<&Point> = panel.points.iter().filter(|p| p.x == top).collect();
    Some(format!(
        "at {name} = {top} {}, {}",
        panel.title,
        closest_and_furthest(&at)?
    ))
}

pub fn io_sweep(panels: &[Panel]) -> String {
    let parts: Vec<String> = panels.iter().filter_map(|p| at_largest(p, "N")).collect();
    if parts.is_empty() {
        return String::new();
    }
    capitalise(&parts.join("; ")) + "."
}

pub fn limit_sweep(panel: &Panel) -> String {
    match at_largest(panel, "k") {
        Some(s) => capitalise(&s) + ".",
        None => String::new(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn cpu(points: &[CpuPoint], cores: usize) -> String {
    let best_at = |keep: &dyn Fn(usize) -> bool| {
        points
            .iter()
            .filter(|p| keep(p.k))
            .max_by(|a, b| a.speedup.total_cmp(&b.speedup))
    };
    // The core count, or the largest k below it when no case ran exactly there.
    let k_at = points
        .iter()
        .map(|p| p.k)
        .filter(|&k| k <= cores)
        .max()
        .unwrap_or(1);
    let Some(at) = best_at(&|k| k == k_at) else {
        return String::new();
    };
    let mut s = format!(
        "At k = {k_at}{}, the best speedup was {}'s {} against an ideal {}",
        if k_at == cores {
            " (the core count)"
        } else {
            ""
        },
        at.label,
        times(at.speedup),
        times(k_at.min(cores) as f64)
    );
    if let Some(beyond) = best_at(&|k| k > cores) {
        s += &format!(
            "; past {cores} cores the best was {} at {}",
            beyond.label,
            times(beyond.speedup)
        );
    }
    if let Some(low) = points
        .iter()
        .filter(|p| p.k > 1)
        .min_by(|a, b| a.speedup.total_cmp(&b.speedup))
    {
        if low.speedup < 0.9 * (low.k.min(cores) as f64) {
            s += &format!(
                ", and {} reached only {} of an ideal {}",
                low.label,
                times(low.speedup),
                times(low.k.min(cores) as f64)
            );
        }
    }
    s + "."
}

pub fn memory(points: &[MemoryPoint]) -> String {
    // The largest task count measured for more than one model, or the largest there is.
    let mut ns: Vec<usize> = points.iter().map(|p| p.in_flight).collect();
    ns.sort_unstable();
    ns.dedup();
    let shared = ns
        .iter()
        .rev()
        .find(|&&n| points.iter().filter(|p| p.in_flight == n).count() > 1)
        .or(ns.last());
    let Some(&n) = shared else {
        return String::new();
    };
    let at: Vec<&MemoryPoint> = points.iter().filter(|p| p.in_flight == n).collect();
    let lo = at
        .iter()
        .min_by(|a, b| a.per_task_kib.total_cmp(&b.per_task_kib))
        .expect("at least one point at n");
    let hi = at
        .iter()
        .max_by(|a, b| a.per_task_kib.total_cmp(&b.per_task_kib))
        .expect("at least one point at n");
    if at.len() == 1 {
        return format!(
            "At {} tasks in flight, {} used {} per task ({} in all).",
            count(n as u64),
            lo.model,
            kib(lo.per_task_kib),
            kib(lo.total_kib)
        );
    }
    format!(
        "At {} tasks in flight, {} used {} per task and {} {}: {} as much.",
        count(n as u64),
        lo.model,
        kib(lo.per_task_kib),
        hi.model,
        kib(hi.per_task_kib),
        times(hi.per_task_kib / lo.per_task_kib)
    )
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, median: f64, ideal: f64) -> SeedBar {
        SeedBar {
            label: label.into(),
            median,
            ci: (median, median),
            ideal,
            efficiency: ideal / median,
            talk: None,
        }
    }

    #[test]
    fn a_model_at_half_efficiency_is_called_so() {
        let s = seed(&[
            bar("threads N=3", 1.004, 1.0),
            bar("sequential N=3", 6.0, 3.0),
        ]);
        assert!(
            s.contains("threads N=3 came within 0.4 % of the ideal"),
            "{s}"
        );
        assert!(s.contains("sequential N=3 ran at 50 % efficiency"), "{s}");
    }

    #[test]
    fn the_sentence_follows_the_data_not_a_template() {
        let a = seed(&[bar("x", 2.0, 1.0)]);
        let b = seed(&[bar("x", 1.25, 1.0)]);
        assert!(a.contains("50 %") && b.contains("80 %"), "{a} / {b}");
    }

    #[test]
    fn when_every_case_is_close_the_sentence_says_how_close() {
        let s = seed(&[bar("a", 1.004, 1.0), bar("b", 3.03, 3.0)]);
        assert!(
            s.starts_with("Every seed case came within 1.0 % of its ideal: a closest (0.4 % over), b furthest"),
            "{s}"
        );
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(list(&["a"]), "a");
    }
}
