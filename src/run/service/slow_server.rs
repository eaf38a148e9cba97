//! The slow server as a service of the run: the concbench binary itself under the hidden `__serve`
//! subcommand, so no second binary has to be found. Started on port 0, it is ready when its JSON line
//! arrives; it dies with the harness (stdin EOF and PDEATHSIG) and is stopped when dropped. It is the
//! one service with counters (its control listener's `/stats`), and the one whose process is all of
//! it.

use super::{ended, Counters, Service};
use crate::measure::process_cpu::CpuOf;
use crate::results::ServerObservation;
use crate::workload::{Misbehave, ServerPlan};
use anyhow::{bail, Context};
use concbench_server::{ReadyLine, StatsSnapshot};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

const READY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct ServerChild {
    child: Child,
    stdin: Option<ChildStdin>,
    pub ready: ReadyLine,
    control: ureq::Agent,
}

impl ServerChild {
    /// `odd`: what it does to a seeded share of requests. `cpus`: pin the server there (`--cpus`),
    /// away from the measured CPUs. `port`: its data port, 0 for a free one; an unbounded server
    /// given the port of another joins its SO_REUSEPORT group (`server_group`).
    pub fn start(
        exe: &Path,
        plan: ServerPlan,
        odd: Option<&Misbehave>,
        cpus: Option<&[usize]>,
        port: u16,
    ) -> anyhow::Result<ServerChild> {
        let mut cmd = Command::new(exe);
        cmd.args(["__serve", "--port"])
            .arg(port.to_string())
            .args(["--exit-on-stdin-eof", "--workers"])
            .arg(plan.workers.to_string())
            .arg("--delay")
            .arg(humantime::format_duration(plan.delay).to_string())
            .args(odd.map(Misbehave::args).unwrap_or_default())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::spawn::die_with_parent(&mut cmd);
        if let Some(cpus) = cpus {
            crate::run::affinity::pin_child(&mut cmd, cpus);
        }
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start the slow server ({})", exe.display()))?;
        let last_words = forward_stderr(child.stderr.take().expect("piped"));
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = tx.send(BufReader::new(stdout).read_line(&mut line).map(|_| line));
        });
        let stdin = child.stdin.take();
        let line = match rx.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(line)) if !line.is_empty() => line,
            Ok(_) => {
                // Its stdout closed before the ready line: it is exiting. Say so, with its last words.
                let status = exit_status(&mut child, Duration::from_secs(2));
                let said = last_words.join().unwrap_or_else(|| "no message".into());
                match status {
                    Some(status) => {
                        bail!(
                            "the slow server {} before it was ready: {said}",
                            ended(status)
                        )
                    }
                    None => bail!("the slow server closed its output before it was ready: {said}"),
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("the slow server did not report ready within {READY_TIMEOUT:?}");
            }
        };
        let ready: ReadyLine =
            serde_json::from_str(&line).context("the slow server's ready line")?;
        let control = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(5)))
            .proxy(None)
            .build()
            .into();
        Ok(ServerChild {
            child,
            stdin,
            ready,
            control,
        })
    }

    pub fn stats(&self) -> anyhow::Result<StatsSnapshot> {
        let mut resp = self
            .control
            .get(format!("{}/stats", self.ready.control))
            .call()
            .context("reading the server's stats")?;
        Ok(serde_json::from_str(&resp.body_mut().read_to_string()?)?)
    }
}

impl Service for ServerChild {
    fn name(&self) -> &'static str {
        "the slow server"
    }

    fn url(&self) -> &str {
        &self.ready.url
    }

    fn process(&mut self) -> Option<&mut Child> {
        Some(&mut self.child)
    }

    /// One process does all of its work: its exact clock.
    fn cpu(&mut self) -> Option<CpuOf> {
        self.pid().map(CpuOf::Process)
    }

    fn counters(&self) -> Option<&dyn Counters> {
        Some(self)
    }
}

/// How long the counters wait for requests a client gave up on (a timeout, a hedge's loser) to end
/// their delay: the server counts them only then, and must count them in the repetition that sent
/// them, not the next. The longest delay the server holds is 60 s; a suite's are far shorter.
const SETTLE: Duration = Duration::from_secs(10);

impl ServerChild {
    /// The stats once no request is inside its delay, or as they are after [`SETTLE`].
    fn settled(&self) -> anyhow::Result<StatsSnapshot> {
        let until = std::time::Instant::now() + SETTLE;
        loop {
            let st = self.stats()?;
            if st.in_flight == 0 || std::time::Instant::now() >= until {
                return Ok(st);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Counters for ServerChild {
    fn reset(&self) -> anyhow::Result<()> {
        self.settled()?;
        self.control
            .post(format!("{}/stats/reset", self.ready.control))
            .send_empty()
            .context("resetting the server's stats")?;
        Ok(())
    }

    fn read(&self) -> anyhow::Result<ServerObservation> {
        let st = self.settled()?;
        let o = st.outcomes;
        let outcomes = crate::results::ServerOutcomes {
            admitted: o.admitted,
            ok: o.ok,
            slow_tail: o.slow_tail,
            refused_429: o.refused_429,
            failed_500: o.failed_500,
            reset: o.reset,
            cancelled: o.cancelled,
        };
        let plain = o.slow_tail + o.refused_429 + o.failed_500 + o.reset + o.cancelled == 0;
        Ok(ServerObservation {
            served: st.served,
            max_in_flight: st.max_in_flight,
            outcomes: (!plain).then_some(outcomes),
        })
    }
}

/// The exit status of a child that is ending, waiting at most `limit`; killed and None if it is not.
fn exit_status(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let until = std::time::Instant::now() + limit;
    while std::time::Instant::now() < until {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// The server's stderr, passed through to ours line by line; the handle gives its last line once it ends.
struct LastWords(std::thread::JoinHandle<Option<String>>);

impl LastWords {
    /// Wait (briefly: the server has exited or been killed) for its stderr to close.
    fn join(self) -> Option<String> {
        self.0.join().ok().flatten()
    }
}

fn forward_stderr(stderr: std::process::ChildStderr) -> LastWords {
    LastWords(std::thread::spawn(move || {
        let mut last = None;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            if !line.trim().is_empty() {
                last = Some(line.trim().to_string());
            }
        }
        last
    }))
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        // Closing stdin asks it to exit; the kill makes sure, and the wait leaves no zombie.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
