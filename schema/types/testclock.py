"""A sandbox tenant's test clock."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from schema.errors import UserError
from tenants.context import SandboxClock

__all__ = ["TestClock", "TestClockPayload", "TestClockStatus"]


@strawberry.enum(description="READY: the clock stands still; ADVANCING: an advance is running.")
class TestClockStatus(Enum):
    READY = "READY"
    ADVANCING = "ADVANCING"


@strawberry.type(
    description="A sandbox tenant's time: it stands still until advanced, and everything that "
    "falls due on the way runs, in time order."
)
class TestClock:
    frozen_time: datetime = strawberry.field(
        description="The tenant's now (while ADVANCING, how far the advance has come)."
    )
    status: TestClockStatus

    @classmethod
    def of(cls, clock: SandboxClock) -> TestClock:
        return cls(frozen_time=clock.frozen_time, status=TestClockStatus(clock.status))


@strawberry.type
class TestClockPayload:
    test_clock: TestClock | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
