"""What one task does, blocking (requests) or as a coroutine (aiohttp), and how a failure is named:
the harness's kinds — connect, timeout, status, io — so both languages count failures alike. A mixed
task (the aiomultiprocess article's) waits its own seeded wait, given by the harness per task number so
both languages wait the same, GETs, then counts for the CPU part's time. A convoy task counts where
the harness's seeded mix (`counts`, per task number) says so and GETs otherwise, so both languages run
the same job. A payload task is handed bytes by its submitter, checks every one of them, counts, and
hands bytes back, which the submitter checks in turn (Effective Python item 64: what moving data to
a process pool costs)."""

import time
from dataclasses import dataclass
from typing import Optional


@dataclass
class Record:
    """One task: start and end from the submission instant, why it failed, its service time."""

    start: float
    end: float
    failure: Optional[str]
    service: Optional[float]


def count(iters):
    """The cpu task: a counting loop, the seeds' `for i in range(n): r += 1`."""
    r = 0
    for _ in range(iters):
        r += 1
    return r


def iters_for(seconds):
    """Iterations of `count` that take `seconds` here, sized like the harness sizes Rust's (mixed's CPU
    part is a time, not a count: Python's loop is ~100 times slower). The best of 5 probes of 0.1 M
    iterations, at setup."""
    probe = 100_000
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        count(probe)
        best = min(best, time.perf_counter() - t)
    return max(1, round(probe * seconds / best))


def sized(spec):
    """The spec with mixed's CPU part sized in iterations on this interpreter (when given as a time)."""
    if spec["workload"] in ("mixed", "convoy", "payload") and spec.get("cpu_s", 0) > 0 and not spec.get("cpu_iters"):
        spec = dict(spec, cpu_iters=iters_for(spec["cpu_s"]))
    return spec


def pattern(i, n):
    """The n bytes task i is handed: byte j is (i + j) mod 251, as the Rust side makes them."""
    period = bytes((i + j) % 251 for j in range(251))
    return (period * (n // 251 + 1))[:n]


def carry(spec, i, data):
    """The payload task: check every byte it was handed (a comparison with what task i was to be
    sent), count, and hand back task i + 1's pattern of `back` bytes; (failure, bytes back)."""
    if data != pattern(i, spec["bytes"]):
        return "corrupt", b""
    count(spec["cpu_iters"])
    return None, pattern(i + 1, spec["back"])


def received(spec, i, back):
    """The submitter's check of what task i handed back: True when it is whole."""
    return back == pattern(i + 1, spec["back"])


def convoy_kind(spec, i):
    """What task i does: a convoy task is a cpu task where the mix says it counts and an io task
    otherwise (tasks past the mix GET); any other workload's task is the workload's."""
    kind = spec["workload"]
    if kind != "convoy":
        return kind
    counts = spec.get("counts", [])
    return "cpu" if i < len(counts) and counts[i] else "io"


def blocking_failure(exc):
    import requests

    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.ConnectionError):
        # A refused connect, or one reset before any answer: requests does not tell them apart
        # beyond this, so a ConnectionError whose cause mentions the connect is `connect`.
        text = repr(exc).lower()
        if "refused" in text or "newconnectionerror" in text:
            return "connect"
        return "io"
    return "io"


def async_failure(exc):
    import asyncio

    import aiohttp

    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return "timeout"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "connect"
    return "io"


class Blocking:
    """The task as a blocking call, for threads, pools and processes. Without keep-alive each GET is
    `requests.get` (a fresh connection, as in the talk); with it, one Session per thread."""

    def __init__(self, spec):
        self.spec = spec
        self.local = None
        if spec["workload"] in ("io", "mixed", "convoy"):
            import requests  # noqa: F401 -- imported here, in setup, not in the first task

        if spec.get("keep_alive"):
            import threading

            self.local = threading.local()

    def session(self):
        import requests

        if self.local is None:
            return requests
        s = getattr(self.local, "session", None)
        if s is None:
            s = self.local.session = requests.Session()
        return s

    def __call__(self, t0, i=0):
        """Do task number i; returns its record, times from t0."""
        start = time.monotonic()
        kind = convoy_kind(self.spec, i)
        failure, service = None, None
        if kind == "mixed":
            time.sleep(self.spec["waits_s"][i])
        if kind in ("io", "mixed"):
            sent = time.monotonic()
            try:
                # X-Task: the same key the Rust clients send, so a misbehaving server fails the same tasks.
                r = self.session().get(
                    self.spec["url"], headers={"X-Task": str(i)}, timeout=self.spec["timeout_s"]
                )
                r.content
                if not 200 <= r.status_code < 300:
                    failure = "status"
            except Exception as e:  # every failure is data, never the end of the run
                failure = blocking_failure(e)
            service = time.monotonic() - sent
            if kind == "mixed" and failure is None:
                count(self.spec["cpu_iters"])
        elif kind == "cpu":
            count(self.spec["cpu_iters"])
        elif kind == "sleep":
            time.sleep(self.spec["delay_s"])
        return Record(start - t0, time.monotonic() - t0, failure, service)


class Async:
    """The task as a coroutine on one event loop: aiohttp with one shared session (no connection cap:
    aiohttp's default of 100 would bound the model silently); CPU work runs on the loop and blocks it."""

    def __init__(self, spec):
        self.spec = spec
        self.session = None

    async def open(self):
        import aiohttp

        if self.spec["workload"] in ("io", "mixed", "convoy"):
            connector = aiohttp.TCPConnector(limit=0, force_close=not self.spec.get("keep_alive"))
            timeout = aiohttp.ClientTimeout(total=self.spec["timeout_s"])
            self.session = aiohttp.ClientSession(connector=connector, timeout=timeout)

    async def close(self):
        if self.session is not None:
            await self.session.close()

    async def __call__(self, t0, i=0):
        import asyncio

        start = time.monotonic()
        kind = convoy_kind(self.spec, i)
        failure, service = None, None
        if kind == "mixed":
            await asyncio.sleep(self.spec["waits_s"][i])
        if kind in ("io", "mixed"):
            sent = time.monotonic()
            try:
                async with self.session.get(self.spec["url"], headers={"X-Task": str(i)}) as r:
                    await r.read()
                    if not 200 <= r.status < 300:
                        failure = "status"
            except Exception as e:
                failure = async_failure(e)
            service = time.monotonic() - sent
            # Counted on the loop: while it counts, no other task of this loop advances.
            if kind == "mixed" and failure is None:
                count(self.spec["cpu_iters"])
        elif kind == "cpu":
            count(self.spec["cpu_iters"])
        elif kind == "sleep":
            await asyncio.sleep(self.spec["delay_s"])
        return Record(start - t0, time.monotonic() - t0, failure, service)
