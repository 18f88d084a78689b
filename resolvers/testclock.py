"""Advancing a sandbox tenant's test clock."""

from __future__ import annotations

from datetime import datetime

import strawberry

from membership.testclock.service import advance_test_clock
from resolvers.conventions import returns_errors
from schema.context import Info
from schema.types.testclock import TestClock, TestClockPayload

__all__ = ["TestClockMutations"]


@strawberry.type
class TestClockMutations:
    @strawberry.mutation(
        description="Move a sandbox tenant's clock forward to `to`: everything that falls due on "
        "the way runs, in time order. READY once done; a long advance answers ADVANCING and "
        "finishes in the worker. A live tenant, or a `to` before the clock, is refused."
    )
    @returns_errors(TestClockPayload)
    async def advance_test_clock(self, info: Info, to: datetime) -> TestClockPayload:
        clock = await advance_test_clock(info.context.auth, to)
        return TestClockPayload(test_clock=TestClock.of(clock))
