//! `queue-workers`: k worker processes (`concbench worker`, children of the case process) that connect
//! to a broker over TCP, each from a loopback address of its own (127.0.0.2, .3, ...: a host each),
//! pull the tasks this process submits, run them and push their answers back — Celery's and RQ's
//! shape, and the article's `BaseManager` served on a port with an auth key. The broker is the run's
//! (`--broker own|redis`); a job given none (a test, a bench) gets a private own broker. Setup is
//! starting the k workers until each has joined the job; the makespan starts as every task is
//! submitted at once.
//!
//! Each task's record starts when its worker took it and ends when its answer reached this process.
//! Its hop is one round trip through the queue: from the worker being free for it (its previous
//! answer sent, or the submission) to taking it, plus from its answer sent to this process reading
//! it — read on the machine's one CLOCK_MONOTONIC on both sides, since the worker may take its next
//! task before this process has read its last answer. process-pool's hop (dispatch over pipes to
//! answer read, less the run) is the same round trip, so the two compare. A worker child that exits is replaced; its task is requeued once (by the own broker,
//! which sees the connection drop; with Redis by this process, which finds the task in the worker's
//! running list) and fails as `worker-lost` the second time.

use super::footprint::{Holds, PROCESS};
use super::own_broker::BrokerChild;
use super::queue_protocol::{
    self as proto, redis_keys, Answer, BrokerAddr, FromBroker, JobSpec, RedisJob, ToBroker,
};
use super::queue_worker::WorkerArgs;
use super::resp::Resp;
use super::{Execution, Job, Lanes, Model, TaskRecord};
use crate::ledger::clock::now_ns;
use crate::measure::rusage;
use crate::names::{BrokerKind, FailureKind};
use crate::results::WorkerUsage;
use crate::workload::TaskResult;
use anyhow::{bail, Context};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct QueueWorkers;

impl Model for QueueWorkers {
    fn about(&self) -> &'static str {
        "k worker processes pulling tasks from a broker over TCP, --broker own|redis (--limit k)"
    }
    fn takes_limit(&self) -> bool {
        true
    }
    fn pulls_from_broker(&self) -> bool {
        true
    }
    fn lanes(&self, tasks: usize, limit: usize, _per_worker: usize, _cores: usize) -> Lanes {
        Lanes::bounded(tasks, limit)
    }
    fn holds(&self, _tasks: usize, limit: usize, _per_worker: usize) -> Holds {
        Holds::blocking(vec![(PROCESS, limit)])
    }
    fn run(&self, job: &Job) -> anyhow::Result<Execution> {
        let setup_start = Instant::now();
        let mut private = None;
        let broker = match &job.broker {
            Some(b) => b.clone(),
            None => {
                let key = proto::fresh_key();
                let b = BrokerChild::start(&job.exe, &key, None)?;
                let addr = b.addr.clone();
                private = Some(b);
                BrokerAddr {
                    kind: BrokerKind::Own,
                    addr,
                    key,
                }
            }
        };
        let spec = JobSpec {
            params: job.params.clone(),
            url: job.url.clone(),
        };
        let ran = match broker.kind {
            BrokerKind::Own => serve(job, &broker, Own::post(&broker, spec)?, setup_start),
            BrokerKind::Redis => serve(job, &broker, Redis::post(&broker, spec)?, setup_start),
        };
        drop(private);
        ran
    }
}

/// How long the workers may take to join before the run says they did not.
const JOIN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a wait for an answer lasts before the workers are looked at.
const SLICE: Duration = Duration::from_millis(20);
/// How long the workers may take to exit once their job ended, before they are killed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The submitter's side of a broker.
trait Queue {
    /// A worker that joined the job, within `wait`.
    fn joined(&mut self, wait: Duration) -> anyhow::Result<Option<String>>;
    /// Queue tasks 0..n, all at once.
    fn submit(&mut self, n: usize) -> anyhow::Result<()>;
    /// The next answer, within `wait`.
    fn answer(&mut self, wait: Duration) -> anyhow::Result<Option<Answer>>;
    /// The tasks a worker that exited still held, for the submitter to requeue or fail (Redis); the
    /// own broker saw its connection drop and did it already (none).
    fn held_by(&mut self, worker: &str) -> anyhow::Result<Vec<u64>>;
    /// Queue a lost task again, to be taken next.
    fn requeue(&mut self, task: u64) -> anyhow::Result<()>;
    /// The job is over: tell its workers.
    fn end(&mut self, workers: usize) -> anyhow::Result<()>;
}

/// Run the job through `queue`: start the workers, wait until each joined (setup), submit every
/// task, collect every answer, replacing workers that exit, then end the job and reap them.
fn serve(
    job: &Job,
    broker: &BrokerAddr,
    mut queue: impl Queue,
    setup_start: Instant,
) -> anyhow::Result<Execution> {
    let k = job.limit.max(1);
    let mut crew = Crew::new(job, broker, k);
    for slot in 0..k {
        crew.spawn(slot)?;
    }
    let mut joined = 0;
    let since = Instant::now();
    while joined < k {
        if queue.joined(SLICE)?.is_some() {
            joined += 1;
        }
        if let Some(why) = crew.early_exit() {
            bail!("a queue worker exited before it joined the job: {why}");
        }
        anyhow::ensure!(
            since.elapsed() < JOIN_TIMEOUT,
            "{joined} of {k} queue workers joined within {JOIN_TIMEOUT:?}"
        );
    }
    let setup = setup_start.elapsed();
    let t0 = Instant::now();
    let t0_ns = now_ns();
    queue.submit(job.tasks)?;
    let n = job.tasks;
    let mut records: Vec<Option<TaskRecord>> = vec![None; n];
    let mut hops: Vec<Option<Duration>> = vec![None; n];
    let mut handed = vec![1u32; n];
    // When each worker was last free (its last answer sent), CLOCK_MONOTONIC ns.
    let mut free_at: HashMap<String, u64> = HashMap::new();
    // A CLOCK_MONOTONIC reading as a record's offset from t0 (none: t0), within the task's end.
    let since_t0 = |ns: Option<u64>, end: Duration| {
        Duration::from_nanos(ns.unwrap_or(t0_ns).saturating_sub(t0_ns)).min(end)
    };
    let mut settled = 0;
    while settled < n {
        if let Some(a) = queue.answer(SLICE)? {
            let Some(slot) = records.get_mut(a.task as usize).filter(|r| r.is_none()) else {
                // A task answered twice (its worker died between answering and saying so): the
                // first answer stands.
                continue;
            };
            let (end, seen_ns) = (t0.elapsed(), now_ns());
            let start = match a.ran {
                Some(ran) => {
                    let free = free_at.insert(a.worker.clone(), ran.done_ns);
                    let free = free.unwrap_or(t0_ns).max(t0_ns);
                    let handing = ran.taken_ns.saturating_sub(free);
                    let back = seen_ns.saturating_sub(ran.done_ns);
                    hops[a.task as usize] = Some(Duration::from_nanos(handing + back));
                    since_t0(Some(ran.taken_ns), end)
                }
                // Lost with its worker: since the worker was last free.
                None => since_t0(free_at.get(&a.worker).copied(), end),
            };
            *slot = Some(TaskRecord {
                start,
                end,
                result: a.result,
                marks: Default::default(),
                attempts: if a.attempts > 0 {
                    a.attempts
                } else {
                    handed[a.task as usize]
                },
            });
            settled += 1;
            continue;
        }
        for (slot, name) in crew.exited() {
            for task in queue.held_by(&name)? {
                let t = task as usize;
                if records.get(t).is_none_or(|r| r.is_some()) {
                    continue;
                }
                if handed[t] < 2 {
                    handed[t] += 1;
                    queue.requeue(task)?;
                } else {
                    let end = t0.elapsed();
                    records[t] = Some(TaskRecord {
                        start: since_t0(free_at.get(&name).copied(), end),
                        end,
                        result: TaskResult::failed(FailureKind::WorkerLost),
                        marks: Default::default(),
                        attempts: handed[t],
                    });
                    settled += 1;
                }
            }
            // A fresh worker takes its place, as in process-pool; bounded, so a worker that cannot
            // live ends the run instead of restarting forever.
            anyhow::ensure!(
                crew.started < 2 * (n + k),
                "queue workers keep exiting ({} started); see their messages above",
                crew.started
            );
            crew.spawn(slot)?;
        }
    }
    queue.end(k)?;
    let usage = crew.finish();
    let records: Vec<TaskRecord> = records
        .into_iter()
        .map(|r| r.expect("every task settled"))
        .collect();
    Ok(Execution {
        workers: Some(usage),
        pool: Some(k),
        spawned: Some((k, setup)),
        t0_ns: 0,
        hops: Some(hops),
        ..Execution::of(setup, records)
    })
}

/// The worker children: k slots, each refilled when its worker exits.
struct Crew<'a> {
    job: &'a Job,
    broker: &'a BrokerAddr,
    live: Vec<Option<(String, Child)>>,
    usage: WorkerUsage,
    started: usize,
}

impl<'a> Crew<'a> {
    fn new(job: &'a Job, broker: &'a BrokerAddr, k: usize) -> Crew<'a> {
        Crew {
            job,
            broker,
            live: (0..k).map(|_| None).collect(),
            usage: WorkerUsage::default(),
            started: 0,
        }
    }

    /// The source address of slot `slot`'s worker: 127.0.0.2 and up when the broker is on loopback.
    fn source(&self, slot: usize) -> Option<IpAddr> {
        let to: SocketAddr = self.broker.addr.parse().ok()?;
        to.ip()
            .is_loopback()
            .then(|| IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + (slot % 253) as u8)))
    }

    fn spawn(&mut self, slot: usize) -> anyhow::Result<()> {
        self.started += 1;
        let name = format!("w{}.{}", slot + 1, self.started);
        let mut cmd = Command::new(&self.job.exe);
        cmd.args(WorkerArgs::child(self.broker, &name, self.source(slot)))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        crate::spawn::die_with_parent(&mut cmd);
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start a queue worker ({})", self.job.exe.display()))?;
        self.live[slot] = Some((name, child));
        Ok(())
    }

    /// The workers that exited, reaped (their usage counted): slot and name.
    fn exited(&mut self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (slot, live) in self.live.iter_mut().enumerate() {
            if live.as_ref().is_some_and(|(_, c)| has_exited(c.id())) {
                let (name, child) = live.take().expect("checked");
                if let Ok((_, u)) = rusage::wait(child.id()) {
                    self.usage.add(&u);
                }
                out.push((slot, name));
            }
        }
        out
    }

    /// How a worker that exited before its job began ended, if one did.
    fn early_exit(&mut self) -> Option<String> {
        let (_, child) = self
            .live
            .iter_mut()
            .flatten()
            .find(|(_, c)| has_exited(c.id()))?;
        Some(match child.wait() {
            Ok(status) => format!("{status}"),
            Err(e) => e.to_string(),
        })
    }

    /// Wait for every worker to exit (killing any still running after [`EXIT_TIMEOUT`]) and reap it.
    fn finish(mut self) -> WorkerUsage {
        let until = Instant::now() + EXIT_TIMEOUT;
        while self.live.iter().flatten().any(|(_, c)| !has_exited(c.id())) && Instant::now() < until
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        for (_, mut child) in self.live.iter_mut().filter_map(Option::take) {
            if !has_exited(child.id()) {
                let _ = child.kill();
            }
            if let Ok((_, u)) = rusage::wait(child.id()) {
                self.usage.add(&u);
            }
        }
        self.usage
    }
}

/// Whether child `pid` has exited, without reaping it (its usage is read when it is reaped).
fn has_exited(pid: u32) -> bool {
    // SAFETY: waitid writes only the siginfo passed; WNOWAIT leaves the child to be reaped later.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let r = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        r == 0 && info.si_pid() != 0
    }
}

/// The own broker, as its submitter sees it.
struct Own {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
    /// A line read in part when a wait ran out.
    partial: Vec<u8>,
}

impl Own {
    fn post(broker: &BrokerAddr, job: JobSpec) -> anyhow::Result<Own> {
        let stream = proto::connect(&broker.addr, None)?;
        proto::authenticate(&stream, &broker.key)?;
        let mut own = Own {
            reader: BufReader::new(stream.try_clone()?),
            stream,
            partial: Vec::new(),
        };
        proto::send(&mut own.stream, &ToBroker::Post { job })?;
        match own.next(Duration::from_secs(10))? {
            Some(FromBroker::Ok) => Ok(own),
            other => bail!("the broker answered {other:?} to the job"),
        }
    }

    /// The broker's next message, within `wait`.
    fn next(&mut self, wait: Duration) -> anyhow::Result<Option<FromBroker>> {
        self.stream.set_read_timeout(Some(wait))?;
        match self.reader.read_until(b'\n', &mut self.partial) {
            Ok(0) => bail!("the broker closed the connection"),
            Ok(_) if self.partial.last() == Some(&b'\n') => {
                let line = std::mem::take(&mut self.partial);
                Ok(Some(
                    serde_json::from_slice(&line).context("a line from the broker")?,
                ))
            }
            Ok(_) => bail!("the broker closed the connection mid-line"),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                anyhow::ensure!(
                    self.partial.len() as u64 <= proto::MAX_LINE,
                    "a line from the broker past its bound"
                );
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl Queue for Own {
    fn joined(&mut self, wait: Duration) -> anyhow::Result<Option<String>> {
        match self.next(wait)? {
            Some(FromBroker::Joined { worker }) => Ok(Some(worker)),
            Some(other) => bail!("the broker sent {other:?} before the job began"),
            None => Ok(None),
        }
    }

    fn submit(&mut self, n: usize) -> anyhow::Result<()> {
        let mut lines = Vec::new();
        for task in 0..n as u64 {
            lines.extend(serde_json::to_vec(&ToBroker::Submit { task })?);
            lines.push(b'\n');
        }
        self.stream.write_all(&lines)?;
        Ok(())
    }

    fn answer(&mut self, wait: Duration) -> anyhow::Result<Option<Answer>> {
        let until = Instant::now() + wait;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.next(left.max(Duration::from_millis(1)))? {
                Some(FromBroker::Answer(a)) => return Ok(Some(a)),
                // A replacement worker joining.
                Some(FromBroker::Joined { .. }) => continue,
                Some(other) => bail!("the broker sent {other:?} mid-job"),
                None => return Ok(None),
            }
        }
    }

    fn held_by(&mut self, _worker: &str) -> anyhow::Result<Vec<u64>> {
        Ok(Vec::new())
    }

    fn requeue(&mut self, _task: u64) -> anyhow::Result<()> {
        unreachable!("the own broker requeues by itself")
    }

    fn end(&mut self, _workers: usize) -> anyhow::Result<()> {
        // Closing the connection ends the job: waiting workers are told `end`.
        self.stream.shutdown(std::net::Shutdown::Both)?;
        Ok(())
    }
}

/// Redis, as the submitter sees it: the job under a fresh id.
struct Redis {
    r: Resp,
    id: String,
}

impl Redis {
    fn post(broker: &BrokerAddr, job: JobSpec) -> anyhow::Result<Redis> {
        let mut r = Resp::connect(&broker.addr, &broker.key, None)?;
        r.set_timeout(Duration::from_secs(10))?;
        let id = proto::fresh_key()[..12].to_string();
        let posted = serde_json::to_vec(&RedisJob {
            id: id.clone(),
            job,
        })?;
        r.call(&[b"SET", redis_keys::JOB.as_bytes(), &posted])?;
        Ok(Redis { r, id })
    }

    /// A blocking pop from `list` within `wait`.
    fn pop(&mut self, list: &str, wait: Duration) -> anyhow::Result<Option<Vec<u8>>> {
        let wait = format!("{:.3}", wait.as_secs_f64());
        let popped = self
            .r
            .call(&[b"BRPOP", list.as_bytes(), wait.as_bytes()])?
            .array()?;
        match popped.map(|mut kv| kv.pop()) {
            None => Ok(None),
            Some(Some(v)) => v.bytes(),
            Some(None) => bail!("Redis answered BRPOP with an empty array"),
        }
    }
}

impl Queue for Redis {
    fn joined(&mut self, wait: Duration) -> anyhow::Result<Option<String>> {
        let list = redis_keys::joined(&self.id);
        Ok(self
            .pop(&list, wait)?
            .map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    fn submit(&mut self, n: usize) -> anyhow::Result<()> {
        let tasks = redis_keys::tasks(&self.id);
        let numbers: Vec<String> = (0..n).map(|t| t.to_string()).collect();
        // In chunks, so no one command is huge; LPUSH then BLMOVE from the right: first in, first out.
        for chunk in numbers.chunks(1000) {
            let mut args: Vec<&[u8]> = vec![b"LPUSH", tasks.as_bytes()];
            args.extend(chunk.iter().map(|s| s.as_bytes()));
            self.r.call(&args)?;
        }
        Ok(())
    }

    fn answer(&mut self, wait: Duration) -> anyhow::Result<Option<Answer>> {
        let list = redis_keys::answers(&self.id);
        match self.pop(&list, wait)? {
            Some(bytes) => Ok(Some(
                serde_json::from_slice(&bytes).context("an answer in Redis")?,
            )),
            None => Ok(None),
        }
    }

    fn held_by(&mut self, worker: &str) -> anyhow::Result<Vec<u64>> {
        let running = redis_keys::running(&self.id, worker);
        let held = self
            .r
            .call(&[b"LRANGE", running.as_bytes(), b"0", b"-1"])?
            .array()?
            .unwrap_or_default();
        self.r.call(&[b"DEL", running.as_bytes()])?;
        Ok(held
            .into_iter()
            .filter_map(|v| v.bytes().ok().flatten())
            .filter_map(|b| String::from_utf8(b).ok()?.parse().ok())
            .collect())
    }

    fn requeue(&mut self, task: u64) -> anyhow::Result<()> {
        let tasks = redis_keys::tasks(&self.id);
        // The right end: taken next.
        self.r
            .call(&[b"RPUSH", tasks.as_bytes(), task.to_string().as_bytes()])?;
        Ok(())
    }

    fn end(&mut self, workers: usize) -> anyhow::Result<()> {
        let tasks = redis_keys::tasks(&self.id);
        let mut args: Vec<&[u8]> = vec![b"LPUSH", tasks.as_bytes()];
        args.extend((0..workers).map(|_| redis_keys::END.as_bytes()));
        self.r.call(&args)?;
        self.r.call(&[b"DEL", redis_keys::JOB.as_bytes()])?;
        Ok(())
    }
}

impl Drop for Redis {
    /// What the job left in Redis goes with it (a worker still exiting may push to `running` after;
    /// the next job's id is another).
    fn drop(&mut self) {
        let keys = [
            redis_keys::tasks(&self.id),
            redis_keys::answers(&self.id),
            redis_keys::joined(&self.id),
        ];
        let mut args: Vec<&[u8]> = vec![b"DEL"];
        args.extend(keys.iter().map(|k| k.as_bytes()));
        let _ = self.r.call(&args);
    }
}
