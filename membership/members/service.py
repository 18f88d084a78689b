"""Member profiles: create, update, find, list, reveal PII, merge.

Every function takes the request context first and runs inside the tenant transaction, so the
service filters by tenant and PostgreSQL row-level security enforces it a second time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from membership.analytics.drilldown import ActivityFilter, activity_condition, joined_condition
from membership.analytics.rfm import RfmClass, members_in_class
from membership.cursors import decode_cursor, encode_cursor
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.members import custom_fields
from membership.members.codes import looks_like_code
from membership.members.events import MemberCreated, MemberMerged, MemberUpdated
from membership.members.merge_reach import carry_over_for_merge
from membership.members.models import CustomFieldDefinition, Member
from membership.members.phones import mask_phone, normalize_phone
from membership.outbox import emit
from membership.points import service as points
from membership.rows import made
from membership.settings import get_settings
from membership.tiers.models import Tier
from tenants import audit
from tenants.context import RequestContext
from tenants.models import Staff
from tenants.permissions import Permission
from tenants.tx import fetch_one, in_tenant_tx, tenant_tx

__all__ = [
    "GENDERS",
    "MemberChanges",
    "MemberFilter",
    "MemberPage",
    "create_member",
    "definitions_by_key",
    "filtered_members",
    "get_member",
    "list_members",
    "masked_custom_fields",
    "merge_members",
    "reveal_pii",
    "shows_pii",
    "update_member",
]

GENDERS = ("MALE", "FEMALE", "OTHER", "UNKNOWN")
MAX_PAGE = 100
MAX_TAGS = 50
MASK = "***"
UNSET: Any = object()


@dataclass
class MemberChanges:
    """Input of create and update. ``UNSET`` means "not given"; ``None`` clears an optional field."""

    phone: Any = UNSET
    name: Any = UNSET
    gender: Any = UNSET
    birthday: Any = UNSET
    external_id: Any = UNSET
    source_channel: Any = UNSET
    referrer_id: Any = UNSET
    account_manager_id: Any = UNSET
    tags: Any = UNSET
    custom_fields: Any = UNSET


@dataclass
class MemberFilter:
    search: str | None = None
    tier_id: uuid.UUID | None = None
    tag: str | None = None
    custom_fields: list[tuple[str, Any]] = field(default_factory=list)
    rfm_class: RfmClass | None = None  # as of the latest analytics refresh
    source_channel: str | None = None  # "": members with no channel recorded
    joined_from: date | None = None  # local days, inclusive
    joined_until: date | None = None
    activity: ActivityFilter | None = None
    without_tier: bool = False
    min_points: int | None = None


@dataclass
class MemberPage:
    members: list[Member]
    total: int
    has_next: bool
    has_previous: bool


# ---------------------------------------------------------------- permissions and masking


def _require_read(ctx: RequestContext, member_id: uuid.UUID | None = None) -> None:
    if ctx.has(Permission.MEMBERS_READ):
        return
    if ctx.has(Permission.SELF_READ) and member_id is not None and member_id == ctx.member_id:
        return
    raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not read member profiles.")


def _require_write(ctx: RequestContext, member_id: uuid.UUID | None = None) -> None:
    if ctx.has(Permission.MEMBERS_WRITE):
        return
    if ctx.has(Permission.SELF_WRITE) and member_id is not None and member_id == ctx.member_id:
        return
    raise DomainError(ErrorCode.PERMISSION_DENIED, "You may not change member profiles.")


def shows_pii(ctx: RequestContext, member: Member) -> bool:
    """Whether this caller sees the member's phone and PII custom fields unmasked."""
    return ctx.has(Permission.MEMBERS_PII) or (
        ctx.member_id is not None and ctx.member_id == member.id
    )


def masked_phone(ctx: RequestContext, member: Member) -> str:
    return member.phone if shows_pii(ctx, member) else mask_phone(member.phone)


def masked_custom_fields(
    ctx: RequestContext, member: Member, definitions: dict[str, CustomFieldDefinition]
) -> dict[str, Any]:
    """Defined fields only; PII values replaced by ``***`` for callers without PII access."""
    unmasked = shows_pii(ctx, member)
    shown: dict[str, Any] = {}
    for key, value in (member.custom_fields or {}).items():
        definition = definitions.get(key)
        if definition is None:
            continue
        shown[key] = MASK if definition.pii and not unmasked else value
    return shown


async def definitions_by_key(ctx: RequestContext) -> dict[str, CustomFieldDefinition]:
    return {d.key: d for d in await custom_fields.list_definitions(ctx)}


# ---------------------------------------------------------------- reading


# The lookups a till or service desk makes on every sale are written as SQL: building the
# statement through the ORM costs more CPU than PostgreSQL spends running it (see bench/).
# Row-level security still applies; the tenant filter comes from the tenant transaction.
_LOOKUPS = {
    "id": "SELECT * FROM members WHERE id = $1",
    "phone": "SELECT * FROM members WHERE phone = $1 AND merged_into_id IS NULL",
    "external_id": "SELECT * FROM members WHERE external_id = $1 AND merged_into_id IS NULL",
}


async def _lookup(conn: BaseDBAsyncClient, column: str, value: object) -> Member | None:
    _, rows = await conn.execute_query(_LOOKUPS[column], [value])
    return made(Member, rows[0]) if rows else None


_LOOKUP = "SELECT * FROM tenant_member($1, $2, $3)"


async def _lookup_alone(
    ctx: RequestContext, id: uuid.UUID | None, phone: str | None, external_id: str | None
) -> Member | None:
    """``get_member`` outside a transaction: one statement, one round trip (``tenant_member``
    sets the tenant and reads); a merged profile's id is followed in a transaction, as before."""
    if id is not None:
        by, value = "id", str(id)
    elif phone is not None:
        try:
            by, value = "phone", normalize_phone(phone, ["phone"], allowed_regions=_regions())
        except DomainError:
            return None
    else:
        by, value = "external_id", str(external_id)
    # asyncpg's own fetch on a pool connection: the lookup is the API's most frequent call
    row = await fetch_one(_LOOKUP, ctx.tenant.id, by, value)
    member = made(Member, row) if row is not None else None
    if member is None or member.merged_into_id is None:
        return member
    async with tenant_tx(ctx) as conn:
        hops = 0
        while member is not None and member.merged_into_id is not None and hops < 10:
            member = await _lookup(conn, "id", member.merged_into_id)
            hops += 1
    return member


async def get_member(
    ctx: RequestContext,
    *,
    id: uuid.UUID | None = None,
    phone: str | None = None,
    external_id: str | None = None,
    code: str | None = None,
) -> Member | None:
    """Find one live member by id, phone, external id or a member code it shows; None when absent
    in this tenant (or the code expired).

    A merged profile's id still resolves, to the profile it was merged into, so integrations that
    stored the old id keep working.
    """
    given = [v for v in (id, phone, external_id, code) if v is not None]
    if len(given) != 1:
        raise DomainError(ErrorCode.INVALID, "Give exactly one of id, phone, externalId or code.")
    # A member token may look up any id and simply finds nothing but itself (below).
    _require_read(ctx, ctx.member_id)
    if code is not None and not looks_like_code(code.strip()):
        return None
    if code is None and not in_tenant_tx(ctx):
        # one round trip: nothing else of this request needs the transaction
        member = await _lookup_alone(ctx, id, phone, external_id)
    else:
        async with tenant_tx(ctx) as conn:
            if code is not None:
                _, rows = await conn.execute_query(
                    "SELECT member_id FROM member_codes WHERE code = $1 AND expires_at > $2",
                    [code.strip(), ctx.clock.now()],
                )
                id = rows[0]["member_id"] if rows else None
                if id is None:
                    return None
            if id is not None:
                member = await _lookup(conn, "id", id)
                hops = 0
                while member is not None and member.merged_into_id is not None and hops < 10:
                    member = await _lookup(conn, "id", member.merged_into_id)
                    hops += 1
            elif phone is not None:
                try:
                    e164 = normalize_phone(phone, ["phone"], allowed_regions=_regions())
                except DomainError:
                    return None
                member = await _lookup(conn, "phone", e164)
            else:
                member = await _lookup(conn, "external_id", external_id)
    if member is not None and not ctx.has(Permission.MEMBERS_READ) and member.id != ctx.member_id:
        return None
    return member


def member_cursor(member: Member) -> str:
    return encode_cursor(member.created_at, member.id)


def _filtered(flt: MemberFilter | None, *conditions: Q) -> Any:
    query = Member.filter(*conditions, merged_into_id=None)
    if flt is None:
        return query
    if flt.search:
        term = flt.search.strip()
        digits = "".join(ch for ch in term if ch.isdigit())
        condition = Q(name__icontains=term) | Q(external_id=term)
        if digits and len(digits) >= 3:
            condition |= Q(phone__contains=digits)
        query = query.filter(condition)
    if flt.tier_id:
        query = query.filter(tier_id=flt.tier_id)
    if flt.without_tier:
        query = query.filter(tier_id=None)
    if flt.source_channel is not None:
        query = query.filter(source_channel=flt.source_channel or None)
    if flt.min_points is not None:
        query = query.filter(points_balance__gte=flt.min_points)
    if flt.tag:
        query = query.filter(tags__contains=[flt.tag])
    for key, value in flt.custom_fields:
        query = query.filter(custom_fields__contains={key: value})
    return query


async def filtered_members(ctx: RequestContext, filter: MemberFilter | None) -> Any:
    """The live members ``filter`` lists, as an unordered queryset (what ``list_members`` pages
    through); to be run in the caller's tenant transaction. An unknown custom field is INVALID."""
    _require_read(ctx)
    if filter and filter.custom_fields:
        definitions = await definitions_by_key(ctx)
        for index, (key, _) in enumerate(filter.custom_fields):
            if key not in definitions:
                raise DomainError(
                    ErrorCode.INVALID,
                    "Unknown custom field '{key}'.",
                    ["filter", "customFields", str(index), "key"],
                    key=key,
                )
    async with tenant_tx(ctx):
        conditions = []
        if filter and filter.rfm_class:
            conditions.append(await members_in_class(ctx, filter.rfm_class))
        if filter and filter.activity:
            conditions.append(
                await activity_condition(ctx, filter.activity, path=["filter", "activity", "until"])
            )
        if filter and (filter.joined_from or filter.joined_until):
            conditions.append(joined_condition(ctx, filter.joined_from, filter.joined_until))
        return _filtered(filter, *conditions)


async def list_members(
    ctx: RequestContext,
    *,
    first: int | None = None,
    after: str | None = None,
    filter: MemberFilter | None = None,
) -> MemberPage:
    """Newest first, keyset-paginated; ``total`` counts every match, not just the page."""
    _require_read(ctx)
    limit = MAX_PAGE if first is None else first
    if limit < 0 or limit > MAX_PAGE:
        raise DomainError(
            ErrorCode.INVALID,
            "first must be between 0 and {MAX_PAGE}.",
            ["first"],
            MAX_PAGE=MAX_PAGE,
        )
    async with tenant_tx(ctx):
        base = await filtered_members(ctx, filter)
        total = await base.count()
        page = base
        if after:
            created_at, last_id = decode_cursor(after)
            page = page.filter(
                Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=last_id)
            )
        rows = list(await page.order_by("-created_at", "-id").limit(limit + 1))
    return MemberPage(
        rows[:limit], total, has_next=len(rows) > limit, has_previous=after is not None
    )


# ---------------------------------------------------------------- writing


def _regions() -> list[str]:
    return get_settings().phone_regions


def _snapshot(member: Member) -> dict[str, Any]:
    """The audited view of a member: no phone or custom values in clear, only that they changed."""
    return {
        "name": member.name,
        "gender": member.gender,
        "birthday": member.birthday.isoformat() if member.birthday else None,
        "externalId": member.external_id,
        "sourceChannel": member.source_channel,
        "tags": list(member.tags),
        "tierId": str(member.tier_id) if member.tier_id else None,
        "accountManagerId": str(member.account_manager_id) if member.account_manager_id else None,
        "phone": mask_phone(member.phone),
        "customFields": sorted((member.custom_fields or {}).keys()),
    }


def _clean_tags(tags: list[str] | None, path: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags or []:
        tag = tag.strip()
        if not tag:
            continue
        if len(tag) > 50:
            raise DomainError(ErrorCode.INVALID, "Tags are at most 50 characters.", path)
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise DomainError(
            ErrorCode.INVALID, "At most {MAX_TAGS} tags per member.", path, MAX_TAGS=MAX_TAGS
        )
    return cleaned


def _validate_scalars(changes: MemberChanges, errors: list[DomainError]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if changes.phone is not UNSET:
        try:
            values["phone"] = normalize_phone(
                str(changes.phone or ""), ["input", "phone"], allowed_regions=_regions()
            )
        except DomainError as err:
            errors.append(err)
    if changes.name is not UNSET:
        name = (changes.name or "").strip() or None
        if name and len(name) > 100:
            errors.append(
                DomainError(
                    ErrorCode.INVALID, "Names are at most 100 characters.", ["input", "name"]
                )
            )
        values["name"] = name
    if changes.gender is not UNSET:
        if changes.gender is not None and changes.gender not in GENDERS:
            errors.append(DomainError(ErrorCode.INVALID, "Unknown gender.", ["input", "gender"]))
        values["gender"] = changes.gender
    if changes.birthday is not UNSET:
        birthday = changes.birthday
        if isinstance(birthday, str):
            try:
                birthday = date.fromisoformat(birthday)
            except ValueError:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID,
                        "'{birthday}' is not a real date.",
                        ["input", "birthday"],
                        birthday=birthday,
                    )
                )
                birthday = None
        if isinstance(birthday, date) and (birthday.year < 1900 or birthday > date.today()):
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Birthday must be after 1900 and not in the future.",
                    ["input", "birthday"],
                )
            )
        values["birthday"] = birthday
    for attr, key in (("external_id", "externalId"), ("source_channel", "sourceChannel")):
        value = getattr(changes, attr)
        if value is not UNSET:
            value = (value or "").strip() or None
            if value and len(value) > 100:
                errors.append(
                    DomainError(ErrorCode.INVALID, "At most 100 characters.", ["input", key])
                )
            values[attr] = value
    if changes.tags is not UNSET:
        try:
            values["tags"] = _clean_tags(changes.tags, ["input", "tags"])
        except DomainError as err:
            errors.append(err)
    return values


async def _check_unique(values: dict[str, Any], exclude: uuid.UUID | None) -> None:
    for attr, key, message in (
        ("phone", "phone", "Another member already has this phone."),
        ("external_id", "externalId", "Another member already has this external id."),
    ):
        if values.get(attr):
            query = Member.filter(merged_into_id=None, **{attr: values[attr]})
            if exclude:
                query = query.exclude(id=exclude)
            if await query.exists():
                raise DomainError(ErrorCode.DUPLICATE, message, ["input", key])


async def _account_manager(staff_id: uuid.UUID) -> uuid.UUID:
    """The id of an active staff member of this tenant, to follow a member up."""
    if not await Staff.filter(id=staff_id, active=True).exists():
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "No such active staff member in this tenant.",
            ["input", "accountManagerId"],
        )
    return staff_id


async def create_member(ctx: RequestContext, changes: MemberChanges) -> Member:
    _require_write(ctx)
    if changes.phone is UNSET:
        raise DomainError(ErrorCode.INVALID, "Phone is required.", ["input", "phone"])
    errors: list[DomainError] = []
    values = _validate_scalars(changes, errors)
    definitions = await definitions_by_key(ctx)
    try:
        values["custom_fields"] = custom_fields.validate_values(
            definitions,
            None if changes.custom_fields is UNSET else changes.custom_fields,
            path=["input", "customFields"],
            creating=True,
        )
    except DomainErrors as err:
        errors.extend(err.errors)
    except DomainError as err:
        errors.append(err)
    if errors:
        raise DomainErrors(errors)
    now = ctx.clock.now()
    async with tenant_tx(ctx):
        if changes.referrer_id not in (UNSET, None):
            referrer = await Member.get_or_none(id=changes.referrer_id, merged_into_id=None)
            if referrer is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No such referrer in this tenant.", ["input", "referrerId"]
                )
            values["referrer_id"] = referrer.id
        if changes.account_manager_id not in (UNSET, None):
            values["account_manager_id"] = await _account_manager(changes.account_manager_id)
        await _check_unique(values, None)
        entry_tier = await Tier.filter(rank=0).first()
        try:
            member = await Member.create(
                id=uuid.uuid4(),
                tenant_id=ctx.tenant.id,
                created_at=now,
                updated_at=now,
                tier_id=entry_tier.id if entry_tier else None,
                **values,
            )
        except IntegrityError as exc:  # lost a race with a concurrent create of the same phone
            raise DomainError(
                ErrorCode.DUPLICATE, "Another member already has this phone.", ["input", "phone"]
            ) from exc
        if ctx.actor.kind in ("staff", "system"):
            await audit.record(ctx, "member.create", "member", member.id, after=_snapshot(member))
        await emit(
            ctx,
            MemberCreated(
                member_id=member.id,
                tier_id=member.tier_id,
                source_channel=member.source_channel,
                referrer_id=member.referrer_id,
            ),
        )
    return member


async def update_member(
    ctx: RequestContext, member_id: uuid.UUID, changes: MemberChanges
) -> Member:
    _require_write(ctx, member_id)
    if ctx.member_id is not None and (
        changes.phone is not UNSET
        or changes.tags is not UNSET
        or changes.external_id is not UNSET
        or changes.account_manager_id is not UNSET
    ):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "Members may change their name, gender, birthday and custom fields only.",
        )
    errors: list[DomainError] = []
    values = _validate_scalars(changes, errors)
    definitions = await definitions_by_key(ctx)
    async with tenant_tx(ctx):
        member = await Member.filter(id=member_id, merged_into_id=None).select_for_update().first()
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", ["id"])
        if changes.custom_fields is not UNSET:
            try:
                values["custom_fields"] = custom_fields.validate_values(
                    definitions,
                    changes.custom_fields,
                    existing=member.custom_fields,
                    path=["input", "customFields"],
                    creating=False,
                )
            except DomainErrors as err:
                errors.extend(err.errors)
            except DomainError as err:
                errors.append(err)
        if errors:
            raise DomainErrors(errors)
        if changes.account_manager_id is not UNSET:
            values["account_manager_id"] = (
                None
                if changes.account_manager_id is None
                else await _account_manager(changes.account_manager_id)
            )
        await _check_unique(values, member.id)
        before = _snapshot(member)
        changed_custom = (
            sorted(
                k
                for k in set(member.custom_fields or {}) | set(values.get("custom_fields", {}))
                if (member.custom_fields or {}).get(k)
                != values.get("custom_fields", member.custom_fields).get(k)
            )
            if "custom_fields" in values
            else []
        )
        for attr, value in values.items():
            setattr(member, attr, value)
        member.updated_at = ctx.clock.now()
        await member.save()
        after = _snapshot(member)
        if changed_custom:
            after["customFieldsChanged"] = changed_custom
        if ctx.actor.kind in ("staff", "system") and (before != after or changed_custom):
            await audit.record(
                ctx, "member.update", "member", member.id, before=before, after=after
            )
        changed = sorted(
            {k for k in after if k != "customFields" and after[k] != before.get(k)}
            | ({"customFields"} if changed_custom else set())
        )
        if changed:
            await emit(ctx, MemberUpdated(member_id=member.id, changed=changed))
    return member


async def reveal_pii(
    ctx: RequestContext, member_id: uuid.UUID, *, field: str = "phone", reason: str | None = None
) -> tuple[str | None, dict[str, Any]]:
    """Unmask one field of one member for a permitted caller, always audited: the phone, or one
    PII custom field, which needs a reason (kept in the audit log with the reveal)."""
    if not (ctx.has(Permission.MEMBERS_REVEAL) or ctx.has(Permission.MEMBERS_PII)):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, "Your role may not reveal members' personal data."
        )
    reason = (reason or "").strip() or None
    if field != "phone":
        definitions = await definitions_by_key(ctx)
        if field not in definitions or not definitions[field].pii:
            raise DomainError(
                ErrorCode.INVALID, "'{key}' is not a personal-data field.", ["field"], key=field
            )
        if reason is None or not 3 <= len(reason) <= 200:
            raise DomainError(
                ErrorCode.INVALID,
                "Say why you need to see it (3 to 200 characters); the reason is audited.",
                ["reason"],
            )
    async with tenant_tx(ctx):
        member = await Member.get_or_none(id=member_id)
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such member in this tenant.", ["id"])
        if field == "phone":
            phone: str | None = member.phone
            revealed: dict[str, Any] = {}
        else:
            phone = None
            revealed = {field: (member.custom_fields or {}).get(field)}
        await audit.record(
            ctx,
            "member.reveal_pii",
            "member",
            member.id,
            after={"fields": [field], **({"reason": reason} if reason else {})},
        )
    return phone, revealed


async def merge_members(
    ctx: RequestContext, *, source_id: uuid.UUID, target_id: uuid.UUID
) -> Member:
    """Fold ``source`` into ``target``: one profile remains, both histories are kept.

    The target keeps its own values and takes the source's where it has none; tags are united;
    totals are added. The source stays, marked merged, so its history can still be traced, and
    its id resolves to the target.
    """
    ctx.require(Permission.MEMBERS_MERGE)
    if source_id == target_id:
        raise DomainError(
            ErrorCode.INVALID, "A member cannot be merged into itself.", ["input", "sourceId"]
        )
    async with tenant_tx(ctx) as conn:
        rows = {
            m.id: m
            for m in await Member.filter(
                id__in=[source_id, target_id], merged_into_id=None
            ).select_for_update()
        }
        source, target = rows.get(source_id), rows.get(target_id)
        if source is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such member to merge.", ["input", "sourceId"]
            )
        if target is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such member to merge into.", ["input", "targetId"]
            )
        before = {"source": _snapshot(source), "target": _snapshot(target)}
        now = ctx.clock.now()
        for attr in (
            "name",
            "gender",
            "birthday",
            "external_id",
            "source_channel",
            "referrer_id",
            "account_manager_id",
        ):
            if getattr(target, attr) is None and getattr(source, attr) is not None:
                setattr(target, attr, getattr(source, attr))
        target.tags = list(dict.fromkeys([*target.tags, *source.tags]))
        target.custom_fields = {**(source.custom_fields or {}), **(target.custom_fields or {})}
        moved = await points.transfer_for_merge(
            ctx, source=source, target=target, reason=f"merged from {source.id}"
        )
        target.total_spent += source.total_spent
        target.order_count += source.order_count
        if source.last_order_at and (
            not target.last_order_at or source.last_order_at > target.last_order_at
        ):
            target.last_order_at = source.last_order_at
        target.updated_at = now
        source.merged_into_id = target.id
        source.merged_at = now
        source.updated_at = now
        # The source gives up its external id so the survivor can carry it.
        source.external_id = None  # type: ignore[assignment]
        await source.save()
        await target.save()
        await Member.filter(merged_into_id=source.id).update(merged_into_id=target.id)
        identities = await carry_over_for_merge(conn, source_id=source.id, target_id=target.id)
        await audit.record(
            ctx,
            "member.merge",
            "member",
            target.id,
            before=before,
            after={
                "target": _snapshot(target),
                "mergedFrom": str(source.id),
                "pointsMoved": moved,
                "identitiesMoved": identities,
            },
        )
        await emit(ctx, MemberMerged(member_id=target.id, source_id=source.id, points_moved=moved))
    return target


async def members_by_ids(ctx: RequestContext, ids: list[uuid.UUID]) -> dict[uuid.UUID, Member]:
    """One query for any number of ids (a DataLoader's batch function); a member token reads
    only its own member."""
    if not ctx.has(Permission.MEMBERS_READ):
        for member_id in ids:
            _require_read(ctx, member_id)
    async with tenant_tx(ctx):
        return {m.id: m for m in await Member.filter(id__in=list(set(ids)))}
