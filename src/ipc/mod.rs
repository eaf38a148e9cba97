//! `concbench ipc`: how fast two processes exchange messages, per transport (a pipe pair, a Unix
//! socket, TCP on 127.0.0.1, a shared-memory ring, a serialised queue) and message size, beside this
//! machine's `memcpy`. The peer is the concbench binary re-executed as `__ipc` ([`peer`]), started so
//! it dies with us, handed its end of the transport as its stdin/stdout, and reaped before a
//! measurement returns. Two phases per transport and size: round trips (the peer echoes each message:
//! latency p50/p99) and a stream (the peer takes a batch of messages and acks how many arrived
//! intact: messages/s and MB/s). Every message is the payload workload's pattern for its sequence
//! number, so one lost, repeated, reordered or changed is caught — by us on the echo, by the peer on
//! the stream. Each phase is bounded in count and time. A self-contained first step of issue 24 §2:
//! no case, no result file, no report section yet.

pub mod channel;
pub mod peer;
pub mod ring;

use crate::workload::payload::pattern;
use anyhow::Context;
use channel::{Channel, Framed, Shared, Stream};
use hdrhistogram::Histogram;
use std::fs::File;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

crate::names::name_enum! {
    /// How two processes exchange data, as `concbench ipc --transports` spells it.
    pub enum Transport {
        /// Two pipes, one each way.
        Pipe = "pipe",
        /// A connected pair of Unix stream sockets.
        Unix = "unix",
        /// A TCP connection on 127.0.0.1 (Nagle off, as a request/response protocol sets it).
        Tcp = "tcp",
        /// Two bounded rings in a shared memfd mapping, heads and tails atomics.
        Shm = "shm",
        /// Length-prefixed frames over two pipes: the multiprocessing.Queue shape.
        Queue = "queue",
    }
}

/// The sizes issue 24 asks for: 64 B, 4 KiB, 64 KiB, 1 MiB.
pub const SIZES: [usize; 4] = [64, 4 << 10, 64 << 10, 1 << 20];
/// The largest message `concbench ipc` takes.
pub const MAX_SIZE: usize = 16 << 20;

/// What the parent asks of the peer, in a 16-byte header (op, count) sent over the transport itself.
const EXIT: u64 = 0;
const ECHO: u64 = 1;
const SINK: u64 = 2;

/// `concbench ipc`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct IpcArgs {
    /// The transports to measure, comma-separated (all of them when none is named).
    #[arg(long, value_delimiter = ',')]
    pub transports: Vec<Transport>,
    /// Message sizes in bytes, comma-separated; each a multiple of 8, at most 16 MiB.
    #[arg(long, value_delimiter = ',', default_values_t = SIZES)]
    pub sizes: Vec<usize>,
    /// How long each phase (round trips, stream) of one transport and size may last.
    #[arg(long, default_value = "300ms", value_parser = crate::workload::parse_duration)]
    pub time: Duration,
}

impl IpcArgs {
    /// The transports and the budget, or why not.
    pub fn validate(&self) -> anyhow::Result<(Vec<Transport>, Budget)> {
        if let Some(bad) = self
            .sizes
            .iter()
            .find(|&&s| s == 0 || !s.is_multiple_of(8) || s > MAX_SIZE)
        {
            return Err(crate::error::usage(format!(
                "--sizes: {bad} is not a multiple of 8 bytes from 8 to {MAX_SIZE} (the shared ring moves whole words)"
            )));
        }
        if self.time.is_zero() || self.time > Duration::from_secs(60) {
            return Err(crate::error::usage("--time: give 1ms to 60s per phase"));
        }
        let transports = if self.transports.is_empty() {
            Transport::ALL.to_vec()
        } else {
            self.transports.clone()
        };
        Ok((
            transports,
            Budget {
                time: self.time,
                ..Budget::default()
            },
        ))
    }
}

/// How much one transport and size may take: each phase stops at whichever bound it meets first.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub time: Duration,
    pub round_trips: u64,
    pub messages: u64,
    /// Bytes streamed at most (so 1 MiB messages stop well before `messages`).
    pub bytes: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            time: Duration::from_millis(300),
            round_trips: 100_000,
            messages: 1_000_000,
            bytes: 4 << 30,
        }
    }
}

/// One transport and size, measured.
#[derive(Debug, Clone)]
pub struct Measured {
    pub transport: Transport,
    pub size: usize,
    /// Round trips timed (after a few untimed ones).
    pub round_trips: u64,
    pub rtt_p50: Duration,
    pub rtt_p99: Duration,
    /// Messages streamed one way, and the time from the first sent to the peer's last ack.
    pub streamed: u64,
    pub stream_time: Duration,
    /// The peer's process id (reaped by the time this is returned).
    pub peer_pid: u32,
    /// Copying one message memory to memory in one thread, repeatedly (best of 3 passes): the floor
    /// at this size, in cache when the message fits there, as the transports' messages do.
    pub memcpy_mb_per_s: f64,
}

impl Measured {
    pub fn messages_per_s(&self) -> f64 {
        self.streamed as f64 / self.stream_time.as_secs_f64()
    }

    /// Megabytes (10⁶ bytes) of message per second, one way.
    pub fn mb_per_s(&self) -> f64 {
        self.messages_per_s() * self.size as f64 / 1e6
    }
}

/// The message with sequence number `seq` is `pattern(seq, size)`: a window of one longer pattern,
/// made once (pattern(0, n + 251)[k..k + n] is pattern(k, n): the pattern repeats every 251 bytes).
pub struct Messages {
    source: Vec<u8>,
    size: usize,
}

impl Messages {
    pub fn new(size: usize) -> Messages {
        Messages {
            source: pattern(0, size + 251),
            size,
        }
    }

    pub fn get(&self, seq: u64) -> &[u8] {
        let at = (seq % 251) as usize;
        &self.source[at..at + self.size]
    }
}

/// Measure `transport` with messages of `size` bytes against a peer started from `exe`.
pub fn measure(
    exe: &Path,
    transport: Transport,
    size: usize,
    budget: &Budget,
) -> anyhow::Result<Measured> {
    let (mut peer, mut chan) = connect(exe, transport, size)
        .with_context(|| format!("ipc {transport}: starting the peer"))?;
    let peer_pid = peer.pid();
    let measured = exchange(&mut *chan, transport, size, budget).and_then(|m| {
        peer.finish(chan)?;
        Ok(m)
    });
    drop(peer);
    measured
        .map(|m| Measured { peer_pid, ..m })
        .with_context(|| format!("ipc {transport}, {size}-byte messages"))
}

fn exchange(
    chan: &mut dyn Channel,
    transport: Transport,
    size: usize,
    budget: &Budget,
) -> anyhow::Result<Measured> {
    let msgs = Messages::new(size);
    let mut seq = 0u64;
    let mut buf = vec![0u8; size];
    // Untimed: the first messages fault in pages and wake the peer.
    echo(chan, &msgs, &mut seq, &mut buf, 4, None)?;
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3)?;
    let per_batch = ((1 << 20) / size as u64).clamp(1, 1000);
    let started = Instant::now();
    let mut round_trips = 0;
    while round_trips < budget.round_trips && started.elapsed() < budget.time {
        let n = per_batch.min(budget.round_trips - round_trips);
        echo(chan, &msgs, &mut seq, &mut buf, n, Some(&mut hist))?;
        round_trips += n;
    }
    let most = budget.messages.min(budget.bytes / size as u64).max(1);
    let per_batch = ((8 << 20) / size as u64).clamp(1, 10_000);
    let mut streamed = 0;
    let mut stream_time = Duration::ZERO;
    while streamed < most && stream_time < budget.time {
        let n = per_batch.min(most - streamed);
        let t = Instant::now();
        command(chan, SINK, n)?;
        for _ in 0..n {
            chan.send(msgs.get(seq))?;
            seq += 1;
        }
        let mut ack = [0u8; 8];
        chan.recv(&mut ack)?;
        stream_time += t.elapsed();
        let intact = u64::from_le_bytes(ack);
        anyhow::ensure!(
            intact == n,
            "the peer received {intact} of {n} messages intact and in order"
        );
        streamed += n;
    }
    Ok(Measured {
        transport,
        size,
        round_trips,
        rtt_p50: Duration::from_nanos(hist.value_at_quantile(0.5)),
        rtt_p99: Duration::from_nanos(hist.value_at_quantile(0.99)),
        streamed,
        stream_time,
        peer_pid: 0,
        memcpy_mb_per_s: memcpy_mb_per_s(size, budget.time.min(Duration::from_millis(50))),
    })
}

/// MB/s of copying `size` bytes into a buffer already touched, over and over for about `time`, best
/// of 3 passes.
pub fn memcpy_mb_per_s(size: usize, time: Duration) -> f64 {
    use std::hint::black_box;
    let from = vec![0x5au8; size];
    let mut to = vec![0xa5u8; size];
    let mut best = 0f64;
    for _ in 0..3 {
        let t = Instant::now();
        let mut copies = 0u64;
        while t.elapsed() < time / 3 || copies == 0 {
            // Enough copies between clock reads that reading the clock is not what is timed.
            for _ in 0..((1 << 20) / size).max(1) {
                to.copy_from_slice(black_box(&from));
                black_box(&mut to);
                copies += 1;
            }
        }
        best = best.max(copies as f64 * size as f64 / t.elapsed().as_secs_f64() / 1e6);
    }
    best
}

fn command(chan: &mut dyn Channel, op: u64, n: u64) -> std::io::Result<()> {
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
    buf: &mut [u8],
    n: u64,
    mut hist: Option<&mut Histogram<u64>>,
) -> anyhow::Result<()> {
    command(chan, ECHO, n)?;
    for _ in 0..n {
        let msg = msgs.get(*seq);
        let t = Instant::now();
        chan.send(msg)?;
        chan.recv(buf)?;
        let took = t.elapsed();
        anyhow::ensure!(buf == msg, "message {seq} came back changed");
        if let Some(h) = hist.as_deref_mut() {
            h.saturating_record(took.as_nanos().max(1) as u64);
        }
        *seq += 1;
    }
    Ok(())
}

/// The peer process; killed and reaped when dropped before [`Peer::finish`] reaped it.
struct Peer {
    child: Option<Child>,
}

impl Peer {
    fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Ask the peer to exit, close our end, reap it, and require that it found nothing wrong.
    fn finish(&mut self, mut chan: Box<dyn Channel>) -> anyhow::Result<()> {
        command(&mut *chan, EXIT, 0)?;
        drop(chan);
        let mut child = self.child.take().expect("finished once");
        let status = child.wait()?;
        anyhow::ensure!(status.success(), "the peer ended with {status}");
        Ok(())
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Start the peer for `transport`, handing it its end as stdin/stdout, and return our end.
fn connect(
    exe: &Path,
    transport: Transport,
    size: usize,
) -> anyhow::Result<(Peer, Box<dyn Channel>)> {
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
    let (child, chan): (Child, Box<dyn Channel>) = match transport {
        Transport::Pipe | Transport::Queue => {
            let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
            let pipes = Stream {
                from: File::from(OwnedFd::from(child.stdout.take().unwrap())),
                to: File::from(OwnedFd::from(child.stdin.take().unwrap())),
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
            let (mapping, fd) = ring::Mapping::create()?;
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
    };
    Ok((Peer { child: Some(child) }, chan))
}

/// `concbench ipc`: every transport and size, then the table.
pub fn ipc_main(args: &IpcArgs, exe: &Path) -> anyhow::Result<String> {
    let (transports, budget) = args.validate()?;
    let floors = crate::measure::bandwidth::floors()
        .map_err(|e| anyhow::anyhow!("measuring this machine's memcpy: {e}"))?;
    let mut rows = Vec::new();
    for &t in &transports {
        for &s in &args.sizes {
            rows.push(measure(exe, t, s, &budget)?);
        }
    }
    Ok(table(&rows, floors.memcpy_ns_per_byte))
}

/// The table: a row per transport and size, MB/s beside memcpy's at the same size; under it, the
/// 64 MiB memcpy floor the run files record.
pub fn table(rows: &[Measured], memcpy_ns_per_byte: f64) -> String {
    let memcpy_mb_s = 1e3 / memcpy_ns_per_byte;
    let head = [
        "transport",
        "size",
        "msgs/s",
        "MB/s",
        "memcpy MB/s",
        "of memcpy",
        "RTT p50",
        "RTT p99",
        "round trips",
        "streamed",
    ];
    let mut cells: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for m in rows {
        cells.push(vec![
            m.transport.to_string(),
            size_name(m.size),
            format!("{:.0}", m.messages_per_s()),
            format!("{:.0}", m.mb_per_s()),
            format!("{:.0}", m.memcpy_mb_per_s),
            format!("{:.1}%", 100.0 * m.mb_per_s() / m.memcpy_mb_per_s),
            micros(m.rtt_p50),
            micros(m.rtt_p99),
            m.round_trips.to_string(),
            m.streamed.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|c| cells.iter().map(|r| r[c].chars().count()).max().unwrap())
        .collect();
    let mut out = String::new();
    for row in &cells {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, &w))| match c {
                0 | 1 => format!("{cell:<w$}"),
                _ => format!("{cell:>w$}"),
            })
            .collect();
        out += line.join("  ").trim_end();
        out.push('\n');
    }
    out += &format!(
        "memcpy MB/s: one message copied in one thread, over and over (in cache when it fits); \
         64 MiB at once (the run files' floor, out of cache): {memcpy_mb_s:.0} MB/s.\n\
         MB = 10^6 bytes of message, one way; RTT: a message out and back, in microseconds.\n"
    );
    out
}

fn size_name(size: usize) -> String {
    match size {
        s if s >= 1 << 20 && s.is_multiple_of(1 << 20) => format!("{} MiB", s >> 20),
        s if s >= 1 << 10 && s.is_multiple_of(1 << 10) => format!("{} KiB", s >> 10),
        s => format!("{s} B"),
    }
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::payload::is_pattern;

    #[test]
    fn each_message_is_the_payload_pattern_of_its_sequence_number() {
        for size in [8, 64, 256, 4096] {
            let m = Messages::new(size);
            for seq in [0, 1, 250, 251, 252, 1000] {
                assert!(is_pattern(seq, m.get(seq), size), "{size} {seq}");
            }
            assert_ne!(m.get(0), m.get(1));
        }
    }

    #[test]
    fn bad_sizes_are_refused() {
        for sizes in [vec![0], vec![63], vec![MAX_SIZE + 8]] {
            let args = IpcArgs {
                transports: vec![],
                sizes,
                time: Duration::from_millis(10),
            };
            assert!(args.validate().is_err());
        }
    }
}
