//! What the rest of the machine did while a repetition ran: a snapshot of the kernel's counters before
//! and after (`/proc/stat` CPU times, `/proc/net/netstat` TcpExt, the service's CPU clock or process tree)
//! and the load average at the start. The difference, minus the case's own CPU and the server's, is the
//! busy time of every other process — the noise a shared machine adds, put on the record per sample.

use super::process_cpu::{ticks_per_s, CpuOf};
use crate::results::Noise;
use std::time::Instant;

/// The counters at one instant.
#[derive(Debug, Clone)]
pub struct Snapshot {
    at: Instant,
    load_1m: f64,
    cpu: CpuTimes,
    tcp: TcpExt,
    /// CPU time of the service the case runs against so far, seconds.
    server_cpu_s: Option<f64>,
}

/// The aggregate `cpu` line of /proc/stat, in ticks.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct CpuTimes {
    busy: u64,
    iowait: u64,
    steal: u64,
    cpus: usize,
}

/// The TcpExt counters a listen queue or a lossy loopback would move.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct TcpExt {
    listen_overflows: u64,
    listen_drops: u64,
    tcp_timeouts: u64,
    syn_retrans: u64,
}

impl Snapshot {
    /// Read every counter now; `server` is whose CPU time is the service's (the slow server, a
    /// database with its backends), when the run started one. A counter that cannot be read (no
    /// /proc) reads as zero: noise is then simply not seen.
    pub fn take(server: Option<&CpuOf>) -> Snapshot {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        Snapshot {
            at: Instant::now(),
            load_1m: parse_loadavg(&read("/proc/loadavg")),
            cpu: parse_stat(&read("/proc/stat")),
            tcp: parse_netstat(&read("/proc/net/netstat")),
            server_cpu_s: server.and_then(CpuOf::read).map(|d| d.as_secs_f64()),
        }
    }

    /// From this snapshot to `after`; `case_cpu_s` is what wait4 accounted to the case (its workers
    /// included), so the rest is the server's and everybody else's.
    pub fn until(&self, after: &Snapshot, case_cpu_s: f64) -> Noise {
        let hz = ticks_per_s();
        let secs = |a: u64, b: u64| b.saturating_sub(a) as f64 / hz;
        let busy_s = secs(self.cpu.busy, after.cpu.busy);
        let server_cpu_s = match (self.server_cpu_s, after.server_cpu_s) {
            (Some(a), Some(b)) => Some((b - a).max(0.0)),
            _ => None,
        };
        Noise {
            load_1m: self.load_1m,
            wall_s: after.at.duration_since(self.at).as_secs_f64(),
            cpus: after.cpu.cpus,
            busy_s,
            steal_s: secs(self.cpu.steal, after.cpu.steal),
            iowait_s: secs(self.cpu.iowait, after.cpu.iowait),
            server_cpu_s,
            // Ticks are 10 ms apiece and wait4's figure is exact, so a small negative is rounding.
            other_busy_s: (busy_s - case_cpu_s - server_cpu_s.unwrap_or(0.0)).max(0.0),
            listen_overflows: after
                .tcp
                .listen_overflows
                .saturating_sub(self.tcp.listen_overflows),
            listen_drops: after.tcp.listen_drops.saturating_sub(self.tcp.listen_drops),
            tcp_timeouts: after.tcp.tcp_timeouts.saturating_sub(self.tcp.tcp_timeouts),
            syn_retrans: after.tcp.syn_retrans.saturating_sub(self.tcp.syn_retrans),
        }
    }
}

fn parse_loadavg(text: &str) -> f64 {
    text.split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// `cpu  user nice system idle iowait irq softirq steal guest guest_nice`; guest time is already in
/// user, so it is not added again.
fn parse_stat(text: &str) -> CpuTimes {
    let mut t = CpuTimes::default();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        match fields.next() {
            Some("cpu") => {
                let v: Vec<u64> = fields.filter_map(|f| f.parse().ok()).collect();
                let at = |i: usize| v.get(i).copied().unwrap_or(0);
                t.busy = at(0) + at(1) + at(2) + at(5) + at(6);
                t.iowait = at(4);
                t.steal = at(7);
            }
            Some(name) if name.starts_with("cpu") => t.cpus += 1,
            _ => {}
        }
    }
    t
}

/// /proc/net/netstat holds pairs of lines, a header of names and a line of values, per protocol.
fn parse_netstat(text: &str) -> TcpExt {
    let mut t = TcpExt::default();
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.chunks(2) {
        let [names, values] = pair else { continue };
        let (Some(names), Some(values)) = (
            names.strip_prefix("TcpExt:"),
            values.strip_prefix("TcpExt:"),
        ) else {
            continue;
        };
        for (name, value) in names.split_whitespace().zip(values.split_whitespace()) {
            let v = value.parse().unwrap_or(0);
            match name {
                "ListenOverflows" => t.listen_overflows = v,
                "ListenDrops" => t.listen_drops = v,
                "TCPTimeouts" => t.tcp_timeouts = v,
                "TCPSynRetrans" => t.syn_retrans = v,
                _ => {}
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_aggregate_cpu_line_and_counts_cpus() {
        let stat = "cpu  100 5 50 1000 7 3 2 11 40 0\ncpu0 50 2 25 500 3 1 1 5 20 0\n\
                    cpu1 50 3 25 500 4 2 1 6 20 0\nintr 1 2 3\nprocesses 99\n";
        let t = parse_stat(stat);
        assert_eq!((t.busy, t.iowait, t.steal, t.cpus), (160, 7, 11, 2));
    }

    #[test]
    fn reads_tcpext_by_name() {
        let netstat =
            "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPTimeouts TCPSynRetrans\n\
                       TcpExt: 0 4 5 6 7\nIpExt: InNoRoutes\nIpExt: 1\n";
        let t = parse_netstat(netstat);
        assert_eq!(
            t,
            TcpExt {
                listen_overflows: 4,
                listen_drops: 5,
                tcp_timeouts: 6,
                syn_retrans: 7
            }
        );
    }

    #[test]
    fn other_busy_is_what_is_left_after_the_case_and_the_server() {
        let hz = ticks_per_s();
        let snap = |busy: f64, server: f64| Snapshot {
            at: Instant::now(),
            load_1m: 0.5,
            cpu: CpuTimes {
                busy: (busy * hz) as u64,
                cpus: 2,
                ..Default::default()
            },
            tcp: TcpExt::default(),
            server_cpu_s: Some(server),
        };
        let noise = snap(10.0, 1.0).until(&snap(13.0, 1.5), 1.0);
        assert!((noise.busy_s - 3.0).abs() < 1e-9);
        assert_eq!(noise.server_cpu_s, Some(0.5));
        assert!((noise.other_busy_s - 1.5).abs() < 1e-9);
        assert_eq!(noise.load_1m, 0.5);
        // The case's exact CPU can exceed the ticks seen: never a negative figure.
        assert_eq!(
            snap(10.0, 1.0).until(&snap(10.0, 1.0), 0.3).other_busy_s,
            0.0
        );
    }

    #[test]
    fn a_snapshot_of_this_machine_sees_its_cpus() {
        let a = Snapshot::take(Some(&CpuOf::Process(std::process::id())));
        let b = Snapshot::take(Some(&CpuOf::Process(std::process::id())));
        let n = a.until(&b, 0.0);
        assert!(n.cpus >= 1, "{n:?}");
        assert!(n.server_cpu_s.is_some());
    }
}
