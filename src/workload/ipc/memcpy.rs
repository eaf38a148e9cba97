//! The floor beside every transport: this process copying one message memory to memory, at the
//! message's size, in one thread. A transport moves each message at least once that way (the shared
//! ring) and usually two or more times (into the kernel and out), so its MB/s is at most this. The
//! copy runs over and over into a buffer already touched — in cache when the message fits there, as
//! a transport's buffers do — best of three passes, so a pass that lost its core is not the floor.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// How long the floor is measured for, in all: short beside a case, long enough for thousands of
/// copies at the largest size.
pub const TIME: Duration = Duration::from_millis(30);

/// MB/s (10⁶ bytes) of copying `size` bytes, over about `time`.
pub fn mb_per_s(size: usize, time: Duration) -> f64 {
    let from = vec![0x5au8; size.max(1)];
    let mut to = vec![0xa5u8; size.max(1)];
    let mut best = 0f64;
    for _ in 0..3 {
        let t = Instant::now();
        let mut copies = 0u64;
        while t.elapsed() < time / 3 || copies == 0 {
            // Enough copies between clock reads that reading the clock is not what is timed.
            for _ in 0..((1 << 20) / size.max(1)).max(1) {
                to.copy_from_slice(black_box(&from));
                black_box(&mut to);
                copies += 1;
            }
        }
        best = best.max(copies as f64 * size as f64 / t.elapsed().as_secs_f64() / 1e6);
    }
    best
}

#[cfg(test)]
mod tests {
    #[test]
    fn copying_is_positive_and_finite() {
        let mb = super::mb_per_s(4096, std::time::Duration::from_millis(3));
        assert!(mb.is_finite() && mb > 0.0, "{mb}");
    }
}
