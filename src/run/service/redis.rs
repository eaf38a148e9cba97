//! Redis as a service of the run, the broker `queue-workers --broker redis` pull from: Debian's
//! `redis-server` started as the harness's own child (as the PostgreSQL cluster is), in a private
//! temporary directory, on 127.0.0.1 and a free port, requiring the run's key (`--requirepass`), with
//! nothing saved to disk (`--save ''`, `--appendonly no`). It dies with the harness (parent-death
//! signal) and is stopped and its directory removed when dropped. Where there is no `redis-server`,
//! it is [`NotInstalled`]: a reason to skip Redis cases with one line, never to fail.

use super::temp_dir::TempDir;
use super::Service;
use crate::measure::process_cpu::CpuOf;
use anyhow::{bail, Context};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Redis may take to answer PING.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why there is no Redis to start here, with what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct NotInstalled(pub String);

/// `redis-server` on PATH (or in /usr/bin, where Debian puts it).
pub fn find() -> Result<PathBuf, NotInstalled> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join("redis-server"))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            NotInstalled(
                "Redis is not installed (no redis-server on PATH); `make redis-env` installs it"
                    .into(),
            )
        })
}

/// A running Redis.
pub struct RedisChild {
    child: Child,
    addr: String,
    // Dropped after the server has stopped (fields drop after `Drop::drop`).
    _dir: TempDir,
}

impl RedisChild {
    /// Start redis-server requiring `key`, listening on `listen` (127.0.0.1 when None);
    /// [`NotInstalled`] (inside the error) when it is missing.
    pub fn start(key: &str, listen: Option<IpAddr>) -> anyhow::Result<RedisChild> {
        let bin = find()?;
        let dir = TempDir::new()?;
        let ip = listen.unwrap_or(IpAddr::from([127, 0, 0, 1]));
        // A port the kernel just gave out, free again: Redis cannot be told port 0 and report it.
        let port = std::net::TcpListener::bind((ip, 0))?.local_addr()?.port();
        let mut cmd = Command::new(&bin);
        cmd.current_dir(dir.path())
            .args(["--bind", &ip.to_string(), "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir.path())
            .args(["--daemonize", "no", "--logfile", ""])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // The key on stdin would need a config file; --requirepass is visible in `ps` only to this
        // machine's users, and the key is fresh per run.
        cmd.args(["--requirepass", key]);
        crate::spawn::die_with_parent(&mut cmd);
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let mut redis = RedisChild {
            child,
            addr: std::net::SocketAddr::new(ip, port).to_string(),
            _dir: dir,
        };
        redis.wait_ready(key)?;
        Ok(redis)
    }

    fn wait_ready(&mut self, key: &str) -> anyhow::Result<()> {
        let since = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("Redis {} before it was ready", super::ended(status));
            }
            let ping = crate::model::resp::Resp::connect(&self.addr, key, None)
                .and_then(|mut r| r.call(&[b"PING"]));
            if ping.is_ok() {
                return Ok(());
            }
            if crate::run::children::interrupted().is_some() {
                bail!("interrupted while Redis started");
            }
            if since.elapsed() > READY_TIMEOUT {
                bail!(
                    "Redis did not answer within {READY_TIMEOUT:?} on {}",
                    self.addr
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Service for RedisChild {
    fn name(&self) -> &'static str {
        "Redis"
    }

    /// HOST:PORT.
    fn url(&self) -> &str {
        &self.addr
    }

    fn process(&mut self) -> Option<&mut Child> {
        Some(&mut self.child)
    }

    /// One process, its I/O threads included: its exact clock.
    fn cpu(&mut self) -> Option<CpuOf> {
        self.pid().map(CpuOf::Process)
    }
}

impl Drop for RedisChild {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
