"""The talk's clients as models, each a function of the spec and the process start: build what the
model needs (setup), note the submission instant t0, run every task once, return the records in task
order. Setup — imports, sessions, a process pool's workers — is timed apart, as the Rust models do."""

import os
import threading
import time
from dataclasses import dataclass
from typing import List

from .lifetime import die_with_parent
from .tasks import Async, Blocking, Record


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
    records = [task(t0) for _ in range(spec["tasks"])]
    return Result(t0 - started, 1, records)


def threads(spec, started):
    """One thread per task, results through a list indexed by task (the talk's result queue)."""
    task = Blocking(spec)
    n = spec["tasks"]
    records = [None] * n

    def one(i):
        records[i] = task(t0)

    workers = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    peak = _threads()
    for w in workers:
        w.join()
    return Result(t0 - started, peak, records)


def thread_pool(spec, started):
    from concurrent.futures import ThreadPoolExecutor

    task = Blocking(spec)
    with ThreadPoolExecutor(max_workers=spec["limit"]) as pool:
        # Start the k workers before t0, as the Rust pool does: a pool is set up once.
        list(pool.map(lambda _: None, range(spec["limit"])))
        t0 = time.monotonic()
        futures = [pool.submit(task, t0) for _ in range(spec["tasks"])]
        peak = _threads()
        records = [f.result() for f in futures]
    return Result(t0 - started, peak, records)


def _run_async(spec, started, limit):
    import asyncio

    async def main():
        task = Async(spec)
        await task.open()
        gate = asyncio.Semaphore(limit) if limit else None

        async def one():
            if gate is None:
                return await task(t0)
            async with gate:
                return await task(t0)

        t0 = time.monotonic()
        records = await asyncio.gather(*(one() for _ in range(spec["tasks"])))
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


def _in_worker(t0):
    return _worker_task(t0)


def process_pool(spec, started):
    import multiprocessing

    k = spec["limit"]
    pool = multiprocessing.Pool(k, initializer=_init_worker, initargs=(spec, os.getpid()))
    # Every worker up before t0: the pool's start-up is setup, as in the Rust process pool.
    pool.starmap(time.sleep, [(0,)] * k, chunksize=1)
    t0 = time.monotonic()
    # chunksize 1: each task goes to the next free worker, like the Rust pool's queue.
    records = pool.map(_in_worker, [t0] * spec["tasks"], chunksize=1)
    pool.close()
    pool.join()
    return Result(t0 - started, _threads(), records)


MODELS = {
    "py-sequential": sequential,
    "py-threads": threads,
    "py-thread-pool": thread_pool,
    "py-asyncio": asyncio_gather,
    "py-asyncio-semaphore": asyncio_semaphore,
    "py-process-pool": process_pool,
}
