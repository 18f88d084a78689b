"""A request's access line is the line structlog writes for it, in one write."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable

import pytest
import structlog

from membership.logging import configure_logging, log_request


def written_at(level: str, monkeypatch: pytest.MonkeyPatch, write: Callable[[], None]) -> bytes:
    """What ``write`` puts on stdout with logging configured at ``level``."""
    stdout = io.TextIOWrapper(io.BytesIO())
    monkeypatch.setattr(sys, "stdout", stdout)
    configure_logging(level)
    try:
        write()
        return stdout.buffer.getvalue()  # type: ignore[attr-defined,no-any-return]
    finally:
        monkeypatch.undo()
        configure_logging("INFO")  # back on the real stdout


def test_the_access_line_is_the_structlog_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def both() -> None:
        structlog.contextvars.bind_contextvars(request_id="r1", tenant="t", actor="api_key:k")
        try:
            structlog.get_logger("x").info(
                "request", method="POST", path="/graphql", status=200, ms=1.5
            )
            log_request("POST", "/graphql", 200, 1.5)
        finally:
            structlog.contextvars.clear_contextvars()

    lines = written_at("INFO", monkeypatch, both).splitlines()
    assert len(lines) == 2
    structlog_line, access_line = (json.loads(line) for line in lines)
    assert list(access_line) == list(structlog_line)  # the same keys in the same order
    assert access_line.pop("timestamp")[:16] == structlog_line.pop("timestamp")[:16]
    assert access_line == structlog_line


def test_no_access_line_when_info_is_not_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    assert written_at("WARNING", monkeypatch, lambda: log_request("POST", "/", 200, 1.5)) == b""
