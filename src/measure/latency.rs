//! Latency percentiles through an HdrHistogram (microsecond resolution, 3 significant digits), so the
//! percentiles of 10,000 tasks cost the same as those of 3.

use crate::results::Percentiles;
use hdrhistogram::Histogram;
use std::time::Duration;

/// p50, p90, p99 and max of a histogram of microseconds, in seconds; None when it is empty.
pub fn of(h: &Histogram<u64>) -> Option<Percentiles> {
    if h.is_empty() {
        return None;
    }
    let s = |us: u64| us as f64 / 1e6;
    Some(Percentiles {
        p50: s(h.value_at_quantile(0.50)),
        p90: s(h.value_at_quantile(0.90)),
        p99: s(h.value_at_quantile(0.99)),
        max: s(h.max()),
    })
}

/// p50, p90, p99 and max of `values`, in seconds; None when there are none.
pub fn percentiles(values: impl IntoIterator<Item = Duration>) -> Option<Percentiles> {
    let mut h = Histogram::<u64>::new(3).expect("3 significant digits is valid");
    for v in values {
        h.record(v.as_micros().max(1) as u64)
            .expect("auto-resizing histogram");
    }
    if h.is_empty() {
        return None;
    }
    let s = |us: u64| us as f64 / 1e6;
    Some(Percentiles {
        p50: s(h.value_at_quantile(0.50)),
        p90: s(h.value_at_quantile(0.90)),
        p99: s(h.value_at_quantile(0.99)),
        max: s(h.max()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_one_to_a_hundred_ms() {
        let p = percentiles((1..=100).map(Duration::from_millis)).unwrap();
        assert!((p.p50 - 0.050).abs() < 0.0002, "{p:?}");
        assert!((p.p90 - 0.090).abs() < 0.0002, "{p:?}");
        assert!((p.p99 - 0.099).abs() < 0.0002, "{p:?}");
        assert!((p.max - 0.100).abs() < 0.0002, "{p:?}");
        assert!(percentiles(std::iter::empty()).is_none());
    }
}
