//! The peak number of threads of this process, sampled from /proc/self/status by a background thread
//! (which does not count itself). Sampling can miss a peak shorter than its period; models that hold
//! their threads for a whole task are not affected.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

const PERIOD: Duration = Duration::from_millis(2);

pub struct ThreadSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    handle: JoinHandle<()>,
}

/// Threads of this process now, from /proc/self/status.
pub fn current() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("Threads:")
                    .and_then(|v| v.trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

impl ThreadSampler {
    pub fn start() -> ThreadSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (s, p) = (stop.clone(), peak.clone());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(current(), Ordering::Relaxed);
                std::thread::sleep(PERIOD);
            }
        });
        ThreadSampler { stop, peak, handle }
    }

    /// Stop sampling; returns the peak seen, not counting the sampler itself.
    pub fn finish(self) -> u64 {
        self.peak.fetch_max(current(), Ordering::Relaxed);
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.handle.join();
        self.peak.load(Ordering::Relaxed).saturating_sub(1)
    }
}
