//! The bare references: after each repetition of a case that has one, the same shape run by
//! `concbench-bare` — a program with no harness at all — in a fresh child measured the same way, so the
//! report can show what the harness itself adds per task (its records, sampler and protocol) and what
//! tokio or the OS costs by itself on this machine. For io it is the GET with no HTTP client at all
//! (connect, write, read to the close), against the case's own server; beside `async-sharded` it runs
//! sharded the same way — k copies at once, each its share of the GETs from the case's source
//! addresses — and the copies add up to one reference (first start → last end; memory, CPU and
//! answers summed).

use crate::client::ClientKind;
use crate::model::ModelKind;
use crate::plan::Case;
use crate::results::Reference;
use crate::workload::Params;
use anyhow::Context;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The bare program beside the concbench binary.
pub fn program(exe: &Path) -> PathBuf {
    exe.with_file_name("concbench-bare")
}

/// The bare shape matching a case and its last argument: sleeps spawned as tokio tasks, joined
/// without spawning, or on threads (the wait in ms); for `async` and `async-sharded` io with the
/// direct client, a fresh connection per GET and concbench's server, the GETs as tokio tasks (the URL,
/// from the case's server `url`); None for anything else.
pub fn shape(case: &Case, url: &str) -> Option<(&'static str, String)> {
    match (&case.workload, case.model) {
        (Params::Sleep(sleep), model) => {
            let shape = match model {
                ModelKind::Async => "spawn",
                ModelKind::AsyncJoinAll => "join-all",
                ModelKind::Threads => "threads",
                _ => return None,
            };
            Some((shape, sleep.delay_ms.to_string()))
        }
        (Params::Io(io), ModelKind::Async | ModelKind::AsyncSharded)
            if io.client == ClientKind::Direct
                && !io.keep_alive
                && io.server.is_concbench()
                && case.tasks.div_ceil(copies(case)) <= crate::plan::BARE_GET_MAX =>
        {
            Some(("get", format!("{url}{}", io.path)))
        }
        _ => None,
    }
}

/// Copies of the bare program run at once for `case`: its shards (`async-sharded`), else one.
fn copies(case: &Case) -> usize {
    match case.model {
        ModelKind::AsyncSharded => crate::model::shares(case.tasks, case.k()).len().max(1),
        _ => 1,
    }
}

#[derive(Deserialize)]
struct Line {
    makespan_s: f64,
    /// When it began and ended, CLOCK_MONOTONIC ns (absent from an older build).
    #[serde(default)]
    t0_ns: Option<u64>,
    #[serde(default)]
    end_ns: Option<u64>,
    peak_rss_kib: Option<u64>,
    started: usize,
    refused: Option<String>,
}

/// Run the bare shape of `case` once (`url`: the server the case's repetition used): k copies at
/// once beside a sharded case, each its share of the tasks.
pub fn measure(exe: &Path, case: &Case, url: &str) -> anyhow::Result<Option<Reference>> {
    let Some((shape, last)) = shape(case, url) else {
        return Ok(None);
    };
    let bare = program(exe);
    anyhow::ensure!(
        bare.is_file(),
        "{} is missing: build it with `cargo build --release` (it is part of the package)",
        bare.display()
    );
    let shares = match copies(case) {
        1 => vec![(0, case.tasks as u64)],
        k => crate::model::shares(case.tasks, k),
    };
    // The io shape connects from the case's source addresses, as its client does.
    let sources = match &case.workload {
        Params::Io(io) if shares.len() > 1 => io.source_addrs.filter(|&n| n > 1),
        _ => None,
    };
    let mut children = Vec::with_capacity(shares.len());
    for &(_, count) in &shares {
        let mut cmd = Command::new(&bare);
        cmd.args([shape, &count.to_string(), &last])
            .args(sources.map(|n| n.to_string()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::spawn::die_with_parent(&mut cmd);
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", bare.display()))?;
        children.push(child);
    }
    // Each copy's pipes are read to the end on a thread of its own: one copy blocked on a full pipe
    // must not hold the others' reading back (the `threads` shape runs one copy, read on this thread).
    let outs: Vec<anyhow::Result<(Line, crate::measure::rusage::Usage)>> = match children.len() {
        1 => vec![read(&bare, children.pop().expect("one"))],
        _ => std::thread::scope(|s| {
            let bare = &bare;
            let handles: Vec<_> = children
                .into_iter()
                .map(|c| s.spawn(move || read(bare, c)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a reader does not panic"))
                .collect()
        }),
    };
    let outs = outs.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Some(sum(shape, &outs)))
}

/// One copy's line and resource use, once it has exited.
fn read(
    bare: &Path,
    child: std::process::Child,
) -> anyhow::Result<(Line, crate::measure::rusage::Usage)> {
    let pid = child.id();
    let out = child.wait_with_output_rusage(pid)?;
    let line: Line = serde_json::from_slice(&out.0).with_context(|| {
        format!(
            "{} said: {}",
            bare.display(),
            String::from_utf8_lossy(&out.1)
        )
    })?;
    Ok((line, out.2))
}

/// The copies as one reference: first start → last end (each copy's own makespan when one did not
/// say when it ran), and their memory, CPU and units summed.
fn sum(shape: &str, outs: &[(Line, crate::measure::rusage::Usage)]) -> Reference {
    let span = || {
        let t0 = outs.iter().map(|(l, _)| l.t0_ns).min()??;
        let end = outs.iter().map(|(l, _)| l.end_ns).max()??;
        Some(end.saturating_sub(t0) as f64 / 1e9)
    };
    let longest = outs.iter().map(|(l, _)| l.makespan_s).fold(0.0, f64::max);
    let makespan_s = match outs.len() {
        1 => longest,
        _ => span().unwrap_or(longest),
    };
    Reference {
        program: match outs.len() {
            1 => format!("concbench-bare {shape}"),
            k => format!("concbench-bare {shape} ×{k}"),
        },
        makespan_s,
        peak_rss_kib: outs
            .iter()
            .map(|(l, u)| l.peak_rss_kib.unwrap_or(u.max_rss_kib))
            .sum(),
        cpu_s: outs
            .iter()
            .map(|(_, u)| (u.user + u.sys).as_secs_f64())
            .sum(),
        started: outs.iter().map(|(l, _)| l.started).sum(),
        refused: outs.iter().find_map(|(l, _)| l.refused.clone()),
        processes: (outs.len() > 1).then_some(outs.len()),
    }
}

/// Read a child's stdout and stderr to the end, then reap it with wait4 for its resource use.
trait WaitRusage {
    fn wait_with_output_rusage(
        self,
        pid: u32,
    ) -> anyhow::Result<(Vec<u8>, Vec<u8>, crate::measure::rusage::Usage)>;
}

impl WaitRusage for std::process::Child {
    fn wait_with_output_rusage(
        mut self,
        pid: u32,
    ) -> anyhow::Result<(Vec<u8>, Vec<u8>, crate::measure::rusage::Usage)> {
        use std::io::Read;
        // One pipe after the other on this thread, no reader thread: the bare `threads` shape starts
        // threads until the OS refuses, taking every free pid of the machine, so a thread started
        // here after it could not be. The program writes one line to stdout and to stderr at most
        // a usage line or a panic's, far below the pipe's 64 KiB, so it never blocks on stderr.
        let mut out = Vec::new();
        self.stdout.take().expect("piped").read_to_end(&mut out)?;
        let mut err = Vec::new();
        let _ = self.stderr.take().expect("piped").read_to_end(&mut err);
        let (status, usage) = crate::measure::rusage::wait(pid)?;
        anyhow::ensure!(
            crate::measure::rusage::exit_code(status) == 0,
            "the bare reference failed: {}",
            String::from_utf8_lossy(&err).trim()
        );
        Ok((out, err, usage))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn line(t0_ns: u64, end_ns: u64, rss: u64, started: usize) -> Line {
        Line {
            makespan_s: (end_ns - t0_ns) as f64 / 1e9,
            t0_ns: Some(t0_ns),
            end_ns: Some(end_ns),
            peak_rss_kib: Some(rss),
            started,
            refused: None,
        }
    }

    fn cpu(ms: u64) -> crate::measure::rusage::Usage {
        crate::measure::rusage::Usage {
            user: Duration::from_millis(ms),
            sys: Duration::from_millis(ms),
            ..Default::default()
        }
    }

    #[test]
    fn copies_add_up_to_one_reference_from_the_first_start_to_the_last_end() {
        let outs = [
            (line(1_000_000_000, 2_100_000_000, 9_000, 500), cpu(100)),
            (line(1_002_000_000, 2_050_000_000, 8_000, 499), cpu(50)),
        ];
        let r = sum("get", &outs);
        assert_eq!(r.program, "concbench-bare get ×2");
        assert!((r.makespan_s - 1.1).abs() < 1e-9, "{}", r.makespan_s);
        assert_eq!(
            (r.peak_rss_kib, r.started, r.processes),
            (17_000, 999, Some(2))
        );
        assert!((r.cpu_s - 0.3).abs() < 1e-9);
        // One copy is the program itself, as before: its own makespan, no count of processes.
        let one = sum("get", &outs[..1]);
        assert_eq!(
            (one.program.as_str(), one.processes),
            ("concbench-bare get", None)
        );
        assert!((one.makespan_s - 1.1).abs() < 1e-9);
    }
}
