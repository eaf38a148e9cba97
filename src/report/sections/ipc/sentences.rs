//! What the ipc section says, from its rows: per message size the fastest transport and how far it
//! stays below memcpy, the slowest beside it, and Python's fastest against Rust's; pairs that failed
//! are named. Never canned: every figure is a row's.

use super::data::{sizes, IpcRow};
use crate::fmt;
use crate::report::sentence::capitalise;

/// Microseconds with the figures that matter: `12.3 µs`, `840 µs`, `1.52 ms`.
pub fn micros(s: f64) -> String {
    let us = s * 1e6;
    match us {
        u if u >= 1000.0 => format!("{:.2} ms", us / 1e3),
        u if u >= 100.0 => format!("{u:.0} µs"),
        u => format!("{u:.1} µs"),
    }
}

/// The rows with figures at `size`, of one language, fastest first.
fn ranked(rows: &[IpcRow], size: u64, python: bool) -> Vec<&IpcRow> {
    let mut at: Vec<&IpcRow> = rows
        .iter()
        .filter(|r| r.size == size && r.transport.is_python() == python && r.figures.is_some())
        .collect();
    at.sort_by(|a, b| {
        let mb = |r: &IpcRow| r.figures.map_or(0.0, |f| f.mb_per_s);
        mb(b).total_cmp(&mb(a))
    });
    at
}

/// One sentence per size, then the failures.
pub fn takeaway(rows: &[IpcRow]) -> String {
    let mut said = Vec::new();
    for size in sizes(rows) {
        let rust = ranked(rows, size, false);
        let python = ranked(rows, size, true);
        let mut parts = Vec::new();
        if let (Some(best), Some(worst)) = (rust.first(), rust.last()) {
            let f = best.figures.expect("ranked rows have figures");
            let mut s = format!(
                "at {} {} streams fastest, {:.0} MB/s ({} of memcpy's {:.0} MB/s at that size; \
                 RTT p50 {})",
                fmt::bytes(size as f64),
                best.flags.named(&best.name()),
                f.mb_per_s,
                f.of_memcpy().map_or("–".into(), fmt::pct),
                f.memcpy_mb_per_s,
                micros(f.rtt_p50_s)
            );
            if rust.len() > 1 {
                let w = worst.figures.expect("ranked rows have figures");
                s += &format!(
                    ", {} slowest at {:.0} MB/s",
                    worst.flags.named(&worst.name()),
                    w.mb_per_s
                );
            }
            parts.push(s);
            if let Some(py) = python.first() {
                let p = py.figures.expect("ranked rows have figures");
                parts.push(format!(
                    "Python's fastest there, {}, {:.0} MB/s: {} Rust's",
                    py.flags.named(&py.name()),
                    p.mb_per_s,
                    ratio(p.mb_per_s, f.mb_per_s)
                ));
            }
        } else if let Some(py) = python.first() {
            let p = py.figures.expect("ranked rows have figures");
            parts.push(format!(
                "at {} Python's fastest is {}, {:.0} MB/s",
                fmt::bytes(size as f64),
                py.flags.named(&py.name()),
                p.mb_per_s
            ));
        }
        if !parts.is_empty() {
            said.push(parts.join("; "));
        }
    }
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.flags.failures > 0)
        .map(|r| format!("{} at {}", r.name(), fmt::bytes(r.size as f64)))
        .collect();
    if !failed.is_empty() {
        said.push(format!(
            "pairs failed in {} (see the failures column)",
            failed.join(", ")
        ));
    }
    match said.is_empty() {
        true => "No ipc case recorded an exchange.".into(),
        false => {
            let each: Vec<String> = said.iter().map(|s| capitalise(s)).collect();
            format!("{}.", each.join(". "))
        }
    }
}

/// `0.25× ` or `3.1×`: how a Python figure stands to Rust's.
fn ratio(python: f64, rust: f64) -> String {
    match rust > 0.0 {
        true => fmt::times(python / rust),
        false => "–".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::flags::Flags;
    use crate::report::sections::ipc::data::Figures;
    use crate::names::ModelKind;
    use crate::workload::ipc::Transport;

    fn row(t: Transport, size: u64, mb: f64) -> IpcRow {
        IpcRow {
            transport: t,
            size,
            model: ModelKind::Sequential,
            pairs: 1,
            messages: 10,
            figures: Some(Figures {
                mb_per_s: mb,
                messages_per_s: mb * 1e6 / size as f64,
                rtt_p50_s: 20e-6,
                rtt_p99_s: 80e-6,
                memcpy_mb_per_s: 10_000.0,
            }),
            flags: Flags::default(),
        }
    }

    #[test]
    fn the_takeaway_names_the_fastest_and_slowest_per_size_from_the_rows() {
        let rows = [
            row(Transport::Pipe, 64, 40.0),
            row(Transport::Shm, 64, 90.0),
            row(Transport::Tcp, 64, 20.0),
            row(Transport::MpQueue, 64, 9.0),
        ];
        let t = takeaway(&rows);
        assert!(t.starts_with("At 64 B shm streams fastest, 90 MB/s (0.9 % of memcpy"), "{t}");
        assert!(t.contains("tcp slowest at 20 MB/s"), "{t}");
        assert!(t.contains("mp-queue (Python), 9 MB/s"), "{t}");
        assert_eq!(micros(12.34e-6), "12.3 µs");
        assert_eq!(micros(1.5e-3), "1.50 ms");
    }
}
