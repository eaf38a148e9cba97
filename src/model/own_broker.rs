//! The project's own queue server, `concbench __broker`: a TCP listener (127.0.0.1:0 unless told
//! otherwise) that prints one ready line with its address, requires the shared key as every
//! connection's first line (refusing, with one line, and closing any connection without it), and
//! serves one job at a time: the submitter posts the job and its tasks, workers join it and take
//! tasks one at a time, and their answers go back to the submitter. It keeps each worker
//! connection's task in progress, so a worker whose connection drops mid-task has that task requeued
//! once; lost a second time, the task fails as `worker-lost`. A thread per connection, one lock over
//! the queue: small, and its CPU is the broker's (read beside every repetition). It exits when its
//! stdin closes (the harness is gone) and dies with its parent.

use super::queue_protocol::{self as proto, Answer, FromBroker, JobSpec, ToBroker};
use crate::names::FailureKind;
use crate::workload::TaskResult;
use anyhow::{bail, Context};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The environment variable the broker's key is handed in (kept out of its command line, which any
/// user of the machine can read).
pub const KEY_ENV: &str = "CONCBENCH_BROKER_KEY";
/// How long a new connection may take to present its key.
const KEY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a wait for a job or a task sleeps before it looks again (a notify wakes it sooner).
const WAKE: Duration = Duration::from_millis(500);
/// How long the broker may take to print its ready line.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// The ready line.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ready {
    /// HOST:PORT it listens on.
    pub addr: String,
}

/// Entry point of `concbench __broker [--listen IP]`; returns the exit code.
pub fn broker_main(args: &[String]) -> i32 {
    let listen: IpAddr = match args {
        [] => IpAddr::from([127, 0, 0, 1]),
        [flag, ip] if flag == "--listen" => match ip.parse() {
            Ok(ip) => ip,
            Err(e) => {
                eprintln!("concbench broker: --listen {ip:?}: {e}");
                return 2;
            }
        },
        _ => {
            eprintln!("concbench broker: usage: __broker [--listen IP] (key in {KEY_ENV})");
            return 2;
        }
    };
    let Some(key) = std::env::var(KEY_ENV).ok().filter(|k| !k.is_empty()) else {
        eprintln!("concbench broker: no key: set {KEY_ENV}");
        return 2;
    };
    match serve(listen, key) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("concbench broker: {e:#}");
            1
        }
    }
}

fn serve(listen: IpAddr, key: String) -> anyhow::Result<()> {
    let listener =
        TcpListener::bind((listen, 0)).with_context(|| format!("cannot bind {listen}"))?;
    let ready = Ready {
        addr: listener.local_addr()?.to_string(),
    };
    println!("{}", serde_json::to_string(&ready)?);
    // The harness holds our stdin: when it closes, the harness is gone, and so are we.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    let shared = Arc::new(Shared {
        key,
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
    });
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        std::thread::spawn(move || {
            let _ = connection(&shared, stream);
        });
    }
    Ok(())
}

struct Shared {
    key: String,
    state: Mutex<State>,
    /// Notified (all waiters: a worker waiting to join and one waiting for a task share it) when a
    /// job is posted or ends, and when a task is queued.
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Jobs posted so far: the current one's number.
    posted: u64,
    job: Option<Live>,
}

/// The current job.
struct Live {
    number: u64,
    spec: JobSpec,
    queue: VecDeque<u64>,
    /// Per task, the times it was handed to a worker.
    handed: HashMap<u64, u32>,
    /// Where answers go.
    submitter: TcpStream,
}

impl Live {
    fn answer(&self, answer: Answer) {
        // A submitter that went away has ended the job: nothing to tell.
        let _ = proto::send(&mut &self.submitter, &FromBroker::Answer(answer));
    }
}

fn refuse(stream: &TcpStream, why: &str) -> anyhow::Result<()> {
    let _ = proto::send(&mut &*stream, &FromBroker::Refused { why: why.into() });
    bail!("{why}")
}

fn connection(shared: &Shared, stream: TcpStream) -> anyhow::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(KEY_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    match proto::receive::<ToBroker>(&mut reader) {
        Ok(Some(ToBroker::Auth { key })) if key == shared.key => {}
        Ok(Some(ToBroker::Auth { .. })) => return refuse(&stream, "wrong key"),
        Ok(None) => return Ok(()),
        _ => return refuse(&stream, "a connection's first line must be its key (--key)"),
    }
    stream.set_read_timeout(None)?;
    proto::send(&mut &stream, &FromBroker::Ok)?;
    match proto::receive::<ToBroker>(&mut reader)? {
        Some(ToBroker::Post { job }) => submitter(shared, reader, &stream, job),
        Some(ToBroker::Join { worker }) => worker_conn(shared, reader, &stream, worker),
        Some(other) => refuse(&stream, &format!("{other:?} before post or join")),
        None => Ok(()),
    }
}

/// A submitter's connection: the job lasts as long as it does.
fn submitter(
    shared: &Shared,
    mut reader: impl BufRead,
    stream: &TcpStream,
    spec: JobSpec,
) -> anyhow::Result<()> {
    let number = {
        let mut state = shared.state.lock().unwrap();
        state.posted += 1;
        let number = state.posted;
        state.job = Some(Live {
            number,
            spec,
            queue: VecDeque::new(),
            handed: HashMap::new(),
            submitter: stream.try_clone()?,
        });
        proto::send(&mut &*stream, &FromBroker::Ok)?;
        number
    };
    shared.changed.notify_all();
    let ended = loop {
        match proto::receive::<ToBroker>(&mut reader) {
            Ok(Some(ToBroker::Submit { task })) => {
                let mut state = shared.state.lock().unwrap();
                if let Some(live) = state.job.as_mut().filter(|l| l.number == number) {
                    live.queue.push_back(task);
                }
                drop(state);
                shared.changed.notify_all();
            }
            Ok(None) => break Ok(()),
            Ok(Some(other)) => break refuse(stream, &format!("{other:?} from a submitter")),
            Err(e) => break Err(e),
        }
    };
    let mut state = shared.state.lock().unwrap();
    if state.job.as_ref().is_some_and(|l| l.number == number) {
        state.job = None;
    }
    drop(state);
    shared.changed.notify_all();
    ended
}

/// A worker's connection: join a job, take tasks, answer them; a task it holds when the connection
/// ends is requeued once.
fn worker_conn(
    shared: &Shared,
    mut reader: impl BufRead,
    stream: &TcpStream,
    name: String,
) -> anyhow::Result<()> {
    let mut served = 0u64;
    let mut job = join(shared, stream, &name, served)?;
    let mut holding: Option<u64> = None;
    let ended = loop {
        let msg = match proto::receive::<ToBroker>(&mut reader) {
            Ok(Some(msg)) => msg,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        match (msg, holding) {
            (ToBroker::Take, None) => {
                let reply = take(shared, job);
                if let FromBroker::Task { task } = reply {
                    holding = Some(task);
                }
                if reply == FromBroker::End {
                    served = job;
                }
                if let Err(e) = proto::send(&mut &*stream, &reply) {
                    break Err(e.into());
                }
            }
            (ToBroker::Done { task, result, ran }, Some(held)) if task == held => {
                holding = None;
                let state = shared.state.lock().unwrap();
                if let Some(live) = state.job.as_ref().filter(|l| l.number == job) {
                    live.answer(Answer {
                        task,
                        result,
                        ran: Some(ran),
                        worker: name.clone(),
                        attempts: live.handed.get(&task).copied().unwrap_or(1),
                    });
                }
            }
            (ToBroker::Join { .. }, None) if served == job => {
                job = join(shared, stream, &name, served)?;
            }
            (other, _) => break refuse(stream, &format!("{other:?} out of turn")),
        }
    };
    if let Some(task) = holding {
        lost(shared, job, task, &name);
    }
    ended
}

/// Wait for a job newer than `served`, tell its submitter this worker joined, hand the worker the job.
fn join(shared: &Shared, stream: &TcpStream, name: &str, served: u64) -> anyhow::Result<u64> {
    let mut state = shared.state.lock().unwrap();
    loop {
        if let Some(live) = state.job.as_ref().filter(|l| l.number > served) {
            let _ = proto::send(
                &mut &live.submitter,
                &FromBroker::Joined {
                    worker: name.into(),
                },
            );
            let job = FromBroker::Job {
                job: live.spec.clone(),
            };
            let number = live.number;
            drop(state);
            proto::send(&mut &*stream, &job)?;
            return Ok(number);
        }
        state = shared.changed.wait_timeout(state, WAKE).unwrap().0;
    }
}

/// The next task of job `number`, waiting for one; `End` once the job is over.
fn take(shared: &Shared, number: u64) -> FromBroker {
    let mut state = shared.state.lock().unwrap();
    loop {
        let Some(live) = state.job.as_mut().filter(|l| l.number == number) else {
            return FromBroker::End;
        };
        if let Some(task) = live.queue.pop_front() {
            *live.handed.entry(task).or_default() += 1;
            return FromBroker::Task { task };
        }
        state = shared.changed.wait_timeout(state, WAKE).unwrap().0;
    }
}

/// A worker's connection ended while it held `task`: requeued at the front the first time, failed as
/// worker-lost the second.
fn lost(shared: &Shared, number: u64, task: u64, worker: &str) {
    let mut state = shared.state.lock().unwrap();
    let Some(live) = state.job.as_mut().filter(|l| l.number == number) else {
        return;
    };
    let handed = live.handed.get(&task).copied().unwrap_or(1);
    if handed < 2 {
        live.queue.push_front(task);
        drop(state);
        shared.changed.notify_all();
        return;
    }
    live.answer(Answer {
        task,
        result: TaskResult::failed(FailureKind::WorkerLost),
        ran: None,
        worker: worker.into(),
        attempts: handed,
    });
}

/// The own broker as a child process: started, ready, and stopped (killed and reaped) when dropped.
pub struct BrokerChild {
    pub child: Child,
    /// Held open: closing it tells the broker to exit.
    _stdin: Option<ChildStdin>,
    pub addr: String,
}

impl BrokerChild {
    /// Start `exe __broker` with `key`, listening on `listen` (127.0.0.1 when None), dying with this
    /// thread's process.
    pub fn start(exe: &Path, key: &str, listen: Option<IpAddr>) -> anyhow::Result<BrokerChild> {
        let mut cmd = Command::new(exe);
        cmd.arg("__broker")
            .env(KEY_ENV, key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(ip) = listen {
            cmd.args(["--listen", &ip.to_string()]);
        }
        crate::spawn::die_with_parent(&mut cmd);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start the queue broker ({})", exe.display()))?;
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = tx.send(BufReader::new(stdout).read_line(&mut line).map(|_| line));
        });
        let stdin = child.stdin.take();
        let mut broker = BrokerChild {
            child,
            _stdin: stdin,
            addr: String::new(),
        };
        let line = match rx.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(line)) if !line.is_empty() => line,
            _ => bail!("the queue broker did not report ready within {READY_TIMEOUT:?}"),
        };
        let ready: Ready = serde_json::from_str(&line).context("the queue broker's ready line")?;
        broker.addr = ready.addr;
        Ok(broker)
    }
}

impl Drop for BrokerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
