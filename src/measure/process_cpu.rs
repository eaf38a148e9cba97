//! CPU time (user + sys) of another process: the slow server child, whose own cost is put beside each
//! repetition. Read from its process CPU-time clock (`clock_getcpuclockid`), which counts every thread
//! (the ones that ended too) in nanoseconds; `/proc/<pid>/stat` counts the same in 10 ms ticks, too
//! coarse for the fraction of a second a 10,000-request repetition costs the server, and is the
//! fallback only.

use std::time::Duration;

/// Kernel clock ticks per second for /proc CPU times (USER_HZ, 100 on every Linux ABI in use).
pub fn ticks_per_s() -> f64 {
    // SAFETY: sysconf only reads a constant of the system.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as f64
    } else {
        100.0
    }
}

/// CPU time `pid` has used so far, or None when it cannot be read (the process is gone).
pub fn of(pid: u32) -> Option<Duration> {
    clock(pid).or_else(|| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let ticks = parse_pid_stat(&stat)?;
        Some(Duration::from_secs_f64(ticks as f64 / ticks_per_s()))
    })
}

fn clock(pid: u32) -> Option<Duration> {
    let mut id: libc::clockid_t = 0;
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: both calls only write the stack values passed; a wrong pid is an error code, not UB.
    unsafe {
        if libc::clock_getcpuclockid(pid as libc::pid_t, &mut id) != 0
            || libc::clock_gettime(id, &mut ts) != 0
        {
            return None;
        }
    }
    Some(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// utime + stime (fields 14 and 15) of /proc/<pid>/stat, in ticks; the command name may hold spaces
/// and parentheses, so fields are counted after the last `)`.
fn parse_pid_stat(text: &str) -> Option<u64> {
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cpu_ticks_of_a_process_whose_name_has_spaces() {
        let stat = "42 (slow (server) x) S 1 42 42 0 -1 4194560 100 0 0 0 30 12 0 0 20 0 3 0";
        assert_eq!(parse_pid_stat(stat), Some(42));
        assert_eq!(parse_pid_stat("garbage"), None);
    }

    #[test]
    fn another_process_s_cpu_grows_with_its_work_to_the_nanosecond() {
        // A child that spins (about a second of CPU at most; it is killed once it shows).
        let mut child = std::process::Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done"])
            .spawn()
            .unwrap();
        let pid = child.id();
        let first = of(pid).expect("a live child's CPU can be read");
        // Poll until the spin shows (bounded): its clock moves only while it runs.
        let until = std::time::Instant::now() + Duration::from_secs(10);
        let mut now = first;
        while now < Duration::from_millis(5) && std::time::Instant::now() < until {
            std::thread::yield_now();
            now = of(pid).unwrap();
        }
        assert!(now >= Duration::from_millis(5), "{now:?}");
        // The clock, not ticks: a tick-based figure is a whole number of 10 ms.
        assert_ne!(now.subsec_nanos() % 10_000_000, 0, "{now:?}");
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(of(pid), None, "a reaped child has no clock");
    }
}
