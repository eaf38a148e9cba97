//! Effective Python's published figure for item 52 (../shared/SEEDS.md §3), the reference mark of the
//! subprocess chart: ten children running `sleep` for 1 s, started together and waited for, finished
//! in about 1.02 s. It is matched only to cases run the same way: ten children of a 1 s sleep, all ten
//! running at once.

use crate::results::CaseResult;
use crate::workload::Params;

/// The book's run: how many children, how long each slept, how long all of them took.
#[derive(Debug)]
pub struct BookTime {
    pub children: usize,
    pub delay_ms: u64,
    pub seconds: f64,
    pub source: &'static str,
}

pub const BOOK: BookTime = BookTime {
    children: 10,
    delay_ms: 1_000,
    seconds: 1.02,
    source: "Effective Python, item 52",
};

/// The book's time for this case, when the case reproduces the book's run: its children, its
/// sleep, every child at once.
pub fn book_time(c: &CaseResult) -> Option<&'static BookTime> {
    let Params::Subprocess(p) = &c.params.workload else {
        return None;
    };
    (p.delay_ms == BOOK.delay_ms
        && c.params.tasks == BOOK.children
        && c.params.concurrency >= BOOK.children)
        .then_some(&BOOK)
}
