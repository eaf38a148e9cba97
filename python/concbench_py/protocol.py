"""The one task protocol between the harness and an external model.

In (stdin, one JSON object):
    {"protocol": 1, "model": "py-threads",
     "workload": "io" | "cpu" | "sleep" | "mixed" | "convoy" | "payload" | "ipc",
     "url": "http://127.0.0.1:PORT/PATH", "tasks": N, "limit": k, "per_worker": c,
     "keep_alive": bool, "timeout_s": float, "cpu_iters": int, "delay_s": float,
     "cpu_s": float, "waits_s": [float, ...], "counts": [bool, ...], "bytes": B, "back": R,
     "policy": {"retries": R, "backoff": {"base_s": s, "cap_s": s} | null,
                "on_429": "at-once" | "backoff" | "retry-after", "seed": S}}
io: each task GETs url, X-Task naming it and, past its first request, X-Attempt its try (0-based);
policy (absent: none, a 429 tried again at once) says when a failed or refused request goes again.
mixed: task i waits waits_s[i], GETs url, then counts cpu_iters, or for cpu_s when cpu_iters is 0
(sized here, at setup). convoy: task i counts (cpu_iters, or for cpu_s) where counts[i] is true and
GETs url otherwise. payload (py-thread-pool and py-process-pool only): the submitter makes task i's B
bytes (byte j = (i + j) mod 251) and hands them over (a reference to a thread, pickled to a process);
the task checks them, counts, and hands back R bytes of task i + 1's pattern, which the submitter
checks; a changed byte fails the task as "corrupt". per_worker: tasks at once in each worker of
py-async-process-pool. ipc (py-sequential only): "transport", "size", "messages": each task is a
pair of processes exchanging messages (concbench_py/ipc.py), answered as "ipc" beside the tasks.
Out (the last line of stdout, one JSON object):
    {"protocol": 1, "setup_s": float, "peak_rss_kib": int, "threads_peak": int,
     "tasks": [{"start": s, "end": s, "failure": null | "connect" | "timeout" | "status" | "io"
                | "refused" | "worker-lost" | "panic" | "corrupt" | "reordered", "service": s | null,
                "tries": {"requests": n, "refused": n, "timeouts": n, "failed": n}}, ...],
     "ipc": {"pairs": n, "round_trips": n, "rtt_p50_s": s, ...} (ipc only: see ipc.exchanged)}
tries: what an io task's requests met, only with a policy or when the task sent more than one.
Times are seconds from the instant every task was submitted (after setup: interpreter, imports,
sessions, pools), in task order, so the harness computes makespan, latencies and efficiency the same
way for both languages.
"""

import json
import sys
import time

from . import models

PROTOCOL = 1


def peak_rss_kib():
    """This process's own high-water mark (VmHWM), or its largest reaped child's (a pool worker's)."""
    import resource

    own = 0
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    own = int(line.split()[1])
    except OSError:
        pass
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children)


def task(t):
    """One task's answer; `tries` only when it has them, so a plain run's answer reads as before."""
    out = {"start": t.start, "end": t.end, "failure": t.failure, "service": t.service}
    if getattr(t, "tries", None) is not None:
        out["tries"] = t.tries
    return out


def main():
    started = time.monotonic()
    try:
        spec = json.loads(sys.stdin.read())
        if spec.get("protocol") != PROTOCOL:
            raise ValueError(f"protocol {spec.get('protocol')!r}, this program speaks {PROTOCOL}")
        run = models.MODELS[spec["model"]]
    except (ValueError, KeyError) as e:
        print(f"concbench_py: bad spec: {e!r}", file=sys.stderr)
        return 1
    result = run(models.sized(spec), started)
    out = {
        "protocol": PROTOCOL,
        "setup_s": result.setup_s,
        "peak_rss_kib": peak_rss_kib(),
        "threads_peak": result.threads_peak,
        "tasks": [task(t) for t in result.tasks],
    }
    if spec["workload"] == "ipc":
        from . import ipc

        out["ipc"] = ipc.exchanged(spec)
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0
