//! The order in which a run's repetitions happen. `interleaved` (the default) runs every case once per
//! round, in an order shuffled per round by a recorded seed, so a slow minute of a shared machine lands
//! on all models alike instead of on whichever case happened to be running; `blocked` runs all of one
//! case, then the next (the order of earlier versions).

use crate::rng::Rng;

crate::names::name_enum! {
    /// How a run's repetitions are scheduled, as `--order` and result files spell it.
    #[derive(Default)]
    pub enum Order {
        /// Round r runs every case that wants an r-th repetition, shuffled.
        #[default]
        Interleaved = "interleaved",
        /// Every repetition of a case, then the next case.
        Blocked = "blocked",
    }
}

/// One measured repetition to run: case index into the plan, and its repetition number (the round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub case: usize,
    pub rep: usize,
}

/// Batches of slots; the result file is saved after each batch (a round, or a case when blocked).
/// `repeats[i]` is case i's number of measured repetitions.
pub fn schedule(repeats: &[usize], order: Order, seed: u64) -> Vec<Vec<Slot>> {
    match order {
        Order::Blocked => repeats
            .iter()
            .enumerate()
            .map(|(case, &n)| (0..n).map(|rep| Slot { case, rep }).collect())
            .filter(|b: &Vec<Slot>| !b.is_empty())
            .collect(),
        Order::Interleaved => {
            let mut rng = Rng::new(seed);
            let rounds = repeats.iter().copied().max().unwrap_or(0);
            (0..rounds)
                .map(|rep| {
                    let mut round: Vec<Slot> = (0..repeats.len())
                        .filter(|&case| repeats[case] > rep)
                        .map(|case| Slot { case, rep })
                        .collect();
                    rng.shuffle(&mut round);
                    round
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaved_rounds_hold_each_case_once_until_its_repetitions_are_done() {
        let batches = schedule(&[3, 1, 2], Order::Interleaved, 42);
        assert_eq!(batches.len(), 3);
        let cases = |b: &Vec<Slot>| {
            let mut c: Vec<usize> = b.iter().map(|s| s.case).collect();
            c.sort();
            c
        };
        assert_eq!(cases(&batches[0]), [0, 1, 2]);
        assert_eq!(cases(&batches[1]), [0, 2]);
        assert_eq!(cases(&batches[2]), [0]);
        assert!(batches
            .iter()
            .enumerate()
            .all(|(r, b)| b.iter().all(|s| s.rep == r)));
        assert_eq!(
            batches,
            schedule(&[3, 1, 2], Order::Interleaved, 42),
            "seeded"
        );
    }

    #[test]
    fn rounds_are_shuffled_differently() {
        let batches = schedule(&[20; 8], Order::Interleaved, 1);
        let orders: std::collections::HashSet<Vec<usize>> = batches
            .iter()
            .map(|b| b.iter().map(|s| s.case).collect())
            .collect();
        assert!(orders.len() > 10, "{} distinct orders of 20", orders.len());
    }

    #[test]
    fn blocked_runs_each_case_to_the_end() {
        let flat: Vec<(usize, usize)> = schedule(&[2, 0, 1], Order::Blocked, 0)
            .concat()
            .iter()
            .map(|s| (s.case, s.rep))
            .collect();
        assert_eq!(flat, [(0, 0), (0, 1), (2, 0)]);
    }
}
