//! The mixed chart's sentence: the article's pair — one event loop against loops in several
//! processes — then the fastest and the slowest, with how much of its waiting the slowest overlapped.

use super::data::MixedBar;
use crate::names::ModelKind;
use crate::render::fmt::{count, pct, secs, times};
use crate::report::flags::{Flags, Namer};
use crate::report::sentence::list;

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
