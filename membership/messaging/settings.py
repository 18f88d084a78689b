"""A tenant's messaging policy: its consent purposes, the frequency cap, quiet hours and the
order in which channels are tried.

The cap and quiet hours hold for the *limited* purposes (by default only ``marketing``): a
service notice (points changed, a coupon about to expire that the member asked to hear about) is
not held back by them, but it still needs the member not to have withdrawn consent for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.messaging.models import MessagingSettings
from plugins.channels import Channel
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["DEFAULTS", "SettingsChanges", "check_channel", "check_purpose", "load", "update"]

DEFAULTS: dict[str, Any] = {
    "purposes": ["marketing", "service"],
    "limited_purposes": ["marketing"],
    "max_per_day": 2,
    "max_per_week": 5,
    "quiet_start": time(21, 0),
    "quiet_end": time(9, 0),
    "fallback": [
        Channel.WECHAT_SUBSCRIBE.value,
        Channel.WECHAT_TEMPLATE.value,
        Channel.SMS.value,
        Channel.WECOM.value,
    ],
}
_PURPOSE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")


async def load(ctx: RequestContext) -> MessagingSettings:
    """The tenant's settings, or the defaults when it never changed them."""
    async with tenant_tx(ctx):
        row = await MessagingSettings.get_or_none(tenant_id=ctx.tenant.id)
    return row or MessagingSettings(tenant_id=ctx.tenant.id, updated_at=ctx.clock.now(), **DEFAULTS)


def check_channel(value: str, path: list[str]) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID,
            "Unknown channel {channel}; the channels are {known}.",
            path,
            channel=value,
            known=", ".join(c.value for c in Channel),
        ) from None


def check_purpose(settings: MessagingSettings, value: str, path: list[str]) -> str:
    if value not in settings.purposes:
        raise DomainError(
            ErrorCode.INVALID,
            "Unknown purpose {purpose}; this programme's purposes are {known}.",
            path,
            purpose=value,
            known=", ".join(settings.purposes),
        )
    return value


@dataclass
class SettingsChanges:
    purposes: list[str] | None = None
    limited_purposes: list[str] | None = None
    max_per_day: int | None = None
    max_per_week: int | None = None
    quiet_start: time | None = None
    quiet_end: time | None = None
    clear_quiet_hours: bool = False
    fallback: list[str] | None = None


def _validated(current: MessagingSettings, changes: SettingsChanges) -> dict[str, Any]:
    values: dict[str, Any] = {k: getattr(current, k) for k in DEFAULTS}
    errors: list[DomainError] = []
    path = ["input"]
    if changes.purposes is not None:
        purposes = list(dict.fromkeys(p.strip() for p in changes.purposes))
        bad = [p for p in purposes if not _PURPOSE.match(p)]
        if bad or not purposes or len(purposes) > 20:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Purposes are 1 to 20 lower-case names such as marketing or service.",
                    [*path, "purposes"],
                )
            )
        values["purposes"] = purposes
    if changes.limited_purposes is not None:
        values["limited_purposes"] = list(dict.fromkeys(changes.limited_purposes))
    unknown = [p for p in values["limited_purposes"] if p not in values["purposes"]]
    if unknown:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Capped purposes must be among the purposes: {unknown}.",
                [*path, "limitedPurposes"],
                unknown=", ".join(unknown),
            )
        )
    for name, limit in (("max_per_day", 100), ("max_per_week", 500)):
        value = getattr(changes, name)
        if value is None:
            continue
        if not 0 <= value <= limit:
            camel = "maxPerDay" if name == "max_per_day" else "maxPerWeek"
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Must be between 0 and {limit}.",
                    [*path, camel],
                    limit=limit,
                )
            )
        values[name] = value
    if values["max_per_week"] < values["max_per_day"]:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "A week allows at least as many messages as a day.",
                [*path, "maxPerWeek"],
            )
        )
    if changes.clear_quiet_hours:
        values["quiet_start"] = values["quiet_end"] = None
    elif changes.quiet_start is not None or changes.quiet_end is not None:
        if changes.quiet_start is None or changes.quiet_end is None:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Quiet hours need both a start and an end.",
                    [*path, "quietEnd" if changes.quiet_end is None else "quietStart"],
                )
            )
        elif changes.quiet_start == changes.quiet_end:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Quiet hours cannot start and end at the same time.",
                    [*path, "quietEnd"],
                )
            )
        values["quiet_start"] = changes.quiet_start
        values["quiet_end"] = changes.quiet_end
    if changes.fallback is not None:
        order = []
        for i, value in enumerate(changes.fallback):
            try:
                order.append(check_channel(value, [*path, "fallback", str(i)]).value)
            except DomainError as exc:
                errors.append(exc)
        if not order and not errors:
            errors.append(
                DomainError(
                    ErrorCode.INVALID, "Name at least one channel to try.", [*path, "fallback"]
                )
            )
        values["fallback"] = list(dict.fromkeys(order))
    if errors:
        raise DomainErrors(errors)
    return values


async def update(ctx: RequestContext, changes: SettingsChanges) -> MessagingSettings:
    """Change the policy; every problem is reported at once and nothing changes on any."""
    ctx.require(Permission.CHANNELS_MANAGE)
    async with tenant_tx(ctx):
        row = await MessagingSettings.filter(tenant_id=ctx.tenant.id).select_for_update().first()
        current = row or MessagingSettings(
            tenant_id=ctx.tenant.id, updated_at=ctx.clock.now(), **DEFAULTS
        )
        before = {k: _plain(getattr(current, k)) for k in DEFAULTS}
        values = _validated(current, changes)
        now = ctx.clock.now()
        if row is None:
            row = await MessagingSettings.create(tenant_id=ctx.tenant.id, updated_at=now, **values)
        else:
            await MessagingSettings.filter(tenant_id=ctx.tenant.id).update(updated_at=now, **values)
            row = await MessagingSettings.get(tenant_id=ctx.tenant.id)
        await audit.record(
            ctx,
            "messaging.settings.update",
            "tenant",
            ctx.tenant.id,
            before=before,
            after={k: _plain(values[k]) for k in DEFAULTS},
        )
    return row


def _plain(value: Any) -> Any:
    return value.isoformat(timespec="minutes") if isinstance(value, time) else value
