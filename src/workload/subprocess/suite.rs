//! The subprocess workload's suite: Effective Python's item 52 — ten children of a 1 s sleep on each
//! model (the book: 1.02 s in parallel) — and 200 children of 10 ms, where starting a child is most of
//! a task. Not in the default suite; the whole of it in the lessons suite. Part of the plan
//! (tests/layers.rs places it there): cases are plan's, listed beside the workload they run.

use crate::model::ModelKind::*;
use crate::names::Group;
use crate::plan::{Case, SuiteCases};
use crate::workload::{Params, SubprocessParams};
use std::time::Duration;

/// Effective Python's item 52, and children short enough that starting them shows.
pub struct Subprocess;

impl SuiteCases for Subprocess {
    fn cases(&self) -> Vec<Case> {
        subprocess()
    }

    /// The whole suite, about half a minute of ideals: the book's figure needs its 1 s children, and
    /// the start cost its short ones.
    fn in_lessons(&self) -> Vec<Case> {
        subprocess()
    }
}

/// The book's shape: its ten children (sequential's three, a third of its 10 s), all at once.
pub const BOOK_TASKS: usize = 10;
pub const BOOK_DELAY: Duration = Duration::from_secs(1);
/// The short shape: 200 children of 10 ms, the pools 8 at a time.
pub const SHORT_TASKS: usize = 200;
pub const SHORT_DELAY: Duration = Duration::from_millis(10);
pub const SHORT_LIMIT: usize = 8;

/// About 40 s on two cores, half of it the book's 1 s waits. The short cases get a warm-up each: the
/// first children of a run page the program in.
fn subprocess() -> Vec<Case> {
    let g = Group::Subprocess;
    let book = Params::Subprocess(SubprocessParams::new(BOOK_DELAY));
    let short = Params::Subprocess(SubprocessParams::new(SHORT_DELAY));
    let mut cases = vec![Case::new(g, Sequential, 3, None, book.clone()).reps(3, 0)];
    // k = N: the pools start every child at once, as the book's loop of Popen calls does.
    for model in [Threads, ThreadPool, Async, AsyncSemaphore] {
        let case = Case::new(g, model, BOOK_TASKS, Some(BOOK_TASKS), book.clone());
        cases.push(case.reps(3, 0));
    }
    for model in [Sequential, Threads, ThreadPool, Async, AsyncSemaphore] {
        let case = Case::new(g, model, SHORT_TASKS, Some(SHORT_LIMIT), short.clone());
        cases.push(case.reps(3, 1));
    }
    cases
}

#[cfg(test)]
mod tests {
    use crate::model::ModelKind;
    use crate::names::Group;
    use crate::plan::{Case, Suite};

    fn suite() -> Vec<Case> {
        Suite::Subprocess.cases()
    }

    #[test]
    fn every_model_of_item_52_runs_the_books_shape_and_the_short_one() {
        let cases = suite();
        assert!(cases.iter().all(|c| c.group == Group::Subprocess));
        for model in [
            ModelKind::Threads,
            ModelKind::ThreadPool,
            ModelKind::Async,
            ModelKind::AsyncSemaphore,
        ] {
            // The book's ten children, every one at once: one wave of its 1 s sleep.
            let book = cases
                .iter()
                .find(|c| c.model == model && c.tasks == super::BOOK_TASKS)
                .unwrap_or_else(|| panic!("{model}: no book case"));
            assert_eq!(book.ideal(2, None), Some(1.0), "{model}");
        }
        for model in [
            ModelKind::Sequential,
            ModelKind::Threads,
            ModelKind::ThreadPool,
            ModelKind::Async,
            ModelKind::AsyncSemaphore,
        ] {
            assert!(
                cases
                    .iter()
                    .any(|c| c.model == model && c.tasks == super::SHORT_TASKS),
                "{model}: no short case"
            );
        }
        assert!(
            Suite::Default.cases().iter().all(|c| c.group != Group::Subprocess),
            "not in the default suite"
        );
        let lessons: Vec<String> = Suite::Lessons
            .cases()
            .iter()
            .filter(|c| c.group == Group::Subprocess)
            .map(Case::id)
            .collect();
        let ids: Vec<String> = cases.iter().map(Case::id).collect();
        assert_eq!(lessons, ids, "the lessons suite runs the whole suite");
    }

    #[test]
    fn the_suite_keeps_within_a_minute_on_two_cores() {
        // What its ideals add up to over every repetition, warm-ups included, and a case process of
        // a tenth of a second each (start, runtime, the children's start beyond their ideal); the
        // rest of the minute is the slack for a shared machine.
        let cases = suite();
        let ideal: f64 = cases
            .iter()
            .map(|c| c.ideal(2, None).unwrap() * (c.repeat + c.warmup) as f64)
            .sum();
        let processes: usize = cases.iter().map(|c| c.repeat + c.warmup).sum();
        let cost = ideal + 0.1 * processes as f64;
        assert!(cost < 40.0, "{cost:.1} s: {ideal:.1} s of ideals, {processes} processes");
    }
}
