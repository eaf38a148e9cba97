//! The bare references: after each repetition of a case that has one, the same shape run by
//! `concbench-bare` — a program with no harness at all — in a fresh child measured the same way, so the
//! report can show what the harness itself adds per task (its records, sampler and protocol) and what
//! tokio or the OS costs by itself on this machine. For io it is the GET with no HTTP client at all
//! (connect, write, read to the close), against the case's own server.

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
/// without spawning, or on threads (the wait in ms); for `async` io with the direct client, a fresh
/// connection per GET and concbench's server, the GETs as tokio tasks (the URL, from the case's server
/// `url`); None for anything else.
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
        (Params::Io(io), ModelKind::Async)
            if io.client == ClientKind::Direct
                && !io.keep_alive
                && io.server.is_concbench()
                && case.tasks <= crate::plan::BARE_GET_MAX =>
        {
            Some(("get", format!("{url}{}", io.path)))
        }
        _ => None,
    }
}

#[derive(Deserialize)]
struct Line {
    makespan_s: f64,
    peak_rss_kib: Option<u64>,
    started: usize,
    refused: Option<String>,
}

/// Run the bare shape of `case` once (`url`: the server the case's repetition used).
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
    let mut cmd = Command::new(&bare);
    cmd.args([shape, &case.tasks.to_string(), &last])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::spawn::die_with_parent(&mut cmd);
    let child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", bare.display()))?;
    let pid = child.id();
    let out = child.wait_with_output_rusage(pid)?;
    let line: Line = serde_json::from_slice(&out.0).with_context(|| {
        format!(
            "{} said: {}",
            bare.display(),
            String::from_utf8_lossy(&out.1)
        )
    })?;
    Ok(Some(Reference {
        program: format!("concbench-bare {shape}"),
        makespan_s: line.makespan_s,
        peak_rss_kib: line.peak_rss_kib.unwrap_or(out.2.max_rss_kib),
        cpu_s: (out.2.user + out.2.sys).as_secs_f64(),
        started: line.started,
        refused: line.refused,
    }))
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
