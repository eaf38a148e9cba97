//! CPU time (user + sys) of a service the run started, whose own cost is put beside each repetition:
//! one process (the slow server) or several (the slow server spread over processes, summed) read from its process CPU-time clock (`clock_getcpuclockid`), which
//! counts every thread (the ones that ended too) in nanoseconds — `/proc/<pid>/stat` counts the same in
//! 10 ms ticks, too coarse for the fraction of a second a 10,000-request repetition costs the server,
//! and is the fallback only; or a process and all its descendants (gunicorn's workers, PostgreSQL's
//! backends), from /proc's ticks, each reaped child's time in its parent's.

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

/// Whose CPU time a service's is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CpuOf {
    /// One process, every thread of it: exact.
    Process(u32),
    /// A process and every process below it, alive or reaped: in ticks.
    Tree(u32),
    /// Several processes that are one service (the slow server over processes sharing a port), each
    /// every thread of it: exact, summed.
    Processes(Vec<u32>),
}

impl CpuOf {
    /// Its CPU time so far, or None when it cannot be read (a process of it is gone: a sum without
    /// it would pass for the whole).
    pub fn read(&self) -> Option<Duration> {
        match self {
            CpuOf::Process(pid) => of(*pid),
            CpuOf::Tree(pid) => tree(*pid),
            CpuOf::Processes(pids) => pids.iter().map(|&p| of(p)).sum(),
        }
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

/// CPU time `root` and every process below it have used so far: each one's own (utime + stime) and
/// that of its children it reaped (cutime + cstime), so a PostgreSQL backend that ended is still
/// counted, in its postmaster's. None when `root` is gone.
pub fn tree(root: u32) -> Option<Duration> {
    let mut family: Vec<(u32, u32, u64)> = Vec::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if let (Some(ppid), Some(ticks)) = (parse_ppid(&stat), parse_tree_ticks(&stat)) {
            family.push((pid, ppid, ticks));
        }
    }
    family.iter().find(|(pid, _, _)| *pid == root)?;
    let mut within = vec![root];
    let mut ticks = 0;
    while let Some(pid) = within.pop() {
        for &(child, parent, t) in &family {
            if child == pid {
                ticks += t;
            }
            if parent == pid {
                within.push(child);
            }
        }
    }
    Some(Duration::from_secs_f64(ticks as f64 / ticks_per_s()))
}

/// The fields of /proc/<pid>/stat after the command name, which may hold spaces and parentheses.
fn stat_fields(text: &str) -> Option<Vec<&str>> {
    Some(text[text.rfind(')')? + 1..].split_whitespace().collect())
}

/// utime + stime (fields 14 and 15) of /proc/<pid>/stat, in ticks.
fn parse_pid_stat(text: &str) -> Option<u64> {
    let fields = stat_fields(text)?;
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// utime + stime + cutime + cstime (fields 14 to 17), in ticks: the process and its reaped children.
fn parse_tree_ticks(text: &str) -> Option<u64> {
    let fields = stat_fields(text)?;
    (11..=14).map(|i| fields.get(i)?.parse::<u64>().ok()).sum()
}

/// The parent's pid (field 4).
fn parse_ppid(text: &str) -> Option<u32> {
    stat_fields(text)?.get(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

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

    #[test]
    fn several_processes_are_summed_and_none_once_one_is_gone() {
        let me = std::process::id();
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let both = CpuOf::Processes(vec![me, child.id()]);
        let mine = of(me).unwrap();
        let sum = both.read().expect("both alive");
        assert!(sum >= mine, "{sum:?} < {mine:?}");
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(both.read(), None, "a reaped process has no clock");
    }

    #[test]
    fn a_tree_counts_its_children_alive_and_reaped() {
        let stat = "42 (postgres) S 7 42 42 0 -1 4194560 100 0 0 0 30 12 5 3 20 0 3 0";
        assert_eq!(parse_tree_ticks(stat), Some(50));
        assert_eq!(parse_ppid(stat), Some(7));
        // A shell that runs a spinning child to its end, then a second spinning child: the first's CPU
        // is in the shell's reaped-children times, the second's its own.
        // A group of its own, so the whole of it is ended at once.
        let mut shell = std::process::Command::new("sh")
            .args([
                "-c",
                "sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done'; \
                 sh -c 'i=0; while [ $i -lt 100000000 ]; do i=$((i+1)); done'",
            ])
            .process_group(0)
            .spawn()
            .unwrap();
        let root = shell.id();
        let own = || of(root).unwrap_or_default();
        let until = std::time::Instant::now() + Duration::from_secs(20);
        // Wait until the tree has used more CPU than the shell alone could: its children's counts.
        let mut whole = tree(root).expect("a live tree");
        while whole < own() + Duration::from_millis(100) && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
            whole = tree(root).unwrap();
        }
        assert!(
            whole >= own() + Duration::from_millis(100),
            "{whole:?} against {:?}",
            own()
        );
        // SAFETY: the group is the one this test started.
        unsafe { libc::kill(-(root as i32), libc::SIGKILL) };
        shell.wait().unwrap();
        assert_eq!(tree(root), None, "a reaped root has no tree");
    }
}
