"""concbench's Python reference models: the talk's clients, run by the harness like its Rust models.

The harness starts `python -m concbench_py`, writes one JSON spec on stdin and reads one JSON line on
stdout (see protocol.py); it measures this process from outside with wait4, as it does a Rust case.
"""
