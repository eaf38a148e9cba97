//! A thread's CPU contention, measured without privileges: `/proc/<pid>/task/<tid>/schedstat` holds
//! three numbers — nanoseconds run on a CPU, nanoseconds runnable but waiting for one (`run_delay`),
//! and timeslices run. `run_delay` over a repetition is the time the scheduler kept its threads
//! waiting: CPU contention, apart from any waiting the threads chose (I/O, locks, timers).

use std::path::Path;

/// One thread's (or a sum of threads') schedstat.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Schedstat {
    /// Nanoseconds on a CPU.
    pub run_ns: u64,
    /// Nanoseconds runnable but waiting for a CPU.
    pub run_delay_ns: u64,
    /// Timeslices run.
    pub timeslices: u64,
}

impl std::ops::Add for Schedstat {
    type Output = Schedstat;
    fn add(self, o: Schedstat) -> Schedstat {
        Schedstat {
            run_ns: self.run_ns + o.run_ns,
            run_delay_ns: self.run_delay_ns + o.run_delay_ns,
            timeslices: self.timeslices + o.timeslices,
        }
    }
}

/// A schedstat file's text; None unless it holds three numbers.
pub fn parse(text: &str) -> Option<Schedstat> {
    let mut n = text.split_ascii_whitespace().map(|w| w.parse::<u64>().ok());
    let s = Schedstat {
        run_ns: n.next()??,
        run_delay_ns: n.next()??,
        timeslices: n.next()??,
    };
    n.next().is_none().then_some(s)
}

/// The calling thread's schedstat; None where the kernel keeps none (CONFIG_SCHED_INFO off). The
/// file stays open per thread and is read again from offset 0 (the kernel renders it afresh on every
/// read): a task's two reads cost one pread each, not an open, read and close.
pub fn this_thread() -> Option<Schedstat> {
    use std::os::unix::fs::FileExt;
    thread_local! {
        static FILE: Option<std::fs::File> = std::fs::File::open("/proc/thread-self/schedstat").ok();
    }
    FILE.with(|f| {
        let mut buf = [0u8; 96];
        let n = f.as_ref()?.read_at(&mut buf, 0).ok()?;
        parse(std::str::from_utf8(&buf[..n]).ok()?)
    })
}

/// The sum over every thread of process `pid` alive now (threads that ended are not counted: read it
/// before they end).
pub fn process(pid: u32) -> Option<Schedstat> {
    let dir = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut sum = Schedstat::default();
    for entry in dir.flatten() {
        // A thread that ended between the listing and the read is simply not counted.
        if let Some(s) = read(&entry.path().join("schedstat")) {
            sum = sum + s;
        }
    }
    Some(sum)
}

fn read(path: &Path) -> Option<Schedstat> {
    parse(&std::fs::read_to_string(path).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_numbers_of_a_captured_file() {
        // Captured from /proc/self/task/<tid>/schedstat on this project's 2-core test VM (kernel 6.18).
        let s = parse("5123871 214553 37\n").unwrap();
        assert_eq!(
            s,
            Schedstat {
                run_ns: 5_123_871,
                run_delay_ns: 214_553,
                timeslices: 37
            }
        );
    }

    #[test]
    fn refuses_what_is_not_three_numbers() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("1 2"), None);
        assert_eq!(parse("1 2 3 4"), None);
        assert_eq!(parse("1 x 3"), None);
    }

    #[test]
    fn this_thread_runs_and_its_run_time_grows() {
        let Some(a) = this_thread() else { return };
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = std::hint::black_box(x.wrapping_add(i));
        }
        let b = this_thread().unwrap();
        assert!(b.run_ns > a.run_ns, "{a:?} then {b:?}");
        assert!(b.run_delay_ns >= a.run_delay_ns);
        let p = process(std::process::id()).unwrap();
        assert!(p.run_ns >= b.run_ns);
    }
}
