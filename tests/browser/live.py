"""What the browser tests run against: the API as a process of its own, and Debian's chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from membership.db import PgTarget

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

__all__ = ["CHROMIUM", "ROOT", "launch_chromium", "running_api"]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_api(database: PgTarget, redis_url: str, **env: str) -> Iterator[str]:
    """The API as its own uvicorn process on a free port, ready; ``env`` adds settings."""
    port = _free_port()
    environment = {**os.environ, "DATABASE_URL": database.dsn(), "REDIS_URL": redis_url, **env}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "membership.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("API did not become ready")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's chromium, headless, with nothing that reaches outside the machine."""
    return await playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
