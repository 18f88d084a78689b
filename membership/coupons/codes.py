"""Coupon codes: unguessable, and easy to read aloud or type at a till.

The alphabet leaves out characters people confuse (0/O, 1/I/L): 31 symbols, so a 12-character
code carries about 59 bits from ``secrets``; guessing one valid code among a million issued
takes on the order of 10^11 tries.
"""

from __future__ import annotations

import secrets

__all__ = ["ALPHABET", "DEFAULT_LENGTH", "new_code", "normalize"]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DEFAULT_LENGTH = 12


def new_code(length: int = DEFAULT_LENGTH, prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize(code: str) -> str:
    """What a person typed, as stored: no spaces or dashes, upper case."""
    return code.strip().replace(" ", "").replace("-", "").upper()
