"""When a failed delivery is tried again.

The schedule is the one Standard Webhooks recommends and Svix uses: after the first attempt fails,
retry after 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours. Eight
attempts in all over more than 27 hours, so a receiver that is down for a day (a deploy gone wrong,
a weekend outage) still gets every event, while a brief blip costs the receiver only a few seconds.

Each delay gets up to 20 % of jitter. After an outage every pending delivery to that receiver failed
at about the same moment; without jitter all their retries would arrive together and knock the
recovering receiver over again. The jitter only ever lengthens a delay, which keeps both promises
of the schedule: the first retry comes within 10 seconds (5 to 6 s), and the attempts span more
than 24 hours even when every draw is the lowest (a symmetric ±20 % could shorten the 27.6 hours to
22.1).
"""

from __future__ import annotations

import random
from datetime import timedelta

__all__ = ["JITTER", "MAX_ATTEMPTS", "RETRY_DELAYS", "next_attempt_delay"]

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.2

_rng = random.Random()


def next_attempt_delay(attempts_made: int, rng: random.Random | None = None) -> timedelta | None:
    """How long to wait after ``attempts_made`` failed attempts; None when none is left.

    ``attempts_made`` counts every attempt so far, the first included, so it is at least 1.
    Pass ``rng`` for a reproducible jitter.
    """
    if attempts_made < 1:
        raise ValueError("attempts_made counts the attempts so far, the first included")
    if attempts_made >= MAX_ATTEMPTS:
        return None
    delay = RETRY_DELAYS[attempts_made - 1]
    return delay * (1 + JITTER * (rng or _rng).random())
