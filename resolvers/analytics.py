"""Analytics queries (``analytics.graphql``); a bad period or ``asOf`` is an error with the code
and the argument it is about, and nothing is read."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from membership.analytics import metrics, rfm
from membership.analytics.periods import Granularity as Buckets
from schema.context import Info
from schema.types.analytics import (
    AnalyticsOverview,
    ChannelValue,
    Granularity,
    RfmReport,
    TierContribution,
    TimePoint,
)
from schema.types.tiers import Tier

__all__ = ["AnalyticsQueries"]

From = Annotated[date, strawberry.argument(name="from")]


@strawberry.type
class AnalyticsQueries:
    @strawberry.field(description="The programme's numbers over a period (local dates, inclusive).")
    async def analytics_overview(self, info: Info, start: From, until: date) -> AnalyticsOverview:
        return AnalyticsOverview.of(await metrics.overview(info.context.auth, start, until))

    @strawberry.field(description="New members per day, week or month.")
    async def member_growth(
        self, info: Info, start: From, until: date, granularity: Granularity
    ) -> list[TimePoint]:
        points = await metrics.member_growth(
            info.context.auth, start, until, Buckets(granularity.value)
        )
        return [TimePoint.of(p) for p in points]

    @strawberry.field(description="Revenue per day, week or month.")
    async def revenue_series(
        self, info: Info, start: From, until: date, granularity: Granularity
    ) -> list[TimePoint]:
        points = await metrics.revenue_series(
            info.context.auth, start, until, Buckets(granularity.value)
        )
        return [TimePoint.of(p) for p in points]

    @strawberry.field(description="RFM eight classes as of a day (default today).")
    async def rfm_report(self, info: Info, as_of: date | None = None) -> RfmReport:
        return RfmReport.of(await rfm.rfm_report(info.context.auth, as_of))

    @strawberry.field(description="What each tier's members bring in a period.")
    async def tier_contribution(
        self, info: Info, start: From, until: date
    ) -> list[TierContribution]:
        rows = await metrics.tier_contribution(info.context.auth, start, until)
        result = []
        for row in rows:
            tier = await info.context.tier(row.tier_id) if row.tier_id else None
            result.append(
                TierContribution(
                    tier=Tier.of(tier) if tier else None,
                    members=row.members,
                    revenue=row.revenue,
                    share=row.share,
                )
            )
        return result

    @strawberry.field(description="What each acquisition channel's members bring in a period.")
    async def channel_value(self, info: Info, start: From, until: date) -> list[ChannelValue]:
        rows = await metrics.channel_value(info.context.auth, start, until)
        return [ChannelValue.of(row) for row in rows]
