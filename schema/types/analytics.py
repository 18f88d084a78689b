"""Analytics (``analytics.graphql``): the overview, series, RFM, tier contribution, channel value."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from membership.analytics import metrics, rfm, scores
from schema.scalars import Long
from schema.types.tiers import Tier

__all__ = [
    "AnalyticsOverview",
    "ChannelValue",
    "Granularity",
    "MemberRfm",
    "RfmClass",
    "RfmReport",
    "RfmSegment",
    "TierContribution",
    "TimePoint",
]


@strawberry.enum(description="The buckets of a series: days, ISO weeks (from Monday), months.")
class Granularity(Enum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@strawberry.enum(
    description=(
        "RFM eight classes over members with at least one order: R high at or below the mean "
        "recency, F and M high at or above their means."
    )
)
class RfmClass(Enum):
    IMPORTANT_VALUE = "IMPORTANT_VALUE"
    IMPORTANT_DEVELOP = "IMPORTANT_DEVELOP"
    IMPORTANT_RETAIN = "IMPORTANT_RETAIN"
    IMPORTANT_WINBACK = "IMPORTANT_WINBACK"
    GENERAL_VALUE = "GENERAL_VALUE"
    GENERAL_DEVELOP = "GENERAL_DEVELOP"
    GENERAL_RETAIN = "GENERAL_RETAIN"
    GENERAL_WINBACK = "GENERAL_WINBACK"


@strawberry.type
class AnalyticsOverview:
    start: date = strawberry.field(name="from")
    until: date
    new_members: int = strawberry.field(description="Members created in the period.")
    active_members: int = strawberry.field(
        description="Members with at least one order in the period."
    )
    orders: int
    revenue: Long = strawberry.field(description="Sum of order amounts, net of refunds.")
    average_order_value: Long = strawberry.field(description="revenue / orders, half up.")
    items_per_order: float | None = strawberry.field(description="null when no order has items.")
    repurchase_rate: float = strawberry.field(
        description="Of activeMembers, the share with at least 2 purchase days in the period."
    )
    churn_rate: float = strawberry.field(
        description=(
            "Of members active in the equally long period just before, the share with no order "
            "in this one."
        )
    )
    points_liability: Long = strawberry.field(
        description="Outstanding points valued in money, now."
    )
    coupon_redemption_rate: float = strawberry.field(
        description="Coupons redeemed in the period / coupons issued in it (0 when none issued)."
    )

    @classmethod
    def of(cls, o: metrics.Overview) -> AnalyticsOverview:
        return cls(
            start=o.start,
            until=o.until,
            new_members=o.new_members,
            active_members=o.active_members,
            orders=o.orders,
            revenue=Long(o.revenue),
            average_order_value=Long(o.average_order_value),
            items_per_order=o.items_per_order,
            repurchase_rate=o.repurchase_rate,
            churn_rate=o.churn_rate,
            points_liability=Long(o.points_liability),
            coupon_redemption_rate=o.coupon_redemption_rate,
        )


@strawberry.type
class TimePoint:
    date: date = strawberry.field(description="The first day of the bucket.")
    value: Long

    @classmethod
    def of(cls, p: metrics.TimePoint) -> TimePoint:
        return cls(date=p.day, value=Long(p.value))


@strawberry.type
class MemberRfm:
    as_of: date
    orders: int
    purchase_days: int
    first_order_on: date | None
    last_order_on: date | None
    recency_days: int | None = strawberry.field(
        description="asOf - lastOrderOn, in days; null without orders."
    )
    monetary: Long = strawberry.field(description="Sum of order amounts up to asOf.")
    rfm_class: RfmClass | None = strawberry.field(description="null without orders.")

    @classmethod
    def of(cls, r: rfm.MemberRfm) -> MemberRfm:
        return cls(
            as_of=r.as_of,
            orders=r.orders,
            purchase_days=r.purchase_days,
            first_order_on=r.first_order_on,
            last_order_on=r.last_order_on,
            recency_days=r.recency_days,
            monetary=Long(r.monetary),
            rfm_class=RfmClass(r.rfm_class.value) if r.rfm_class else None,
        )


@strawberry.type
class RfmSegment:
    rfm_class: RfmClass
    members: int
    share: float = strawberry.field(description="Of members with at least one order.")
    monetary: Long
    average_recency_days: float
    average_purchase_days: float


@strawberry.type
class RfmReport:
    as_of: date
    segments: list[RfmSegment] = strawberry.field(
        description="All eight classes, zero rows included."
    )

    @classmethod
    def of(cls, r: rfm.RfmReport) -> RfmReport:
        return cls(
            as_of=r.as_of,
            segments=[
                RfmSegment(
                    rfm_class=RfmClass(s.rfm_class.value),
                    members=s.members,
                    share=s.share,
                    monetary=Long(s.monetary),
                    average_recency_days=s.average_recency_days,
                    average_purchase_days=s.average_purchase_days,
                )
                for s in r.segments
            ],
        )


@strawberry.type
class TierContribution:
    tier: Tier | None = strawberry.field(description="null: members without a tier.")
    members: int = strawberry.field(description="Live members in the tier now.")
    revenue: Long = strawberry.field(
        description="The period's revenue from the members in the tier now."
    )
    share: float = strawberry.field(description="Of the period's revenue.")


@strawberry.type
class ChannelValue:
    source_channel: str | None
    members: int = strawberry.field(description="Members who joined up to the period's end.")
    active_members: int
    revenue: Long
    average_revenue_per_member: Long = strawberry.field(description="revenue / members, half up.")

    @classmethod
    def of(cls, c: metrics.ChannelValue) -> ChannelValue:
        return cls(
            source_channel=c.source_channel,
            members=c.members,
            active_members=c.active_members,
            revenue=Long(c.revenue),
            average_revenue_per_member=Long(c.average_revenue_per_member),
        )


@strawberry.enum(description="Which members of a period a figure of the dashboard counts.")
class MemberActivity(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="With an order in the period.")
    REPURCHASED = strawberry.enum_value(
        "REPURCHASED", description="With at least 2 purchase days in the period."
    )
    CHURNED = strawberry.enum_value(
        "CHURNED",
        description="Active in the equally long period just before, with no order in this one.",
    )
    REDEEMED_COUPON = strawberry.enum_value(
        "REDEEMED_COUPON", description="Who redeemed a coupon in the period."
    )


@strawberry.input(description="The members behind a figure of a period (local dates, inclusive).")
class MemberActivityFilter:
    kind: MemberActivity
    start: date = strawberry.field(name="from")
    until: date


@strawberry.enum(description="HIGH from a risk of 0.7, MEDIUM from 0.4.")
class ChurnRiskLevel(Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@strawberry.type(
    description=(
        "How likely the member has stopped buying, from the tenant's BG/NBD model (fitted daily "
        "on the members' purchase days), with what drives it."
    )
)
class MemberChurnRisk:
    risk: float = strawberry.field(description="1 − probabilityAlive, 0 … 1.")
    level: ChurnRiskLevel
    probability_alive: float = strawberry.field(
        description="The probability the member still buys, given their purchase days."
    )
    repeat_purchase_days: int = strawberry.field(description="Purchase days after the first.")
    days_since_last_purchase: int
    typical_days_between_purchases: float | None = strawberry.field(
        description="Days from the first to the last purchase day per repeat; null before one."
    )
    expected_purchases_next_30_days: float | None = strawberry.field(
        description="null where the model's closed form cannot be evaluated for the member."
    )
    model_as_of: date = strawberry.field(description="The day the model was fitted.")

    @classmethod
    def of(cls, r: scores.ChurnRisk) -> MemberChurnRisk:
        return cls(
            risk=r.risk,
            level=ChurnRiskLevel(r.level.value),
            probability_alive=r.probability_alive,
            repeat_purchase_days=r.repeat_purchase_days,
            days_since_last_purchase=r.days_since_last_purchase,
            typical_days_between_purchases=r.typical_days_between_purchases,
            expected_purchases_next_30_days=r.expected_purchases_next_30_days,
            model_as_of=r.model_as_of,
        )
