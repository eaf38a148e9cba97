//! What the submitter (the `queue-workers` case process), its workers and the project's own broker
//! say to each other over TCP: one JSON message per line, each line bounded, and every connection's
//! first line the shared key (a connection that does not present it is refused with one line and
//! closed). A worker learns the job — the workload's parameters and server, as a pool worker's init
//! message carries them — from the broker, so a worker on another machine needs only the broker's
//! address and the key. Redis's side of the same job (its keys and the answer a worker pushes) is
//! here too, so both brokers carry one answer type.

use crate::names::BrokerKind;
use crate::workload::{Params, TaskResult};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The longest line a peer may send: a job's parameters fit many times over.
pub const MAX_LINE: u64 = 1 << 20;
/// How long connecting to a broker may take before the worker or submitter says so.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where a case's broker is and the key it requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerAddr {
    pub kind: BrokerKind,
    /// HOST:PORT.
    pub addr: String,
    pub key: String,
}

/// The job workers are given: what a pool worker's init message holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    pub params: Params,
    /// The server io tasks go to (empty for workloads that make no requests).
    pub url: String,
}

/// Submitter or worker → the own broker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ToBroker {
    /// First line of every connection.
    Auth { key: String },
    /// The submitter: this is the job now (any earlier one ends); the broker answers `Ok`.
    Post { job: JobSpec },
    /// The submitter: queue task N.
    Submit { task: u64 },
    /// A worker: give me the job (the broker waits until there is one).
    Join { worker: String },
    /// A worker: give me the next task (the broker waits until there is one, or the job ends).
    Take,
    /// A worker: task N ended; when it took the task and when it was done with it.
    Done {
        task: u64,
        result: TaskResult,
        ran: Ran,
    },
}

/// The own broker → submitter or worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FromBroker {
    Ok,
    /// Why the connection is closed: a missing or wrong key, a message out of place.
    Refused {
        why: String,
    },
    /// To the submitter: a worker joined its job.
    Joined {
        worker: String,
    },
    /// To a worker: the job.
    Job {
        job: JobSpec,
    },
    /// To a worker: run task N.
    Task {
        task: u64,
    },
    /// To the submitter: a task settled.
    Answer(Answer),
    /// To a worker: the job is over.
    End,
}

/// A task settled, as the submitter hears of it from either broker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub task: u64,
    pub result: TaskResult,
    /// When the worker took it and was done with it (None: it was lost with its worker).
    pub ran: Option<Ran>,
    /// The worker that answered (or lost it).
    pub worker: String,
    /// Times it was handed out (1, or 2 when a lost worker's task was requeued).
    pub attempts: u32,
}

/// A task's run in its worker, on the machine's CLOCK_MONOTONIC (the ledger's clock, which the
/// submitter reads too): so the submitter can tell the queue's legs — handing the task over and
/// bringing its answer back — from the run, whichever process reads what when.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ran {
    /// The task came out of the queue into the worker.
    pub taken_ns: u64,
    /// The worker was done with it, before it sent the answer.
    pub done_ns: u64,
}

impl Ran {
    /// The worker's own time running it.
    pub fn run(&self) -> Duration {
        Duration::from_nanos(self.done_ns.saturating_sub(self.taken_ns))
    }
}

/// Write one message as a line.
pub fn send<T: Serialize>(out: &mut impl Write, msg: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(msg).expect("messages serialise");
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// Read one message: None when the peer closed cleanly before it; an error for a line past
/// [`MAX_LINE`], cut short, or not one of `T`'s messages.
pub fn receive<T: serde::de::DeserializeOwned>(
    input: &mut impl BufRead,
) -> anyhow::Result<Option<T>> {
    let mut line = Vec::new();
    let n = input
        .by_ref()
        .take(MAX_LINE + 1)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    anyhow::ensure!(
        line.last() == Some(&b'\n'),
        "a line of {n} bytes that does not end (at most {MAX_LINE})"
    );
    Ok(Some(serde_json::from_slice(&line)?))
}

/// Connect to `addr` (HOST:PORT), from `source` when given (a worker standing in for a host of its
/// own: 127.0.0.2, ...).
pub fn connect(addr: &str, source: Option<IpAddr>) -> anyhow::Result<TcpStream> {
    let to: SocketAddr = addr
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve the broker's address {addr:?} (give HOST:PORT)"))?
        .next()
        .with_context(|| format!("{addr:?} names no address"))?;
    let stream = match source {
        None => TcpStream::connect_timeout(&to, CONNECT_TIMEOUT),
        Some(ip) => {
            let socket = socket2::Socket::new(
                socket2::Domain::for_address(to),
                socket2::Type::STREAM,
                None,
            )?;
            socket
                .bind(&SocketAddr::new(ip, 0).into())
                .with_context(|| format!("cannot bind the source address {ip}"))?;
            socket
                .connect_timeout(&to.into(), CONNECT_TIMEOUT)
                .map(|()| TcpStream::from(socket))
        }
    }
    .with_context(|| format!("cannot connect to the broker at {addr}; is it running?"))?;
    // A task's answer is one small line: sent at once, not held for the next.
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Present the key on a fresh connection to the own broker; an error saying why it was refused.
pub fn authenticate(stream: &TcpStream, key: &str) -> anyhow::Result<()> {
    let mut w = stream;
    send(&mut w, &ToBroker::Auth { key: key.into() })?;
    let mut r = std::io::BufReader::new(stream);
    match receive::<FromBroker>(&mut r)? {
        Some(FromBroker::Ok) => Ok(()),
        Some(FromBroker::Refused { why }) => anyhow::bail!("the broker refused: {why}"),
        other => anyhow::bail!("the broker answered {other:?} to the key"),
    }
}

/// A fresh key: 128 bits from the kernel, as hex.
pub fn fresh_key() -> String {
    let mut bytes = [0u8; 16];
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_err()
    {
        // No /dev/urandom: a seed from the clock and pid is still no guessable constant.
        let seed = crate::rng::Rng::fresh_seed();
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..].copy_from_slice(&u64::from(std::process::id()).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The Redis keys of one job (`id` fresh per repetition), all under `concbench:`.
pub mod redis_keys {
    /// The current job: `{"id": ..., "job": JobSpec}`; workers read it first.
    pub const JOB: &str = "concbench:job";
    /// Tasks waiting: numbers, and `end` markers that tell a worker the job is over.
    pub fn tasks(id: &str) -> String {
        format!("concbench:{id}:tasks")
    }
    /// Answers: one JSON [`super::Answer`] each.
    pub fn answers(id: &str) -> String {
        format!("concbench:{id}:answers")
    }
    /// Workers that joined: their names.
    pub fn joined(id: &str) -> String {
        format!("concbench:{id}:joined")
    }
    /// The task a worker runs (the reliable-queue pattern: moved here as it is taken).
    pub fn running(id: &str, worker: &str) -> String {
        format!("concbench:{id}:running:{worker}")
    }
    /// The marker that ends a worker's job.
    pub const END: &str = "end";
}

/// The job as Redis holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisJob {
    pub id: String,
    pub job: JobSpec,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_round_trips_and_an_endless_or_unknown_one_is_refused() {
        let mut out = Vec::new();
        send(&mut out, &ToBroker::Submit { task: 7 }).unwrap();
        let got: ToBroker = receive(&mut out.as_slice()).unwrap().unwrap();
        assert_eq!(got, ToBroker::Submit { task: 7 });
        assert!(receive::<ToBroker>(&mut &b""[..]).unwrap().is_none());
        assert!(receive::<ToBroker>(&mut &b"{\"submit\":{\"task\":1}}"[..]).is_err());
        assert!(receive::<ToBroker>(&mut &b"{\"exec\":\"x\"}\n"[..]).is_err());
        let long = vec![b' '; MAX_LINE as usize + 10];
        assert!(receive::<ToBroker>(&mut long.as_slice()).is_err());
    }

    #[test]
    fn keys_are_fresh() {
        let (a, b) = (fresh_key(), fresh_key());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
