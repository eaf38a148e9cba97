//! What one repetition of an ipc case exchanged, as its sample records it (`Sample::ipc`): the
//! round trips' latency from every pair's HDR histogram merged, the stream's messages/s and MB/s, and
//! the floor — memcpy at the message size — measured in the same process right after the pairs. The
//! Python model answers the same record (python/concbench_py/ipc.py), so both languages' rows read
//! alike.

use super::pair::Figures;
use hdrhistogram::Histogram;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One repetition's exchange, over the pairs that completed theirs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Exchanged {
    /// Pairs that completed their exchange (a failed pair counts among the sample's failures).
    pub pairs: u64,
    /// Round trips timed, over those pairs.
    pub round_trips: u64,
    /// Round-trip latency (a message out and back), seconds: median and 99th percentile.
    pub rtt_p50_s: f64,
    pub rtt_p99_s: f64,
    /// Messages streamed one way, and the seconds the pairs' streams took, summed.
    pub streamed: u64,
    pub stream_s: f64,
    /// Messages per second one pair streams: `streamed / stream_s`.
    pub messages_per_s: f64,
    /// Megabytes (10⁶ bytes) of message per second one pair streams.
    pub mb_per_s: f64,
    /// The floor: copying one message memory to memory in this process, MB/s.
    pub memcpy_mb_per_s: f64,
}

impl Exchanged {
    /// MB/s as a share of memcpy's at the same size (≤ 1 for a transport that copies at least once).
    pub fn of_memcpy(&self) -> Option<f64> {
        (self.memcpy_mb_per_s > 0.0).then(|| self.mb_per_s / self.memcpy_mb_per_s)
    }
}

/// The pairs of one repetition so far.
#[derive(Debug)]
pub struct Tally {
    pub pairs: u64,
    pub rtt: Histogram<u64>,
    pub streamed: u64,
    pub stream_s: f64,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            pairs: 0,
            rtt: super::pair::histogram(),
            streamed: 0,
            stream_s: 0.0,
        }
    }
}

impl Tally {
    pub fn add(&mut self, f: &Figures) {
        self.pairs += 1;
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.rtt.add(&f.rtt);
        self.streamed += f.streamed;
        self.stream_s += f.stream.as_secs_f64();
    }

    /// The record, for messages of `size` bytes beside a floor of `memcpy_mb_per_s`; None when no
    /// pair completed.
    pub fn exchanged(&self, size: usize, memcpy_mb_per_s: f64) -> Option<Exchanged> {
        if self.pairs == 0 || self.stream_s <= 0.0 {
            return None;
        }
        let messages_per_s = self.streamed as f64 / self.stream_s;
        Some(Exchanged {
            pairs: self.pairs,
            round_trips: self.rtt.len(),
            rtt_p50_s: self.rtt.value_at_quantile(0.5) as f64 / 1e9,
            rtt_p99_s: self.rtt.value_at_quantile(0.99) as f64 / 1e9,
            streamed: self.streamed,
            stream_s: self.stream_s,
            messages_per_s,
            mb_per_s: messages_per_s * size as f64 / 1e6,
            memcpy_mb_per_s,
        })
    }
}
