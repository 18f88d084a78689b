"""With no DATABASE_URL / REDIS_URL, commands start embedded servers under the var dir, a second
command finds them running, and ``membership stop`` stops them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from membership.embedded import process_is_zombie

ROOT = Path(__file__).resolve().parents[1]


def run(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # no XDG_RUNTIME_DIR either, as for root in a container or a service
    unset = ("DATABASE_URL", "REDIS_URL", "XDG_RUNTIME_DIR")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["MEMBERSHIP_VAR_DIR"] = str(var)
    return subprocess.run(
        [sys.executable, "-m", "membership.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def pids(var: Path) -> list[int]:
    found = []
    pg = var / "pg" / "postmaster.pid"
    if pg.exists():
        found.append(int(pg.read_text().splitlines()[0]))
    redis = var / "redis" / "redis.pid"
    if redis.exists():
        found.append(int(redis.read_text().strip()))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not process_is_zombie(pid)


@pytest.fixture
def var(tmp_path: Path) -> Path:
    path = tmp_path / "var"
    yield path
    run(path, "stop")


def test_embedded_servers_start_once_are_shared_and_stop(var: Path) -> None:
    assert run(var, "migrate").returncode == 0
    started = pids(var)
    assert len(started) == 2 and all(alive(p) for p in started)

    created = run(var, "tenant", "create", "--slug", "embedded", "--name", "Embedded")
    assert created.returncode == 0, created.stderr
    listed = run(var, "tenant", "list")
    assert [json.loads(line)["slug"] for line in listed.stdout.splitlines()] == ["embedded"]
    assert pids(var) == started  # the second and third commands found the same servers

    stopped = run(var, "stop")
    assert "redis" in stopped.stderr and "postgres" in stopped.stderr
    assert not any(alive(p) for p in started)


def test_commands_print_no_runtime_dir_warning(var: Path) -> None:
    migrated = run(var, "migrate")
    listed = run(var, "tenant", "list")
    helped = run(var, "--help")

    assert (migrated.returncode, listed.returncode, helped.returncode) == (0, 0, 0)
    for result in (migrated, listed, helped):
        assert "RuntimeDirWarning" not in result.stderr, result.stderr
