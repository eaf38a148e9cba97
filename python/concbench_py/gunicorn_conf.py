"""gunicorn's hooks for `--server gunicorn`: the harness reads one JSON line per event on stdout — the
address gunicorn bound (it binds 127.0.0.1:0 itself, so no other process can take the port between a
probe and the bind) and each worker ready to accept — and every worker dies with the master, as every
child of the harness does with its parent."""

import json
import os
import sys

from concbench_py.lifetime import die_with_parent


def _say(**event):
    # One write per line, below PIPE_BUF: lines from the master and workers never interleave.
    os.write(sys.stdout.fileno(), (json.dumps(event) + "\n").encode())


def when_ready(server):
    _say(url=str(server.LISTENERS[0]))


def post_fork(server, worker):
    die_with_parent(server.pid)


def post_worker_init(worker):
    _say(worker=os.getpid())
