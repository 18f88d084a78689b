"""JSON logs with request id, tenant and actor; never PII (no phones, names or bodies)."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import orjson
import structlog

__all__ = ["configure_logging"]


def _dumps(event: Any, **kwargs: Any) -> bytes:
    """orjson, or the standard library for what orjson refuses (integers beyond 64 bits)."""
    default = kwargs.get("default", repr)
    try:
        return orjson.dumps(event, default=default, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(event, default=default, ensure_ascii=False).encode()


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level.upper())
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
