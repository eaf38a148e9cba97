//! Resource use of a finished child, from `wait4`: user and sys CPU, peak RSS, context switches — the
//! figures `/usr/bin/time` and hyperfine report, and for the same reason: measured from outside. Peak
//! RSS is the exception: a process reads its own (see [`own_peak_rss_kib`]). How a child ended is
//! said in words by [`describe`], the one place every message about a child's exit takes them from.

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

/// How a child ended, from its raw wait status, for a message: `exited with 3`, or `was killed by
/// signal 9 (KILL)` — never the shell's 137, which reads as an exit code the child chose.
pub fn describe(status: i32) -> String {
    if libc::WIFEXITED(status) {
        format!("exited with {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        let sig = libc::WTERMSIG(status);
        let core = if libc::WCOREDUMP(status) {
            ", core dumped"
        } else {
            ""
        };
        match signal_name(sig) {
            Some(name) => format!("was killed by signal {sig} ({name}){core}"),
            None => format!("was killed by signal {sig}{core}"),
        }
    } else {
        format!("ended with wait status {status:#x}")
    }
}

/// A signal's name without `SIG`, as `kill -l` lists it; None for one without a fixed name.
fn signal_name(sig: i32) -> Option<String> {
    const NAMES: &[(libc::c_int, &str)] = &[
        (libc::SIGHUP, "HUP"),
        (libc::SIGINT, "INT"),
        (libc::SIGQUIT, "QUIT"),
        (libc::SIGILL, "ILL"),
        (libc::SIGTRAP, "TRAP"),
        (libc::SIGABRT, "ABRT"),
        (libc::SIGBUS, "BUS"),
        (libc::SIGFPE, "FPE"),
        (libc::SIGKILL, "KILL"),
        (libc::SIGUSR1, "USR1"),
        (libc::SIGSEGV, "SEGV"),
        (libc::SIGUSR2, "USR2"),
        (libc::SIGPIPE, "PIPE"),
        (libc::SIGALRM, "ALRM"),
        (libc::SIGTERM, "TERM"),
        (libc::SIGCHLD, "CHLD"),
        (libc::SIGCONT, "CONT"),
        (libc::SIGSTOP, "STOP"),
        (libc::SIGTSTP, "TSTP"),
        (libc::SIGTTIN, "TTIN"),
        (libc::SIGTTOU, "TTOU"),
        (libc::SIGURG, "URG"),
        (libc::SIGXCPU, "XCPU"),
        (libc::SIGXFSZ, "XFSZ"),
        (libc::SIGVTALRM, "VTALRM"),
        (libc::SIGPROF, "PROF"),
        (libc::SIGWINCH, "WINCH"),
        (libc::SIGIO, "IO"),
        (libc::SIGSYS, "SYS"),
    ];
    if let Some((_, name)) = NAMES.iter().find(|(n, _)| *n == sig) {
        return Some((*name).to_string());
    }
    let (min, max) = (libc::SIGRTMIN(), libc::SIGRTMAX());
    (min..=max)
        .contains(&sig)
        .then(|| format!("RTMIN+{}", sig - min))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exit_and_a_signal_are_told_apart() {
        // Raw wait statuses as Linux encodes them: the code in the second byte, the signal in the low
        // seven bits, 0x80 for a core dump.
        assert_eq!(describe(3 << 8), "exited with 3");
        assert_eq!(describe(libc::SIGKILL), "was killed by signal 9 (KILL)");
        assert_eq!(
            describe(0x80 | libc::SIGSEGV),
            "was killed by signal 11 (SEGV), core dumped"
        );
        assert_eq!(
            describe(libc::SIGRTMIN() + 2),
            format!("was killed by signal {} (RTMIN+2)", libc::SIGRTMIN() + 2)
        );
        assert_eq!(
            exit_code(libc::SIGKILL),
            137,
            "the exit code keeps the shell's convention"
        );
    }
}
