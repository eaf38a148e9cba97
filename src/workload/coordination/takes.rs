//! The handoff's record of takes: for every item the producer hands over, how many times a consumer took it.
//! One atomic per item, bumped by the consumer that took it, so "every item consumed exactly once" is
//! checked item by item after the run, not inferred from a sum that two errors could balance.

use super::tally::Tally;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Items are numbered 1..=I; `taken[i - 1]` counts the takes of item i.
pub struct Takes {
    taken: Vec<AtomicU32>,
    produced: AtomicU64,
}

impl Takes {
    pub fn new(items: usize) -> Takes {
        Takes {
            taken: (0..items).map(|_| AtomicU32::new(0)).collect(),
            produced: AtomicU64::new(0),
        }
    }

    /// The item ids the producer hands over, in order.
    pub fn ids(&self) -> impl Iterator<Item = u64> {
        1..=self.taken.len() as u64
    }

    /// The producer handed `n` items over.
    pub fn produced(&self, n: u64) {
        self.produced.fetch_add(n, Ordering::SeqCst);
    }

    /// A consumer took item `id`.
    pub fn take(&self, id: u64) {
        match (id as usize).checked_sub(1).and_then(|i| self.taken.get(i)) {
            Some(t) => {
                t.fetch_add(1, Ordering::Relaxed);
            }
            // An id the producer never made: as wrong as a second take, counted with those.
            None => {
                self.taken
                    .first()
                    .map(|t| t.fetch_add(1, Ordering::Relaxed));
            }
        }
    }

    /// What the consumers took, item by item.
    pub fn tally(&self) -> Tally {
        let (mut consumed, mut duplicated, mut missing) = (0u64, 0u64, 0u64);
        for t in &self.taken {
            let n = u64::from(t.load(Ordering::SeqCst));
            consumed += n;
            duplicated += n.saturating_sub(1);
            missing += u64::from(n == 0);
        }
        Tally {
            produced: Some(self.produced.load(Ordering::SeqCst)),
            consumed: Some(consumed),
            duplicated: Some(duplicated),
            missing: Some(missing),
            ..Tally::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_takes_tell_a_second_take_and_a_missing_item_apart() {
        let l = Takes::new(4);
        l.produced(4);
        for id in l.ids() {
            l.take(id);
        }
        assert_eq!(l.tally().exactly_once(), Some(true));
        l.take(2);
        let t = l.tally();
        assert_eq!((t.consumed, t.duplicated, t.missing), (Some(5), Some(1), Some(0)));
        assert_eq!(t.exactly_once(), Some(false));
        let short = Takes::new(3);
        short.produced(3);
        short.take(1);
        short.take(3);
        let t = short.tally();
        assert_eq!((t.missing, t.exactly_once()), (Some(1), Some(false)));
    }
}
