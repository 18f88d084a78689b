"""Custom scalars of the public contract."""

from __future__ import annotations

from typing import TYPE_CHECKING, NewType

import strawberry
from strawberry.scalars import JSON

__all__ = ["JSON", "Long"]


def _parse_long(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("Long must be an integer")
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise ValueError("Long is outside the 64-bit range")
    return number


if TYPE_CHECKING:
    Long = int
else:
    Long = strawberry.scalar(
        NewType("Long", int),
        description="64-bit signed integer as a JSON number (money in minor units, points).",
        serialize=int,
        parse_value=_parse_long,
    )
