"""A real arq worker process for tests: started on the test database and Redis, stopped (or
killed) by the test, with its log in a file (a pipe would block a worker that logs faster than
the test reads)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from membership.db import PgTarget

__all__ = ["ROOT", "WorkerProcess", "start_worker"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 20) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as a crash or the OOM killer would."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)


def start_worker(database: PgTarget, redis_url: str, log: Path, **env: str) -> WorkerProcess:
    environment = {
        **os.environ,
        "DATABASE_URL": database.dsn(),
        "REDIS_URL": redis_url,
        "MEMBERSHIP_LOG_LEVEL": "INFO",
        "MEMBERSHIP_WEBHOOKS_ALLOW_PRIVATE_URLS": "true",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "membership.cli", "worker"],
        env=environment,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return WorkerProcess(process, log)
