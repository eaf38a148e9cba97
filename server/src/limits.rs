//! The open-file limit: unbounded mode holds one descriptor per connection, so it raises its soft limit to
//! the hard limit and says plainly when even that is too low for the 10,000 connections it promises.

/// Connections unbounded mode is expected to hold.
const TARGET_CONNECTIONS: u64 = 10_000;
/// Descriptors kept for listeners, stdio, the runtime's own files.
const RESERVED: u64 = 64;

/// Raise RLIMIT_NOFILE's soft limit to the hard limit; returns the soft limit now in force.
pub fn raise_nofile() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain syscalls on a stack value we own.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
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
    let soft = lim.rlim_cur;
    if soft < TARGET_CONNECTIONS + RESERVED {
        eprintln!(
            "slow-server: error: open-file limit is {soft} (hard {}), so unbounded mode holds at most about {} \
             connections, not {TARGET_CONNECTIONS}; raise it with `ulimit -n {}` (as root for the hard limit)",
            lim.rlim_max,
            soft.saturating_sub(RESERVED),
            TARGET_CONNECTIONS + RESERVED
        );
    }
    soft
}
