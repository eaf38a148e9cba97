//! The subprocess task: start the child program, read its output until it ends or the timeout passes,
//! then reap it — killed (SIGKILL) first when it overran — in a blocking form (a poll on its stdout
//! pipe with the time left) and an async one (tokio's process support). Every child dies with the
//! thread that started it, however that process dies (`spawn::die_with_parent`), and after a
//! repetition the task checks that no child it started is left: neither running nor unreaped.

use super::output::{self, MAX_OUTPUT};
use crate::names::FailureKind;
use crate::workload::{TaskFuture, TaskResult, Workload};
use std::io::Read;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One task: a child that sleeps `delay`, killed past `timeout`.
pub struct Subprocess {
    program: PathBuf,
    delay: Duration,
    timeout: Duration,
    /// The pid of every child started, for the check after the repetition.
    started: Mutex<Vec<u32>>,
}

/// How a child's run ended, as far as the task saw it.
enum Ended {
    /// It closed its output and was reaped with this status.
    Exited(ExitStatus),
    /// The timeout passed first: it was killed and reaped.
    Killed,
    /// Its output could not be read (or was too long): it was killed and reaped.
    Unread,
}

/// Why reading a child's output stopped before its end.
enum Stop {
    Late,
    Broken,
}

impl Subprocess {
    /// Children of `program`, each sleeping `delay`, killed past `timeout`.
    pub fn new(program: PathBuf, delay: Duration, timeout: Duration) -> Subprocess {
        Subprocess {
            program,
            delay,
            timeout,
            started: Mutex::new(Vec::new()),
        }
    }

    /// The pid of every child started so far.
    pub fn children(&self) -> Vec<u32> {
        self.started.lock().expect("never poisoned").clone()
    }

    fn record(&self, pid: u32) {
        self.started.lock().expect("never poisoned").push(pid);
    }

    /// The child's command: its output piped to the task, nothing else open to it, and its death
    /// tied to the starting thread's. That hook is why std forks and execs here (posix_spawn takes
    /// no code to run in the child): the start cost measured is fork + exec + the child's start.
    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.arg(self.delay.as_millis().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        crate::spawn::die_with_parent(&mut cmd);
        cmd
    }

    /// The task's result from what the child said and how it ended. Its start cost is the result's
    /// service time, also for a child killed at its timeout (it said when it started).
    fn outcome(&self, pid: u32, before_ns: u64, output: &[u8], ended: Ended) -> TaskResult {
        let said = output::read(output, pid);
        let service = said.as_ref().ok().and_then(|s| s.start_cost(before_ns));
        let outcome = match ended {
            Ended::Killed => Err(FailureKind::Timeout),
            Ended::Unread => Err(FailureKind::Io),
            // Non-zero, or a signal the task did not send: the child's answer is a failure.
            Ended::Exited(status) if !status.success() => Err(FailureKind::Status),
            Ended::Exited(_) => match said {
                Ok(output::Said {
                    slept_ms: Some(ms), ..
                }) => Ok(ms),
                _ => Err(FailureKind::Io),
            },
        };
        TaskResult {
            outcome,
            service,
            tries: Default::default(),
            call: None,
            part: None,
        }
    }
}

/// A task that could not start its child.
fn not_started() -> TaskResult {
    TaskResult::failed(FailureKind::Spawn)
}

/// Read `stdout` to its end into `out`, unless `deadline` passes first: a poll with the time left,
/// since std's pipes have no read timeout.
fn read_until(stdout: &mut ChildStdout, deadline: Instant, out: &mut Vec<u8>) -> Result<(), Stop> {
    let mut buf = [0u8; 512];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Stop::Late);
        }
        let mut fds = libc::pollfd {
            fd: stdout.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // Rounded up: poll counts whole milliseconds, and a wait rounded down to 0 would spin.
        let ms = left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd, for the duration of the call.
        match unsafe { libc::poll(&mut fds, 1, ms) } {
            0 => continue,
            n if n < 0 => match std::io::Error::last_os_error().kind() {
                std::io::ErrorKind::Interrupted => continue,
                _ => return Err(Stop::Broken),
            },
            // Readable, or the writer closed (POLLHUP): the read says which.
            _ => {}
        }
        match stdout.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) if out.len() + n <= MAX_OUTPUT => out.extend_from_slice(&buf[..n]),
            Ok(_) => return Err(Stop::Broken),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(Stop::Broken),
        }
    }
}

/// SIGKILL, then reap: the child is gone, not a zombie.
fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Reap a child that closed its output (it exits right after); a wait that fails kills it first.
fn reap(child: &mut Child) -> Ended {
    match child.wait() {
        Ok(status) => Ended::Exited(status),
        Err(_) => {
            kill(child);
            Ended::Unread
        }
    }
}

impl Workload for Subprocess {
    fn blocking(&self, _task: u64) -> TaskResult {
        let before = output::monotonic_ns();
        let deadline = Instant::now() + self.timeout;
        let Ok(mut child) = self.command().spawn() else {
            return not_started();
        };
        let pid = child.id();
        self.record(pid);
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut out = Vec::new();
        let ended = match read_until(&mut stdout, deadline, &mut out) {
            Ok(()) => reap(&mut child),
            Err(stop) => {
                kill(&mut child);
                match stop {
                    Stop::Late => Ended::Killed,
                    Stop::Broken => Ended::Unread,
                }
            }
        };
        self.outcome(pid, before, &out, ended)
    }

    fn run_async(&self, _task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            use tokio::io::AsyncReadExt;
            let before = output::monotonic_ns();
            let deadline = tokio::time::Instant::now() + self.timeout;
            let mut cmd = tokio::process::Command::from(self.command());
            // A task dropped before its end (its runtime shut down) takes its child with it.
            cmd.kill_on_drop(true);
            let Ok(mut child) = cmd.spawn() else {
                return not_started();
            };
            // Some until the child is reaped, which only this task does.
            let pid = child.id().expect("not reaped yet");
            self.record(pid);
            // One byte past the most: more than that is refused, not read on.
            let mut stdout = child
                .stdout
                .take()
                .expect("stdout is piped")
                .take(MAX_OUTPUT as u64 + 1);
            // Read into a buffer that outlives the timeout, so a child killed in its sleep still
            // gives the line that says when it started.
            let mut out = Vec::new();
            let read = stdout.read_to_end(&mut out);
            let ended = match tokio::time::timeout_at(deadline, read).await {
                Ok(Ok(_)) if out.len() <= MAX_OUTPUT => match child.wait().await {
                    Ok(status) => Ended::Exited(status),
                    Err(_) => {
                        let _ = child.kill().await;
                        Ended::Unread
                    }
                },
                // tokio's kill is SIGKILL, then a wait that reaps it.
                Ok(_) => {
                    let _ = child.kill().await;
                    Ended::Unread
                }
                Err(_) => {
                    let _ = child.kill().await;
                    Ended::Killed
                }
            };
            self.outcome(pid, before, &out, ended)
        })
    }

    fn verify(&self, value: u64) -> Result<(), String> {
        let asked = self.delay.as_millis() as u64;
        match value == asked {
            true => Ok(()),
            false => Err(format!(
                "subprocess: a child said it slept {value} ms, not the {asked} ms it was asked to"
            )),
        }
    }

    /// No child outlives its task: every one started is gone from /proc or belongs to another
    /// parent (its pid reused) — none is still this process's child, running or unreaped. A pool's
    /// workers start their own children, which this process never sees: they die with the workers.
    fn audit(&self, _results: &mut [&mut TaskResult]) -> anyhow::Result<()> {
        let me = std::process::id();
        let left: Vec<String> = self
            .children()
            .into_iter()
            .filter(|&pid| parent_of(pid) == Some(me))
            .map(|pid| pid.to_string())
            .collect();
        anyhow::ensure!(
            left.is_empty(),
            "subprocess: child process(es) {} still there after every task ended: a task did not \
             reap its child",
            left.join(", ")
        );
        Ok(())
    }
}

/// The parent of process `pid` from /proc, while it exists (a zombie too: it waits to be reaped).
pub fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name, which may hold spaces and parentheses: state, then the parent's pid.
    let rest = stat.rsplit_once(')')?.1;
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_finds_a_child_left_running_and_passes_once_it_is_reaped() {
        let task = Subprocess::new("concbench-child".into(), Duration::ZERO, Duration::ZERO);
        assert!(task.audit(&mut []).is_ok(), "no child started");
        // A child the task recorded and never reaped: coreutils' sleep stands in for ours.
        let mut left = Command::new("sleep").arg("30").spawn().unwrap();
        task.record(left.id());
        let err = task.audit(&mut []).unwrap_err().to_string();
        assert!(err.contains(&left.id().to_string()), "{err}");
        // Killed but not reaped: dying or a zombie, it is still ours until waited for.
        left.kill().unwrap();
        assert!(task.audit(&mut []).is_err(), "a zombie is left too");
        left.wait().unwrap();
        assert!(task.audit(&mut []).is_ok());
    }

    #[test]
    fn a_process_has_a_parent_and_a_pid_that_is_gone_has_none() {
        assert_eq!(
            parent_of(std::process::id()),
            Some(std::os::unix::process::parent_id())
        );
        // Past the largest pid the kernel gives.
        assert_eq!(parent_of(u32::MAX), None);
    }
}
