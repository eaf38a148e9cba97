//! Resource use of a finished child, from `wait4`: user and sys CPU, peak RSS, context switches — the
//! figures `/usr/bin/time` and hyperfine report, and for the same reason: measured from outside. Peak
//! RSS is the exception: a process reads its own (see [`own_peak_rss_kib`]).

use std::time::Duration;

/// What the kernel accounted to one reaped child (and the children it reaped in turn).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub user: Duration,
    pub sys: Duration,
    pub max_rss_kib: u64,
    pub voluntary_ctx: u64,
    pub involuntary_ctx: u64,
}

/// Wait for child `pid` to end and return its raw wait status and usage. Retries on EINTR.
pub fn wait(pid: u32) -> std::io::Result<(i32, Usage)> {
    let mut status = 0;
    // SAFETY: rusage is plain old data that wait4 fills in.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4 on a pid we spawned, writing into locals.
        let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut ru) };
        if r >= 0 {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, (t.tv_usec as u32) * 1000);
    Ok((
        status,
        Usage {
            user: tv(ru.ru_utime),
            sys: tv(ru.ru_stime),
            max_rss_kib: ru.ru_maxrss as u64,
            voluntary_ctx: ru.ru_nvcsw as u64,
            involuntary_ctx: ru.ru_nivcsw as u64,
        },
    ))
}

/// This process's own peak resident set, KiB: VmHWM of /proc/self/status, the high-water mark of the
/// address space it runs in now. wait4's `ru_maxrss` is not that: at exec, Linux folds the memory the
/// process had *before* exec — its parent's, copied by fork or shared by vfork — into the figure, so
/// every child of a harness holding megabytes of results would report at least those megabytes.
pub fn own_peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Exit code of a raw wait status, or 128 + signal for a child killed by a signal (the shell's convention).
pub fn exit_code(status: i32) -> i32 {
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        -1
    }
}
