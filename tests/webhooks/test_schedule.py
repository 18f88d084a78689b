"""The retry schedule: eight attempts over more than a day, the first retry within seconds."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from membership.webhooks.schedule import JITTER, MAX_ATTEMPTS, RETRY_DELAYS, next_attempt_delay


class Fixed(random.Random):
    """A random source that always draws the same value, for the jitter's extremes."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


LOWEST, HIGHEST = Fixed(0.0), Fixed(0.999_999)


def span(rng: random.Random) -> timedelta:
    delays = [next_attempt_delay(made, rng) for made in range(1, MAX_ATTEMPTS)]
    assert all(delay is not None for delay in delays)
    return sum((delay for delay in delays if delay is not None), timedelta())


def test_eight_attempts_with_the_standard_webhooks_delays() -> None:
    assert MAX_ATTEMPTS == 8
    assert [delay.total_seconds() for delay in RETRY_DELAYS] == [
        5,
        5 * 60,
        30 * 60,
        2 * 3600,
        5 * 3600,
        10 * 3600,
        10 * 3600,
    ]


def test_the_attempts_span_more_than_a_day_even_with_the_lowest_jitter() -> None:
    assert span(LOWEST) >= timedelta(hours=24)


def test_the_first_retry_comes_within_ten_seconds_even_with_the_highest_jitter() -> None:
    first = next_attempt_delay(1, HIGHEST)
    assert first is not None
    assert first <= timedelta(seconds=10)


@pytest.mark.parametrize("made", range(1, MAX_ATTEMPTS))
def test_each_delay_is_jittered_by_at_most_a_fifth(made: int) -> None:
    nominal = RETRY_DELAYS[made - 1]
    rng = random.Random(made)
    for _ in range(200):
        delay = next_attempt_delay(made, rng)
        assert delay is not None
        assert nominal <= delay <= nominal * (1 + JITTER)


def test_the_jitter_spreads_retries_that_failed_together() -> None:
    rng = random.Random(7)
    retries = {next_attempt_delay(4, rng) for _ in range(100)}
    assert len(retries) == 100


def test_none_is_left_after_the_last_attempt() -> None:
    assert next_attempt_delay(MAX_ATTEMPTS - 1) is not None
    assert next_attempt_delay(MAX_ATTEMPTS) is None
    assert next_attempt_delay(MAX_ATTEMPTS + 3) is None


def test_attempts_made_counts_the_first_attempt() -> None:
    with pytest.raises(ValueError):
        next_attempt_delay(0)
