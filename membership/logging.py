"""JSON logs with request id, tenant and actor; never PII (no phones, names or bodies)."""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
import structlog

__all__ = ["configure_logging", "flush_access_lines", "log_request"]

# Access lines are gathered, as a web server's access log buffer does: written whole, in writes
# of at most PIPE_BUF bytes (lines of several processes never interleave, even on a pipe), at
# least every second, and at exit. Every other line is written at once.
_PIPE_BUF = 4096
_FLUSH_SECONDS = 1.0


class _AccessLines:
    def __init__(self, out: Any) -> None:
        self.out = out
        self.pending = bytearray()
        self.timer: asyncio.TimerHandle | None = None

    def add(self, line: bytes) -> None:
        if self.pending and len(self.pending) + len(line) > _PIPE_BUF:
            self.flush()
        self.pending += line
        if len(self.pending) >= _PIPE_BUF:
            self.flush()
        elif self.timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop to flush later: now
                self.flush()
                return
            self.timer = loop.call_later(_FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.pending:
            self.out.write(bytes(self.pending))
            self.out.flush()
            self.pending.clear()


_access: _AccessLines | None = None  # None while INFO is not logged


def flush_access_lines() -> None:
    """Write the access lines gathered so far (at shutdown; they are written within a second
    otherwise)."""
    if _access is not None:
        _access.flush()


atexit.register(flush_access_lines)


def _dumps(event: Any, **kwargs: Any) -> bytes:
    """orjson, or the standard library for what orjson refuses (integers beyond 64 bits)."""
    default = kwargs.get("default", repr)
    try:
        return orjson.dumps(event, default=default, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(event, default=default, ensure_ascii=False).encode()


def configure_logging(level: str = "INFO") -> None:
    global _access
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level.upper())
    flush_access_lines()
    info = logging.getLevelName(level.upper()) <= logging.INFO
    _access = _AccessLines(sys.stdout.buffer) if info else None
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            # orjson writes UTF-8 (names stay readable) straight to bytes
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        # a line and its newline in one write, so lines of several processes never interleave
        logger_factory=structlog.BytesLoggerFactory(file=sys.stdout.buffer),
        cache_logger_on_first_use=True,
    )


def log_request(method: str, path: str, status: int, ms: float, context: Mapping[str, str]) -> None:
    """A request's access line: the line ``structlog`` writes for ``log.info("request", …)``
    with the request's bound ``context`` (request id, tenant, actor), without its processor
    chain, which cost every request more than any other line; gathered into few writes."""
    access = _access
    if access is None:
        return
    line = {
        "method": method,
        "path": path,
        "status": status,
        "ms": ms,
        "event": "request",
        **context,
        "level": "info",
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    access.add(_dumps(line) + b"\n")
