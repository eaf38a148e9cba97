//! An open-loop repetition's time line: its tasks' scheduled releases and ends put in fixed buckets
//! (100 ms), each with what was offered, what came back, what was still out, and the latency
//! percentiles (from the scheduled release, through an HDR histogram) of what came back in it. A
//! model that keeps up shows completions tracking offers and a flat latency; one past its knee shows
//! the in-flight count and the latency climbing.

use crate::results::Bucket;
use hdrhistogram::Histogram;
use std::time::Duration;

/// The width of a bucket.
pub const BUCKET: Duration = Duration::from_millis(100);

/// One task as the time line needs it: its scheduled release and its end, both from the first
/// release, and whether it succeeded.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    pub released: Duration,
    pub end: Duration,
    pub ok: bool,
}

/// The buckets of `tasks`, from the first release to the last task's end.
pub fn of(tasks: &[Done], width: Duration) -> Vec<Bucket> {
    let at = |d: Duration| (d.as_nanos() / width.as_nanos().max(1)) as usize;
    let last = tasks
        .iter()
        .map(|t| t.end.max(t.released))
        .max()
        .unwrap_or_default();
    let n = at(last) + 1;
    let mut buckets: Vec<Bucket> = (0..n)
        .map(|b| Bucket {
            t_s: (width * b as u32).as_secs_f64(),
            ..Bucket::default()
        })
        .collect();
    let mut latency: Vec<Histogram<u64>> = (0..n)
        .map(|_| Histogram::new(3).expect("3 significant digits is valid"))
        .collect();
    // Released minus done, per bucket boundary: the running sum is what is in flight at its end.
    let mut net = vec![0i64; n];
    for t in tasks {
        buckets[at(t.released)].offered += 1;
        net[at(t.released)] += 1;
        let done = at(t.end);
        net[done] -= 1;
        match t.ok {
            true => buckets[done].completed += 1,
            false => buckets[done].failed += 1,
        }
        let us = t.end.saturating_sub(t.released).as_micros().max(1) as u64;
        latency[done].record(us).expect("auto-resizing histogram");
    }
    let mut out = 0i64;
    for (b, (bucket, h)) in buckets.iter_mut().zip(&latency).enumerate() {
        out += net[b];
        bucket.in_flight = out.max(0) as u64;
        if !h.is_empty() {
            bucket.p50_s = Some(h.value_at_quantile(0.50) as f64 / 1e6);
            bucket.p99_s = Some(h.value_at_quantile(0.99) as f64 / 1e6);
        }
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_add_up_and_in_flight_is_released_minus_done() {
        // 30 tasks released every 20 ms, each done 150 ms later; every 7th fails.
        let tasks: Vec<Done> = (0..30)
            .map(|i| Done {
                released: Duration::from_millis(20 * i),
                end: Duration::from_millis(20 * i + 150),
                ok: i % 7 != 0,
            })
            .collect();
        let b = of(&tasks, BUCKET);
        let sum = |f: fn(&Bucket) -> u64| b.iter().map(f).sum::<u64>();
        assert_eq!(sum(|b| b.offered), 30);
        assert_eq!(
            sum(|b| b.completed),
            tasks.iter().filter(|t| t.ok).count() as u64
        );
        assert_eq!(sum(|b| b.completed) + sum(|b| b.failed), 30);
        assert_eq!(b.last().unwrap().in_flight, 0, "all done by the end");
        // At 300 ms (the end of bucket 2): released 0..=14 (15), done those ending < 300 ms (0..=7).
        assert_eq!(b[2].in_flight, 15 - 8);
        // Every latency is 150 ms.
        assert!(b
            .iter()
            .filter_map(|b| b.p99_s)
            .all(|p| (p - 0.150).abs() < 0.001));
        assert_eq!(b[0].p50_s, None, "nothing done in the first 100 ms");
    }
}
