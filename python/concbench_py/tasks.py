"""What one task does, blocking (requests) or as a coroutine (aiohttp), and how a failure is named:
the harness's kinds — connect, timeout, status, refused (a 429), io — so both languages count failures alike. A mixed
task (the aiomultiprocess article's) waits its own seeded wait, given by the harness per task number so
both languages wait the same, GETs, then counts for the CPU part's time. A convoy task counts where
the harness's seeded mix (`counts`, per task number) says so and GETs otherwise, so both languages run
the same job. A payload task is handed bytes by its submitter, checks every one of them, counts, and
hands bytes back, which the submitter checks in turn (Effective Python item 64: what moving data to
a process pool costs).

An io task follows the spec's client policy (issue 23, as src/workload/io/policy.rs does for Rust):
a failed request goes again up to `retries` times, after `backoff`'s full jitter when given; a 429 goes
again as `on_429` says (at-once, backoff, retry-after), up to MAX_REFUSED a task. Each request names
its task and try (X-Task, X-Attempt), so the seeded server draws the same fates for both languages."""

import random
import time
from dataclasses import dataclass
from typing import Optional


@dataclass
class Record:
    """One task: start and end from the submission instant, why it failed, its service time, and
    what its requests met (requests, refused, timeouts, failed) when it has a policy or retried."""

    start: float
    end: float
    failure: Optional[str]
    service: Optional[float]
    tries: Optional[dict] = None


# 429s one task takes before it gives up as `refused`: policy.rs's MAX_REFUSED.
MAX_REFUSED = 100_000
# `on_429: backoff` without a backoff: 10 ms doubling to 1 s, policy.rs's DEFAULT_BACKOFF.
DEFAULT_BACKOFF = {"base_s": 0.010, "cap_s": 1.0}
# No policy is Rust's default one: no retries, a 429 tried again at once.
PLAIN = {"retries": 0, "backoff": None, "on_429": "at-once", "seed": 0}


class Tally:
    """One task's tries so far and what the policy says after a failed one: Rust's Tally and
    `Tried::after`, request for request, so both languages number their tries alike."""

    def __init__(self, policy, task):
        self.policy = policy
        self.task = task
        self.attempt = 0
        self.retries = 0
        self.refusals = 0
        self.tries = {"requests": 0, "refused": 0, "timeouts": 0, "failed": 0}

    def next(self):
        """The next request's try number (0-based), counting it as sent."""
        self.tries["requests"] += 1
        a = self.attempt
        self.attempt += 1
        return a

    def headers(self, attempt):
        h = {"X-Task": str(self.task)}
        if attempt > 0:
            h["X-Attempt"] = str(attempt)
        return h

    def jitter(self, backoff, n):
        """Full jitter: uniform in 0..min(cap, base * 2**n), drawn from the seed, the task, the try."""
        ceiling = min(backoff["cap_s"], backoff["base_s"] * 2 ** min(n, 40))
        rng = random.Random(f"{self.policy['seed']}/{self.task}/{self.attempt}")
        return ceiling * rng.random()

    def after(self, failure, retry_after):
        """Count the failed request; the wait in seconds before the next, or None to give up."""
        key = {"refused": "refused", "timeout": "timeouts"}.get(failure, "failed")
        self.tries[key] += 1
        if failure == "refused":
            self.refusals += 1
            if self.refusals >= MAX_REFUSED:
                return None
            on_429 = self.policy.get("on_429", "at-once")
            if on_429 == "backoff":
                return self.jitter(self.policy.get("backoff") or DEFAULT_BACKOFF, self.refusals - 1)
            if on_429 == "retry-after":
                return retry_after or 0.0
            return 0.0
        if self.retries >= self.policy.get("retries", 0):
            return None
        self.retries += 1
        backoff = self.policy.get("backoff")
        return self.jitter(backoff, self.retries - 1) if backoff else 0.0

    def shown(self):
        """The tries for the record: with a policy, or when the task sent more than one request."""
        if self.policy is not PLAIN or self.tries["requests"] > 1:
            return dict(self.tries)
        return None


def status_failure(status):
    """The failure a non-2xx status is: `refused` for a 429 (the server's limiter), `status` else."""
    return "refused" if status == 429 else "status"


def retry_after_s(headers):
    """A 429's Retry-After in whole seconds; None for none, or a date."""
    value = headers.get("Retry-After")
    if value is not None and value.strip().isdigit():
        return float(int(value.strip()))
    return None


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
        tries = None
        if kind in ("io", "mixed"):
            sent = time.monotonic()
            if self.spec["workload"] == "io":
                failure, tries = self.tried(i)
            else:
                failure, _ = self.get(i, {"X-Task": str(i)})
            service = time.monotonic() - sent
            if kind == "mixed" and failure is None:
                count(self.spec["cpu_iters"])
        elif kind == "cpu":
            count(self.spec["cpu_iters"])
        elif kind == "sleep":
            time.sleep(self.spec["delay_s"])
        elif kind == "ipc":
            from . import ipc

            failure = ipc.pair(self.spec, i)
        return Record(start - t0, time.monotonic() - t0, failure, service, tries)

    def get(self, i, headers):
        """One GET: (failure or None, Retry-After in seconds or None)."""
        try:
            # X-Task: the same key the Rust clients send, so a misbehaving server fails the same tasks.
            r = self.session().get(self.spec["url"], headers=headers, timeout=self.spec["timeout_s"])
            r.content
            if not 200 <= r.status_code < 300:
                return status_failure(r.status_code), retry_after_s(r.headers)
            return None, None
        except Exception as e:  # every failure is data, never the end of the run
            return blocking_failure(e), None

    def tried(self, i):
        """Every request of io task i, until one succeeds or the policy gives up: (failure, tries)."""
        tally = Tally(self.spec.get("policy") or PLAIN, i)
        while True:
            failure, retry_after = self.get(i, tally.headers(tally.next()))
            if failure is None:
                return None, tally.shown()
            wait = tally.after(failure, retry_after)
            if wait is None:
                return failure, tally.shown()
            if wait > 0:
                time.sleep(wait)


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
        tries = None
        if kind in ("io", "mixed"):
            sent = time.monotonic()
            if self.spec["workload"] == "io":
                failure, tries = await self.tried(i)
            else:
                failure, _ = await self.get({"X-Task": str(i)})
            service = time.monotonic() - sent
            # Counted on the loop: while it counts, no other task of this loop advances.
            if kind == "mixed" and failure is None:
                count(self.spec["cpu_iters"])
        elif kind == "cpu":
            count(self.spec["cpu_iters"])
        elif kind == "sleep":
            await asyncio.sleep(self.spec["delay_s"])
        return Record(start - t0, time.monotonic() - t0, failure, service, tries)

    async def get(self, headers):
        """One GET: (failure or None, Retry-After in seconds or None)."""
        try:
            async with self.session.get(self.spec["url"], headers=headers) as r:
                await r.read()
                if not 200 <= r.status < 300:
                    return status_failure(r.status), retry_after_s(r.headers)
                return None, None
        except Exception as e:
            return async_failure(e), None

    async def tried(self, i):
        """Every request of io task i, until one succeeds or the policy gives up: (failure, tries)."""
        import asyncio

        tally = Tally(self.spec.get("policy") or PLAIN, i)
        while True:
            failure, retry_after = await self.get(tally.headers(tally.next()))
            if failure is None:
                return None, tally.shown()
            wait = tally.after(failure, retry_after)
            if wait is None:
                return failure, tally.shown()
            # No sleep at all for "at once": it would yield to the loop, which Rust's does not.
            if wait > 0:
                await asyncio.sleep(wait)
