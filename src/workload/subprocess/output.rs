//! What the child program says and how a task reads it: the two lines `concbench-child` prints
//! (child/main.rs; a change there is a change here), and the monotonic clock both sides read, so the
//! child's first line gives the start cost — spawn call → the child's `main` running.

use std::time::Duration;

/// The program each task starts, as cargo names it beside `concbench`.
pub const PROGRAM: &str = "concbench-child";

/// The most output a task reads of its child: the two lines are under a hundred bytes, so more is a
/// program that is not ours.
pub const MAX_OUTPUT: usize = 4096;

/// CLOCK_MONOTONIC in nanoseconds, the clock the child reads first thing (machine-wide, so the two
/// readings subtract): the ledger's one clock.
pub use crate::ledger::clock::now_ns as monotonic_ns;

/// What a child said, as far as it got: a child killed at its timeout has said only when it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Said {
    /// Its clock when its `main` began, nanoseconds.
    pub started_ns: Option<u64>,
    /// How long it says it slept, milliseconds.
    pub slept_ms: Option<u64>,
}

impl Said {
    /// The start cost: from `before_ns`, the parent's clock right before its spawn call, to the child
    /// running. None when the child never said it started.
    pub fn start_cost(&self, before_ns: u64) -> Option<Duration> {
        self.started_ns
            .map(|ns| Duration::from_nanos(ns.saturating_sub(before_ns)))
    }
}

/// Read the output of child `pid`: its complete lines, each `concbench-child <pid> started <ns>` or
/// `concbench-child <pid> slept <ms>`. Anything else — another pid, another word, a line cut short
/// — is not our child's output, and says why.
pub fn read(output: &[u8], pid: u32) -> Result<Said, String> {
    let text = std::str::from_utf8(output).map_err(|_| "output is not UTF-8".to_string())?;
    let mut said = Said::default();
    let mut rest = text;
    while let Some((line, after)) = rest.split_once('\n') {
        rest = after;
        let words: Vec<&str> = line.split(' ').collect();
        let [PROGRAM, who, what, value] = words.as_slice() else {
            return Err(format!("unexpected line {line:?}"));
        };
        if who.parse::<u32>() != Ok(pid) {
            return Err(format!("a line of pid {who}, not of child {pid}: {line:?}"));
        }
        let value: u64 = value
            .parse()
            .map_err(|_| format!("no number in {line:?}"))?;
        match *what {
            "started" => said.started_ns = Some(value),
            "slept" => said.slept_ms = Some(value),
            _ => return Err(format!("unexpected line {line:?}")),
        }
    }
    if !rest.is_empty() {
        return Err(format!("a line cut short: {rest:?}"));
    }
    Ok(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_lines_are_read_and_anything_else_is_refused() {
        let out = b"concbench-child 42 started 1000\nconcbench-child 42 slept 250\n";
        let said = read(out, 42).unwrap();
        assert_eq!(said.started_ns, Some(1000));
        assert_eq!(said.slept_ms, Some(250));
        assert_eq!(said.start_cost(400), Some(Duration::from_nanos(600)));
        // A child killed in its sleep said when it started, and nothing more.
        let killed = read(b"concbench-child 42 started 1000\n", 42).unwrap();
        assert_eq!(killed.slept_ms, None);
        assert_eq!(read(b"", 42).unwrap(), Said::default());
        assert!(read(out, 43).is_err(), "another child's lines");
        assert!(read(b"concbench-child 42 slept\n", 42).is_err());
        assert!(read(b"concbench-child 42 woke 3\n", 42).is_err());
        assert!(read(b"concbench-child 42 slept 3", 42).is_err(), "cut short");
        assert!(read(b"sleep 42 slept 3\n", 42).is_err());
    }

    #[test]
    fn the_clock_moves_forward() {
        let a = monotonic_ns();
        let b = monotonic_ns();
        assert!(a > 0 && b >= a);
        // A clock read before the child's own never gives a negative cost.
        let said = Said {
            started_ns: Some(a),
            slept_ms: None,
        };
        assert_eq!(said.start_cost(b), Some(Duration::ZERO));
    }
}
