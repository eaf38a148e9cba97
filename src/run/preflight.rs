//! Checks made before anything is measured, so a run that cannot succeed fails at once with the
//! numbers and the fix: open-file descriptors for the concurrency asked for (after the run raised its
//! limit as far as it may), and ephemeral ports for that many connections to one address from the
//! source addresses the case's client connects from.

use crate::client::sources;
use crate::error::UsageError;
use crate::plan::Case;

use concbench_server::limits::{Nofile, RESERVED as SPARE_FDS};

/// The ephemeral port range for outgoing connections, from the kernel.
pub fn ephemeral_ports() -> (u64, u64) {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| {
            let mut it = s.split_whitespace().filter_map(|v| v.parse().ok());
            Some((it.next()?, it.next()?))
        })
        .unwrap_or((32768, 60999))
}

/// Ports in the ephemeral range.
pub fn port_count() -> u64 {
    let (lo, hi) = ephemeral_ports();
    hi.saturating_sub(lo) + 1
}

/// Connections one case process may hold open at once.
fn sockets(case: &Case, cores: usize) -> u64 {
    case.workload.describe().sockets(&case.shape(cores))
}

/// Give every case's client the source addresses its concurrency needs (one up to `sources::PER_SOURCE` connections).
pub fn spread_sources(cases: &mut [Case], cores: usize) {
    let ports = port_count();
    for case in cases {
        let n = sockets(case, cores);
        case.workload
            .describe_mut()
            .set_sources(sources::count_for(n, ports));
    }
}

/// Refuse, up front and with the numbers, a plan this machine cannot run with the open-file limit
/// `limit` (both the case process and the server hold one descriptor per connection).
pub fn check(cases: &[Case], cores: usize, limit: Nofile) -> anyhow::Result<()> {
    let (lo, hi) = ephemeral_ports();
    let ports = port_count();
    for case in cases {
        let need = sockets(case, cores);
        let from = case.workload.describe().sources() as u64;
        if need > ports * from {
            return Err(UsageError(format!(
                "{}: {need} concurrent connections to one address from {from} source address(es) need \
                 {need} ephemeral ports, but there are {ports} per address ({lo}-{hi}); use the direct \
                 client (--client direct), which spreads over loopback addresses, fewer tasks, or a \
                 model with --limit",
                case.id()
            ))
            .into());
        }
    }
    let Some(worst) = cases.iter().max_by_key(|c| sockets(c, cores)) else {
        return Ok(());
    };
    let need = sockets(worst, cores);
    if need + SPARE_FDS > limit.soft {
        let want = need + SPARE_FDS;
        return Err(UsageError(format!(
            "{}: {need} concurrent connections need about {want} open files, but the limit is {} (hard {}); \
             raise it with `ulimit -n {want}` before the run (above the hard limit that needs root with \
             CAP_SYS_RESOURCE, which a container may withhold; so privileged, concbench raises both \
             itself, up to fs.nr_open)",
            worst.id(),
            limit.soft,
            limit.hard,
        ))
        .into());
    }
    Ok(())
}
