//! The mixed section's sentences. The mixed chart's: the article's pair — one event loop against
//! loops in several processes — then the fastest and the slowest, with how much of its waiting the
//! slowest overlapped. The article-shape chart's: the same pair's ratio against the article's
//! published 1.5×, in Rust and in Python, the fastest model, and how the wait-heavy shape (the mixed
//! suite's) answered the same question.

use super::data::{self, ArticleBar, MixedBar};
use crate::names::ModelKind;
use crate::render::fmt::{count, pct, secs, times};
use crate::report::flags::{Flags, Namer};
use crate::report::sentence::list;
use crate::workload::mixed::article;

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

/// How a measured ratio stands against the article's: within 5 % it is "close to" it.
fn against_published(ratio: f64) -> &'static str {
    let published = article::published_ratio();
    match ratio / published {
        r if r > 1.05 => "above",
        r if r < 1.0 / 1.05 => "below",
        _ => "close to",
    }
}

/// The counting's share of one loop's makespan: N × t₁ over its median.
fn counting_share(one: &MixedBar) -> Option<f64> {
    Some(one.split.cpu_part? / one.median).filter(|s| s.is_finite())
}

pub fn article(bars: &[ArticleBar], wait_heavy: &[MixedBar]) -> String {
    let namer = Namer::new(bars.iter().map(|b| &b.bar.flags));
    let name = |b: &MixedBar| namer.name(&b.label, &b.flags);
    let plain: Vec<MixedBar> = bars.iter().map(|b| b.bar.clone()).collect();
    let mut named: Vec<&str> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let rust = data::pair(&plain, false);
    if let Some((one, many)) = rust {
        let r = one.median / many.median;
        named.extend([one.label.as_str(), many.label.as_str()]);
        parts.push(format!(
            "At the article's shape {} took {} and {} {}: {}, {} the article's {} (21 s on one \
             asyncio loop, 14 s on aiomultiprocess)",
            name(one),
            secs(one.median),
            name(many),
            secs(many.median),
            times(r),
            against_published(r),
            times(article::published_ratio())
        ));
    }
    if let Some((one, many)) = data::pair(&plain, true) {
        let r = one.median / many.median;
        named.extend([one.label.as_str(), many.label.as_str()]);
        parts.push(format!(
            "{} Python on this machine {} took {} against {}'s {}: {}",
            match rust {
                Some(_) => "in",
                None => "In",
            },
            name(one),
            secs(one.median),
            name(many),
            secs(many.median),
            times(r)
        ));
    }
    // The fastest against its own language's loop, when the pair did not already name it.
    let fastest = bars
        .iter()
        .filter(|b| b.speedup.is_some())
        .max_by(|a, b| a.speedup.unwrap_or(0.0).total_cmp(&b.speedup.unwrap_or(0.0)));
    if let Some(f) = fastest.filter(|f| !named.contains(&f.bar.label.as_str())) {
        parts.push(format!(
            "{} was the fastest, {} as fast as its one loop, at {}",
            name(&f.bar),
            times(f.speedup.unwrap_or(1.0)),
            secs(f.bar.median)
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    // The wait-heavy shape's answer to the same question, and the counting's share in each.
    if let (Some((one, many)), Some((h_one, h_many))) = (rust, data::pair(wait_heavy, false)) {
        let (r, h) = (one.median / many.median, h_one.median / h_many.median);
        let shares = match (counting_share(one), counting_share(h_one)) {
            (Some(here), Some(there)) => format!(
                ", its one loop counting for {} of its makespan against {} here",
                pct(there),
                pct(here)
            ),
            _ => String::new(),
        };
        let verdict = match h / r {
            x if x < 1.0 / 1.05 => "less",
            x if x > 1.05 => "more",
            _ => "about as much",
        };
        parts.push(format!(
            "the wait-heavy shape (the mixed suite: waits of {} on average, {}) gained \
             {verdict}, {}{shares}",
            secs(h_one.split.waiting / h_one.tasks.max(1) as f64),
            h_one.split.t1.map_or("a short count".to_string(), |t| format!(
                "{} of counting a task",
                secs(t)
            )),
            times(h)
        ));
    }
    // Model names are spelled as the CLI spells them, lower case, even at the start of a sentence.
    let sentence = parts.join("; ");
    namer.sentence(&format!("{sentence}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mixed_bar(model: ModelKind, lanes: usize, median: f64, overlapped: f64) -> MixedBar {
        use super::super::data::Split;
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
}

#[cfg(test)]
mod article_tests {
    use super::super::data::{article_bars, MixedBar, Split};
    use super::*;

    /// A mixed case of `median` seconds whose one CPU part took `t1` (30 tasks).
    fn bar(model: ModelKind, median: f64, t1: f64, wait: f64) -> MixedBar {
        MixedBar {
            label: format!("{model} N=30"),
            model,
            tasks: 30,
            samples: 3,
            median,
            ci: None,
            ideal: Some(30.0 * t1 / if model == ModelKind::AsyncSingle { 1.0 } else { 2.0 }),
            efficiency: None,
            split: Split {
                cpu_s: 30.0 * t1,
                lanes: 1,
                t1: Some(t1),
                cpu_part: Some(30.0 * t1),
                computing: Some(30.0 * t1),
                waiting: 30.0 * wait,
                overlapped: None,
            },
            flags: Flags::default(),
        }
    }

    fn shape(one: f64, pool: f64, fast: f64) -> Vec<MixedBar> {
        vec![
            bar(ModelKind::AsyncSingle, one, 0.068, 0.045),
            bar(ModelKind::AsyncProcessPool, pool, 0.068, 0.045),
            bar(ModelKind::AsyncBlockingPool, fast, 0.068, 0.045),
        ]
    }

    #[test]
    fn the_pair_is_set_against_the_articles_ratio() {
        let s = article(&article_bars(&shape(2.1, 1.05, 1.0)), &[]);
        assert!(
            s.starts_with(
                "At the article's shape async-single N=30 took 2.100 s and async-process-pool \
                 N=30 1.050 s: 2.00×, above the article's 1.50× (21 s on one asyncio loop, 14 s \
                 on aiomultiprocess)"
            ),
            "{s}"
        );
        assert!(
            s.ends_with("; async-blocking-pool N=30 was the fastest, 2.10× as fast as its one loop, at 1.000 s."),
            "{s}"
        );
        let s = article(&article_bars(&shape(2.1, 1.4, 1.5)), &[]);
        assert!(s.contains("1.50×, close to the article's 1.50×"), "{s}");
        assert!(!s.contains("was the fastest"), "the pool was: {s}");
        let s = article(&article_bars(&shape(2.1, 1.9, 1.5)), &[]);
        assert!(s.contains("1.11×, below the article's"), "{s}");
    }

    #[test]
    fn the_python_pair_is_its_own_languages_ratio() {
        let mut bars = shape(2.1, 1.05, 1.2);
        bars.push(bar(ModelKind::PyAsyncio, 2.4, 0.068, 0.045));
        bars.push(bar(ModelKind::PyAsyncProcessPool, 1.6, 0.068, 0.045));
        let article_bars = article_bars(&bars);
        let py = article_bars
            .iter()
            .find(|b| b.bar.model == ModelKind::PyAsyncProcessPool)
            .unwrap();
        assert_eq!(py.speedup, Some(2.4 / 1.6), "over py-asyncio, not async-single");
        let s = article(&article_bars, &[]);
        assert!(
            s.contains(
                "; in Python on this machine py-asyncio N=30 took 2.400 s against \
                 py-async-process-pool N=30's 1.600 s: 1.50×"
            ),
            "{s}"
        );
    }

    #[test]
    fn the_wait_heavy_shape_answers_with_its_own_ratio_and_share() {
        // The mixed suite's shape: 45 ms of counting after waits of 0.45 s on average.
        let heavy = [
            bar(ModelKind::AsyncSingle, 1.5, 0.045, 0.45),
            bar(ModelKind::AsyncProcessPool, 1.0, 0.045, 0.45),
        ];
        let s = article(&article_bars(&shape(2.1, 1.05, 1.2)), &heavy);
        assert!(
            s.ends_with(
                "; the wait-heavy shape (the mixed suite: waits of 0.450 s on average, 45.0 ms of \
                 counting a task) gained less, 1.50×, its one loop counting for 90 % of its \
                 makespan against 97 % here."
            ),
            "{s}"
        );
        // Without the article's pair there is nothing to set it against.
        let only_fast = [bar(ModelKind::AsyncBlockingPool, 1.0, 0.068, 0.045)];
        let s = article(&article_bars(&only_fast), &heavy);
        assert!(!s.contains("wait-heavy"), "{s}");
        assert_eq!(article(&[], &heavy), "");
    }

    #[test]
    fn a_case_whose_tasks_failed_has_no_speedup() {
        let mut bars = shape(2.1, 1.05, 1.0);
        bars[1].flags.failures = 2;
        let a = article_bars(&bars);
        assert_eq!(a[1].speedup, None);
        assert_eq!(a[2].speedup, Some(2.1));
        let s = article(&a, &[]);
        assert!(!s.contains("At the article's shape"), "no sound pair: {s}");
        assert!(s.starts_with("async-blocking-pool N=30 was the fastest"), "{s}");
    }
}
