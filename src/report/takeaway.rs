//! The one-sentence takeaway under each chart, computed from the chart's own data — which model came
//! closest to its ideal, how far the furthest fell, where queueing happened — never canned text, so a
//! report of a slow model says it is slow. A case is named with its caveats (`threads N=9
//! (unstable)`), and one whose tasks failed is never compared with its ideal: its failures are said
//! instead.

use super::data::cpu::CpuPoint;
use super::data::latency::LatencyRow;
use super::data::memory::MemoryPoint;
use super::data::mixed::MixedBar;
use super::data::pipeline::{stage_name, Flow};
use super::data::scale::{shape_of, IoRow, Origin, Overhead, RssSeries, OVERHEAD_GOAL};
use super::data::seed::SeedBar;
use super::data::sweep::{Panel, Point};
use super::data::timeline::Lane;
use super::flags::{Flags, Namer};
use super::per_task::Basis;
use super::scale as scale_fmt;
use crate::names::ModelKind;
use crate::render::fmt::{count, kib, pct, secs, times};

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

/// The cases left out of ideal comparisons because tasks failed, as a closing clause.
fn failed_clause<'a>(
    namer: &Namer,
    failed: impl IntoIterator<Item = (&'a str, &'a Flags)>,
) -> String {
    let named: Vec<String> = failed.into_iter().map(|(l, f)| namer.name(l, f)).collect();
    match named.len() {
        0 => String::new(),
        1 => format!("; {} is not compared with its ideal", named[0]),
        _ => format!(
            "; {} are not compared with their ideals",
            list(&named.iter().map(String::as_str).collect::<Vec<_>>())
        ),
    }
}

/// A closing clause for a sentence that claims something of every case ("every case came within
/// 1 %"): the unstable cases it did not name, so the claim never hides them.
fn unstable_rest<'a>(
    namer: &Namer,
    cases: impl IntoIterator<Item = (&'a str, &'a Flags)>,
    named: &[&str],
) -> String {
    if namer.says_unstable() {
        return String::new();
    }
    let rest: Vec<&str> = cases
        .into_iter()
        .filter(|(l, f)| f.is_unstable() && !named.contains(l))
        .map(|(l, _)| l)
        .collect();
    match rest.len() {
        0 => String::new(),
        1 => format!("; {} is unstable", rest[0]),
        _ => format!("; {} are unstable", list(&rest)),
    }
}

pub fn seed(bars: &[SeedBar]) -> String {
    let namer = Namer::new(bars.iter().map(|b| &b.flags));
    let name = |b: &SeedBar| namer.name(&b.label, &b.flags);
    // Only cases with an ideal and no failures are compared with it.
    let compared: Vec<(&SeedBar, f64, f64)> = bars
        .iter()
        .filter_map(|b| Some((b, b.efficiency?, b.ideal?)))
        .collect();
    let gap = |&(b, _, ideal): &(&SeedBar, f64, f64)| b.median / ideal - 1.0;
    // Within 2 % the ranking matters less than how close they all came.
    let all_close =
        compared.len() > 1 && compared.iter().all(|&(_, e, _)| (0.98..=1.0).contains(&e));
    // Labels the sentence names with their caveats; the rest of the unstable ones are listed at its end.
    let mut named: Vec<&str> = Vec::new();
    let core = if all_close {
        let by_gap =
            |a: &&(&SeedBar, f64, f64), b: &&(&SeedBar, f64, f64)| gap(a).total_cmp(&gap(b));
        let (best, worst) = (
            compared.iter().min_by(by_gap).expect("bars"),
            compared.iter().max_by(by_gap).expect("bars"),
        );
        named.extend([best.0.label.as_str(), worst.0.label.as_str()]);
        let every = match compared.len() == bars.len() {
            true => "Every seed case",
            false => "Every seed case compared with its ideal",
        };
        format!(
            "{every} came within {} of its ideal: {} closest ({} over), {} furthest",
            pct(gap(worst)),
            name(best.0),
            pct(gap(best)),
            name(worst.0)
        )
    } else {
        // best_and_worst names one or two of them; which, it does not say: count every compared
        // case as named only when there are at most two.
        if compared.len() <= 2 {
            named.extend(compared.iter().map(|(b, _, _)| b.label.as_str()));
        }
        match best_and_worst(
            &compared,
            |&(_, e, _)| e,
            |&(b, e, ideal)| against_ideal(&name(b), e, b.median, ideal),
        ) {
            Some(core) => core,
            None if bars.is_empty() => return String::new(),
            None => "No seed case can be compared with an ideal".to_string(),
        }
    };
    let failed = failed_clause(
        &namer,
        bars.iter()
            .filter(|b| b.flags.failures > 0)
            .map(|b| (b.label.as_str(), &b.flags)),
    );
    named.extend(
        bars.iter()
            .filter(|b| b.flags.failures > 0)
            .map(|b| b.label.as_str()),
    );
    let talked: Vec<(&SeedBar, f64)> = bars
        .iter()
        .filter_map(|b| b.talk.map(|t| (b, t.seconds / b.median)))
        .collect();
    let python = match talked.as_slice() {
        [] => String::new(),
        [(b, r)] => {
            named.push(b.label.as_str());
            format!(
                "; the talk's Python client took {} as long as its match here, {}",
                times(*r),
                name(b)
            )
        }
        _ => {
            let n = talked.len();
            let lo = talked.iter().map(|t| t.1).fold(f64::INFINITY, f64::min);
            let hi = talked.iter().map(|t| t.1).fold(0.0, f64::max);
            format!(
                "; the talk's {n} Python clients took {} to {} as long as their matches here",
                times(lo),
                times(hi)
            )
        }
    };
    let here: Vec<f64> = bars
        .iter()
        .filter_map(|b| Some(b.python_here? / b.median))
        .collect();
    let python_here = match here.as_slice() {
        [] => String::new(),
        [r] => format!(
            "; in Python on this machine the same client took {}",
            times(*r)
        ),
        _ => format!(
            "; in Python on this machine the same {} clients took {} to {} as long",
            here.len(),
            times(here.iter().copied().fold(f64::INFINITY, f64::min)),
            times(here.iter().copied().fold(0.0, f64::max))
        ),
    };
    let rest = unstable_rest(
        &namer,
        bars.iter().map(|b| (b.label.as_str(), &b.flags)),
        &named,
    );
    namer.sentence(&format!("{core}{failed}{python}{python_here}{rest}."))
}

pub fn timeline(lanes: &[Lane]) -> String {
    let namer = Namer::new(lanes.iter().map(|l| &l.flags));
    let waited = lanes
        .iter()
        .filter(|l| l.waiting_peak > 0)
        .max_by(|a, b| a.waiting_task_s.total_cmp(&b.waiting_task_s));
    let kept_names: Vec<String> = lanes
        .iter()
        .filter(|l| l.workers.is_some_and(|w| l.peak <= w))
        .map(|l| namer.name(&l.label, &l.flags))
        .collect();
    let kept: Vec<&str> = kept_names.iter().map(String::as_str).collect();
    let mut named: Vec<&str> = waited.iter().map(|l| l.label.as_str()).collect();
    let kept_clause = match kept.len() {
        0 => String::new(),
        n if n + 1 == lanes.len() && waited.is_some() => {
            // A claim about every other case: the unstable among them are named after it.
            "; every other case kept within what the server could serve".to_string()
                + &unstable_rest(
                    &namer,
                    lanes.iter().map(|l| (l.label.as_str(), &l.flags)),
                    &named,
                )
        }
        _ => {
            named.extend(
                lanes
                    .iter()
                    .filter(|l| l.workers.is_some_and(|w| l.peak <= w))
                    .map(|l| l.label.as_str()),
            );
            format!(
                "; {} never had more in flight than the server could serve",
                list(&kept)
            )
        }
    };
    let sentence = match waited {
        Some(l) => format!(
            "{} had up to {} tasks in flight against {} workers, so up to {} waited in the server's \
             backlog ({} task-seconds of waiting in all){kept_clause}.",
            namer.name(&l.label, &l.flags),
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
                    b.peak,
                    namer.name(&b.label, &b.flags)
                ),
                None => String::new(),
            }
        }
    };
    namer.sentence(&sentence)
}

pub fn latency(rows: &[LatencyRow]) -> String {
    let namer = Namer::new(rows.iter().map(|r| &r.flags));
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
        namer.name(&widest.label, &widest.flags),
        secs(widest.values[3]),
        times(spread(widest)),
        secs(widest.values[0])
    );
    if rows.len() == 1 {
        return format!("{wide}.");
    }
    let narrow = spread(narrowest) - 1.0;
    let sentence = if narrow < 0.005 {
        format!(
            "{wide}; in {} all tasks took about {}, the median.",
            namer.name(&narrowest.label, &narrowest.flags),
            secs(narrowest.values[0])
        )
    } else {
        format!(
            "{wide}; in {} every task finished within {} of the median's {}.",
            namer.name(&narrowest.label, &narrowest.flags),
            pct(narrow),
            secs(narrowest.values[0])
        )
    };
    namer.sentence(&sentence)
}

/// A sweep point as a takeaway names it: its model, with its caveats. Which client is said once per
/// panel (see `at_largest`), since a panel's sentence speaks of one client only.
fn point_name(namer: &Namer, p: &Point) -> String {
    namer.name(&p.model, &p.flags)
}

/// The closest to and furthest from the ideal among some sweep points, briefly.
fn closest_and_furthest(namer: &Namer, points: &[(&Point, f64, f64)]) -> Option<String> {
    let point_name = |p: &Point| point_name(namer, p);
    let by =
        |a: &&(&Point, f64, f64), b: &&(&Point, f64, f64)| distance(a.1).total_cmp(&distance(b.1));
    let &(best, best_eff, best_ideal) = points.iter().min_by(by)?;
    let &(worst, worst_eff, worst_ideal) = points.iter().max_by(by)?;
    let best_says = if (0.99..=1.0).contains(&best_eff) {
        format!(
            "{} came within {} of its ideal",
            point_name(best),
            pct(best.median / best_ideal - 1.0)
        )
    } else {
        format!(
            "{} came closest to its ideal ({} efficiency)",
            point_name(best),
            pct(best_eff)
        )
    };
    if points.len() == 1 || point_name(best) == point_name(worst) {
        return Some(best_says);
    }
    Some(format!(
        "{best_says} and {} fell furthest ({}, {} against {})",
        point_name(worst),
        pct(worst_eff),
        secs(worst.median),
        secs(worst_ideal)
    ))
}

/// At the largest swept value of a panel: the closest to and furthest from the ideal, among the
/// direct client's points when there are any (the library's are another question: the client pair
/// table answers it).
fn at_largest(namer: &Namer, panel: &Panel, name: &str) -> Option<String> {
    let direct = panel.points.iter().any(|p| !p.library);
    let mine: Vec<&Point> = panel
        .points
        .iter()
        .filter(|p| !direct || !p.library)
        .collect();
    let top = mine.iter().map(|p| p.x).fold(0.0, f64::max);
    let at: Vec<&Point> = mine.into_iter().filter(|p| p.x == top).collect();
    let compared: Vec<(&Point, f64, f64)> = at
        .iter()
        .filter_map(|p| Some((*p, p.efficiency?, p.ideal?)))
        .collect();
    let failed: Vec<(String, Flags)> = at
        .iter()
        .filter(|p| p.flags.failures > 0)
        .map(|p| (p.model.clone(), p.flags.clone()))
        .collect();
    let failed = failed_clause(namer, failed.iter().map(|(m, f)| (m.as_str(), f)));
    let core = match closest_and_furthest(namer, &compared) {
        Some(c) => c,
        None if failed.is_empty() => return None,
        None => "no case can be compared with its ideal".to_string(),
    };
    let client = match direct {
        true => "",
        false => " (library client)",
    };
    Some(format!(
        "at {name} = {top} {}{client}, {core}{failed}",
        panel.title
    ))
}

pub fn io_sweep(panels: &[Panel]) -> String {
    let namer = Namer::new(panels.iter().flat_map(|p| &p.points).map(|p| &p.flags));
    let parts: Vec<String> = panels
        .iter()
        .filter_map(|p| at_largest(&namer, p, "N"))
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    namer.sentence(&(capitalise(&parts.join("; ")) + "."))
}

pub fn limit_sweep(panel: &Panel) -> String {
    let namer = Namer::new(panel.points.iter().map(|p| &p.flags));
    match at_largest(&namer, panel, "k") {
        Some(s) => namer.sentence(&(capitalise(&s) + ".")),
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

/// What one figure is per: a task, or a worker process.
fn per(p: &MemoryPoint) -> &'static str {
    match p.basis {
        Basis::PerWorker => "per worker process",
        _ => "per task",
    }
}

pub fn memory(points: &[MemoryPoint]) -> String {
    let namer = Namer::new(points.iter().map(|p| &p.flags));
    // Per task and per worker are different things: compare the per-task models among themselves.
    let tasks: Vec<&MemoryPoint> = points
        .iter()
        .filter(|p| p.basis != Basis::PerWorker)
        .collect();
    let pool = points
        .iter()
        .filter(|p| p.basis == Basis::PerWorker)
        .max_by_key(|p| p.in_flight);
    let pool_clause = |p: &MemoryPoint| {
        format!(
            "{} with {} workers used {} {}",
            namer.name(&p.model, &p.flags),
            count(p.in_flight as u64),
            kib(p.per_task_kib),
            per(p)
        )
    };
    // The largest task count measured for more than one model, or the largest there is.
    let mut ns: Vec<usize> = tasks.iter().map(|p| p.in_flight).collect();
    ns.sort_unstable();
    ns.dedup();
    let shared = ns
        .iter()
        .rev()
        .find(|&&n| tasks.iter().filter(|p| p.in_flight == n).count() > 1)
        .or(ns.last());
    let Some(&n) = shared else {
        return pool.map_or(String::new(), |p| {
            namer.sentence(&(capitalise(&pool_clause(p)) + "."))
        });
    };
    let at: Vec<&&MemoryPoint> = tasks.iter().filter(|p| p.in_flight == n).collect();
    let lo = at
        .iter()
        .min_by(|a, b| a.per_task_kib.total_cmp(&b.per_task_kib))
        .expect("at least one point at n");
    let hi = at
        .iter()
        .max_by(|a, b| a.per_task_kib.total_cmp(&b.per_task_kib))
        .expect("at least one point at n");
    let core = if at.len() == 1 {
        format!(
            "At {} tasks in flight, {} added {} per task beyond its base ({} peak in all)",
            count(n as u64),
            namer.name(&lo.model, &lo.flags),
            kib(lo.per_task_kib),
            kib(lo.peak_kib)
        )
    } else {
        format!(
            "At {} tasks in flight, beyond each model's base, {} added {} per task and {} {}: {} \
             as much",
            count(n as u64),
            namer.name(&lo.model, &lo.flags),
            kib(lo.per_task_kib),
            namer.name(&hi.model, &hi.flags),
            kib(hi.per_task_kib),
            times(hi.per_task_kib / lo.per_task_kib)
        )
    };
    namer.sentence(&match pool {
        Some(p) => format!("{core}; {}.", pool_clause(p)),
        None => core + ".",
    })
}

/// What a model counts on: processes for the pools of processes, threads otherwise.
fn lanes_word(model: ModelKind, lanes: usize) -> String {
    let (one, many) = match model {
        ModelKind::ProcessPool | ModelKind::AsyncProcessPool => ("process", "processes"),
        _ => ("thread", "threads"),
    };
    match lanes {
        1 => format!("one {one}"),
        n => format!("{n} {many} at once"),
    }
}

/// The cases a comparison of makespans leaves out because tasks failed, as a closing clause.
fn left_out<'a>(namer: &Namer, failed: impl IntoIterator<Item = (&'a str, &'a Flags)>) -> String {
    let named: Vec<String> = failed.into_iter().map(|(l, f)| namer.name(l, f)).collect();
    match named.len() {
        0 => String::new(),
        1 => format!("; {} is left out", named[0]),
        _ => format!(
            "; {} are left out",
            list(&named.iter().map(String::as_str).collect::<Vec<_>>())
        ),
    }
}

pub fn mixed(bars: &[MixedBar]) -> String {
    let namer = Namer::new(bars.iter().map(|b| &b.flags));
    let name = |b: &MixedBar| namer.name(&b.label, &b.flags);
    // A case whose tasks failed did less work: its makespan is compared with nothing.
    let sound: Vec<&MixedBar> = bars.iter().filter(|b| b.flags.failures == 0).collect();
    let failed = left_out(
        &namer,
        bars.iter()
            .filter(|b| b.flags.failures > 0)
            .map(|b| (b.label.as_str(), &b.flags)),
    );
    let by_median = |a: &&&MixedBar, b: &&&MixedBar| a.median.total_cmp(&b.median);
    let (Some(&fastest), Some(&slowest)) = (
        sound.iter().min_by(by_median),
        sound.iter().max_by(by_median),
    ) else {
        return match failed.is_empty() {
            true => String::new(),
            false => namer.sentence(&format!("No mixed case can be compared{failed}.")),
        };
    };
    let find = |m: ModelKind| sound.iter().copied().find(|b| b.model == m);
    // The article's pair: one loop that computes on its own thread, loops in several processes; without
    // the latter, the one loop against the fastest of the rest.
    let pair = match (
        find(ModelKind::AsyncSingle),
        find(ModelKind::AsyncProcessPool),
    ) {
        (Some(one), Some(many)) => Some((one, many)),
        (Some(one), None) if !std::ptr::eq(one, fastest) => Some((one, fastest)),
        _ => None,
    };
    let mut named: Vec<&str> = Vec::new();
    let mut core = match pair {
        Some((one, other)) => {
            named.extend([one.label.as_str(), other.label.as_str()]);
            let parts = match one.split.cpu_part {
                Some(p) => format!(
                    "its {} CPU parts ({} of counting)",
                    count(one.tasks as u64),
                    secs(p)
                ),
                None => format!("its {} CPU parts", count(one.tasks as u64)),
            };
            let ratio = one.median / other.median;
            if ratio >= 1.05 {
                format!(
                    "{} took {}, {} {}'s {}: {parts} ran one after another on its one loop, while \
                     {} counted on {}",
                    name(one),
                    secs(one.median),
                    times(ratio),
                    name(other),
                    secs(other.median),
                    other.model,
                    lanes_word(other.model, other.split.lanes)
                )
            } else {
                format!(
                    "{} took {} against {}'s {}: {parts} were too little to hold its one loop up \
                     for long",
                    name(one),
                    secs(one.median),
                    name(other),
                    secs(other.median)
                )
            }
        }
        None => {
            named.push(fastest.label.as_str());
            format!(
                "{} was the fastest at {}{}",
                name(fastest),
                secs(fastest.median),
                fastest
                    .efficiency
                    .map_or(String::new(), |e| format!(" ({} efficiency)", pct(e)))
            )
        }
    };
    if !named.contains(&fastest.label.as_str()) {
        named.push(fastest.label.as_str());
        core += &format!(
            "; the fastest was {} at {}{}",
            name(fastest),
            secs(fastest.median),
            fastest
                .efficiency
                .map_or(String::new(), |e| format!(" ({} efficiency)", pct(e)))
        );
    }
    if !named.contains(&slowest.label.as_str()) {
        core += &format!(
            "; {} took longest, {}{}",
            name(slowest),
            secs(slowest.median),
            slowest
                .split
                .overlapped_share()
                .map_or(String::new(), |s| format!(
                    ", with only {} of its waiting overlapped",
                    pct(s)
                ))
        );
    }
    // Model names are spelled as the CLI spells them, lower case, even at the start of a sentence.
    namer.sentence(&format!("{core}{failed}."))
}

/// Items a second, rounded: `600 items/s`.
fn rate(r: f64) -> String {
    format!("{} items/s", count(r.max(0.0).round() as u64))
}

pub fn pipeline(flows: &[Flow]) -> String {
    let namer = Namer::new(flows.iter().map(|f| &f.flags));
    let name = |f: &Flow| namer.name(&f.label, &f.flags);
    let sound: Vec<&Flow> = flows.iter().filter(|f| f.flags.failures == 0).collect();
    let failed = failed_clause(
        &namer,
        flows
            .iter()
            .filter(|f| f.flags.failures > 0)
            .map(|f| (f.label.as_str(), &f.flags)),
    );
    // How close each model's pace at its bounding stage came to that stage's ideal rate.
    let kept: Vec<(&Flow, usize, f64, f64)> = sound
        .iter()
        .filter_map(|f| {
            let b = f.bound?;
            Some((*f, b.stage, b.rate, f.pace(b.stage)?))
        })
        .collect();
    let shared = kept.first().filter(|(_, stage, r, _)| {
        kept.iter()
            .all(|(_, s, q, _)| s == stage && (q / r - 1.0).abs() < 0.01)
    });
    let core = match (shared, kept.as_slice()) {
        (_, []) => match sound.first() {
            // Without an ideal rate, the pace alone.
            Some(f) => {
                let last = f.exits.len().saturating_sub(1);
                match f.pace(last) {
                    Some(p) => format!(
                        "No ideal rate is known (t₁ was not recorded); {} finished {}",
                        name(f),
                        rate(p)
                    ),
                    None => String::new(),
                }
            }
            None if failed.is_empty() => return String::new(),
            None => "No pipeline case can be compared with its ideal".to_string(),
        },
        (Some(&(_, stage, r, _)), kept) => {
            let each: Vec<String> = kept
                .iter()
                .map(|&(f, _, _, pace)| {
                    format!(
                        "{} moved {} through it ({} of that)",
                        name(f),
                        rate(pace),
                        pct(pace / r)
                    )
                })
                .collect();
            format!(
                "The {} stage bounded the ideal at {}: {}",
                stage_name(stage),
                rate(r),
                list(&each.iter().map(String::as_str).collect::<Vec<_>>())
            )
        }
        (None, kept) => {
            let each: Vec<String> = kept
                .iter()
                .map(|&(f, stage, r, pace)| {
                    format!(
                        "{}'s ideal was bounded by its {} stage at {}, and it moved {} through \
                         it ({} of that)",
                        name(f),
                        stage_name(stage),
                        rate(r),
                        rate(pace),
                        pct(pace / r)
                    )
                })
                .collect();
            each.join("; ")
        }
    };
    // The deepest queue any model built, and where.
    let deepest = sound
        .iter()
        .flat_map(|f| (1..f.exits.len()).map(move |s| (*f, s, f.most_between(s))))
        .max_by_key(|&(_, _, n)| n);
    let queued = match deepest {
        Some((f, stage, n)) if n > 0 && !core.is_empty() => format!(
            "; the most items ever between two stages was {}, before {} in {}",
            count(n as u64),
            stage_name(stage),
            name(f)
        ),
        _ => String::new(),
    };
    if core.is_empty() {
        return String::new();
    }
    namer.sentence(&format!("{core}{queued}{failed}."))
}

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
            ci: None,
            ideal: Some(ideal),
            efficiency: Some(ideal / median),
            talk: None,
            python_here: None,
            flags: Flags::default(),
        }
    }

    #[test]
    fn an_unstable_case_is_named_unstable_and_a_failed_one_is_not_compared() {
        let mut shaky = bar("threads N=9", 3.03, 3.0);
        shaky.flags.unstable = vec!["samples disagree".into()];
        let mut failed = bar("async N=3", 0.5, 1.0);
        failed.flags.failures = 2;
        failed.efficiency = None;
        let s = seed(&[bar("sequential N=3", 6.0, 3.0), shaky, failed]);
        assert!(s.contains("threads N=9 (unstable) came within"), "{s}");
        assert!(
            s.contains("async N=3 (2 tasks failed) is not compared with its ideal"),
            "{s}"
        );
        assert!(
            !s.contains("async N=3 came") && !s.contains("async N=3 ran"),
            "{s}"
        );
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

    fn mixed_bar(model: ModelKind, lanes: usize, median: f64, overlapped: f64) -> MixedBar {
        use crate::report::data::mixed::Split;
        MixedBar {
            label: format!("{model} N=30"),
            model,
            tasks: 30,
            samples: 3,
            median,
            ci: None,
            ideal: Some(1.0),
            efficiency: Some(1.0 / median),
            split: Split {
                cpu_s: 1.5,
                lanes,
                t1: Some(0.045),
                cpu_part: Some(1.35),
                computing: Some(1.35 / lanes as f64),
                waiting: 13.5,
                overlapped: Some(overlapped),
            },
            flags: Flags::default(),
        }
    }

    #[test]
    fn the_one_loop_is_weighed_against_the_loops_in_processes() {
        let slow = [
            mixed_bar(ModelKind::AsyncSingle, 1, 1.6, 13.2),
            mixed_bar(ModelKind::AsyncProcessPool, 2, 0.8, 13.4),
            mixed_bar(ModelKind::ProcessPool, 2, 7.0, 6.75),
        ];
        let s = mixed(&slow);
        assert!(
            s.starts_with(
                "async-single N=30 took 1.600 s, 2.00× async-process-pool N=30's 0.800 s: its 30 \
                 CPU parts (1.350 s of counting) ran one after another on its one loop, while \
                 async-process-pool counted on 2 processes at once"
            ),
            "{s}"
        );
        assert!(
            s.ends_with("; process-pool N=30 took longest, 7.000 s, with only 50 % of its waiting overlapped."),
            "{s}"
        );
        // A loop the counting did not hold up is not said to have been held up.
        let quick = [
            mixed_bar(ModelKind::AsyncSingle, 1, 0.81, 13.4),
            mixed_bar(ModelKind::AsyncProcessPool, 2, 0.8, 13.4),
        ];
        let s = mixed(&quick);
        assert!(s.contains("were too little to hold its one loop up"), "{s}");
        assert!(!s.contains("one after another"), "{s}");
        // Without the one loop, the fastest and the slowest.
        let s = mixed(&slow[1..]);
        assert!(
            s.starts_with("async-process-pool N=30 was the fastest at 0.800 s (125 % efficiency)"),
            "{s}"
        );
        assert!(s.contains("process-pool N=30 took longest"), "{s}");
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(list(&["a"]), "a");
    }
}
