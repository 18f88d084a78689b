"""A request's access line is the line structlog writes for it; access lines are written whole,
in writes of at most PIPE_BUF bytes, within a second."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Callable

import pytest
import structlog

from membership import logging as membership_logging
from membership.logging import configure_logging, flush_access_lines, log_request

CONTEXT = {"request_id": "r1", "tenant": "t", "actor": "api_key:k"}


class Writes(io.BytesIO):
    """stdout's buffer, keeping each write apart."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.writes.append(bytes(data))
        return super().write(data)


def written_at(level: str, monkeypatch: pytest.MonkeyPatch, write: Callable[[], None]) -> Writes:
    """What ``write`` puts on stdout with logging configured at ``level``."""
    buffer = Writes()
    stdout = io.TextIOWrapper(buffer, write_through=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    configure_logging(level)
    try:
        write()
        flush_access_lines()
        return buffer
    finally:
        monkeypatch.undo()
        configure_logging("INFO")  # back on the real stdout
        stdout.detach()  # the buffer outlives its wrapper


def test_the_access_line_is_the_structlog_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def both() -> None:
        structlog.contextvars.bind_contextvars(**CONTEXT)
        try:
            structlog.get_logger("x").info(
                "request", method="POST", path="/graphql", status=200, ms=1.5
            )
            log_request("POST", "/graphql", 200, 1.5, CONTEXT)
        finally:
            structlog.contextvars.clear_contextvars()

    lines = written_at("INFO", monkeypatch, both).getvalue().splitlines()
    assert len(lines) == 2
    structlog_line, access_line = (json.loads(line) for line in lines)
    assert access_line.pop("timestamp")[:16] == structlog_line.pop("timestamp")[:16]
    assert access_line == structlog_line


def test_no_access_line_when_info_is_not_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    written = written_at("WARNING", monkeypatch, lambda: log_request("POST", "/", 200, 1, {}))
    assert written.getvalue() == b""


def test_access_lines_are_written_whole_in_writes_a_pipe_keeps_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def many() -> None:
        for n in range(500):
            log_request("POST", f"/graphql/{'x' * (n % 90)}", 200, 1.5, CONTEXT)

    written = written_at("INFO", monkeypatch, lambda: asyncio.run(many()))
    assert len(written.writes) < 50  # gathered: not a write per line
    for data in written.writes:
        assert len(data) <= 4096 and data.endswith(b"\n")
    lines = written.getvalue().splitlines()
    assert len(lines) == 500 and all(json.loads(line)["event"] == "request" for line in lines)


async def test_gathered_lines_are_written_within_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = Writes()
    stdout = io.TextIOWrapper(buffer, write_through=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(membership_logging, "_FLUSH_SECONDS", 0.05)
    configure_logging("INFO")
    try:
        log_request("GET", "/graphql", 200, 1.0, CONTEXT)
        assert buffer.getvalue() == b""
        await asyncio.sleep(0.2)
        assert json.loads(buffer.getvalue())["path"] == "/graphql"
    finally:
        monkeypatch.undo()
        configure_logging("INFO")
        stdout.detach()
