//! One pair: this process and a peer (the concbench binary re-executed as `__ipc`, see `peer`),
//! started so it dies with us, handed its end of the transport as its stdin/stdout. Two phases over
//! one transport: `messages` round trips (the peer echoes each one: a latency each, into an HDR
//! histogram), then `messages` streamed one way (the peer takes them in batches and answers how many
//! arrived intact and in order: messages/s and MB/s). Every message is checked (`message`) — by us on
//! the echo, by the peer on the stream.
//!
//! Bounded whatever the peer does: a watchdog kills it at the pair's deadline, which ends any read or
//! write of ours on its transport (its ends close), and the failure is then `timeout`. A peer that dies
//! by itself (killed by someone else) ends our side the same way, and is `worker-lost`; one that found
//! a message changed exits with a code that says which failure. The peer is reaped before a pair
//! returns, whatever happened.

use super::channel::{Channel, Framed, Shared, Stream};
use super::message::Messages;
use super::ring::Mapping;
use super::Transport;
use crate::names::FailureKind;
use hdrhistogram::Histogram;
use std::fs::File;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the parent asks of the peer, in a 16-byte header (op, count) sent over the transport itself.
pub const EXIT: u64 = 0;
pub const ECHO: u64 = 1;
pub const SINK: u64 = 2;
/// The peer's exit codes for a message it found wrong.
pub const EXIT_CORRUPT: i32 = 3;
pub const EXIT_REORDERED: i32 = 4;
/// How a SINK's answer names the first wrong message's failure (0: none).
pub fn kind_code(kind: Option<FailureKind>) -> u64 {
    match kind {
        None => 0,
        Some(FailureKind::Reordered) => 2,
        Some(_) => 1,
    }
}

/// Round trips before the timed ones: the first fault pages in and wake the peer.
const WARM_UP: u64 = 2;

/// What one pair measured.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Round-trip times, nanoseconds.
    pub rtt: Histogram<u64>,
    /// Messages streamed one way, and the time from the first sent to the peer's last answer.
    pub streamed: u64,
    pub stream: Duration,
    /// The peer's process id (reaped by the time the figures are returned).
    pub peer: u32,
}

/// A histogram of round-trip nanoseconds, 1 ns to a minute, 3 significant figures.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid bounds")
}

/// Why a pair failed: its kind, and the peer when one was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed {
    pub kind: FailureKind,
    pub peer: Option<u32>,
}

/// Exchange `messages` round trips and `messages` streamed over `transport` with a peer started
/// from `exe`, all within `timeout`. `started` learns the peer's pid as soon as it runs.
pub fn exchange(
    exe: &Path,
    transport: Transport,
    msgs: &Messages,
    messages: u64,
    timeout: Duration,
    started: &dyn Fn(u32),
) -> Result<Figures, Failed> {
    let (mut child, mut chan) = connect(exe, transport, msgs.size()).map_err(|_| Failed {
        kind: FailureKind::Spawn,
        peer: None,
    })?;
    let pid = child.id();
    started(pid);
    let (done, watchdog) = watch(pid, timeout);
    let mut seq = 0u64;
    let run = run(&mut *chan, msgs, messages, &mut seq);
    let ours = match run {
        Ok(figures) => command(&mut *chan, EXIT, 0)
            .map(|_| figures)
            .map_err(|_| FailureKind::Io),
        Err(kind) => Err(kind),
    };
    // Our ends closed: a peer still reading sees its input end.
    drop(chan);
    let status = match &ours {
        // A clean end: it exits on EXIT or on its input closing, within the watchdog's deadline.
        Ok(_) => child.wait().map(Some),
        // Our side failed: a peer that died made it so, and is reaped at once; one still alive is
        // given a moment to say why (its exit code), then killed.
        Err(_) => exit_within(&mut child, Duration::from_secs(1)),
    };
    drop(done);
    let fired = watchdog.join().unwrap_or(false);
    let failed = |kind| Failed {
        kind,
        peer: Some(pid),
    };
    let status = status.map_err(|_| failed(FailureKind::Io))?;
    match (ours, verdict(status, fired)) {
        (_, Some(kind)) => Err(failed(kind)),
        (Ok(figures), None) => Ok(Figures {
            peer: pid,
            ..figures
        }),
        (Err(kind), None) => Err(failed(kind)),
    }
}

/// What the peer's end says of the pair (`status`: how it ended, None when we killed it after our
/// side failed), when it says something went wrong.
fn verdict(status: Option<ExitStatus>, watchdog_fired: bool) -> Option<FailureKind> {
    if watchdog_fired {
        return Some(FailureKind::Timeout);
    }
    let status = status?;
    match (status.code(), status.signal()) {
        (Some(0), _) => None,
        (Some(EXIT_CORRUPT), _) => Some(FailureKind::Corrupt),
        (Some(EXIT_REORDERED), _) => Some(FailureKind::Reordered),
        // Killed by someone else: our own kills are the watchdog's and the one below.
        (_, Some(_)) => Some(FailureKind::WorkerLost),
        _ => Some(FailureKind::Io),
    }
}

/// Reap `child` if it exits within `grace` (its status); otherwise kill and reap it (None).
fn exit_within(child: &mut Child, grace: Duration) -> std::io::Result<Option<ExitStatus>> {
    let until = Instant::now() + grace;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= until {
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        // Our ends are closed: a peer past its last read exits within microseconds, a stuck one
        // only when killed. Polled rather than waited on so that a stuck one is not waited for.
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A watchdog that SIGKILLs `pid` unless told to stop (the sender dropped) within `timeout`;
/// joining it says whether it fired. Joined before the peer is reaped, so the pid is still ours.
fn watch(pid: u32, timeout: Duration) -> (mpsc::Sender<()>, std::thread::JoinHandle<bool>) {
    let (tx, rx) = mpsc::channel::<()>();
    let handle = std::thread::spawn(move || match rx.recv_timeout(timeout) {
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // SAFETY: kill(2) with a pid we started and have not reaped.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            true
        }
        _ => false,
    });
    (tx, handle)
}

fn run(
    chan: &mut dyn Channel,
    msgs: &Messages,
    messages: u64,
    seq: &mut u64,
) -> Result<Figures, FailureKind> {
    let mut buf = vec![0u8; msgs.size()];
    let mut out = vec![0u8; msgs.size()];
    echo(chan, msgs, seq, &mut out, &mut buf, WARM_UP, None)?;
    let mut rtt = histogram();
    // Batches of round trips (a command each), so the peer's command reads are not in every one.
    let per_batch = 1000;
    let mut done = 0;
    while done < messages {
        let n = per_batch.min(messages - done);
        echo(chan, msgs, seq, &mut out, &mut buf, n, Some(&mut rtt))?;
        done += n;
    }
    // Streamed in batches of at most 8 MiB, each answered by the peer's count.
    let per_batch = ((8 << 20) / msgs.size() as u64).clamp(1, 10_000);
    let mut streamed = 0;
    let started = Instant::now();
    while streamed < messages {
        let n = per_batch.min(messages - streamed);
        command(chan, SINK, n).map_err(|_| FailureKind::Io)?;
        for _ in 0..n {
            msgs.fill(*seq, &mut out);
            chan.send(&out).map_err(|_| FailureKind::Io)?;
            *seq += 1;
        }
        let mut ack = [0u8; 16];
        chan.recv(&mut ack).map_err(|_| FailureKind::Io)?;
        let intact = u64::from_le_bytes(ack[..8].try_into().expect("8 bytes"));
        if intact != n {
            return Err(match u64::from_le_bytes(ack[8..].try_into().expect("8 bytes")) {
                2 => FailureKind::Reordered,
                _ => FailureKind::Corrupt,
            });
        }
        streamed += n;
    }
    Ok(Figures {
        rtt,
        streamed,
        stream: started.elapsed(),
        peer: 0,
    })
}

pub fn command(chan: &mut dyn Channel, op: u64, n: u64) -> std::io::Result<()> {
    let mut header = [0u8; 16];
    header[..8].copy_from_slice(&op.to_le_bytes());
    header[8..].copy_from_slice(&n.to_le_bytes());
    chan.send(&header)
}

/// `n` round trips, each timed into `hist` (when given) and checked on its way back.
fn echo(
    chan: &mut dyn Channel,
    msgs: &Messages,
    seq: &mut u64,
    out: &mut [u8],
    buf: &mut [u8],
    n: u64,
    mut hist: Option<&mut Histogram<u64>>,
) -> Result<(), FailureKind> {
    command(chan, ECHO, n).map_err(|_| FailureKind::Io)?;
    for _ in 0..n {
        msgs.fill(*seq, out);
        let t = Instant::now();
        chan.send(out).map_err(|_| FailureKind::Io)?;
        chan.recv(buf).map_err(|_| FailureKind::Io)?;
        let took = t.elapsed();
        msgs.check(*seq, buf)?;
        if let Some(h) = hist.as_deref_mut() {
            h.saturating_record(took.as_nanos().max(1) as u64);
        }
        *seq += 1;
    }
    Ok(())
}

/// Start the peer for `transport`, handing it its end as stdin/stdout, and return our end.
fn connect(
    exe: &Path,
    transport: Transport,
    size: usize,
) -> std::io::Result<(Child, Box<dyn Channel>)> {
    let mut cmd = Command::new(exe);
    cmd.arg("__ipc")
        .arg(transport.name())
        .arg(size.to_string())
        .stderr(Stdio::inherit());
    crate::spawn::die_with_parent(&mut cmd);
    let stream = |ours: OwnedFd| -> std::io::Result<Stream> {
        Ok(Stream {
            from: File::from(ours.try_clone()?),
            to: File::from(ours),
        })
    };
    let handed = |theirs: OwnedFd, cmd: &mut Command| -> std::io::Result<()> {
        cmd.stdin(Stdio::from(theirs.try_clone()?))
            .stdout(Stdio::from(theirs));
        Ok(())
    };
    Ok(match transport {
        Transport::Pipe | Transport::Queue => {
            let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
            let pipes = Stream {
                from: File::from(OwnedFd::from(child.stdout.take().expect("piped"))),
                to: File::from(OwnedFd::from(child.stdin.take().expect("piped"))),
            };
            let chan: Box<dyn Channel> = match transport {
                Transport::Pipe => Box::new(pipes),
                _ => Box::new(Framed(pipes)),
            };
            (child, chan)
        }
        Transport::Unix => {
            let (ours, theirs) = UnixStream::pair()?;
            handed(theirs.into(), &mut cmd)?;
            (cmd.spawn()?, Box::new(stream(ours.into())?))
        }
        Transport::Tcp => {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
            let ours = TcpStream::connect(listener.local_addr()?)?;
            let (theirs, _) = listener.accept()?;
            // Nagle would hold each small echo for the peer's delayed ack.
            ours.set_nodelay(true)?;
            theirs.set_nodelay(true)?;
            handed(theirs.into(), &mut cmd)?;
            (cmd.spawn()?, Box::new(stream(ours.into())?))
        }
        Transport::Shm => {
            let (mapping, fd) = Mapping::create()?;
            let (bell, theirs) = UnixStream::pair()?;
            cmd.stdin(Stdio::from(fd))
                .stdout(Stdio::from(OwnedFd::from(theirs)));
            let shared = Shared {
                mapping,
                creator: true,
                bell,
            };
            (cmd.spawn()?, Box::new(shared))
        }
        python => {
            return Err(std::io::Error::other(format!(
                "{python} is Python's: the Python model runs it"
            )))
        }
    })
}
