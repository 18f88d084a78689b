"""Members: find, list, create, update, reveal, merge."""

from __future__ import annotations

from typing import Any

import strawberry

from membership.analytics.drilldown import Activity, ActivityFilter
from membership.analytics.rfm import RfmClass
from membership.errors import DomainError
from membership.members import service as members
from membership.members.models import Member as MemberModel
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.scalars import JSON
from schema.types.common import page_info
from schema.types.members import (
    CreateMemberInput,
    Member,
    MemberConnection,
    MemberEdge,
    MemberFilter,
    MemberPayload,
    MergeMembersInput,
    RevealMemberPiiPayload,
    UpdateMemberInput,
)

__all__ = ["MemberMutations", "MemberQueries"]


def _changes(data: CreateMemberInput | UpdateMemberInput) -> members.MemberChanges:
    changes = members.MemberChanges()
    for attr in (
        "phone",
        "name",
        "birthday",
        "external_id",
        "source_channel",
        "tags",
        "custom_fields",
    ):
        value: Any = getattr(data, attr, strawberry.UNSET)
        if value is not strawberry.UNSET:
            setattr(changes, attr, value)
    gender = data.gender
    if gender is not strawberry.UNSET:
        changes.gender = gender.value if gender is not None else None
    referrer = getattr(data, "referrer_id", strawberry.UNSET)
    if referrer not in (strawberry.UNSET, None):
        changes.referrer_id = parse_id(referrer, ["input", "referrerId"])
    manager = data.account_manager_id
    if manager is not strawberry.UNSET:
        changes.account_manager_id = (
            None if manager is None else parse_id(manager, ["input", "accountManagerId"])
        )
    return changes


def _filter(flt: MemberFilter | None) -> members.MemberFilter | None:
    if flt is None:
        return None
    result = members.MemberFilter(search=flt.search or None, tag=flt.tag or None)
    if flt.tier_id:
        result.tier_id = parse_id(flt.tier_id, ["filter", "tierId"])
    for item in flt.custom_fields or []:
        result.custom_fields.append((item.key, item.value))
    if flt.rfm_class:
        result.rfm_class = RfmClass(flt.rfm_class.value)
    if flt.source_channel is not None and flt.source_channel is not strawberry.UNSET:
        result.source_channel = flt.source_channel
    result.joined_from = flt.joined_from or None
    result.joined_until = flt.joined_until or None
    if flt.activity:
        result.activity = ActivityFilter(
            Activity(flt.activity.kind.name), flt.activity.start, flt.activity.until
        )
    result.without_tier = bool(flt.without_tier)
    if flt.min_points is not None and flt.min_points is not strawberry.UNSET:
        result.min_points = int(flt.min_points)
    return result


def _connection(page: members.MemberPage) -> MemberConnection:
    edges = [MemberEdge(node=Member.of(m), cursor=members.member_cursor(m)) for m in page.members]
    return MemberConnection(
        edges=edges,
        page_info=page_info(
            [e.cursor for e in edges], has_next=page.has_next, has_previous=page.has_previous
        ),
        total_count=page.total,
    )


@strawberry.type
class MemberQueries:
    @strawberry.field(
        description="One member of this tenant by id, phone, externalId or the member code it "
        "shows (createMemberCode); null when not found here or the code expired."
    )
    async def member(
        self,
        info: Info,
        id: strawberry.ID | None = None,
        phone: str | None = None,
        external_id: str | None = None,
        code: str | None = None,
    ) -> Member | None:
        ctx = info.context.auth
        member_id = None
        if id is not None:
            try:
                member_id = parse_id(id, ["id"])
            except DomainError:
                return None
        row = await members.get_member(
            ctx, id=member_id, phone=phone, external_id=external_id, code=code
        )
        return Member.of(row) if row else None

    @strawberry.field
    async def members(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: MemberFilter | None = None,
    ) -> MemberConnection:
        page = await members.list_members(
            info.context.auth, first=first, after=after, filter=_filter(filter)
        )
        return _connection(page)


def _member(row: MemberModel) -> MemberPayload:
    return MemberPayload(member=Member.of(row))


@strawberry.type
class MemberMutations:
    @strawberry.mutation
    @returns_errors(MemberPayload)
    async def create_member(self, info: Info, input: CreateMemberInput) -> MemberPayload:
        return _member(await members.create_member(info.context.auth, _changes(input)))

    @strawberry.mutation
    @returns_errors(MemberPayload)
    async def update_member(
        self, info: Info, id: strawberry.ID, input: UpdateMemberInput
    ) -> MemberPayload:
        member_id = parse_id(id, ["id"])
        return _member(await members.update_member(info.context.auth, member_id, _changes(input)))

    @strawberry.mutation(
        description='Show one field of one member, audited: the phone (field "phone", the '
        "default), or one PII custom field by its key, which needs a reason kept in the audit."
    )
    @returns_errors(RevealMemberPiiPayload)
    async def reveal_member_pii(
        self, info: Info, id: strawberry.ID, field: str = "phone", reason: str | None = None
    ) -> RevealMemberPiiPayload:
        phone, fields = await members.reveal_pii(
            info.context.auth, parse_id(id, ["id"]), field=field, reason=reason
        )
        return RevealMemberPiiPayload(phone=phone, custom_fields=JSON(fields))

    @strawberry.mutation(description="Fold the source profile into the target; audited.")
    @returns_errors(MemberPayload)
    async def merge_members(self, info: Info, input: MergeMembersInput) -> MemberPayload:
        target = await members.merge_members(
            info.context.auth,
            source_id=parse_id(input.source_id, ["input", "sourceId"]),
            target_id=parse_id(input.target_id, ["input", "targetId"]),
        )
        return _member(target)
