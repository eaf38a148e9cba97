//! `concbench worker`: a queue worker — connect to a broker over TCP, present the key, learn the job
//! from it (the workload's parameters and server, as a pool worker's init message carries them), and
//! pull tasks one at a time, run them (their blocking form, as a process-pool worker does) and push
//! each answer back with the worker's own run time. `queue-workers` starts k of these as its
//! children; on another machine a user starts them by hand with the broker's address and key. With
//! the own broker, a task is taken by asking for it (`Take`); with Redis, by BLMOVE from the job's
//! task list into the worker's own running list, removed from there once answered, so a worker that
//! dies leaves its task where the submitter finds it (the reliable-queue pattern).

use super::queue_protocol::{
    self as proto, redis_keys, Answer, FromBroker, JobSpec, Ran, RedisJob, ToBroker,
};
use super::resp::Resp;
use crate::ledger::clock::now_ns;
use crate::names::BrokerKind;
use crate::workload::{TaskResult, Workload};
use anyhow::{bail, Context};
use std::io::BufReader;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `concbench worker`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerArgs {
    /// The broker's address, HOST:PORT (the own broker's or Redis's, as `concbench run` started it).
    #[arg(long, value_name = "HOST:PORT")]
    pub connect: String,
    /// The key the broker requires of every connection (the run's `--key`).
    #[arg(long, value_name = "K")]
    pub key: String,
    /// Which broker it is: the project's own queue server, or Redis.
    #[arg(long, value_enum, default_value_t = BrokerKind::Own)]
    pub broker: BrokerKind,
    /// Connect from this local address (on loopback, 127.0.0.2 and up stand in for other hosts).
    #[arg(long, value_name = "IP")]
    pub source: Option<IpAddr>,
    /// Its name in the broker's answers (default: host name and pid).
    #[arg(long)]
    pub name: Option<String>,
    /// Serve one job, then exit (how the harness's own workers run); by default it serves job after
    /// job until the broker goes away or it is stopped.
    #[arg(long)]
    pub once: bool,
}

impl WorkerArgs {
    /// The arguments of a worker the harness starts.
    pub fn child(broker: &proto::BrokerAddr, name: &str, source: Option<IpAddr>) -> Vec<String> {
        let mut args = vec![
            "worker".into(),
            "--connect".into(),
            broker.addr.clone(),
            "--key".into(),
            broker.key.clone(),
            "--broker".into(),
            broker.kind.name().into(),
            "--name".into(),
            name.into(),
            "--once".into(),
        ];
        if let Some(ip) = source {
            args.extend(["--source".into(), ip.to_string()]);
        }
        args
    }
}

/// Run a worker until its job (or, without `--once`, its broker) ends.
pub fn worker_main(args: &WorkerArgs) -> anyhow::Result<()> {
    let name = args.name.clone().unwrap_or_else(default_name);
    match args.broker {
        BrokerKind::Own => own(args, &name),
        BrokerKind::Redis => redis(args, &name),
    }
}

fn default_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    format!("{}-{}", host.trim(), std::process::id())
}

/// Build the job's workload, as a pool worker's initializer does.
fn build(job: &JobSpec) -> anyhow::Result<Arc<dyn Workload>> {
    job.params
        .describe()
        .build(&job.url)
        .context("cannot build the job's workload")
}

/// Run one task just taken; a panic fails it alone. Its result, and when it ran.
fn run_one(workload: &dyn Workload, task: u64) -> (TaskResult, Ran) {
    let taken_ns = now_ns();
    let r = super::timed(Instant::now(), || {
        workload.blocking_with(task, Vec::new()).0
    });
    let done_ns = now_ns();
    (r.result, Ran { taken_ns, done_ns })
}

fn own(args: &WorkerArgs, name: &str) -> anyhow::Result<()> {
    let stream = proto::connect(&args.connect, args.source)?;
    proto::authenticate(&stream, &args.key)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut w = &stream;
    let mut next = || -> anyhow::Result<FromBroker> {
        proto::receive::<FromBroker>(&mut reader)?.context("the broker closed the connection")
    };
    loop {
        let join = ToBroker::Join {
            worker: name.into(),
        };
        proto::send(&mut w, &join)?;
        let job = match next()? {
            FromBroker::Job { job } => job,
            other => bail!("the broker answered {other:?} to join"),
        };
        let workload = build(&job)?;
        loop {
            proto::send(&mut w, &ToBroker::Take)?;
            match next()? {
                FromBroker::Task { task } => {
                    let (result, ran) = run_one(workload.as_ref(), task);
                    let done = ToBroker::Done { task, result, ran };
                    proto::send(&mut w, &done)?;
                }
                FromBroker::End => break,
                other => bail!("the broker answered {other:?} to take"),
            }
        }
        if args.once {
            return Ok(());
        }
    }
}

/// How long a BLMOVE waits before the worker looks whether its job is still the current one.
const POLL: Duration = Duration::from_millis(500);

fn redis(args: &WorkerArgs, name: &str) -> anyhow::Result<()> {
    let mut r = Resp::connect(&args.connect, &args.key, args.source)?;
    r.set_timeout(POLL * 4)?;
    loop {
        let job = wait_for_job(&mut r, None)?;
        serve_redis_job(&mut r, &job, name)?;
        if args.once {
            return Ok(());
        }
        // The next job is another id: wait for it.
        wait_for_job(&mut r, Some(&job.id))?;
    }
}

/// The current job (not `done`, the one just served), polled until there is one.
fn wait_for_job(r: &mut Resp, done: Option<&str>) -> anyhow::Result<RedisJob> {
    loop {
        if let Some(bytes) = r.call(&[b"GET", redis_keys::JOB.as_bytes()])?.bytes()? {
            let job: RedisJob = serde_json::from_slice(&bytes).context("the job in Redis")?;
            if Some(job.id.as_str()) != done {
                return Ok(job);
            }
        }
        std::thread::sleep(POLL);
    }
}

fn serve_redis_job(r: &mut Resp, job: &RedisJob, name: &str) -> anyhow::Result<()> {
    let workload = build(&job.job)?;
    let (tasks, running) = (
        redis_keys::tasks(&job.id),
        redis_keys::running(&job.id, name),
    );
    r.call(&[
        b"RPUSH",
        redis_keys::joined(&job.id).as_bytes(),
        name.as_bytes(),
    ])?;
    let poll = format!("{}", POLL.as_secs_f64());
    loop {
        let taken = r
            .call(&[
                b"BLMOVE",
                tasks.as_bytes(),
                running.as_bytes(),
                b"RIGHT",
                b"LEFT",
                poll.as_bytes(),
            ])?
            .bytes()?;
        let Some(item) = taken else {
            // Nothing for a while: the job may be over (its key gone or replaced).
            let current = r.call(&[b"GET", redis_keys::JOB.as_bytes()])?.bytes()?;
            let still = current
                .and_then(|b| serde_json::from_slice::<RedisJob>(&b).ok())
                .is_some_and(|j| j.id == job.id);
            if still {
                continue;
            }
            return Ok(());
        };
        if item == redis_keys::END.as_bytes() {
            r.call(&[b"LREM", running.as_bytes(), b"1", &item])?;
            return Ok(());
        }
        let task: u64 = std::str::from_utf8(&item)
            .ok()
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("a task {:?} in Redis", String::from_utf8_lossy(&item)))?;
        let (result, ran) = run_one(workload.as_ref(), task);
        let answer = Answer {
            task,
            result,
            ran: Some(ran),
            worker: name.into(),
            // The submitter counts the times it handed a task out.
            attempts: 0,
        };
        let answer = serde_json::to_vec(&answer).expect("answers serialise");
        r.call(&[b"RPUSH", redis_keys::answers(&job.id).as_bytes(), &answer])?;
        r.call(&[b"LREM", running.as_bytes(), b"1", &item])?;
    }
}
