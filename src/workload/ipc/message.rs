//! The messages of an exchange and their check. Message number `seq` (counted from 0 over the whole
//! exchange, both directions' phases) is its sequence number in its first 8 bytes (little-endian),
//! then the payload workload's pattern for `seq`. The receiver compares every byte with the message
//! it expects next — stronger than a checksum: one lost, repeated or reordered message shows as a
//! sequence number other than the next (`reordered`), one changed byte elsewhere as `corrupt`. The
//! pattern repeats every 251 sequence numbers, so each message is a window of one longer buffer made
//! once, and making a message costs nothing in the exchange.

use crate::names::FailureKind;
use crate::workload::payload::pattern;

/// The smallest message: its sequence number and one word of pattern.
pub const MIN_SIZE: usize = 16;
/// The largest: the shared ring holds four of them at once.
pub const MAX_SIZE: usize = 1 << 20;

/// Every message of one size, by sequence number.
pub struct Messages {
    /// pattern(0, size + 251): pattern(0, n + 251)[k..k + n] is pattern(k, n).
    source: Vec<u8>,
    size: usize,
}

impl Messages {
    pub fn new(size: usize) -> Messages {
        Messages {
            source: pattern(0, size + 251),
            size,
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// Write message `seq` into `out` (of the message size).
    pub fn fill(&self, seq: u64, out: &mut [u8]) {
        out.copy_from_slice(self.body(seq));
        out[..8].copy_from_slice(&seq.to_le_bytes());
    }

    fn body(&self, seq: u64) -> &[u8] {
        let at = (seq % 251) as usize;
        &self.source[at..at + self.size]
    }

    /// Whether `got` is message `seq`: `reordered` when it carries another sequence number,
    /// `corrupt` when any other byte differs (or its length does).
    pub fn check(&self, seq: u64, got: &[u8]) -> Result<(), FailureKind> {
        if got.len() != self.size || got.len() < 8 {
            return Err(FailureKind::Corrupt);
        }
        let said = u64::from_le_bytes(got[..8].try_into().expect("8 bytes"));
        if said != seq {
            return Err(FailureKind::Reordered);
        }
        match got[8..] == self.body(seq)[8..] {
            true => Ok(()),
            false => Err(FailureKind::Corrupt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_passes_as_itself_and_fails_as_another_or_changed() {
        for size in [16, 64, 4096] {
            let m = Messages::new(size);
            let mut buf = vec![0u8; size];
            for seq in [0, 1, 250, 251, 252, 1000] {
                m.fill(seq, &mut buf);
                assert_eq!(m.check(seq, &buf), Ok(()), "{size} {seq}");
                // The one 251 later has the same body: only the sequence number tells them apart.
                assert_eq!(m.check(seq + 251, &buf), Err(FailureKind::Reordered));
                let mut changed = buf.clone();
                changed[size - 1] ^= 1;
                assert_eq!(m.check(seq, &changed), Err(FailureKind::Corrupt));
            }
            assert_eq!(m.check(0, &buf[..size - 8]), Err(FailureKind::Corrupt));
        }
    }
}
