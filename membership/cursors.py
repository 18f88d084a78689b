"""Opaque keyset cursors for lists ordered newest first by (created_at, id)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

from membership.errors import DomainError, ErrorCode

__all__ = ["decode_cursor", "encode_cursor"]


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (created_at, id) a cursor points at; a malformed one is INVALID on field ``after``."""
    try:
        created, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created), uuid.UUID(row_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError(ErrorCode.INVALID, "Malformed cursor.", ["after"]) from exc
