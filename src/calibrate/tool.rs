//! One load generator as `concbench calibrate` drives it: the command line for c connections over a
//! duration, and the parse of what it prints into answered and failed requests over the time it
//! counted. Each tool is one file implementing [`Tool`]; [`tool`] is the registry. Also here: finding a
//! tool on PATH, and running it as a child that dies with concbench and is killed at its deadline.

use crate::names::LoadGenerator;
use anyhow::{bail, Context};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// What a tool reported for one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counted {
    /// Responses with a 2xx status.
    pub ok: u64,
    /// Other statuses and errors of every kind the tool counts.
    pub failed: u64,
    /// The time over which it counted, seconds.
    pub duration_s: f64,
}

impl Counted {
    /// Answered requests per second: errors are not throughput.
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.duration_s
    }
}

/// One load generator.
pub trait Tool: Sync {
    /// The arguments (without the program) for `connections` keep-alive connections over `duration`
    /// against `url`, using at most `cores` threads where the tool asks how many.
    fn args(&self, connections: usize, duration: Duration, cores: usize, url: &str) -> Vec<String>;
    /// Read its standard output; the error says what was missing, with the tool's own words.
    fn parse(&self, stdout: &str) -> Result<Counted, String>;
    /// The arguments that make it print its version, when it has them.
    fn version_args(&self) -> Option<&'static [&'static str]>;
}

/// The registry: one line per tool.
pub fn tool(kind: LoadGenerator) -> &'static dyn Tool {
    match kind {
        LoadGenerator::Wrk => &super::wrk::Wrk,
        LoadGenerator::Hey => &super::hey::Hey,
        LoadGenerator::Oha => &super::oha::Oha,
    }
}

/// The executable `name` on PATH, like a shell finds it.
pub fn find(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// What one run of a program left: its output, how it ended and its CPU time.
pub struct Ran {
    pub stdout: String,
    pub stderr: String,
    /// Its raw wait status (`rusage::describe` says it in words).
    pub status: i32,
    pub cpu_s: f64,
}

/// Run `program args` as a child that dies with this process; killed (and an error) if it is still
/// running after `deadline`. Its CPU time comes from wait4, like a case's.
pub fn run(program: &Path, args: &[String], deadline: Duration) -> anyhow::Result<Ran> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::spawn::die_with_parent(&mut cmd);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", program.display()))?;
    crate::run::children::set_current(child.id());
    let mut stderr = child.stderr.take().expect("piped");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let (done, watchdog) = crate::run::case::watch(child.id(), deadline);
    let mut stdout = String::new();
    let _ = child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut stdout);
    // Stop the watchdog before reaping, so it can never signal a recycled pid.
    drop(done);
    let hung = watchdog.join().unwrap_or(false);
    let (status, usage) = crate::measure::rusage::wait(child.id())?;
    crate::run::children::set_current(0);
    let stderr = err_reader.join().unwrap_or_default();
    if hung {
        bail!(
            "{} was still running after {}: killed",
            program.display(),
            humantime::format_duration(deadline)
        );
    }
    Ok(Ran {
        stdout,
        stderr,
        status,
        cpu_s: (usage.user + usage.sys).as_secs_f64(),
    })
}

/// The number after `label` on the first line holding it (`Requests/sec:   6690.17` → 6690.17).
pub fn number_after(text: &str, label: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.split_once(label))
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// A tool's output in one line, for an error that quotes it.
pub fn gist(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None if line.is_empty() => "no output".into(),
        None => line,
    }
}

/// A captured output of a load generator (tests/fixtures/loadgen/), for the parsers' tests.
#[cfg(test)]
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/loadgen/{name}")).unwrap()
}
