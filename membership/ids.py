"""Ids for rows written in order: UUIDv7 (RFC 9562).

The first 48 bits are milliseconds since the Unix epoch, so rows written now land at the right
end of their primary-key and foreign-key indexes instead of on a random, probably cold, page of
a ten-million-row index. The remaining 74 bits are random. Use them for ledger entries, lots,
orders and events; keep random UUIDv4 where creation time should not show (members, keys).
"""

from __future__ import annotations

import os
import time
import uuid

__all__ = ["new_id"]

_MASK_48 = (1 << 48) - 1


def new_id() -> uuid.UUID:
    millis = time.time_ns() // 1_000_000 & _MASK_48
    random = int.from_bytes(os.urandom(10), "big")  # 80 bits, 74 of them used
    value = (
        millis << 80
        | 0x7 << 76  # version 7
        | (random >> 62 & 0xFFF) << 64  # rand_a, 12 bits
        | 0b10 << 62  # RFC 9562 variant
        | random & ((1 << 62) - 1)  # rand_b, 62 bits
    )
    return uuid.UUID(int=value)
