"""The ipc workload's Python side (issue 24 §2): one pair per task — this process and a peer that
`multiprocessing` forks — exchanging `messages` round trips of `size` bytes, then as many streamed
one way, over one of the standard library's transports:

    mp-queue          two multiprocessing.Queue (a feeder thread pickles each message onto a pipe)
    mp-pipe           a multiprocessing.Pipe() (a duplex Connection: a Unix socket pair on Linux)
    mp-shared-memory  a shared_memory block per direction, a slot each, handed over with two
                      semaphores (empty/full): the writer waits for empty, copies in, releases full
    mp-manager        two queues of a multiprocessing.Manager(): every put and get is a call to the
                      manager's server process, one more hop each way

The peer obeys the Rust peer's commands (src/workload/ipc/peer.rs): a 16-byte header (op, count),
echo n messages, take n and answer (intact, first failure), exit. Message `seq` is its sequence number
(8 bytes, little-endian) then the payload pattern of `seq`, checked byte for byte on arrival:
`reordered` when the sequence number is not the next, `corrupt` when another byte differs. Every wait
is bounded: in slices, looking between them whether the peer still lives (`worker-lost` when not),
until the pair's deadline (`timeout`: the peer is killed). The peer dies with this process
(PR_SET_PDEATHSIG), and so does the manager's server; shared memory is unlinked after each pair.

What the pairs measured is kept in FIGURES and answered beside the tasks (`exchanged`), with the
floor: copying one message in this interpreter (a bytearray slice assignment, the loop included)."""

import multiprocessing as mp
import os
import queue
import struct
import threading
import time

from .lifetime import die_with_parent
from .tasks import pattern

EXIT, ECHO, SINK = 0, 1, 2
EXIT_CORRUPT, EXIT_REORDERED = 3, 4
WARM_UP = 2
# How long one wait lasts before looking whether the peer still lives.
SLICE_S = 0.2
# The Rust side's memcpy floor time (src/workload/ipc/memcpy.rs).
MEMCPY_S = 0.03

FIGURES = {"pairs": 0, "rtt_ns": [], "streamed": 0, "stream_s": 0.0}


class PeerGone(Exception):
    pass


class Late(Exception):
    pass


class Wrong(Exception):
    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


class Messages:
    """Every message of one size by sequence number: a window of one longer pattern."""

    def __init__(self, size):
        self.size = size
        self.source = pattern(0, size + 251)

    def get(self, seq):
        at = seq % 251
        return struct.pack("<Q", seq) + self.source[at + 8 : at + self.size]

    def check(self, seq, got):
        """None when `got` is message seq, else the failure's name."""
        if got == self.get(seq):
            return None
        if len(got) == self.size and got[:8] != struct.pack("<Q", seq):
            return "reordered"
        return "corrupt"


def header(op, n):
    return struct.pack("<QQ", op, n)


class Waiting:
    """A bounded wait: `alive()` says whether the other side still runs, `deadline` when to stop."""

    def __init__(self, alive, deadline):
        self.alive = alive
        self.deadline = deadline

    def run(self, attempt):
        """Call attempt(timeout) until it returns something other than None."""
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise Late()
            got = attempt(min(SLICE_S, left))
            if got is not None:
                return got
            if not self.alive():
                raise PeerGone()


class PipeEnd:
    def __init__(self, conn):
        self.conn = conn

    def send(self, b, wait):
        self.conn.send_bytes(b)

    def recv(self, wait):
        return wait.run(lambda t: self.conn.recv_bytes() if self.conn.poll(t) else None)


class QueueEnd:
    """A queue each way (multiprocessing's or a manager's proxies)."""

    def __init__(self, out, into):
        self.out, self.into = out, into

    def send(self, b, wait):
        self.out.put(b)

    def recv(self, wait):
        def attempt(t):
            try:
                return self.into.get(timeout=t)
            except queue.Empty:
                return None

        return wait.run(attempt)


class ShmEnd:
    """A slot in shared memory each way: an 8-byte length then the bytes; `empty` and `full`
    semaphores hand a slot between writer and reader."""

    def __init__(self, out, into):
        self.out, self.into = out, into  # each (SharedMemory, empty, full)

    def send(self, b, wait):
        shm, empty, full = self.out
        wait.run(lambda t: True if empty.acquire(timeout=t) else None)
        shm.buf[:8] = struct.pack("<Q", len(b))
        shm.buf[8 : 8 + len(b)] = b
        full.release()

    def recv(self, wait):
        shm, empty, full = self.into
        wait.run(lambda t: True if full.acquire(timeout=t) else None)
        (n,) = struct.unpack("<Q", shm.buf[:8])
        got = bytes(shm.buf[8 : 8 + n])
        empty.release()
        return got


def _peer(end, size, parent):
    """The peer's loop: the Rust peer's commands, until EXIT or the parent is gone."""
    die_with_parent(parent)
    msgs = Messages(size)
    wait = Waiting(lambda: os.getppid() == parent, float("inf"))
    seq = 0
    try:
        while True:
            op, n = struct.unpack("<QQ", end.recv(wait))
            if op == EXIT:
                os._exit(0)
            if op == ECHO:
                for _ in range(n):
                    got = end.recv(wait)
                    end.send(got, wait)
                    wrong = msgs.check(seq, got)
                    if wrong:
                        os._exit(EXIT_REORDERED if wrong == "reordered" else EXIT_CORRUPT)
                    seq += 1
            elif op == SINK:
                intact, first = 0, 0
                for _ in range(n):
                    wrong = msgs.check(seq, end.recv(wait))
                    if wrong is None:
                        intact += 1
                    elif first == 0:
                        first = 2 if wrong == "reordered" else 1
                    seq += 1
                end.send(struct.pack("<QQ", intact, first), wait)
    except PeerGone:
        os._exit(0)
    except Exception:  # a broken transport: the parent sees it as ours ending
        os._exit(2)


def _ends(ctx, transport, size, tag):
    """(ours, the peer's, what to release after the pair) for `transport`."""
    if transport == "mp-pipe":
        a, b = ctx.Pipe(duplex=True)
        return PipeEnd(a), PipeEnd(b), []
    if transport == "mp-queue":
        to, back = ctx.Queue(), ctx.Queue()
        return QueueEnd(to, back), QueueEnd(back, to), []
    if transport == "mp-manager":
        from multiprocessing.managers import SyncManager

        manager = SyncManager(ctx=ctx)
        manager.start(die_with_parent, (os.getpid(),))
        to, back = manager.Queue(), manager.Queue()
        return QueueEnd(to, back), QueueEnd(back, to), [manager.shutdown]
    if transport == "mp-shared-memory":
        from multiprocessing import shared_memory

        slots = []
        for d in ("to", "back"):
            shm = shared_memory.SharedMemory(
                name=f"concbench-ipc-{os.getpid()}-{tag}-{d}", create=True, size=max(size, 16) + 8
            )
            slots.append((shm, ctx.Semaphore(1), ctx.Semaphore(0)))

        def release():
            for shm, _, _ in slots:
                shm.close()
                shm.unlink()

        return ShmEnd(slots[0], slots[1]), ShmEnd(slots[1], slots[0]), [release]
    raise ValueError(f"unknown transport {transport!r}")


def _exchange(end, msgs, messages, wait):
    """The parent's side: warm-up, timed round trips, then the stream; (rtt_ns, stream_s)."""
    seq = 0
    rtt = []

    def echo(n, timed):
        nonlocal seq
        end.send(header(ECHO, n), wait)
        for _ in range(n):
            msg = msgs.get(seq)
            t = time.perf_counter_ns()
            end.send(msg, wait)
            got = end.recv(wait)
            took = time.perf_counter_ns() - t
            wrong = msgs.check(seq, got)
            if wrong:
                raise Wrong(wrong)
            if timed:
                rtt.append(max(took, 1))
            seq += 1

    echo(WARM_UP, False)
    done = 0
    while done < messages:
        n = min(1000, messages - done)
        echo(n, True)
        done += n
    per_batch = max(1, min(10_000, (8 << 20) // msgs.size))
    streamed = 0
    t0 = time.perf_counter()
    while streamed < messages:
        n = min(per_batch, messages - streamed)
        end.send(header(SINK, n), wait)
        for _ in range(n):
            end.send(msgs.get(seq), wait)
            seq += 1
        intact, first = struct.unpack("<QQ", end.recv(wait))
        if intact != n:
            raise Wrong("reordered" if first == 2 else "corrupt")
        streamed += n
    return rtt, time.perf_counter() - t0, streamed


def pair(spec, i):
    """Task i: one pair over spec's transport; its failure's name, or None."""
    ctx = mp.get_context("fork")
    size, messages = spec["size"], spec["messages"]
    deadline = time.monotonic() + spec["timeout_s"]
    msgs = Messages(size)
    ours, theirs, release = _ends(ctx, spec["transport"], size, i)
    peer = ctx.Process(target=_peer, args=(theirs, size, os.getpid()), daemon=True)
    failure = None
    # A send can block on a peer that stopped reading (a full socket buffer): killed at the
    # deadline, its transport breaks, and the pair fails as `timeout`.
    fired = []
    timer = threading.Timer(spec["timeout_s"], lambda: (fired.append(1), peer.kill()))
    timer.daemon = True
    try:
        peer.start()
        timer.start()
        wait = Waiting(peer.is_alive, deadline)
        try:
            rtt, stream_s, streamed = _exchange(ours, msgs, messages, wait)
            ours.send(header(EXIT, 0), wait)
            peer.join(max(0.0, deadline - time.monotonic()))
            if peer.exitcode is None:
                failure = "timeout"
            elif peer.exitcode != 0:
                failure = _said(peer.exitcode)
        except Late:
            failure = "timeout"
        except PeerGone:
            peer.join()
            failure = _said(peer.exitcode)
        except Wrong as w:
            failure = w.kind
        except Exception:
            failure = "io"
        timer.cancel()
        if fired:
            failure = "timeout"
        if failure is None:
            FIGURES["pairs"] += 1
            FIGURES["rtt_ns"].extend(rtt)
            FIGURES["streamed"] += streamed
            FIGURES["stream_s"] += stream_s
    finally:
        timer.cancel()
        if peer.is_alive():
            peer.kill()
        if peer.pid is not None:
            peer.join()
        for r in release:
            r()
    return failure


def _said(code):
    """What the peer's exit says: its own finding, or that it died (a signal: worker-lost)."""
    return {EXIT_CORRUPT: "corrupt", EXIT_REORDERED: "reordered"}.get(code, "worker-lost")


def memcpy_mb_per_s(size):
    """Copying one message of `size` bytes in this interpreter, best of three passes, MB/s."""
    src = bytes(size)
    dst = bytearray(size)
    best = 0.0
    per = max(1, (1 << 20) // size)
    for _ in range(3):
        t0 = time.perf_counter()
        copies = 0
        while copies == 0 or time.perf_counter() - t0 < MEMCPY_S / 3:
            for _ in range(per):
                dst[:] = src
            copies += per
        best = max(best, copies * size / (time.perf_counter() - t0) / 1e6)
    return best


def _quantile(sorted_ns, q):
    return sorted_ns[max(0, min(len(sorted_ns) - 1, int(q * len(sorted_ns) + 0.5) - 1))]


def exchanged(spec):
    """The record Rust's cases make (src/workload/ipc/exchanged.rs), or None when no pair completed."""
    f = FIGURES
    if f["pairs"] == 0 or f["stream_s"] <= 0:
        return None
    rtt = sorted(f["rtt_ns"])
    per_s = f["streamed"] / f["stream_s"]
    return {
        "pairs": f["pairs"],
        "round_trips": len(rtt),
        "rtt_p50_s": _quantile(rtt, 0.5) / 1e9,
        "rtt_p99_s": _quantile(rtt, 0.99) / 1e9,
        "streamed": f["streamed"],
        "stream_s": f["stream_s"],
        "messages_per_s": per_s,
        "mb_per_s": per_s * spec["size"] / 1e6,
        "memcpy_mb_per_s": memcpy_mb_per_s(spec["size"]),
    }
