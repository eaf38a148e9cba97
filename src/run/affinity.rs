//! `concbench run --cpus N`: a smaller machine on the same box. The harness pins itself to the first N
//! CPUs it may use before anything starts, so every case process and pool worker it forks inherits the
//! restriction (and tokio's and rayon's defaults, which follow `available_parallelism`, see N CPUs);
//! the slow server child is pinned to the remaining CPUs, so it never competes with the measured
//! "machine". The allowed set then reaches the result file through the machine metadata.

use crate::error::UsageError;
use crate::measure::machine::{allowed_cpus, cpu_list};
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Who runs where after `--cpus N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuSplit {
    /// The harness, its case processes and their workers.
    pub harness: Vec<usize>,
    /// The slow server: the CPUs left over, or all of them when none are left.
    pub server: Vec<usize>,
}

/// Split the CPUs this process may use now: the first `n` for the harness, the rest for the server.
pub fn split(allowed: &[usize], n: usize) -> Result<CpuSplit, UsageError> {
    if n == 0 || n > allowed.len() {
        return Err(UsageError(format!(
            "--cpus {n} is out of range 1..={} (this process may use CPUs {})",
            allowed.len(),
            cpu_list(allowed)
        )));
    }
    let (harness, rest) = allowed.split_at(n);
    Ok(CpuSplit {
        harness: harness.to_vec(),
        server: if rest.is_empty() { allowed } else { rest }.to_vec(),
    })
}

/// Restrict this process to `n` CPUs. Must run before any thread is spawned: the affinity is set on the
/// calling thread and only threads and processes started after it inherit it.
pub fn restrict(n: usize) -> anyhow::Result<CpuSplit> {
    let split = split(&allowed_cpus(), n)?;
    let set = cpu_set(&split.harness);
    // SAFETY: pid 0 is the calling thread; the set is a plain, initialised cpu_set_t.
    let rc = unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) };
    if rc != 0 {
        anyhow::bail!(
            "cannot restrict the run to CPUs {} ({}); run without --cpus",
            cpu_list(&split.harness),
            std::io::Error::last_os_error()
        );
    }
    Ok(split)
}

/// Start `cmd`'s child on `cpus` only. Set between fork and exec, so every thread the child creates
/// (a server runtime's workers) is born with it.
pub fn pin_child(cmd: &mut Command, cpus: &[usize]) {
    let set = cpu_set(cpus);
    // SAFETY: the closure only calls sched_setaffinity, which is async-signal-safe, on a set built
    // before the fork.
    unsafe {
        cmd.pre_exec(move || {
            if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

fn cpu_set(cpus: &[usize]) -> libc::cpu_set_t {
    // SAFETY: cpu_set_t is plain data; all zeroes is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &c in cpus {
        // SAFETY: CPU_SET only writes inside the set; ids come from sched_getaffinity (< CPU_SETSIZE).
        unsafe { libc::CPU_SET(c, &mut set) };
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_gets_the_cpus_left_over() {
        let s = split(&[0, 1, 2, 3], 1).unwrap();
        assert_eq!((s.harness, s.server), (vec![0], vec![1, 2, 3]));
        let s = split(&[2, 5], 2).unwrap();
        assert_eq!((s.harness, s.server), (vec![2, 5], vec![2, 5]));
    }

    #[test]
    fn out_of_range_names_the_bound() {
        let e = split(&[0, 1], 3).unwrap_err().to_string();
        assert!(e.contains("1..=2") && e.contains("0-1"), "{e}");
        assert!(split(&[0, 1], 0).is_err());
    }

    #[test]
    fn a_pinned_child_runs_where_it_is_told() {
        let last = *allowed_cpus().last().expect("some CPU");
        let mut cmd = Command::new("cat");
        cmd.arg("/proc/self/status");
        pin_child(&mut cmd, &[last]);
        let status = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
        let line = status
            .lines()
            .find(|l| l.starts_with("Cpus_allowed_list:"))
            .unwrap();
        assert_eq!(
            line.split_whitespace().nth(1),
            Some(last.to_string().as_str())
        );
    }
}
