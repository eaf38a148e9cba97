//! What the ipc section reads of each case: per transport and message size, the medians over its
//! samples of what each sample's pairs exchanged (`Sample::ipc`) — MB/s and messages/s streamed,
//! round-trip p50 and p99, and memcpy at that size beside them — with its flags (unstable, failed
//! pairs). Rust's and Python's transports alike; a case whose every pair failed has no figures and
//! shows as such.

use crate::names::{Group, ModelKind};
use crate::report::data::ReportData;
use crate::report::flags::Flags;
use crate::results::{CaseResult, Sample};
use crate::stats::median;
use crate::workload::ipc::{Exchanged, Transport};
use crate::workload::Params;

/// One ipc case.
#[derive(Debug, Clone)]
pub struct IpcRow {
    pub transport: Transport,
    pub size: u64,
    pub model: ModelKind,
    pub pairs: usize,
    /// Round trips (and as many streamed) per pair.
    pub messages: u64,
    /// The medians over samples; None when no sample recorded an exchange.
    pub figures: Option<Figures>,
    pub flags: Flags,
}

/// Medians over a case's samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub mb_per_s: f64,
    pub messages_per_s: f64,
    pub rtt_p50_s: f64,
    pub rtt_p99_s: f64,
    pub memcpy_mb_per_s: f64,
}

impl Figures {
    /// MB/s as a share of memcpy's at the same size.
    pub fn of_memcpy(&self) -> Option<f64> {
        (self.memcpy_mb_per_s > 0.0).then(|| self.mb_per_s / self.memcpy_mb_per_s)
    }

    fn of(samples: &[&Exchanged]) -> Option<Figures> {
        let m = |f: fn(&Exchanged) -> f64| median(&samples.iter().map(|e| f(e)).collect::<Vec<_>>());
        (!samples.is_empty()).then(|| Figures {
            mb_per_s: m(|e| e.mb_per_s),
            messages_per_s: m(|e| e.messages_per_s),
            rtt_p50_s: m(|e| e.rtt_p50_s),
            rtt_p99_s: m(|e| e.rtt_p99_s),
            memcpy_mb_per_s: m(|e| e.memcpy_mb_per_s),
        })
    }
}

impl IpcRow {
    pub fn of(c: &CaseResult) -> Option<IpcRow> {
        let Params::Ipc(p) = &c.params.workload else {
            return None;
        };
        let exchanged: Vec<&Exchanged> = c.samples.iter().filter_map(|s: &Sample| s.ipc.as_ref()).collect();
        Some(IpcRow {
            transport: p.transport,
            size: p.size,
            model: c.params.model,
            pairs: c.params.tasks,
            messages: p.messages,
            figures: Figures::of(&exchanged),
            flags: Flags::of(c),
        })
    }

    /// `pipe`, or `mp-queue (Python)`: how a table or a sentence names its transport.
    pub fn name(&self) -> String {
        match self.transport.is_python() {
            true => format!("{} (Python)", self.transport),
            false => self.transport.to_string(),
        }
    }
}

/// The ipc group's cases, by transport in declaration order, then size.
pub fn rows(data: &ReportData) -> Vec<IpcRow> {
    let mut rows: Vec<IpcRow> = data.group(Group::Ipc).into_iter().filter_map(IpcRow::of).collect();
    rows.sort_by_key(|r| (r.transport, r.size));
    rows
}

/// The sizes measured, smallest first.
pub fn sizes(rows: &[IpcRow]) -> Vec<u64> {
    let mut s: Vec<u64> = rows.iter().map(|r| r.size).collect();
    s.sort_unstable();
    s.dedup();
    s
}

/// The transports measured, in declaration order.
pub fn transports(rows: &[IpcRow]) -> Vec<Transport> {
    let mut t: Vec<Transport> = rows.iter().map(|r| r.transport).collect();
    t.sort_unstable();
    t.dedup();
    t
}
