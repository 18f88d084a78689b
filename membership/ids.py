"""Ids for rows written in order: UUIDv7 (RFC 9562).

The first 48 bits are milliseconds since the Unix epoch, so rows written now land at the right
end of their primary-key and foreign-key indexes instead of on a random, probably cold, page of
a ten-million-row index. The remaining 74 bits are random. Use them for ledger entries, lots,
orders and events; keep random UUIDv4 where creation time should not show (members, keys).

The random bits come from the operating system's generator, read for many ids at once (an
order makes half a dozen ids, and one system call per id showed in its cost); a forked process
starts with none of its parent's.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque

__all__ = ["new_id", "new_ids"]

_MASK_48 = (1 << 48) - 1


_BATCH = 256  # ids' worth of randomness per read
_random_bits: deque[int] = deque()  # 80 random bits per id; popleft is atomic
os.register_at_fork(after_in_child=_random_bits.clear)


def _next_random() -> int:
    try:
        return _random_bits.popleft()
    except IndexError:
        block = os.urandom(10 * _BATCH)
        _random_bits.extend(
            int.from_bytes(block[i : i + 10], "big") for i in range(10, len(block), 10)
        )
        return int.from_bytes(block[:10], "big")


def new_id() -> uuid.UUID:
    millis = time.time_ns() // 1_000_000 & _MASK_48
    random = _next_random()  # 80 bits, 74 of them used
    value = (
        millis << 80
        | 0x7 << 76  # version 7
        | (random >> 62 & 0xFFF) << 64  # rand_a, 12 bits
        | 0b10 << 62  # RFC 9562 variant
        | random & ((1 << 62) - 1)  # rand_b, 62 bits
    )
    return _uuid(value)


def _uuid(value: int) -> uuid.UUID:
    """``uuid.UUID(int=value)`` for a value known to fit, as the uuid module unpickles one:
    the constructor's checks cost more than the rest of making an id."""
    made = object.__new__(uuid.UUID)
    object.__setattr__(made, "int", value)
    object.__setattr__(made, "is_safe", uuid.SafeUUID.unknown)
    return made


def new_ids(count: int) -> list[str]:
    """``count`` ids at once, as text, for rows written in bulk (the driver sends them as
    uuid): one call for the randomness, this millisecond for all of them."""
    stamp = f"{time.time_ns() // 1_000_000 & _MASK_48:012x}"
    head = f"{stamp[:8]}-{stamp[8:]}-7"
    digits = os.urandom(10 * count).hex()
    return [
        f"{head}{digits[i : i + 3]}-{_VARIANT[digits[i + 3]]}{digits[i + 4 : i + 7]}-"
        f"{digits[i + 7 : i + 19]}"
        for i in range(0, 20 * count, 20)
    ]


# The first hex digit of rand_b carries the RFC 9562 variant (binary 10xx) and 2 random bits.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
