//! Processes from the outside: the binary run with arguments and how it refuses bad input, and what
//! /proc says of the processes a test started (alive, whose children, which are pool workers). There
//! is no signal for another process's state, so the waits here poll it, each with a deadline.

use super::EXE;
use concbench::results::ResultFile;
use std::ffi::OsStr;
use std::fmt::Debug;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

/// `concbench ARGS`, run to its end.
pub fn concbench<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(EXE).args(args).output().unwrap()
}

/// `concbench ARGS`, run to its end, and how long it took.
pub fn timed<S: AsRef<OsStr>>(args: &[S]) -> (Output, Duration) {
    let t0 = Instant::now();
    let out = concbench(args);
    (out, t0.elapsed())
}

/// `concbench run ARGS --warmup 0 --quiet --out OUT`, which must succeed; the file it wrote.
pub fn run_ok<S: AsRef<OsStr>>(args: &[S], out: &Path) -> ResultFile {
    let run = Command::new(EXE)
        .arg("run")
        .args(args)
        .args(["--warmup", "0", "--quiet", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    ResultFile::load(out).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `concbench ARGS` is refused as every bad input is: exit 2 and one line on stderr that says `says`.
/// How long the refusal took, for a test that bounds it.
pub fn refused<S: AsRef<OsStr> + Debug>(args: &[S], says: &str) -> Duration {
    let (out, took) = timed(args);
    is_refusal(&out, &format!("{args:?}"), says);
    took
}

/// `out` is a refusal: exit 2 and one line on stderr that says `says`.
pub fn assert_refused(out: &Output, says: &str) {
    is_refusal(out, "the command", says);
}

/// [`assert_refused`], with `what` naming the command in the messages.
fn is_refusal(out: &Output, what: &str, says: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{what}: one line, got {err}"
    );
    assert!(err.contains(says), "{what}: {err}");
}

/// Refused as [`refused`] says, and within `limit`: before anything could have started.
pub fn refused_within<S: AsRef<OsStr> + Debug>(args: &[S], says: &str, limit: Duration) {
    let took = refused(args, says);
    assert!(took < limit, "{args:?} took {took:?}");
}

/// Poll `cond` until it holds, for at most `limit`.
pub fn until(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !cond() {
        assert!(t0.elapsed() < limit, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Wait for a child with a deadline; a child still running then is killed and the test fails.
pub fn wait_for(child: &mut Child, limit: Duration) -> ExitStatus {
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses):
/// state first, then the parent's pid.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = stat.rsplit_once(')')?.1;
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// Whether a process runs. A zombie does not: it has exited and only waits for whoever adopted it to
/// reap it.
pub fn alive(pid: u32) -> bool {
    stat_fields(pid).is_some_and(|f| f.first().is_some_and(|state| state != "Z"))
}

/// The processes whose parent is `pid`.
pub fn children(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&p| stat_fields(p).and_then(|f| f.get(1)?.parse().ok()) == Some(pid))
        .collect()
}

/// Its command line, arguments joined by spaces; empty once it is gone.
pub fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

/// The pool workers (the binary re-executed as `__worker`) whose parent is `pid`.
pub fn pool_workers(pid: u32) -> Vec<u32> {
    children(pid)
        .into_iter()
        .filter(|&p| cmdline(p).contains("__worker"))
        .collect()
}

/// Run `cmd` to its end with its standard output a pipe whose reader has already gone, as in
/// `concbench list | true` when `true` exits first: the first write meets a closed pipe, every time.
pub fn with_stdout_closed(cmd: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer).output().unwrap()
}
