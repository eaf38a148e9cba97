//! The aiomultiprocess article's published figures, and the arithmetic that sizes the mixed task to
//! them. The article counts `status × 100_000` CPython steps per task after a 0.2–0.7 s wait, and
//! publishes times, not the counting's length: 30 tasks on one asyncio loop ≈ 21 s, on an
//! aiomultiprocess pool ≈ 14 s. On one loop the waits overlap while the counting runs one part after
//! another, so 21 s ≈ 30 × C + the longest wait gives C, the counting per task; the suite then scales
//! waits and counting by one factor, which keeps the job's shape (the counting's share, the ratio
//! the article measured) and fits the run's budget. The report reads the same figures to mark the
//! article's ratio and to say the scaling on its chart.

/// Tasks in the article's run.
pub const TASKS: usize = 30;
/// Each task's wait is drawn from [WAIT_MIN_MS, WAIT_MAX_MS).
pub const WAIT_MIN_MS: u64 = 200;
pub const WAIT_MAX_MS: u64 = 700;
/// 30 tasks on one asyncio event loop, seconds, as published.
pub const ONE_LOOP_S: f64 = 21.0;
/// The same 30 tasks on an aiomultiprocess pool, seconds, as published.
pub const POOL_S: f64 = 14.0;
/// How much the article-shape suite shrinks the article's times: waits and counting alike.
pub const SCALE: u64 = 10;

/// The article's speedup of a pool of loops over one loop: 21 s / 14 s = 1.5×. A ratio of two
/// times measured on one machine, so it is the same at any scale.
pub fn published_ratio() -> f64 {
    ONE_LOOP_S / POOL_S
}

/// C, the counting per task, seconds, from one loop's makespan: the loop counts every part one after
/// another while the waits overlap behind it, so `one_loop_s` ≈ `tasks` × C + `longest_wait_s`.
/// With the longest wait the article allows (0.7 s) C is the least that fits (0.677 s; with the
/// shortest, 0.2 s, it would be 0.693 s): the shape is never made more CPU-heavy than the article.
pub fn cpu_per_task_s(one_loop_s: f64, tasks: usize, longest_wait_s: f64) -> f64 {
    (one_loop_s - longest_wait_s) / tasks.max(1) as f64
}

/// The article's counting per task, seconds (≈ 0.68 s).
pub fn article_cpu_s() -> f64 {
    cpu_per_task_s(ONE_LOOP_S, TASKS, WAIT_MAX_MS as f64 / 1e3)
}

/// The article's job shrunk by `scale`: (wait_min_ms, wait_max_ms, cpu_ms), the counting to the
/// nearest millisecond (at a tenth: 20–70 ms of waiting, 68 ms of counting).
pub fn scaled(scale: u64) -> (u64, u64, u64) {
    let scale = scale.max(1);
    let cpu_ms = (article_cpu_s() * 1e3 / scale as f64).round() as u64;
    (WAIT_MIN_MS / scale, WAIT_MAX_MS / scale, cpu_ms)
}

/// How much a case's waits are shrunk from the article's: the article's longest wait over the
/// case's (10 for 20–70 ms); None for waits not drawn from the article's range scaled by one factor.
pub fn scale_of(wait_min_ms: u64, wait_max_ms: u64) -> Option<f64> {
    if wait_min_ms == 0 || wait_max_ms == 0 {
        return None;
    }
    let (lo, hi) = (
        WAIT_MIN_MS as f64 / wait_min_ms as f64,
        WAIT_MAX_MS as f64 / wait_max_ms as f64,
    );
    ((lo - hi).abs() < 1e-9).then_some(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counting_is_sized_from_the_published_times() {
        // (21 − 0.7) / 30: at least the mean wait, so the article's job is mostly counting.
        let c = article_cpu_s();
        assert!((c - 20.3 / 30.0).abs() < 1e-12, "{c}");
        assert!(c > (WAIT_MIN_MS + WAIT_MAX_MS) as f64 / 2e3);
        // Put back together, one loop's makespan is the published one.
        assert!((TASKS as f64 * c + 0.7 - ONE_LOOP_S).abs() < 1e-9);
        // A shorter longest wait leaves more of the 21 s to the counting.
        assert!(cpu_per_task_s(ONE_LOOP_S, TASKS, 0.2) > c);
        assert_eq!(scaled(SCALE), (20, 70, 68));
        assert_eq!(scaled(1), (200, 700, 677));
        assert!((published_ratio() - 1.5).abs() < 1e-12);
    }

    #[test]
    fn a_scale_is_read_back_only_from_waits_shrunk_by_one_factor() {
        assert_eq!(scale_of(20, 70), Some(10.0));
        assert_eq!(scale_of(200, 700), Some(1.0));
        assert_eq!(scale_of(20, 100), None, "two factors");
        assert_eq!(scale_of(0, 70), None);
    }
}
