//! gunicorn as the server of io cases (`--server gunicorn`): `gunicorn -w W` sync workers serving
//! python/concbench_py/slow_app.py, the talk's own server, so the fidelity suite can set concbench's
//! server beside the real thing. gunicorn binds 127.0.0.1:0 itself (no port is probed free and then
//! raced for) and reports, through the hooks of python/concbench_py/gunicorn_conf.py, one JSON line
//! per event on stdout: the address it bound, then each worker ready to accept. The master dies with
//! the harness (PR_SET_PDEATHSIG, as every child), its workers with the master (the same, asked for in
//! gunicorn's post_fork hook), and dropping the handle kills and reaps the master.

use super::Service;
use crate::run::external::{python_env, PythonEnv};
use crate::workload::ServerPlan;
use anyhow::{bail, Context};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Booting W workers imports Python W + 1 times: seconds on a busy 2-core machine, never this long.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// One event of gunicorn_conf.py's hooks.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Event {
    Bound { url: String },
    Worker { worker: u32 },
}

pub struct GunicornChild {
    child: Child,
    pub url: String,
    /// The workers' pids, as they reported ready (for tests that check none is left behind).
    pub workers: Vec<u32>,
}

impl GunicornChild {
    /// Start gunicorn from the python env (`make python-env`), or say why there is none.
    pub fn launch(plan: ServerPlan) -> anyhow::Result<GunicornChild> {
        let env = python_env().map_err(anyhow::Error::msg)?;
        GunicornChild::start(&env, plan)
    }

    /// Start gunicorn with `plan.workers` sync workers whose `/` holds each request `plan.delay`;
    /// returns once every worker is ready to accept.
    pub fn start(env: &PythonEnv, plan: ServerPlan) -> anyhow::Result<GunicornChild> {
        if plan.workers == 0 {
            bail!("gunicorn's sync workers are bounded: --server gunicorn needs W ≥ 1 (--server-workers)");
        }
        let mut cmd = Command::new(&env.python);
        cmd.args(["-m", "gunicorn", "--workers"])
            .arg(plan.workers.to_string())
            // Port 0: the kernel picks a free loopback port at gunicorn's own bind.
            .args(["--bind", "127.0.0.1:0", "--worker-class", "sync"])
            // As the talk's server and concbench's worker mode: 2048 connections wait for a worker.
            .args(["--backlog", "2048"])
            // A request held for the longest delay (60 s) must not be taken for a hung worker.
            .args(["--timeout", "120", "--log-level", "warning"])
            .args(["--config", "concbench_py/gunicorn_conf.py"])
            .arg("concbench_py.slow_app:app")
            .current_dir(&env.dir)
            .env("CONCBENCH_DELAY_MS", plan.delay.as_millis().to_string())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONNOUSERSITE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::spawn::die_with_parent(&mut cmd);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start gunicorn ({})", env.python.display()))?;
        // Its warnings are kept, not shown: the last line says why it stopped, if it does.
        let mut stderr = child.stderr.take().expect("piped");
        let last_words = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.by_ref().take(1 << 20).read_to_string(&mut s);
            s.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map(str::to_string)
        });
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped");
        // Read to the end (a worker restarted later reports again): a full pipe would block gunicorn.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut started = GunicornChild {
            child,
            url: String::new(),
            workers: Vec::new(),
        };
        let until = Instant::now() + READY_TIMEOUT;
        while started.url.is_empty() || started.workers.len() < plan.workers {
            let left = until.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => match serde_json::from_str(&line) {
                    Ok(Event::Bound { url }) => started.url = url,
                    Ok(Event::Worker { worker }) => started.workers.push(worker),
                    Err(_) => {} // not ours: the app may print
                },
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    bail!(
                        "gunicorn did not report {} workers ready within {READY_TIMEOUT:?} ({} ready)",
                        plan.workers,
                        started.workers.len()
                    );
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let _ = started.child.kill();
                    let _ = started.child.wait();
                    let said = last_words.join().ok().flatten();
                    bail!(
                        "gunicorn exited before it was ready: {}",
                        said.unwrap_or_else(|| "no message".into())
                    );
                }
            }
        }
        // Only loopback: whatever gunicorn says it bound, the harness sends nothing elsewhere.
        anyhow::ensure!(
            started.url.starts_with("http://127.0.0.1:"),
            "gunicorn bound {}, not a loopback address",
            started.url
        );
        Ok(started)
    }

    /// The master's pid (always there: as a [`Service`], too).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Service for GunicornChild {
    fn name(&self) -> &'static str {
        "gunicorn"
    }

    fn url(&self) -> &str {
        &self.url
    }

    /// The master: its workers die with it, so its exit is gunicorn's.
    fn process(&mut self) -> Option<&mut Child> {
        Some(&mut self.child)
    }
}

impl Drop for GunicornChild {
    fn drop(&mut self) {
        // SIGKILL on the master; the workers' PDEATHSIG ends them with it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
