//! PostgreSQL as a service of the run: a throwaway cluster, `initdb` into a private temporary
//! directory, then the server itself in the foreground as the harness's child, listening only on a
//! Unix socket in that directory (`listen_addresses=''`), trusting whoever can reach the socket. It is
//! stopped (a fast shutdown, then SIGKILL) and its directory removed when dropped, and it never
//! outlives the harness: the server runs as a direct child under `spawn::die_with_parent`, not through
//! `pg_ctl`, which detaches the server from whoever started it, where no parent-death signal would
//! reach it. When the server dies its backends notice at once and exit; a directory that a killed
//! harness left behind goes with the next one's start (`temp_dir::remove_stale`).
//!
//! PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user that Debian's
//! package creates (credentials changed before the parent-death signal is set: a change of
//! credentials clears it). The binaries are found in `CONCBENCH_POSTGRES_BIN` when it is set, else on
//! PATH or in Debian's /usr/lib/postgresql/<v>/bin;
//! when there are none, or no user to run them as, the cluster is [`NotInstalled`] — a reason to skip
//! PostgreSQL cases, never to fail. The parent-death signal is tied to the thread that starts the
//! cluster: start it from a thread that lives as long as the cluster is used.

use super::temp_dir::TempDir;
use super::Service;
use anyhow::{bail, Context};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a fast shutdown may take before the server is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections the server accepts: a connection per task for every task of an unbounded model at
/// once, with room to spare.
pub const MAX_CONNECTIONS: usize = 400;

/// Why there is no PostgreSQL to start here, with what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct NotInstalled(pub String);

/// The programs a cluster needs, and the user to run them as.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
    /// uid and gid of `postgres` when the harness runs as root.
    pub user: Option<(libc::uid_t, libc::gid_t)>,
}

/// Where to look for PostgreSQL's programs instead of PATH and Debian's directories: one directory.
pub const BIN_ENV: &str = "CONCBENCH_POSTGRES_BIN";

/// Find initdb and postgres (beside each other), and whom to run them as.
pub fn find() -> Result<Binaries, NotInstalled> {
    let chosen = std::env::var_os(BIN_ENV).map(PathBuf::from);
    let on_path = match &chosen {
        Some(dir) => vec![dir.clone()],
        None => std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default(),
    };
    let mut debian: Vec<PathBuf> = match chosen {
        Some(_) => Vec::new(),
        None => std::fs::read_dir("/usr/lib/postgresql")
            .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
            .unwrap_or_default(),
    };
    // The newest version first: 16 before 15 before 9.6.
    debian.sort_by_key(|p| {
        let v = p
            .parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str());
        std::cmp::Reverse(v.and_then(|v| v.split('.').next()?.parse::<u32>().ok()))
    });
    let found = on_path.iter().chain(&debian).find_map(|dir| {
        // /usr/local/bin/initdb may be a link into a version's directory, where postgres is.
        let initdb = std::fs::canonicalize(dir.join("initdb")).ok()?;
        let postgres = initdb.with_file_name("postgres");
        postgres.is_file().then_some((initdb, postgres))
    });
    let Some((initdb, postgres)) = found else {
        return Err(NotInstalled(format!(
            "PostgreSQL is not installed (no initdb and postgres {}); `make postgres-env` installs it",
            match std::env::var_os(BIN_ENV) {
                Some(dir) => format!("in {BIN_ENV}={}", PathBuf::from(dir).display()),
                None => "on PATH or in /usr/lib/postgresql/*/bin".into(),
            }
        )));
    };
    // SAFETY: getuid cannot fail.
    let user = match unsafe { libc::getuid() } {
        0 => Some(postgres_user().ok_or_else(|| {
            NotInstalled(
                "PostgreSQL refuses to run as root and there is no `postgres` user to run it as \
                 (Debian's package creates one: `make postgres-env`)"
                    .into(),
            )
        })?),
        _ => None,
    };
    Ok(Binaries {
        initdb,
        postgres,
        user,
    })
}

/// uid and gid of the `postgres` user.
fn postgres_user() -> Option<(libc::uid_t, libc::gid_t)> {
    let name = std::ffi::CString::new("postgres").expect("no NUL");
    // SAFETY: getpwnam returns a pointer to static storage or null; it is read at once, on this thread.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    (!pw.is_null()).then(|| unsafe { ((*pw).pw_uid, (*pw).pw_gid) })
}

/// A running cluster.
pub struct Cluster {
    child: Child,
    url: String,
    // Dropped after the server has stopped (fields drop after `Drop::drop`).
    dir: TempDir,
}

impl Cluster {
    /// initdb and start a cluster; [`NotInstalled`] (inside the error) when PostgreSQL is missing.
    pub fn start() -> anyhow::Result<Cluster> {
        let bin = find()?;
        let dir = TempDir::new()?;
        if let Some((uid, gid)) = bin.user {
            // SAFETY: chown on a path we just created.
            let path = std::ffi::CString::new(dir.path().as_os_str().as_encoded_bytes())?;
            if unsafe { libc::chown(path.as_ptr(), uid, gid) } != 0 {
                return Err(std::io::Error::last_os_error())
                    .with_context(|| format!("cannot give {} to postgres", dir.path().display()));
            }
        }
        let data = dir.path().join("data");
        let log = dir.path().join("postgres.log");
        let mut initdb = command(&bin.initdb, &bin, dir.path());
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"])
            // A throwaway cluster need not be synced to disk at creation; its writes are, later.
            .args(["--no-sync", "--no-instructions"])
            .stdin(Stdio::null());
        let out = initdb
            .output()
            .with_context(|| format!("cannot run {}", bin.initdb.display()))?;
        if !out.status.success() {
            bail!(
                "initdb failed ({}): {}",
                out.status,
                last_line(&String::from_utf8_lossy(&out.stderr))
            );
        }
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        let mut server = command(&bin.postgres, &bin, dir.path());
        server
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(dir.path())
            .args(["-c", "listen_addresses=", "-p", "5432"])
            .arg("-c")
            .arg(format!("max_connections={MAX_CONNECTIONS}"))
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file);
        let child = server
            .spawn()
            .with_context(|| format!("cannot start {}", bin.postgres.display()))?;
        let url = format!(
            "host={} port=5432 user=postgres dbname=postgres",
            dir.path().display()
        );
        let mut cluster = Cluster { child, url, dir };
        cluster.wait_ready(&log)?;
        Ok(cluster)
    }

    fn wait_ready(&mut self, log: &Path) -> anyhow::Result<()> {
        let config = crate::workload::postgres::config(&self.url)?;
        let since = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "PostgreSQL {} before it was ready: {}",
                    super::ended(status),
                    last_line(&std::fs::read_to_string(log).unwrap_or_default())
                );
            }
            if crate::workload::postgres::ping(&config).is_ok() {
                return Ok(());
            }
            // A run interrupted while the cluster starts stops now, not once it is ready.
            if crate::run::children::interrupted().is_some() {
                bail!("interrupted while PostgreSQL started");
            }
            if since.elapsed() > READY_TIMEOUT {
                bail!(
                    "PostgreSQL did not accept connections within {READY_TIMEOUT:?}: {}",
                    last_line(&std::fs::read_to_string(log).unwrap_or_default())
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Service for Cluster {
    fn name(&self) -> &'static str {
        "PostgreSQL"
    }

    /// Its connection string: `host=<socket dir> port=5432 user=postgres dbname=postgres`.
    fn url(&self) -> &str {
        &self.url
    }

    /// The postmaster: its backends exit as soon as it is gone.
    fn process(&mut self) -> Option<&mut Child> {
        Some(&mut self.child)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // A postmaster the death check found exited is reaped already: its pid may be another's now.
        if !matches!(self.child.try_wait(), Ok(None)) {
            return;
        }
        // SIGINT is PostgreSQL's fast shutdown: clients disconnected, a checkpoint, exit.
        // SAFETY: the child is not reaped yet (try_wait saw it run), so the pid is ours.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
        let until = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < until {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `program` run as the cluster's user, in `dir`, dying with the harness.
fn command(program: &Path, bin: &Binaries, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir).env("LC_ALL", "C");
    if let Some((uid, gid)) = bin.user {
        // SAFETY: between fork and exec, only async-signal-safe calls. Registered before
        // die_with_parent's, because changing credentials clears the parent-death signal.
        unsafe {
            cmd.pre_exec(move || {
                if libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(gid) != 0
                    || libc::setuid(uid) != 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    crate::spawn::die_with_parent(&mut cmd);
    cmd
}

fn last_line(text: &str) -> String {
    text.trim()
        .lines()
        .last()
        .unwrap_or("no message")
        .to_string()
}
