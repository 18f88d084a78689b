"""Member, custom-field and audit types."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import cast

import strawberry

from membership.coupons import wallet
from membership.events import timeline
from membership.members import service as members
from membership.members.models import CustomFieldDefinition as DefinitionModel
from membership.members.models import Member as MemberModel
from membership.messaging import consents, subscriptions
from membership.messaging import log as message_log
from membership.points import expiry
from membership.points import service as points
from membership.tiering import engine as tiering
from membership.tiering import progress
from schema.context import Info
from schema.errors import UserError
from schema.scalars import JSON, Long
from schema.types.analytics import MemberActivityFilter, MemberChurnRisk, MemberRfm, RfmClass
from schema.types.common import PageInfo, page_info
from schema.types.coupons import Coupon, CouponConnection, CouponEdge, CouponStatus
from schema.types.events import TimelineConnection, TimelineEdge, TimelineEvent
from schema.types.journeys import JourneyRun
from schema.types.messaging import (
    Consent,
    ConsentRecord,
    ConsentRecordConnection,
    ConsentRecordEdge,
    Identity,
    MessageConnection,
    MessageEdge,
)
from schema.types.points import (
    PointsLot,
    PointsTransaction,
    PointsTransactionConnection,
    PointsTransactionEdge,
    PointsTransactionKind,
)
from schema.types.tenancy import Staff
from schema.types.tiers import Tier, TierChange, TierProgress
from tenants.audit import AuditEntry as AuditModel
from tenants.permissions import Permission

__all__ = [
    "AuditEntry",
    "CustomFieldDefinition",
    "CustomFieldType",
    "Gender",
    "Member",
    "MemberConnection",
]


@strawberry.enum
class Gender(Enum):
    MALE = "MALE"
    FEMALE = "FEMALE"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


@strawberry.type
class Member:
    _row: strawberry.Private[MemberModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field(description="E.164; masked (+86138****5678) for callers without PII access.")
    def phone(self, info: Info) -> str:
        return members.masked_phone(info.context.auth, self._row)

    @strawberry.field(description="True when phone and PII custom fields are masked for you.")
    def phone_masked(self, info: Info) -> bool:
        return not members.shows_pii(info.context.auth, self._row)

    @strawberry.field
    def name(self) -> str | None:
        return self._row.name

    @strawberry.field
    def gender(self) -> Gender | None:
        return Gender(self._row.gender) if self._row.gender else None

    @strawberry.field
    def birthday(self) -> date | None:
        return self._row.birthday

    @strawberry.field
    def external_id(self) -> str | None:
        return self._row.external_id

    @strawberry.field
    def source_channel(self) -> str | None:
        return self._row.source_channel

    @strawberry.field
    def tags(self) -> list[str]:
        return list(self._row.tags)

    @strawberry.field
    async def tier(self, info: Info) -> Tier | None:
        if self._row.tier_id is None:
            return None
        row = await info.context.tier(self._row.tier_id)
        return Tier.of_catalogued(row) if row else None

    @strawberry.field(
        description=(
            "RFM as of a day (default today): from the analytics roll-up today, from the orders "
            "up to that day otherwise."
        )
    )
    async def rfm(self, info: Info, as_of: date | None = None) -> MemberRfm:
        return MemberRfm.of(await info.context.rfm_loader.load((self._row.id, as_of)))

    @strawberry.field(
        description="How likely the member has stopped buying; null without orders or a model."
    )
    async def churn_risk(self, info: Info) -> MemberChurnRisk | None:
        risk = await info.context.churn_loader.load(self._row.id)
        return MemberChurnRisk.of(risk) if risk else None

    @strawberry.field(description="The staff member who follows this member up.")
    async def account_manager(self, info: Info) -> Staff | None:
        ctx = info.context.auth
        if self._row.account_manager_id is None or not ctx.has(Permission.MEMBERS_READ):
            return None
        row = await info.context.staff_loader.load(self._row.account_manager_id)
        return Staff.of(row) if row else None

    @strawberry.field(
        description="How far the member is from the next tier, and when its own tier is reviewed."
    )
    async def tier_progress(self, info: Info) -> TierProgress | None:
        found = await progress.tier_progress(info.context.auth, self._row.id)
        return TierProgress.of(found) if found else None

    @strawberry.field(description="Who referred this member (staff and server keys only).")
    async def referrer(self, info: Info) -> Member | None:
        ctx = info.context.auth
        if self._row.referrer_id is None or not ctx.has(Permission.MEMBERS_READ):
            return None
        row = await info.context.member_loader.load(self._row.referrer_id)
        return Member.of(row) if row else None

    @strawberry.field(description="The points ledger of this member, newest first.")
    async def points_transactions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kinds: list[PointsTransactionKind] | None = None,
    ) -> PointsTransactionConnection:
        size = 20 if first is None else first
        if after is None and not kinds:
            page = await info.context.points_first_pages.load((self._row.id, size))
        else:
            page = await points.entries_page(
                info.context.auth,
                self._row.id,
                first=size,
                after=after,
                kinds=[k.value for k in kinds] if kinds else None,
            )
        edges = [
            PointsTransactionEdge(node=PointsTransaction.of(e), cursor=points.entry_cursor(e))
            for e in page.entries
        ]
        return PointsTransactionConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )

    @strawberry.field(description="Consent as it stands, per channel and purpose.")
    async def consents(self, info: Info) -> list[Consent]:
        states = await info.context.consents_loader.load(self._row.id)
        return [Consent.of(s) for s in states]

    @strawberry.field(description="Every grant and withdrawal, the latest first.")
    async def consent_history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ConsentRecordConnection:
        page = await consents.consent_history(
            info.context.auth, self._row.id, first=first or 50, after=after
        )
        edges = [
            ConsentRecordEdge(node=ConsentRecord.of_record(r), cursor=consents.consent_cursor(r))
            for r in page.rows
        ]
        return ConsentRecordConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )

    @strawberry.field(description="The member's journey runs, the latest first.")
    async def journey_runs(self, info: Info) -> list[JourneyRun]:
        return [
            JourneyRun(_row=r) for r in await info.context.journey_runs_loader.load(self._row.id)
        ]

    @strawberry.field(description="The member's accounts elsewhere (openids, unionid…).")
    async def identities(self, info: Info) -> list[Identity]:
        rows = await info.context.identities_loader.load(self._row.id)
        return [Identity.of(r) for r in rows]

    @strawberry.field(description="Messages to the member, the latest first.")
    async def messages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> MessageConnection:
        size = 20 if first is None else first
        if after is None:
            page = await info.context.message_first_pages.load((self._row.id, size))
        else:
            page = await message_log.list_messages(
                info.context.auth,
                message_log.MessageFilter(member_id=self._row.id),
                first=size,
                after=after,
            )
        edges = [MessageEdge.of(r) for r in page.rows]
        return MessageConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )

    @strawberry.field(description="Mini-program subscribe messages the member may be sent.")
    async def subscribe_credits(self, info: Info) -> JSON:
        return cast(JSON, await subscriptions.credits_of(info.context.auth, self._row.id))

    @strawberry.field(description="The member's coupons, newest first.")
    async def coupons(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: CouponStatus | None = None,
    ) -> CouponConnection:
        size = 20 if first is None else first
        wanted = status.value if status else None
        if after is None:
            page = await info.context.coupon_first_pages.load((self._row.id, size, wanted))
        else:
            page = await wallet.member_coupons(
                info.context.auth, self._row.id, first=size, after=after, status=wanted
            )
        edges = [
            CouponEdge(node=Coupon.of(c), cursor=wallet.coupon_cursor(c)) for c in page.coupons
        ]
        return CouponConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )

    @strawberry.field(
        description="This member's lots, soonest to expire first: the open ones (pending or "
        "with points left), or with `includeClosed` every one."
    )
    async def points_lots(self, info: Info, include_closed: bool = False) -> list[PointsLot]:
        rows = await points.member_lots(
            info.context.auth, self._row.id, include_closed=include_closed
        )
        return [PointsLot.of(row) for row in rows]

    @strawberry.field(description="This member's points that expire within `days`.")
    async def points_expiring(self, info: Info, days: int) -> Long:
        total = await expiry.expiring_points(info.context.auth, days=days, member_id=self._row.id)
        return Long(total)

    @strawberry.field(
        description="Points a refund clawed back after they were spent; "
        "repaid first from later earnings."
    )
    def points_debt(self) -> Long:
        return Long(self._row.points_debt)

    @strawberry.field(
        description="Everything that happened to the member, newest first: state changes "
        "(order.recorded, points.changed, tier.changed…) and behaviour reported with trackEvent "
        "(event.<type>); types filters by exact type."
    )
    async def timeline(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        types: list[str] | None = None,
    ) -> TimelineConnection:
        size = 20 if first is None else first
        if after is None and not types:
            page = await info.context.timeline_first_pages.load((self._row.id, size))
        else:
            page = await timeline.member_timeline(
                info.context.auth, self._row.id, first=size, after=after, types=types
            )
        edges = [
            TimelineEdge(node=TimelineEvent.of(r), cursor=timeline.timeline_cursor(r))
            for r in page.rows
        ]
        return TimelineConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
        )

    @strawberry.field(description="The member's tier changes, newest first.")
    async def tier_history(self, info: Info) -> list[TierChange]:
        rows = await tiering.tier_history(info.context.auth, self._row.id)
        return [
            TierChange(
                id=strawberry.ID(str(r.id)),
                from_tier_id=strawberry.ID(str(r.from_tier_id)) if r.from_tier_id else None,
                to_tier_id=strawberry.ID(str(r.to_tier_id)) if r.to_tier_id else None,
                reason=r.reason,
                metric_value=Long(r.metric_value) if r.metric_value is not None else None,
                created_at=r.created_at,
            )
            for r in rows
        ]

    @strawberry.field(description="Points available now.")
    def points_balance(self) -> Long:
        return Long(self._row.points_balance)

    @strawberry.field(description="Points earned but not yet available.")
    def pending_points(self) -> Long:
        return Long(self._row.pending_points)

    @strawberry.field(description="Lifetime spend in minor units, net of refunds.")
    def total_spent(self) -> Long:
        return Long(self._row.total_spent)

    @strawberry.field
    def order_count(self) -> int:
        return self._row.order_count

    @strawberry.field
    def last_order_at(self) -> datetime | None:
        return self._row.last_order_at

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field(description="Custom field values by key; PII values read *** unless allowed.")
    async def custom_fields(self, info: Info) -> JSON:
        definitions = await info.context.definitions()
        return JSON(members.masked_custom_fields(info.context.auth, self._row, definitions))

    @classmethod
    def of(cls, row: MemberModel) -> Member:
        return cls(_row=row)


@strawberry.type
class MemberEdge:
    node: Member
    cursor: str


@strawberry.type
class MemberConnection:
    edges: list[MemberEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class CustomFieldFilter:
    key: str
    value: JSON


@strawberry.input
class MemberFilter:
    search: str | None = strawberry.UNSET
    tier_id: strawberry.ID | None = strawberry.UNSET
    tag: str | None = strawberry.UNSET
    custom_fields: list[CustomFieldFilter] | None = strawberry.UNSET
    rfm_class: RfmClass | None = strawberry.field(
        default=strawberry.UNSET, description="As of the latest RFM refresh."
    )
    source_channel: str | None = strawberry.field(
        default=strawberry.UNSET, description='Where they joined; "": no channel recorded.'
    )
    joined_from: date | None = strawberry.field(
        default=strawberry.UNSET, description="Joined on or after this local day."
    )
    joined_until: date | None = strawberry.field(
        default=strawberry.UNSET, description="Joined on or before this local day."
    )
    activity: MemberActivityFilter | None = strawberry.field(
        default=strawberry.UNSET, description="The members behind a figure of the dashboard."
    )
    without_tier: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Only members in no tier."
    )
    min_points: Long | None = strawberry.field(
        default=strawberry.UNSET, description="Only members with at least this many points."
    )


@strawberry.input
class CreateMemberInput:
    phone: str
    name: str | None = strawberry.UNSET
    gender: Gender | None = strawberry.UNSET
    birthday: date | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    source_channel: str | None = strawberry.UNSET
    referrer_id: strawberry.ID | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    custom_fields: JSON | None = strawberry.UNSET
    account_manager_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The staff member who follows this member up."
    )


@strawberry.input
class UpdateMemberInput:
    name: str | None = strawberry.UNSET
    gender: Gender | None = strawberry.UNSET
    birthday: date | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    custom_fields: JSON | None = strawberry.UNSET
    account_manager_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The staff member who follows this member up; null: nobody.",
    )


@strawberry.type
class MemberPayload:
    member: Member | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class MergeMembersInput:
    source_id: strawberry.ID
    target_id: strawberry.ID


@strawberry.type
class RevealMemberPiiPayload:
    phone: str | None = None
    custom_fields: JSON | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


# ---------------------------------------------------------------- custom fields


@strawberry.enum
class CustomFieldType(Enum):
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    DATE = "DATE"
    ENUM = "ENUM"
    BOOL = "BOOL"


@strawberry.type
class CustomFieldDefinition:
    id: strawberry.ID
    key: str
    label: str
    type: CustomFieldType
    required: bool
    pii: bool
    options: list[str]
    position: int

    @classmethod
    def of(cls, row: DefinitionModel) -> CustomFieldDefinition:
        return cls(
            id=strawberry.ID(str(row.id)),
            key=row.key,
            label=row.label,
            type=CustomFieldType(row.type),
            required=row.required,
            pii=row.pii,
            options=list(row.options),
            position=row.position,
        )


@strawberry.input
class CreateCustomFieldDefinitionInput:
    key: str
    label: str
    type: CustomFieldType
    required: bool | None = False
    pii: bool | None = False
    options: list[str] | None = None


@strawberry.input
class UpdateCustomFieldDefinitionInput:
    label: str | None = None
    required: bool | None = None
    pii: bool | None = None
    options: list[str] | None = None


@strawberry.type
class CustomFieldDefinitionPayload:
    definition: CustomFieldDefinition | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


# ---------------------------------------------------------------- audit


@strawberry.type
class AuditEntry:
    id: strawberry.ID
    action: str
    actor_type: str
    actor_id: str | None
    actor_label: str | None
    target_type: str
    target_id: str | None
    before: JSON | None
    after: JSON | None
    request_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: AuditModel) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(row.id)),
            action=row.action,
            actor_type=row.actor_type,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            target_type=row.target_type,
            target_id=row.target_id,
            before=row.before,
            after=row.after,
            request_id=row.request_id,
            created_at=row.created_at,
        )


@strawberry.type
class AuditEntryEdge:
    node: AuditEntry
    cursor: str


@strawberry.type
class AuditEntryConnection:
    edges: list[AuditEntryEdge]
    page_info: PageInfo
    total_count: int
