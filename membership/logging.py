"""JSON logs with request id, tenant and actor; never PII (no phones, names or bodies)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson
import structlog

__all__ = ["configure_logging", "log_request"]

# Where access lines go: stdout's buffer while INFO is logged, else nowhere.
_access_out: Any = None


def _dumps(event: Any, **kwargs: Any) -> bytes:
    """orjson, or the standard library for what orjson refuses (integers beyond 64 bits)."""
    default = kwargs.get("default", repr)
    try:
        return orjson.dumps(event, default=default, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(event, default=default, ensure_ascii=False).encode()


def configure_logging(level: str = "INFO") -> None:
    global _access_out
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level.upper())
    _access_out = sys.stdout.buffer if logging.getLevelName(level.upper()) <= logging.INFO else None
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


def log_request(method: str, path: str, status: int, ms: float) -> None:
    """A request's access line: the line ``structlog`` writes for ``log.info("request", …)``
    (the same keys, the request's bound context, one write), without its processor chain, which
    cost every request more than any other line."""
    out = _access_out
    if out is None:
        return
    line = {
        "method": method,
        "path": path,
        "status": status,
        "ms": ms,
        "event": "request",
        **structlog.contextvars.get_contextvars(),
        "level": "info",
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    out.write(_dumps(line) + b"\n")
    out.flush()
