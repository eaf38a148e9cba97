"""Children never outlive their parent: what the harness asks of every process it starts
(PR_SET_PDEATHSIG), Python's pool workers and gunicorn's workers ask for themselves, so a model killed
at its deadline or a gunicorn master killed with the harness leaves no process behind."""

import os


def die_with_parent(parent):
    """Ask the kernel to SIGKILL this process when its parent dies; exit now if `parent` (the pid it
    was forked from) is already gone, since then nobody would ever signal it."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: the pool's or the arbiter's own shutdown is all there is
    if os.getppid() != parent:
        os._exit(1)
