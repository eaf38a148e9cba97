//! Checks made before anything is measured, so a run that cannot succeed fails at once with the
//! numbers and the fix: open-file descriptors for the concurrency asked for (raising the soft limit when
//! the hard limit allows), and ephemeral ports for that many connections to one address.

use crate::error::UsageError;
use crate::plan::Case;

use concbench_server::limits::{raise_nofile, RESERVED as SPARE_FDS};

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

/// Connections one case process may hold open at once.
fn sockets(case: &Case, cores: usize) -> u64 {
    case.workload.sockets(&case.shape(cores))
}

/// Refuse, up front and with the numbers, a plan this machine cannot run.
pub fn check(cases: &[Case], cores: usize) -> anyhow::Result<()> {
    let Some(worst) = cases.iter().max_by_key(|c| sockets(c, cores)) else {
        return Ok(());
    };
    let need = sockets(worst, cores);
    let (lo, hi) = ephemeral_ports();
    let ports = hi.saturating_sub(lo) + 1;
    if need > ports {
        return Err(UsageError(format!(
            "{}: {need} concurrent connections to one address need {need} ephemeral ports, but there are {ports} \
             ({lo}-{hi}); use fewer tasks or a model with --limit",
            worst.id()
        ))
        .into());
    }
    let (soft, hard) = raise_nofile();
    if need + SPARE_FDS > soft {
        return Err(UsageError(format!(
            "{}: {need} concurrent connections need about {} open files, but the limit is {soft} (hard {hard}); \
             raise it with `ulimit -n {}`",
            worst.id(),
            need + SPARE_FDS,
            need + SPARE_FDS
        ))
        .into());
    }
    Ok(())
}
