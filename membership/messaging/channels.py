"""Which provider carries each channel for a tenant, with its credentials.

A tenant picks one provider per channel (Alibaba Cloud or Tencent Cloud for SMS, its official
account for template messages…) and gives the provider's credentials, checked against the
provider's own formats and sealed (``credentials``). A channel the tenant never set up is carried
by the fake provider while ``MEMBERSHIP_CHANNELS_FAKE_BY_DEFAULT`` is on (development and tests),
and is unavailable otherwise.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from membership.activation.service import enabled_plugins, require_enabled
from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.messaging.credentials import hint, open_credentials, seal_credentials
from membership.messaging.models import ChannelConfig
from membership.messaging.settings import check_channel
from membership.public_urls import check_url
from membership.settings import get_settings
from plugins.channels import Channel, ChannelProvider
from plugins.manager import loaded_plugins
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "ActiveChannel",
    "ChannelSetup",
    "active_channels",
    "configure_channel",
    "list_channels",
    "provider_named",
    "providers",
]

MAX_QUOTA = 10_000_000


def providers() -> dict[str, ChannelProvider]:
    return loaded_plugins().channel_providers


def provider_named(name: str) -> ChannelProvider | None:
    return providers().get(name)


def fake_provider(channel: Channel) -> ChannelProvider:
    return providers()[f"fake_{channel.value.lower()}"]


@dataclass(frozen=True)
class ActiveChannel:
    """A channel as the send path uses it: its provider, opened credentials, and settings."""

    channel: Channel
    provider: ChannelProvider
    credentials: dict[str, str]
    base_url: str
    config: ChannelConfig | None  # None: the fake provider by default


async def active_channels(ctx: RequestContext) -> dict[Channel, ActiveChannel]:
    """Every channel this tenant can send on now, with its provider (one query)."""
    enabled = await enabled_plugins(ctx)
    async with tenant_tx(ctx):
        configs = {c.channel: c for c in await ChannelConfig.all()}
    found = {}
    for channel in Channel:
        active = _active(ctx, channel, configs.get(channel.value), enabled)
        if active is not None:
            found[channel] = active
    return found


def _active(
    ctx: RequestContext, channel: Channel, config: ChannelConfig | None, enabled: frozenset[str]
) -> ActiveChannel | None:
    if config is None:
        if not get_settings().channels_fake_by_default:
            return None
        fake = fake_provider(channel)
        return ActiveChannel(channel, fake, {}, fake.default_base_url, None)
    provider = provider_named(config.provider)
    # a provider of a plugin the tenant disabled sends nothing, as an uninstalled one
    owner = loaded_plugins().provider_plugins.get(config.provider)
    if provider is None or not config.enabled or owner not in enabled:
        return None
    opened = (
        open_credentials(ctx.tenant.id, channel.value, config.credentials)
        if config.credentials
        else {}
    )
    return ActiveChannel(
        channel, provider, opened, config.base_url or provider.default_base_url, config
    )


async def list_channels(ctx: RequestContext) -> list[ChannelConfig]:
    ctx.require(Permission.CHANNELS_MANAGE)
    async with tenant_tx(ctx):
        return await ChannelConfig.all().order_by("channel")


@dataclass(frozen=True)
class ChannelSetup:
    channel: str
    provider: str
    credentials: dict[str, str] | None = None  # None: keep the saved ones (same provider)
    base_url: str | None = None
    enabled: bool = True
    daily_quota: int | None = None
    credit_balance: int | None = None


def _check(setup: ChannelSetup, existing: ChannelConfig | None) -> ChannelProvider:
    errors: list[DomainError] = []
    path = ["input"]
    channel: Channel | None = None
    try:
        channel = check_channel(setup.channel, [*path, "channel"])
    except DomainError as exc:
        errors.append(exc)
    provider = provider_named(setup.provider)
    if provider is None:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "Unknown provider {provider}.",
                [*path, "provider"],
                provider=setup.provider,
            )
        )
    elif channel is not None and provider.channel is not channel:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "{provider} carries {carries}, not {channel}.",
                [*path, "provider"],
                provider=provider.title,
                carries=provider.channel.value,
                channel=channel.value,
            )
        )
    if provider is not None:
        if setup.credentials is None:
            changed = existing is None or existing.provider != provider.name
            if changed and any(f.required for f in provider.credential_fields):
                errors.append(
                    DomainError(
                        ErrorCode.INVALID,
                        "Give {provider}'s credentials.",
                        [*path, "credentials"],
                        provider=provider.title,
                    )
                )
        else:
            for problem in provider.check_credentials(setup.credentials):
                errors.append(
                    DomainError(
                        ErrorCode.INVALID, problem.message, [*path, "credentials", problem.field]
                    )
                )
    if setup.base_url is not None and not (
        setup.base_url == "fake://" and provider is not None and provider.name.startswith("fake_")
    ):
        try:
            check_url(
                setup.base_url,
                allow_private=get_settings().channels_allow_private_urls,
                field=[*path, "baseUrl"],
            )
        except DomainError as exc:
            errors.append(exc)
    for name, value in (("dailyQuota", setup.daily_quota), ("creditBalance", setup.credit_balance)):
        if value is not None and not 0 <= value <= MAX_QUOTA:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Must be between 0 and {limit}.",
                    [*path, name],
                    limit=MAX_QUOTA,
                )
            )
    if errors:
        raise DomainErrors(errors)
    assert provider is not None
    return provider


async def configure_channel(ctx: RequestContext, setup: ChannelSetup) -> ChannelConfig:
    """Choose the channel's provider and give its credentials (audited, secrets never logged)."""
    ctx.require(Permission.CHANNELS_MANAGE)
    owner = loaded_plugins().provider_plugins.get(setup.provider)
    if owner is not None:
        await require_enabled(ctx, owner)
    async with tenant_tx(ctx):
        existing = await ChannelConfig.filter(channel=setup.channel).select_for_update().first()
        provider = _check(setup, existing)
        now = ctx.clock.now()
        values: dict[str, Any] = {
            "provider": provider.name,
            "base_url": setup.base_url,
            "enabled": setup.enabled,
            "daily_quota": setup.daily_quota,
            "credit_balance": setup.credit_balance,
            "updated_at": now,
        }
        if setup.credentials is not None:
            secret = {f.name for f in provider.credential_fields if f.secret}
            values["credentials"] = seal_credentials(
                ctx.tenant.id, setup.channel, setup.credentials
            )
            values["credential_hint"] = hint(setup.credentials, secret)
        if existing is None:
            row = await ChannelConfig.create(
                tenant_id=ctx.tenant.id,
                channel=setup.channel,
                receipt_token=secrets.token_urlsafe(24),
                created_at=now,
                **{"credentials": None, "credential_hint": {}, **values},
            )
        else:
            await ChannelConfig.filter(channel=setup.channel).update(**values)
            row = await ChannelConfig.get(channel=setup.channel)
        await audit.record(
            ctx,
            "channel.configure",
            "channel",
            setup.channel,
            before=_shown(existing) if existing else None,
            after=_shown(row),
        )
    return row


def _shown(row: ChannelConfig) -> dict[str, Any]:
    return {
        "provider": row.provider,
        "credentials": row.credential_hint,
        "baseUrl": row.base_url,
        "enabled": row.enabled,
        "dailyQuota": row.daily_quota,
        "creditBalance": row.credit_balance,
    }
