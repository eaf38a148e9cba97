"""The slow server's data endpoints as a WSGI app, for `--server gunicorn`: `/` holds the request for
the configured delay (CONCBENCH_DELAY_MS), `/delay/{ms}` for ms milliseconds (0..=60000), then both
answer 200 `This is a slow web api` as text/plain; anything else answers at once, as concbench's own
server does. Under gunicorn's sync workers the sleep occupies the worker: the talk's server."""

import os
import time

BODY = b"This is a slow web api"
TEXT = "text/plain; charset=utf-8"
MAX_DELAY_MS = 60_000
DELAY_S = int(os.environ.get("CONCBENCH_DELAY_MS", "1000")) / 1000


def _answer(start_response, status, body):
    start_response(status, [("Content-Type", TEXT), ("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    if environ["REQUEST_METHOD"] != "GET":
        method = environ["REQUEST_METHOD"]
        return _answer(start_response, "405 Method Not Allowed", f"method {method} not allowed; use GET\n".encode())
    path = environ.get("PATH_INFO", "/")
    if path == "/":
        time.sleep(DELAY_S)
        return _answer(start_response, "200 OK", BODY)
    if path.startswith("/delay/"):
        ms = path[len("/delay/"):]
        if ms.isdigit() and int(ms) <= MAX_DELAY_MS:
            time.sleep(int(ms) / 1000)
            return _answer(start_response, "200 OK", BODY)
        return _answer(
            start_response,
            "400 Bad Request",
            f"/delay/{{ms}} takes 0..=60000 milliseconds, got {ms!r}\n".encode(),
        )
    return _answer(start_response, "404 Not Found", f"no such path {path}; try / or /delay/{{ms}}\n".encode())
