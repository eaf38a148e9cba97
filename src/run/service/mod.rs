//! The services a run starts for its cases — the slow server, gunicorn, a database — behind one trait
//! ([`Service`]), one file per kind, and one table in the runner ([`Services`]) keyed by what a case
//! needs ([`Need`], read off its workload). Every kind is started, checked for death, read and
//! stopped alike (DESIGN decision 15), so a new kind — a broker, a rate-limited server — is its file
//! and its line in [`Need::start`]. A service starts before the first case or probe that needs it,
//! never inside a measured repetition, serves every later one that needs the same, and stops when
//! dropped.

pub mod cluster;
pub mod gunicorn;
pub mod queue_broker;
pub mod redis;
pub mod server_group;
pub mod slow_server;
pub mod sqlite;
pub mod temp_dir;

use crate::measure::process_cpu::CpuOf;
use crate::names::{BrokerKind, ServerKind};
use crate::results::ServerObservation;
use crate::workload::{DbKind, Misbehave, Params, ServerPlan};
use std::path::Path;
use std::process::Child;

/// A service as the runner sees it. Dropping it stops it: its process ends and is reaped, its files
/// are removed.
pub trait Service {
    /// What messages call it: `the slow server`, `gunicorn`, `PostgreSQL`.
    fn name(&self) -> &'static str;

    /// Where cases reach it: a server's base URL, a database's file or connection string.
    fn url(&self) -> &str;

    /// Its process, when it is one: its pid names it in messages, and its exit is the service's death.
    fn process(&mut self) -> Option<&mut Child> {
        None
    }

    /// Whose CPU time around a repetition is the service's CPU of the sample: by default its process
    /// and every process below it (gunicorn's workers, PostgreSQL's backends — their master's own
    /// figure would pass for the whole and understate it), never counted as the machine's noise.
    fn cpu(&mut self) -> Option<CpuOf> {
        self.pid().map(CpuOf::Tree)
    }

    /// Its counters, when it keeps any: reset before each repetition, read after it.
    fn counters(&self) -> Option<&dyn Counters> {
        None
    }

    /// Its pid, when it is a process.
    fn pid(&mut self) -> Option<u32> {
        self.process().map(|c| c.id())
    }

    /// Whether it still runs: a process that has not exited. What is no process cannot die.
    fn alive(&mut self) -> bool {
        self.process()
            .is_none_or(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// The death check before a repetition: a case run against a dead service would only count
    /// connection failures, so it fails instead, naming what died: `the slow server (pid 12) is gone`.
    fn check(&mut self) -> anyhow::Result<()> {
        anyhow::ensure!(self.alive(), "{} is gone", self.described());
        Ok(())
    }

    /// It as messages name it: `the slow server (pid 12)`.
    fn described(&mut self) -> String {
        match self.pid() {
            Some(pid) => format!("{} (pid {pid})", self.name()),
            None => self.name().to_string(),
        }
    }
}

/// What a service counts of the requests it serves, read around each repetition (the slow server's
/// `/stats`): what the server saw, beside what the case measured.
pub trait Counters {
    /// Zero them, before a repetition.
    fn reset(&self) -> anyhow::Result<()>;
    /// What they counted since the reset.
    fn read(&self) -> anyhow::Result<ServerObservation>;
}

/// What a case or probe needs started: the key of the run's services, one service per distinct need.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Need {
    /// The server its requests go to: which program, its workers and delay, its misbehaviour (a
    /// server that fails tasks is not one that does not), and the processes it runs as (1: one; more:
    /// the unbounded slow server spread over processes sharing its port, `server_group`).
    Server(ServerKind, ServerPlan, Option<Misbehave>, usize),
    /// The database it writes to.
    Database(DbKind),
    /// The broker its workers pull tasks from (queue-workers).
    Broker(BrokerKind),
}

/// What starting a service may take from the run.
pub struct Setup<'a> {
    /// The concbench binary: the slow server is it, re-executed.
    pub exe: &'a Path,
    /// CPUs the server is pinned to (`--cpus`); None = wherever the harness may run.
    pub server_cpus: Option<&'a [usize]>,
    /// The key a broker requires of every connection.
    pub broker_key: &'a str,
    /// Where a broker listens (`--broker-listen`); None = 127.0.0.1.
    pub broker_listen: Option<std::net::IpAddr>,
}

impl Need {
    /// What a workload needs started, read off its parameters: the server its requests go to, else the
    /// database it writes to; None when it needs neither (or brings its own, given by URL).
    pub fn of(workload: &Params) -> Option<Need> {
        match workload.describe().server() {
            Some(plan) => Some(Need::Server(
                workload.server_kind(),
                plan,
                workload
                    .describe()
                    .io()
                    .and_then(|io| io.misbehaviour.as_deref().cloned()),
                workload.describe().server_processes(),
            )),
            None => workload.describe().database().map(Need::Database),
        }
    }

    /// The broker a case's workers pull from, read off the case (its model and `--broker`).
    pub fn broker(case: &crate::plan::Case) -> Option<Need> {
        case.broker.map(Need::Broker)
    }

    /// Start the service: the registry, one line per kind.
    pub fn start(self, setup: &Setup) -> anyhow::Result<Box<dyn Service>> {
        Ok(match self {
            Need::Server(ServerKind::Concbench, plan, odd, 1) => {
                Box::new(slow_server::ServerChild::start(
                    setup.exe,
                    plan,
                    odd.as_ref(),
                    setup.server_cpus,
                    0,
                )?)
            }
            Need::Server(ServerKind::Concbench, plan, odd, processes) => {
                Box::new(server_group::ServerGroup::start(
                    setup.exe,
                    plan,
                    odd.as_ref(),
                    setup.server_cpus,
                    processes,
                )?)
            }
            Need::Server(ServerKind::Gunicorn, plan, odd, processes) => {
                anyhow::ensure!(processes == 1, "gunicorn is not spread over processes");
                // The flags refuse it; a result file edited by hand must not pass for a misbehaviour.
                anyhow::ensure!(odd.is_none(), "gunicorn cannot misbehave on purpose");
                Box::new(gunicorn::GunicornChild::launch(plan)?)
            }
            Need::Database(DbKind::Sqlite) => Box::new(sqlite::SqliteDir::start()?),
            Need::Database(DbKind::Postgres) => Box::new(cluster::Cluster::start()?),
            Need::Broker(BrokerKind::Own) => {
                Box::new(crate::model::own_broker::BrokerChild::start(
                    setup.exe,
                    setup.broker_key,
                    setup.broker_listen,
                )?)
            }
            Need::Broker(BrokerKind::Redis) => Box::new(redis::RedisChild::start(
                setup.broker_key,
                setup.broker_listen,
            )?),
        })
    }

    /// What a run's errors call it: `server w3`, `server w0 ×7` (over 7 processes), `gunicorn w3`,
    /// `database postgres`.
    pub fn label(&self) -> String {
        let over = |n: usize| match n > 1 {
            true => format!(" ×{n}"),
            false => String::new(),
        };
        match self {
            Need::Server(ServerKind::Concbench, plan, _, n) => {
                format!("server w{}{}", plan.workers, over(*n))
            }
            Need::Server(kind, plan, _, n) => format!("{kind} w{}{}", plan.workers, over(*n)),
            Need::Database(kind) => format!("database {kind}"),
            Need::Broker(kind) => format!("broker {kind}"),
        }
    }
}

/// The services a run started, each once, in the order they started (which is the order they stop).
#[derive(Default)]
pub struct Services {
    started: Vec<(Need, Box<dyn Service>)>,
}

impl Services {
    /// The service `need` names, started by `start` if nothing needed it before.
    pub fn get_or_start(
        &mut self,
        need: Need,
        start: impl FnOnce(Need) -> anyhow::Result<Box<dyn Service>>,
    ) -> anyhow::Result<&mut dyn Service> {
        let at = match self.started.iter().position(|(n, _)| *n == need) {
            Some(at) => at,
            None => {
                let service = start(need.clone())?;
                self.started.push((need, service));
                self.started.len() - 1
            }
        };
        Ok(self.started[at].1.as_mut())
    }

    /// The service `need` names, when it was started.
    pub fn get_mut(&mut self, need: &Need) -> Option<&mut dyn Service> {
        self.started
            .iter_mut()
            .find(|(n, _)| n == need)
            .map(|(_, s)| s.as_mut() as &mut dyn Service)
    }

    /// The services that died, as the run's errors: what it calls each, and what happened to it.
    pub fn dead(&mut self) -> Vec<(String, String)> {
        self.started
            .iter_mut()
            .filter_map(|(need, s)| {
                let what = (!s.alive()).then(|| s.described())?;
                Some((need.label(), format!("{what} died during the run")))
            })
            .collect()
    }

    /// Stop every service now, in the order they started.
    pub fn stop(&mut self) {
        // A Vec drops its elements front to back.
        self.started.clear();
    }
}

/// How a service's process ended, in the words every child's end is said in: `exited with 1`, `was
/// killed by signal 9 (KILL)`.
pub fn ended(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    crate::measure::rusage::describe(status.into_raw())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{CpuParams, Describe, IoParams};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    /// A service whose process is `sh`, kept alive or let exit.
    struct Fake {
        name: &'static str,
        child: Child,
    }

    impl Fake {
        fn new(name: &'static str, script: &str) -> Fake {
            let child = Command::new("sh")
                .args(["-c", script])
                .stdin(Stdio::null())
                .spawn()
                .unwrap();
            Fake { name, child }
        }
    }

    impl Service for Fake {
        fn name(&self) -> &'static str {
            self.name
        }
        fn url(&self) -> &str {
            "http://127.0.0.1:1"
        }
        fn process(&mut self) -> Option<&mut Child> {
            Some(&mut self.child)
        }
    }

    impl Drop for Fake {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// A service with no process: a directory.
    struct Files;

    impl Service for Files {
        fn name(&self) -> &'static str {
            "SQLite"
        }
        fn url(&self) -> &str {
            "/tmp/nowhere"
        }
    }

    fn plan(workers: usize) -> ServerPlan {
        ServerPlan {
            workers,
            delay: Duration::from_millis(100),
        }
    }

    /// Wait until `s` has exited (a shell that exits at once may not have yet).
    fn until_dead(s: &mut dyn Service) {
        let t0 = std::time::Instant::now();
        while s.alive() {
            assert!(t0.elapsed() < Duration::from_secs(10), "sh did not exit");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_dead_service_is_reported_by_name_and_pid() {
        let mut services = Services::default();
        let server = Need::Server(ServerKind::Concbench, plan(3), None, 1);
        let gunicorn = Need::Server(ServerKind::Gunicorn, plan(2), None, 1);
        services
            .get_or_start(server.clone(), |_| {
                Ok(Box::new(Fake::new("the slow server", "exit 0")))
            })
            .unwrap();
        services
            .get_or_start(gunicorn.clone(), |_| {
                Ok(Box::new(Fake::new("gunicorn", "sleep 30")))
            })
            .unwrap();
        let dead = services.get_mut(&server).unwrap();
        let pid = dead.pid().unwrap();
        until_dead(dead);
        let err = dead.check().unwrap_err().to_string();
        assert_eq!(err, format!("the slow server (pid {pid}) is gone"));
        services.get_mut(&gunicorn).unwrap().check().unwrap();
        assert_eq!(
            services.dead(),
            vec![(
                "server w3".to_string(),
                format!("the slow server (pid {pid}) died during the run")
            )],
            "the living gunicorn is not reported"
        );
        services.stop();
        assert!(services.get_mut(&gunicorn).is_none(), "stopped and gone");
    }

    #[test]
    fn what_is_no_process_cannot_die() {
        let mut files = Files;
        assert!(files.alive());
        assert_eq!(files.pid(), None);
        assert_eq!(files.described(), "SQLite");
        let mut services = Services::default();
        services
            .get_or_start(Need::Database(DbKind::Sqlite), |_| Ok(Box::new(Files)))
            .unwrap();
        assert!(services.dead().is_empty());
    }

    #[test]
    fn a_need_is_started_once_and_a_failed_start_keeps_nothing() {
        let mut services = Services::default();
        let need = Need::Server(ServerKind::Concbench, plan(3), None, 1);
        let mut starts = 0;
        for _ in 0..3 {
            let url = services
                .get_or_start(need.clone(), |_| {
                    starts += 1;
                    Ok(Box::new(Fake::new("the slow server", "sleep 30")))
                })
                .unwrap()
                .url()
                .to_string();
            assert_eq!(url, "http://127.0.0.1:1");
        }
        assert_eq!(starts, 1, "one service per need");
        let other = Need::Server(ServerKind::Concbench, plan(4), None, 1);
        let err = services
            .get_or_start(other.clone(), |_| anyhow::bail!("cannot start"))
            .err()
            .unwrap();
        assert_eq!(err.to_string(), "cannot start");
        assert!(
            services.get_mut(&other).is_none(),
            "a failed start is no service"
        );
    }

    #[test]
    fn the_need_is_read_off_the_workload() {
        let io = IoParams::new(plan(3));
        assert_eq!(
            Need::of(&Params::Io(io.clone())),
            Some(Need::Server(ServerKind::Concbench, plan(3), None, 1))
        );
        let gunicorn = IoParams {
            server: ServerKind::Gunicorn,
            ..io
        };
        assert_eq!(
            Need::of(&Params::Io(gunicorn)),
            Some(Need::Server(ServerKind::Gunicorn, plan(3), None, 1))
        );
        assert_eq!(Need::of(&Params::Cpu(CpuParams { cpu_iters: 10 })), None);
        // A server spread over processes is another need than the same server in one.
        let mut spread = IoParams::new(plan(0));
        spread.set_server_processes(7);
        let need = Need::of(&Params::Io(spread)).unwrap();
        assert_eq!(need, Need::Server(ServerKind::Concbench, plan(0), None, 7));
        assert_ne!(need, Need::of(&Params::Io(IoParams::new(plan(0)))).unwrap());
        assert_eq!(need.label(), "server w0 ×7");
        assert_eq!(
            Need::Server(ServerKind::Gunicorn, plan(2), None, 1).label(),
            "gunicorn w2"
        );
        assert_eq!(
            Need::Database(DbKind::Postgres).label(),
            "database postgres"
        );
    }
}
