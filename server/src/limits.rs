//! The open-file limit (RLIMIT_NOFILE). Every connection costs a descriptor on each side, and processes
//! start with a soft limit far below the scale suite's 100,000 connections (1,024 on many systems,
//! 20,000 on the machines this was developed on), so both the harness (whose case children inherit it) and the server raise it at
//! start-up: the soft limit to the hard one, which needs no privilege, and, when running as root, the
//! hard limit itself up to what the kernel allows (`fs.nr_open`), capped at [`CEILING`]. A leaf module,
//! shared by the server and the harness's pre-flight checks.

/// Connections unbounded mode is expected to hold at the least.
const TARGET_CONNECTIONS: u64 = 10_000;
/// Descriptors kept for listeners, stdio, the runtime's own files.
pub const RESERVED: u64 = 64;
/// The highest hard limit asked for: enough for a million connections plus spares, and not the
/// billion some kernels allow, which makes programs that walk every descriptor number crawl.
pub const CEILING: u64 = 1_100_000;

/// The open-file limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nofile {
    pub soft: u64,
    pub hard: u64,
}

impl Nofile {
    /// Connections a process can hold with this limit, the reserved descriptors set aside.
    pub fn connections(&self) -> u64 {
        self.soft.saturating_sub(RESERVED)
    }
}

/// The limits now in force; zeros when they cannot be read.
pub fn nofile() -> Nofile {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a plain syscall filling a stack value we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Nofile { soft: 0, hard: 0 };
    }
    Nofile {
        soft: lim.rlim_cur,
        hard: lim.rlim_max,
    }
}

/// The kernel's ceiling on any process's hard limit.
fn nr_open() -> Option<u64> {
    std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn set(soft: u64, hard: u64) -> bool {
    let lim = libc::rlimit {
        rlim_cur: soft,
        rlim_max: hard,
    };
    // SAFETY: a plain syscall reading a stack value we own.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0 }
}

/// Whether this process may raise its hard limit: CAP_SYS_RESOURCE, which root has outside a container
/// (and may lack inside one, as on this project's own machines, where the hard limit stays 20,000).
pub fn may_raise_hard() -> bool {
    const CAP_SYS_RESOURCE: u32 = 24;
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let hex = s
                .lines()
                .find_map(|l| l.strip_prefix("CapEff:"))?
                .trim()
                .to_string();
            u64::from_str_radix(&hex, 16).ok()
        })
        .is_some_and(|caps| caps & (1 << CAP_SYS_RESOURCE) != 0)
}

/// Raise the limit as far as this process may: the hard limit to `min(fs.nr_open, CEILING)` when that
/// is higher and the process is privileged (the attempt simply fails otherwise), then the soft limit to
/// the hard one. Returns the limits now in force.
pub fn raise_nofile() -> Nofile {
    let now = nofile();
    let ceiling = nr_open().unwrap_or(now.hard).min(CEILING);
    if ceiling > now.hard && set(ceiling, ceiling) {
        return nofile();
    }
    if now.soft < now.hard {
        set(now.hard, now.hard);
    }
    nofile()
}

/// The server's start-up: raise the limit, and in unbounded mode say plainly when it still holds fewer
/// than 10,000 connections.
pub fn prepare(unbounded: bool) {
    let lim = raise_nofile();
    if unbounded && lim.soft < TARGET_CONNECTIONS + RESERVED {
        eprintln!(
            "slow-server: error: open-file limit is {} (hard {}), so unbounded mode holds at most about {} \
             connections, not {TARGET_CONNECTIONS}; raise it with `ulimit -n {}` (as root for the hard limit)",
            lim.soft,
            lim.hard,
            lim.connections(),
            TARGET_CONNECTIONS + RESERVED
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raising_never_lowers_and_leaves_soft_at_hard() {
        let before = nofile();
        let after = raise_nofile();
        assert!(
            after.soft >= before.soft && after.hard >= before.hard,
            "{before:?} → {after:?}"
        );
        assert_eq!(after.soft, after.hard, "{after:?}");
        // Raising again is a no-op.
        assert_eq!(raise_nofile(), after);
        if may_raise_hard() {
            let want = nr_open().unwrap_or(0).min(CEILING);
            assert!(
                after.hard >= want,
                "privileged, yet the hard limit is {after:?}, not {want}"
            );
        }
    }

    #[test]
    fn connections_leave_the_reserve() {
        let l = Nofile {
            soft: 20_000,
            hard: 20_000,
        };
        assert_eq!(l.connections(), 20_000 - RESERVED);
        assert_eq!(Nofile { soft: 10, hard: 10 }.connections(), 0);
    }
}
