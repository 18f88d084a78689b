"""A coupon issued to every member of a filtered list: queue the run, follow its progress."""

from __future__ import annotations

import strawberry

from membership.coupons import issue_runs
from resolvers.conventions import parse_id, returns_errors
from resolvers.members import _filter as member_filter
from schema.context import Info
from schema.types.issue_runs import (
    CouponIssueRun,
    CouponIssueRunPayload,
    IssueCouponToMembersInput,
)

__all__ = ["IssueRunMutations", "IssueRunQueries"]


@strawberry.type
class IssueRunQueries:
    @strawberry.field(
        description="A run issuing a coupon to a list and its progress; null when not found."
    )
    async def coupon_issue_run(self, info: Info, id: strawberry.ID) -> CouponIssueRun | None:
        run = await issue_runs.get_run(info.context.auth, parse_id(id, ["id"]))
        return CouponIssueRun.of(run) if run else None

    @strawberry.field(description="The runs issuing a coupon to a list, newest first.")
    async def coupon_issue_runs(self, info: Info, first: int | None = None) -> list[CouponIssueRun]:
        return [CouponIssueRun.of(r) for r in await issue_runs.list_runs(info.context.auth, first)]


@strawberry.type
class IssueRunMutations:
    @strawberry.mutation(
        description="Issue one coupon of a template to every member the filter lists now (up to "
        "200,000), in the background; follow couponIssueRun for progress. A replayed key queues "
        "once."
    )
    @returns_errors(CouponIssueRunPayload)
    async def issue_coupon_to_members(
        self, info: Info, input: IssueCouponToMembersInput
    ) -> CouponIssueRunPayload:
        result = await issue_runs.start_run(
            info.context.auth,
            template_id=parse_id(input.template_id, ["input", "templateId"]),
            filter=member_filter(input.filter),
            idempotency_key=input.idempotency_key,
        )
        return CouponIssueRunPayload(run=CouponIssueRun.of(result.run))
