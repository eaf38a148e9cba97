//! The seed section's sentences: the seed chart's (each case against its ideal, the talk's and this
//! machine's Python beside), the timeline's (where requests queued at the server) and the latency
//! chart's (the widest and narrowest spread of task latency).

use super::data::{Lane, LatencyRow, SeedBar};
use crate::render::fmt::{pct, secs, times};
use crate::report::flags::Namer;
use crate::report::sentence::{against_ideal, best_and_worst, failed_clause, list, unstable_rest};

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
            .filter(|b| b.flags.withheld())
            .map(|b| (b.label.as_str(), &b.flags)),
    );
    named.extend(
        bars.iter()
            .filter(|b| b.flags.withheld())
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
    let first = first_results(bars, &namer, &mut named);
    let rest = unstable_rest(
        &namer,
        bars.iter().map(|b| (b.label.as_str(), &b.flags)),
        &named,
    );
    namer.sentence(&format!(
        "{core}{failed}{python}{python_here}{first}{rest}."
    ))
}

/// When the first results came, where that differs: between cases, the soonest and the latest (more
/// than 5 % apart: a pool whose workers start on first use answers late); within a case, every one
/// whose first result came at half its makespan or sooner (sequential: after one delay, a third of
/// its run). Cases whose tasks failed are left out; `named` learns who is named.
fn first_results<'a>(bars: &'a [SeedBar], namer: &Namer, named: &mut Vec<&'a str>) -> String {
    let firsts: Vec<(&SeedBar, f64)> = bars
        .iter()
        .filter(|b| b.flags.failures == 0)
        .filter_map(|b| Some((b, b.first_result?)))
        .collect();
    if firsts.len() < 2 {
        return String::new();
    }
    let by_first = |a: &&(&SeedBar, f64), b: &&(&SeedBar, f64)| a.1.total_cmp(&b.1);
    let (soonest, latest) = (
        firsts.iter().min_by(by_first).expect("two or more"),
        firsts.iter().max_by(by_first).expect("two or more"),
    );
    let mut out = String::new();
    // Within 5 % the first results are the same: no model's differs.
    if latest.1 > soonest.1 * 1.05 {
        named.extend([soonest.0.label.as_str(), latest.0.label.as_str()]);
        out += &format!(
            "; the first result came soonest from {} after {} and latest from {} after {}",
            namer.name(&soonest.0.label, &soonest.0.flags),
            secs(soonest.1),
            namer.name(&latest.0.label, &latest.0.flags),
            secs(latest.1)
        );
    }
    // The first result far ahead of the last: half the makespan or less, every such case named.
    let share = |&(b, f): &(&SeedBar, f64)| f / b.median;
    let mut early: Vec<&(&SeedBar, f64)> = firsts.iter().filter(|f| share(f) <= 0.5).collect();
    early.sort_by(|a, b| share(a).total_cmp(&share(b)));
    let range = |xs: Vec<f64>, show: fn(f64) -> String| {
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        match show(lo) == show(hi) {
            true => show(lo),
            false => format!("{} to {}", show(lo), show(hi)),
        }
    };
    match early.as_slice() {
        [] => {}
        [one] => {
            named.push(one.0.label.as_str());
            out += &format!(
                "; {}'s first result came after {}, {} of its makespan",
                namer.name(&one.0.label, &one.0.flags),
                secs(one.1),
                pct(share(one))
            );
        }
        many => {
            named.extend(many.iter().map(|e| e.0.label.as_str()));
            let names: Vec<String> = many
                .iter()
                .map(|e| namer.name(&e.0.label, &e.0.flags))
                .collect();
            out += &format!(
                "; {} gave their first results after {}, {} of their makespans",
                list(&names.iter().map(String::as_str).collect::<Vec<_>>()),
                range(many.iter().map(|e| e.1).collect(), secs),
                range(many.iter().map(|e| share(e)).collect(), pct)
            );
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::flags::Flags;

    fn bar(label: &str, median: f64, ideal: f64) -> SeedBar {
        SeedBar {
            label: label.into(),
            median,
            ci: None,
            ideal: Some(ideal),
            efficiency: Some(ideal / median),
            talk: None,
            python_here: None,
            first_result: None,
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

    #[test]
    fn first_results_are_said_where_they_differ() {
        let with_first = |label: &str, median: f64, ideal: f64, first: f64| SeedBar {
            first_result: Some(first),
            ..bar(label, median, ideal)
        };
        // The talk's shape: sequential's first answer after one delay like threads', long before
        // its last; the process pool's after its workers started.
        let s = seed(&[
            with_first("sequential N=3", 3.01, 3.0, 1.003),
            with_first("threads N=3", 1.004, 1.0, 1.002),
            with_first("process-pool k=3 N=3", 1.09, 1.0, 1.085),
        ]);
        assert!(
            s.contains(
                "; the first result came soonest from threads N=3 after 1.002 s and latest from \
                 process-pool k=3 N=3 after 1.085 s; sequential N=3's first result came after \
                 1.003 s, 33 % of its makespan."
            ),
            "{s}"
        );
        // Within 5 % of each other, and none far ahead of its last: nothing to say.
        let s = seed(&[
            with_first("threads N=3", 1.004, 1.0, 1.002),
            with_first("async N=3", 1.01, 1.0, 1.008),
        ]);
        assert!(!s.contains("first result"), "{s}");
        // A case whose tasks failed is not among them; without first results, no clause.
        let mut failed = with_first("async N=3", 0.5, 1.0, 0.01);
        failed.flags.failures = 1;
        failed.efficiency = None;
        let s = seed(&[with_first("threads N=3", 1.004, 1.0, 1.002), failed]);
        assert!(!s.contains("first result"), "{s}");
        let s = seed(&[bar("threads N=3", 1.004, 1.0), bar("sequential N=3", 3.01, 3.0)]);
        assert!(!s.contains("first result"), "{s}");
        // Several answering first after one delay of a longer run are named together.
        let s = seed(&[
            with_first("sequential N=3", 3.006, 3.0, 1.002),
            with_first("threads N=3", 1.002, 1.0, 1.002),
            with_first("async-semaphore k=3 N=9", 3.007, 3.0, 1.003),
            with_first("threads N=9", 3.006, 3.0, 1.002),
        ]);
        assert!(
            s.contains(
                "; sequential N=3, threads N=9 and async-semaphore k=3 N=9 gave their first \
                 results after 1.002 s to 1.003 s, 33 % of their makespans."
            ),
            "{s}"
        );
    }
}
