"""Types of a coupon issued to every member of a filtered list (a background run)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from membership.coupons.issue_runs import IssueRun
from membership.messages import localized
from schema.context import Info
from schema.errors import ErrorCode, UserError
from schema.types.coupons import CouponTemplate
from schema.types.members import MemberFilter

__all__ = [
    "CouponIssueRefusal",
    "CouponIssueRun",
    "CouponIssueRunPayload",
    "CouponIssueRunStatus",
    "IssueCouponToMembersInput",
]


@strawberry.enum
class CouponIssueRunStatus(Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


@strawberry.type(description="Members refused for one reason, and why (the first one's message).")
class CouponIssueRefusal:
    code: ErrorCode
    count: int
    message: str


@strawberry.type(
    description="One coupon of a template issued to every member of a list, in the background; "
    "the counts are what is committed so far."
)
class CouponIssueRun:
    _run: strawberry.Private[IssueRun]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._run.id))

    @strawberry.field
    async def template(self, info: Info) -> CouponTemplate:
        return CouponTemplate.of(
            await info.context.coupon_template_loader.load(self._run.template_id)
        )

    @strawberry.field(description="Members on the list when the run was queued.")
    def total(self) -> int:
        return self._run.total

    @strawberry.field(description="Members issued a coupon so far.")
    def issued(self) -> int:
        return self._run.issued

    @strawberry.field(description="Members refused so far (a limit of the template, say).")
    def refused(self) -> int:
        return self._run.refused

    @strawberry.field(description="The refusals by reason, most frequent first.")
    def refusals(self, info: Info) -> list[CouponIssueRefusal]:
        language = info.context.language
        return [
            CouponIssueRefusal(
                code=ErrorCode(r.code), count=r.count, message=localized(r.error(), language)
            )
            for r in self._run.refusals
        ]

    @strawberry.field
    def status(self) -> CouponIssueRunStatus:
        return CouponIssueRunStatus(self._run.status)

    @strawberry.field(description="Why the run stopped, when FAILED.")
    def error(self) -> str | None:
        return self._run.error

    @strawberry.field
    def created_at(self) -> datetime:
        return self._run.created_at

    @strawberry.field
    def started_at(self) -> datetime | None:
        return self._run.started_at

    @strawberry.field
    def finished_at(self) -> datetime | None:
        return self._run.finished_at

    @classmethod
    def of(cls, run: IssueRun) -> CouponIssueRun:
        return cls(_run=run)


@strawberry.input
class IssueCouponToMembersInput:
    template_id: strawberry.ID
    filter: MemberFilter | None = strawberry.field(
        default=None, description="The list, as the members query filters it; null: everyone."
    )
    idempotency_key: str


@strawberry.type
class CouponIssueRunPayload:
    run: CouponIssueRun | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
