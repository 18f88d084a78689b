"""Several API processes on one port: ``membership serve --workers N``.

The parent binds one listening socket per API process, each with ``SO_REUSEPORT`` on the same
host and port, and starts the processes (``python -m membership.serving <fd>``), each serving
its own socket with uvicorn. Linux spreads new connections over the sockets of a ``SO_REUSEPORT``
group by a hash of the connection's addresses, so each process gets its share of connections
whether or not the others are busy. uvicorn's own ``--workers`` shares one socket instead; every
process then races to accept, and long-lived keep-alive connections pile onto whichever process
wins most often, leaving the others idle.

The parent supervises:

* SIGTERM or SIGINT stops every API process (uvicorn finishes the requests in flight) and
  returns 0; a process still running after :data:`STOP_TIMEOUT` seconds is killed;
* an API process that dies is started again on the same socket: its connections wait in the
  socket's backlog meanwhile, since the parent keeps the socket open. When API processes die
  :data:`CRASH_LIMIT` times within :data:`CRASH_WINDOW` seconds (the database is unreachable,
  the code cannot start…) the parent stops the others and returns 1, for the service manager
  to act on.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections import deque
from types import FrameType

__all__ = ["CRASH_LIMIT", "CRASH_WINDOW", "STOP_TIMEOUT", "bind_reuseport", "serve_processes"]

STOP_TIMEOUT = 30.0
CRASH_LIMIT = 5
CRASH_WINDOW = 60.0
_POLL_SECONDS = 0.2


def bind_reuseport(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` that other ``SO_REUSEPORT`` sockets may share."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(2048)  # uvicorn's default backlog
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


class _Stop:
    """Set by SIGTERM/SIGINT; the supervision loop notices it within one poll."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def _start(sock: socket.socket) -> subprocess.Popen[bytes]:
    fd = sock.fileno()
    return subprocess.Popen([sys.executable, "-m", "membership.serving", str(fd)], pass_fds=[fd])


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_processes(host: str, port: int, workers: int) -> int:
    """Run ``workers`` API processes on ``host:port`` until SIGTERM/SIGINT; the exit status.

    The embedded servers, if any, must already run: every API process looks them up.
    """
    sockets = [bind_reuseport(host, port) for _ in range(workers)]
    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    processes = [_start(sock) for sock in sockets]
    crashes: deque[float] = deque()
    status = 0
    try:
        while not stop.requested:
            time.sleep(_POLL_SECONDS)
            for index, process in enumerate(processes):
                if stop.requested or process.poll() is None:
                    continue
                now = time.monotonic()
                crashes.append(now)
                while crashes and crashes[0] < now - CRASH_WINDOW:
                    crashes.popleft()
                if len(crashes) >= CRASH_LIMIT:
                    print(
                        f"membership serve: API processes exited {len(crashes)} times within "
                        f"{CRASH_WINDOW:.0f} s (last status {process.returncode}); stopping.",
                        file=sys.stderr,
                    )
                    status = 1
                    stop.requested = True
                    break
                print(
                    f"membership serve: API process {process.pid} exited with status "
                    f"{process.returncode}; starting another.",
                    file=sys.stderr,
                )
                processes[index] = _start(sockets[index])
    finally:
        # A second signal must not cut the shutdown short and leave processes behind.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _stop_all(processes)
        for sock in sockets:
            sock.close()
    return status


def _serve_socket(fd: int) -> None:
    """One API process: uvicorn on the listening socket inherited as ``fd``."""
    import uvicorn

    sock = socket.socket(fileno=fd)
    config = uvicorn.Config(
        "membership.app:create_app",
        factory=True,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    _serve_socket(int(sys.argv[1]))
