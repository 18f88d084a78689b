"""``membership serve --workers N``: keep-alive connections spread over the API processes, a
process that dies comes back, and SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from membership.db import PgTarget
from tests.test_cli import ROOT, children, free_port, ready, running, wait_until

CONNECTIONS = 60


@contextmanager
def serving(database: PgTarget, redis_url: str, workers: int) -> Iterator[tuple[int, int]]:
    """``membership serve --workers N`` on a free port, ready: (serve's pid, port)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database.dsn(), "REDIS_URL": redis_url}
    command = ["serve", "--port", str(port), "--workers", str(workers)]
    serve = subprocess.Popen(
        [sys.executable, "-m", "membership.cli", *command],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen: set[int] = set()

    def started() -> bool:
        api = children(serve.pid)
        seen.update(api)
        return serve.poll() is not None or (len(api) == workers and ready(port))

    try:
        assert wait_until(started, 60) and serve.poll() is None, (
            serve.stderr.read() if serve.stderr else ""
        )
        yield serve.pid, port
        seen.update(children(serve.pid))
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=40) == 0
        assert wait_until(lambda: not any(running(pid) for pid in seen), 5)
    finally:
        for pid in (serve.pid, *seen, *children(serve.pid)):
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        serve.wait()


def keep_alive_connections(port: int, count: int) -> list[socket.socket]:
    """``count`` connections opened at once, as a client's pool does when it starts, each of which
    then made one keep-alive request and stays open."""
    conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]
    for conn in conns:
        keep_alive_get(conn)
    return conns


def keep_alive_get(conn: socket.socket) -> None:
    """One keep-alive request on ``conn``, answered."""
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n")
    response = b""
    while not response.endswith(b"ok"):
        chunk = conn.recv(4096)
        assert chunk, response
        response += chunk
    assert response.startswith(b"HTTP/1.1 200"), response


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def serving_process(conns: list[socket.socket], port: int, pids: list[int]) -> list[int]:
    """Which API process holds the server end of each connection, read from /proc."""
    by_client_port: dict[int, str] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(local.split(":")[1], 16) == port and int(remote.split(":")[1], 16) != 0:
            by_client_port[int(remote.split(":")[1], 16)] = inode
    owner = {inode: pid for pid in pids for inode in _socket_inodes(pid)}
    return [owner[by_client_port[conn.getsockname()[1]]] for conn in conns]


def test_keep_alive_connections_spread_over_the_api_processes(
    database: PgTarget, redis_url: str
) -> None:
    with serving(database, redis_url, workers=2) as (serve, port), ExitStack() as stack:
        api = children(serve)
        assert len(api) == 2
        conns = keep_alive_connections(port, CONNECTIONS)
        for conn in conns:
            stack.enter_context(conn)

        share = Counter(serving_process(conns, port, api))

        print("connections per API process:", dict(share))
        assert set(share) == set(api)
        # a hash spreads them binomially: below a quarter happens about once in 10,000 runs
        assert min(share.values()) >= CONNECTIONS // 4, share


def test_an_api_process_that_dies_is_started_again(database: PgTarget, redis_url: str) -> None:
    with serving(database, redis_url, workers=2) as (serve, port):
        first, second = children(serve)
        os.kill(first, signal.SIGKILL)

        assert wait_until(lambda: len(set(children(serve)) - {first, second}) == 1, 10)
        replacement = (set(children(serve)) - {first, second}).pop()
        # every connection is answered meanwhile: the dead process's socket stays open
        for conn in keep_alive_connections(port, 20):
            conn.close()
        assert running(replacement) and running(second)
