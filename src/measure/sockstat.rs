//! The kernel's memory for TCP sockets, which no process's RSS shows: /proc/net/sockstat's TCP line
//! (sockets allocated, in TIME_WAIT, and the pages of their buffers) and, where it can be read (it
//! needs root), /proc/slabinfo's `TCP` cache (the socket structures themselves, a couple of KiB each,
//! which sockstat's `mem` does not count). Both are of the whole network namespace: on loopback that
//! is both ends of every connection, the case's and the server's — which is the point, since the
//! kernel pays for both. A [`Sampler`] thread records their peaks over a repetition of a case with
//! many connections; a small case would only gain a thread.

use crate::results::{KernelSockets, SocketFigures};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the sampler reads: often enough to catch a 100 ms peak of connections.
pub const PERIOD: Duration = Duration::from_millis(20);

/// Cases with at least this many connections are sampled.
pub const FROM_SOCKETS: u64 = 1_000;

/// sockstat's TCP line: `TCP: inuse X orphan Y tw Z alloc A mem M` (mem in pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tcp {
    pub inuse: u64,
    pub orphan: u64,
    pub tw: u64,
    pub alloc: u64,
    pub mem_pages: u64,
}

/// The TCP line of /proc/net/sockstat, when there is one.
pub fn parse_sockstat(text: &str) -> Option<Tcp> {
    let line = text.lines().find_map(|l| l.strip_prefix("TCP:"))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let field = |name: &str| -> Option<u64> {
        let at = words.iter().position(|w| *w == name)?;
        words.get(at + 1)?.parse().ok()
    };
    Some(Tcp {
        inuse: field("inuse")?,
        orphan: field("orphan")?,
        tw: field("tw")?,
        alloc: field("alloc")?,
        mem_pages: field("mem")?,
    })
}

/// Bytes held by the `TCP` cache of /proc/slabinfo: active objects × object size. (`TCPv6` is
/// another cache, of IPv6 sockets: loopback IPv4 connections are in `TCP`.)
pub fn parse_slabinfo(text: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        if f.next()? != "TCP" {
            return None;
        }
        let active: u64 = f.next()?.parse().ok()?;
        let _total = f.next()?;
        let size: u64 = f.next()?.parse().ok()?;
        Some(active * size)
    })
}

fn page_size() -> u64 {
    // SAFETY: sysconf only reads a constant of the system.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as u64
    } else {
        4096
    }
}

/// The figures now; None when /proc/net/sockstat cannot be read.
pub fn now() -> Option<SocketFigures> {
    let tcp = parse_sockstat(&std::fs::read_to_string("/proc/net/sockstat").ok()?)?;
    let slab = std::fs::read_to_string("/proc/slabinfo")
        .ok()
        .and_then(|t| parse_slabinfo(&t));
    Some(SocketFigures {
        allocated: tcp.alloc,
        time_wait: tcp.tw,
        buffers_kib: tcp.mem_pages * page_size() / 1024,
        slab_kib: slab.map(|b| b / 1024),
    })
}

/// Each figure's larger value.
fn max(a: SocketFigures, b: SocketFigures) -> SocketFigures {
    SocketFigures {
        allocated: a.allocated.max(b.allocated),
        time_wait: a.time_wait.max(b.time_wait),
        buffers_kib: a.buffers_kib.max(b.buffers_kib),
        slab_kib: match (a.slab_kib, b.slab_kib) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        },
    }
}

/// A thread reading the figures every [`PERIOD`] until stopped.
pub struct Sampler {
    start: SocketFigures,
    stop: mpsc::Sender<()>,
    thread: JoinHandle<SocketFigures>,
}

impl Sampler {
    /// Read the figures at the start and sample from there; None when they cannot be read (no /proc).
    pub fn start() -> Option<Sampler> {
        let start = now()?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sockstat".into())
            .spawn(move || {
                let mut peak = start;
                // A message or a dropped sender ends the sampling, with one last read.
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(PERIOD) {
                    if let Some(f) = now() {
                        peak = max(peak, f);
                    }
                }
                now().map_or(peak, |f| max(peak, f))
            })
            .ok()?;
        Some(Sampler {
            start,
            stop,
            thread,
        })
    }

    /// Stop sampling: the figures at the start and their peaks since.
    pub fn stop(self) -> KernelSockets {
        let _ = self.stop.send(());
        let peak = self.thread.join().unwrap_or(self.start);
        KernelSockets {
            start: self.start,
            peak: max(self.start, peak),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured on this project's development machine (a 2-core VM), as the kernel printed them.
    const SOCKSTAT: &str = "sockets: used 13\n\
        TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 62\n\
        UDP: inuse 0 mem 0\n\
        UDPLITE: inuse 0\n\
        RAW: inuse 0\n\
        FRAG: inuse 0 memory 0\n";
    const SLABINFO: &str = "slabinfo - version: 2.1\n\
        # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n\
        TCPv6                 26     26   2496   13    8 : tunables    0    0    0 : slabdata      2      2      0\n\
        TCP                   52    104   2368   13    8 : tunables    0    0    0 : slabdata      8      8      0\n";

    #[test]
    fn sockstat_s_tcp_line_is_read_by_name() {
        assert_eq!(
            parse_sockstat(SOCKSTAT),
            Some(Tcp {
                inuse: 1,
                orphan: 0,
                tw: 0,
                alloc: 1,
                mem_pages: 62
            })
        );
        let busy = "TCP: inuse 40012 orphan 3 tw 20001 alloc 40020 mem 9100\n";
        let t = parse_sockstat(busy).unwrap();
        assert_eq!(
            (t.inuse, t.tw, t.alloc, t.mem_pages),
            (40012, 20001, 40020, 9100)
        );
        assert_eq!(parse_sockstat("UDP: inuse 0 mem 0\n"), None);
        assert_eq!(
            parse_sockstat("TCP: inuse 1 orphan 0\n"),
            None,
            "a field missing"
        );
    }

    #[test]
    fn slabinfo_s_tcp_cache_is_active_objects_times_their_size() {
        assert_eq!(parse_slabinfo(SLABINFO), Some(52 * 2368), "TCP, not TCPv6");
        assert_eq!(parse_slabinfo("slabinfo - version: 2.1\n"), None);
    }

    #[test]
    fn peaks_are_each_figure_s_own() {
        let a = SocketFigures {
            allocated: 10,
            time_wait: 5,
            buffers_kib: 100,
            slab_kib: None,
        };
        let b = SocketFigures {
            allocated: 7,
            time_wait: 9,
            buffers_kib: 50,
            slab_kib: Some(3),
        };
        assert_eq!(
            max(a, b),
            SocketFigures {
                allocated: 10,
                time_wait: 9,
                buffers_kib: 100,
                slab_kib: Some(3)
            }
        );
    }

    #[test]
    fn the_sampler_sees_sockets_opened_while_it_runs() {
        let Some(sampler) = Sampler::start() else {
            return; // no /proc here: nothing to sample
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut held = Vec::new();
        for _ in 0..200 {
            held.push(std::net::TcpStream::connect(addr).unwrap());
            held.push(listener.accept().unwrap().0);
        }
        // Stopping reads once more, with the 400 sockets still open.
        let k = sampler.stop();
        drop(held);
        // Other processes' sockets come and go, but these 400 were all open at that read.
        assert!(
            k.peak.allocated >= 400,
            "{k:?}: 400 sockets held at the last read"
        );
        assert!(k.peak.allocated >= k.start.allocated, "{k:?}");
    }
}
