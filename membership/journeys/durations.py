"""ISO 8601 durations as journeys use them: waits, timeouts, cooldowns, task due times.

Weeks, days, hours, minutes and seconds (``P3D``, ``PT2H``, ``P1W``, ``P1DT12H``). Years and months
are refused: "a month" is 28 to 31 days, and a journey that waits must know how long.
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["MAX_DURATION", "DurationError", "parse_duration"]

MAX_DURATION = timedelta(days=3660)

_PATTERN = re.compile(
    r"P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


class DurationError(ValueError):
    pass


def parse_duration(text: object) -> timedelta:
    """``P3D`` → 3 days; raises DurationError with a message fit for the user."""
    if not isinstance(text, str):
        raise DurationError("Give an ISO 8601 duration such as P3D or PT2H.")
    date_part = text[1:].split("T", 1)[0] if text.startswith("P") else ""
    if re.search(r"\d+[YM]", date_part):
        raise DurationError("Years and months have no fixed length: give days, e.g. P30D.")
    match = _PATTERN.fullmatch(text)
    if match is None or not any(match.groupdict().values()) or text.endswith("T"):
        raise DurationError("Give an ISO 8601 duration such as P3D or PT2H.")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    duration = timedelta(**parts)
    if duration <= timedelta(0):
        raise DurationError("The duration must be longer than zero.")
    if duration > MAX_DURATION:
        raise DurationError("The duration must be at most ten years.")
    return duration
