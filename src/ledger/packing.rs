//! Packing: what taking tasks in submission order costs beside the ideal. An ideal packs the tasks'
//! work perfectly over the lanes (total ÷ lanes, never less than the longest task); a model that
//! hands each task, in order, to the lane that frees first — a FIFO pool, a fair semaphore, a
//! server's workers taking its backlog — ends later when the tasks differ in length. The list
//! schedule of the tasks' own nominal work says by how much. It is computed from the work alone, not
//! from the critical path, so the residual still says what the path holds beyond it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The makespan of `works` (seconds, in submission order) each given to the lane that frees first,
/// over `lanes` lanes (at least one).
pub fn in_order(works: &[f64], lanes: usize) -> f64 {
    // Lanes by when they free, in integer nanoseconds (a heap needs a total order).
    let mut free: BinaryHeap<Reverse<u64>> = (0..lanes.max(1).min(works.len().max(1)))
        .map(|_| Reverse(0))
        .collect();
    for w in works {
        let Reverse(at) = free.pop().expect("at least one lane");
        free.push(Reverse(at + (w.max(0.0) * 1e9).round() as u64));
    }
    free.into_iter().map(|Reverse(t)| t).max().unwrap_or(0) as f64 / 1e9
}

/// What in-order packing adds to `ideal`: the list schedule's makespan beyond it, or 0.
pub fn packing(works: &[f64], lanes: usize, ideal: f64) -> f64 {
    (in_order(works, lanes) - ideal).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_tasks_pack_into_rounds_and_cost_nothing_beyond_that_ideal() {
        let works = [0.1; 9];
        assert!((in_order(&works, 3) - 0.3).abs() < 1e-9);
        assert_eq!(packing(&works, 3, 0.3), 0.0);
        assert!(
            (in_order(&works, 20) - 0.1).abs() < 1e-9,
            "more lanes than tasks"
        );
    }

    #[test]
    fn a_long_task_last_in_line_costs_what_perfect_packing_would_not() {
        // Two lanes, 1 + 1 + 2 s: in order, the 2 s task starts at 1 s on either lane and ends at
        // 3 s; packed perfectly (2 s beside 1 + 1 s) the total ÷ lanes is 2 s.
        let works = [1.0, 1.0, 2.0];
        assert!((in_order(&works, 2) - 3.0).abs() < 1e-9);
        assert!((packing(&works, 2, 2.0) - 1.0).abs() < 1e-9);
        // The same tasks longest first pack perfectly.
        assert!((in_order(&[2.0, 1.0, 1.0], 2) - 2.0).abs() < 1e-9);
        // An ideal above the schedule (a CPU bound): nothing to add.
        assert_eq!(packing(&works, 2, 3.5), 0.0);
    }
}
