"""The talk's clients as models, each a function of the spec and the process start: build what the
model needs (setup), note the submission instant t0, run every task once, return the records in task
order. Setup — imports, sessions, a process pool's workers — is timed apart, as the Rust models do."""

import os
import threading
import time
from dataclasses import dataclass
from typing import List

from .lifetime import die_with_parent
from .tasks import Async, Blocking, Record, carry, pattern, received, sized


@dataclass
class Result:
    setup_s: float
    threads_peak: int
    tasks: List[Record]


def _threads():
    return threading.active_count()


def sequential(spec, started):
    task = Blocking(spec)
    t0 = time.monotonic()
    records = [task(t0, i) for i in range(spec["tasks"])]
    return Result(t0 - started, 1, records)


def threads(spec, started):
    """One thread per task, results through a list indexed by task (the talk's result queue)."""
    task = Blocking(spec)
    n = spec["tasks"]
    records = [None] * n

    def one(i):
        records[i] = task(t0, i)

    workers = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    peak = _threads()
    for w in workers:
        w.join()
    return Result(t0 - started, peak, records)


def _carried(t0, spec, i, data):
    """A payload task where it runs: its start from t0, its failure, the bytes it hands back."""
    start = time.monotonic() - t0
    failure, back = carry(spec, i, data)
    return i, start, failure, back


def _settle(spec, t0, records, answer):
    """The submitter's side of a payload task's answer: check what came back, and record the task
    as done now (after its data has crossed back)."""
    i, start, failure, back = answer
    if failure is None and not received(spec, i, back):
        failure = "corrupt"
    records[i] = Record(start, time.monotonic() - t0, failure, None)


def _payload_thread_pool(spec, started):
    """The thread pool handed each task its bytes: a reference to them, nothing copied."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    n = spec["tasks"]
    records = [None] * n
    with ThreadPoolExecutor(max_workers=spec["limit"]) as pool:
        list(pool.map(lambda _: None, range(spec["limit"])))
        t0 = time.monotonic()
        futures = [pool.submit(_carried, t0, spec, i, pattern(i, spec["bytes"])) for i in range(n)]
        peak = _threads()
        for f in as_completed(futures):
            _settle(spec, t0, records, f.result())
    return Result(t0 - started, peak, records)


def thread_pool(spec, started):
    from concurrent.futures import ThreadPoolExecutor

    if spec["workload"] == "payload":
        return _payload_thread_pool(spec, started)
    task = Blocking(spec)
    with ThreadPoolExecutor(max_workers=spec["limit"]) as pool:
        # Start the k workers before t0, as the Rust pool does: a pool is set up once.
        list(pool.map(lambda _: None, range(spec["limit"])))
        t0 = time.monotonic()
        futures = [pool.submit(task, t0, i) for i in range(spec["tasks"])]
        peak = _threads()
        records = [f.result() for f in futures]
    return Result(t0 - started, peak, records)


def _run_async(spec, started, limit):
    import asyncio

    async def main():
        task = Async(spec)
        await task.open()
        gate = asyncio.Semaphore(limit) if limit else None

        async def one(i):
            if gate is None:
                return await task(t0, i)
            async with gate:
                return await task(t0, i)

        t0 = time.monotonic()
        records = await asyncio.gather(*(one(i) for i in range(spec["tasks"])))
        await task.close()
        return Result(t0 - started, _threads(), list(records))

    return asyncio.run(main())


def asyncio_gather(spec, started):
    return _run_async(spec, started, None)


def asyncio_semaphore(spec, started):
    return _run_async(spec, started, spec["limit"])


_worker_task = None


def _init_worker(spec, parent):
    """Each worker builds its own task (its own HTTP session): sessions cannot cross processes."""
    global _worker_task
    die_with_parent(parent)
    _worker_task = Blocking(spec)


def _in_worker(t0, i):
    return _worker_task(t0, i)


def _carried_in_worker(job):
    t0, i, data = job
    return _carried(t0, _worker_task.spec, i, data)


def _payload_process_pool(spec, started):
    """The process pool's workers are handed each task's bytes pickled down a pipe, and pickle the
    answer back: the copies item 64 warns of."""
    import multiprocessing

    k, n = spec["limit"], spec["tasks"]
    records = [None] * n
    pool = multiprocessing.Pool(k, initializer=_init_worker, initargs=(spec, os.getpid()))
    pool.starmap(time.sleep, [(0,)] * k, chunksize=1)
    t0 = time.monotonic()
    # A generator: the pool's feeder makes each task's bytes as it sends them.
    jobs = ((t0, i, pattern(i, spec["bytes"])) for i in range(n))
    for answer in pool.imap_unordered(_carried_in_worker, jobs, chunksize=1):
        _settle(spec, t0, records, answer)
    pool.close()
    pool.join()
    return Result(t0 - started, _threads(), records)


def process_pool(spec, started):
    import multiprocessing

    if spec["workload"] == "payload":
        return _payload_process_pool(spec, started)
    k = spec["limit"]
    pool = multiprocessing.Pool(k, initializer=_init_worker, initargs=(spec, os.getpid()))
    # Every worker up before t0: the pool's start-up is setup, as in the Rust process pool.
    pool.starmap(time.sleep, [(0,)] * k, chunksize=1)
    t0 = time.monotonic()
    # chunksize 1: each task goes to the next free worker, like the Rust pool's queue.
    records = pool.starmap(_in_worker, [(t0, i) for i in range(spec["tasks"])], chunksize=1)
    pool.close()
    pool.join()
    return Result(t0 - started, _threads(), records)


_worker_async = None
_opening = None


def _init_async_worker(spec, parent):
    """An aiomultiprocess worker's initializer: its own task; the aiohttp session is opened on the
    worker's loop by its first task (a session belongs to the loop that made it). Sessions are never
    closed — the pool gives no per-worker exit hook — so asyncio's complaint about it is silenced."""
    import logging

    global _worker_async
    die_with_parent(parent)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    _worker_async = Async(spec)


async def _in_async_worker(job):
    import asyncio

    global _opening
    if _worker_async.session is None and _worker_async.spec["workload"] in ("io", "mixed", "convoy"):
        # The worker's first tasks arrive together: one opens the session, the others wait for it.
        if _opening is None:
            _opening = asyncio.ensure_future(_worker_async.open())
        await _opening
    t0, i = job
    return await _worker_async(t0, i)


async def _noop(_):
    return None


async def _async_pool(spec, started):
    import aiomultiprocess

    k, c = spec["limit"], spec.get("per_worker", 16)
    async with aiomultiprocess.Pool(
        processes=k,
        childconcurrency=c,
        initializer=_init_async_worker,
        initargs=(spec, os.getpid()),
    ) as pool:
        # The k workers start with the pool; a round of empty tasks waits until they answer.
        await pool.map(_noop, range(k * c))
        t0 = time.monotonic()
        records = await pool.map(_in_async_worker, [(t0, i) for i in range(spec["tasks"])])
    return Result(t0 - started, _threads(), records)


def async_process_pool(spec, started):
    """aiomultiprocess.Pool(k, childconcurrency=c): k processes, each an event loop running up to c
    tasks at once — the article's shape, and the Rust async-process-pool's."""
    import asyncio

    return asyncio.run(_async_pool(spec, started))


MODELS = {
    "py-sequential": sequential,
    "py-threads": threads,
    "py-thread-pool": thread_pool,
    "py-asyncio": asyncio_gather,
    "py-asyncio-semaphore": asyncio_semaphore,
    "py-process-pool": process_pool,
    "py-async-process-pool": async_process_pool,
}
