//! The subprocess chart's sentences: each shape's makespans (the book's time beside its own shape),
//! the case farthest from its ideal, then what starting a child cost beside a thread and a task.

use super::data::{one_at_a_time, short, ChildBar, Others, UnitStart};
use crate::render::fmt::{count, secs};
use crate::report::flags::Namer;
use crate::report::sentence::{against_ideal, distance, failed_clause, list};

/// `10 children of a 1 s sleep`, `200 children of a 10 ms sleep`.
fn shape(b: &ChildBar) -> String {
    let ms = (b.delay * 1e3).round() as u64;
    let sleep = match ms % 1000 {
        0 => format!("{} s", count(ms / 1000)),
        _ => format!("{} ms", count(ms)),
    };
    format!(
        "{} {} of a {sleep} sleep",
        count(b.tasks as u64),
        if b.tasks == 1 { "child" } else { "children" },
    )
}

/// Each shape's cases with their medians, in run order, the book's time after its own shape's.
fn shapes(bars: &[ChildBar], namer: &Namer) -> String {
    let mut order: Vec<(usize, u64)> = Vec::new();
    for b in bars {
        let key = (b.tasks, (b.delay * 1e3).round() as u64);
        if !order.contains(&key) {
            order.push(key);
        }
    }
    let clauses: Vec<String> = order
        .iter()
        .map(|&(tasks, ms)| {
            let of: Vec<&ChildBar> = bars
                .iter()
                .filter(|b| b.tasks == tasks && (b.delay * 1e3).round() as u64 == ms)
                .collect();
            let each: Vec<String> = of
                .iter()
                .map(|b| {
                    format!(
                        "{} {}",
                        namer.name(&b.model_name(), &b.flags),
                        secs(b.median)
                    )
                })
                .collect();
            let book = match of.iter().find_map(|b| b.book) {
                Some(book) => format!(" (the book: {})", secs(book.seconds)),
                None => String::new(),
            };
            format!(
                "{}: {}{book}",
                shape(of[0]),
                list(&each.iter().map(String::as_str).collect::<Vec<_>>())
            )
        })
        .collect();
    clauses.join("; ")
}

/// The sound case farthest from its ideal, in words.
fn farthest(bars: &[ChildBar], namer: &Namer) -> Option<String> {
    let worst = bars
        .iter()
        .filter(|b| b.flags.failures == 0)
        .filter_map(|b| Some((b, b.efficiency?, b.ideal?)))
        .max_by(|a, b| distance(a.1).total_cmp(&distance(b.1)))?;
    let (b, e, ideal) = worst;
    Some(format!(
        "Farthest from its ideal: {}",
        against_ideal(&namer.name(&b.label, &b.flags), e, b.median, ideal)
    ))
}

/// What starting a child cost, one at a time and at most, beside a thread and a tokio task.
fn starts(bars: &[ChildBar], others: &Others, namer: &Namer) -> Option<String> {
    let most = bars
        .iter()
        .filter_map(|b| Some((b, b.start?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let child = match one_at_a_time(bars) {
        Some((alone, _)) if (most.1 - alone).abs() > f64::EPSILON => format!(
            "Starting a child (its spawn call to its main running) took {} one at a time \
             (sequential), {} in {}",
            short(alone),
            short(most.1),
            namer.name(&most.0.label, &most.0.flags)
        ),
        Some((alone, _)) => format!(
            "Starting a child (its spawn call to its main running) took {} one at a time \
             (sequential)",
            short(alone)
        ),
        None => format!(
            "Starting a child (its spawn call to its main running) took up to {} ({})",
            short(most.1),
            namer.name(&most.0.label, &most.0.flags)
        ),
    };
    let beside = match (&others.thread, &others.task) {
        (None, None) => "; the scale suite, which times a thread's and a tokio task's start, is \
                         not in this report"
            .to_string(),
        (thread, task) => {
            let each = |u: &Option<UnitStart>| u.as_ref().map_or("–".into(), |u| short(u.each));
            format!(
                "; the scale suite started a thread in {} and a tokio task in {}",
                each(thread),
                each(task)
            )
        }
    };
    Some(format!("{child}{beside}"))
}

pub fn subprocess(bars: &[ChildBar], others: &Others) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let namer = Namer::new(bars.iter().map(|b| &b.flags));
    let failed = failed_clause(
        &namer,
        bars.iter()
            .filter(|b| b.flags.failures > 0)
            .map(|b| (b.label.as_str(), &b.flags)),
    );
    let mut out = format!("{}{failed}.", shapes(bars, &namer));
    if let Some(f) = farthest(bars, &namer) {
        out += &format!(" {f}.");
    }
    if let Some(s) = starts(bars, others, &namer) {
        out += &format!(" {s}.");
    }
    namer.sentence(&out)
}
