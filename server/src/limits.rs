//! The open-file limit: a process holding one descriptor per connection raises its soft limit to the
//! hard limit (no privilege needed) before it accepts or opens many. Shared by the server's unbounded
//! mode and the harness's pre-flight checks.

/// Connections unbounded mode is expected to hold.
const TARGET_CONNECTIONS: u64 = 10_000;
/// Descriptors kept for listeners, stdio, the runtime's own files.
pub const RESERVED: u64 = 64;

/// Raise RLIMIT_NOFILE's soft limit to the hard limit; returns (soft, hard) now in force.
pub fn raise_nofile() -> (u64, u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain syscalls on a stack value we own.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return (0, 0);
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
    }
    (lim.rlim_cur, lim.rlim_max)
}

/// Unbounded mode: raise the limit and say plainly when it is still below 10,000 connections.
pub fn prepare_unbounded() {
    let (soft, hard) = raise_nofile();
    if soft < TARGET_CONNECTIONS + RESERVED {
        eprintln!(
            "slow-server: error: open-file limit is {soft} (hard {hard}), so unbounded mode holds at most about {} \
             connections, not {TARGET_CONNECTIONS}; raise it with `ulimit -n {}` (as root for the hard limit)",
            soft.saturating_sub(RESERVED),
            TARGET_CONNECTIONS + RESERVED
        );
    }
}
