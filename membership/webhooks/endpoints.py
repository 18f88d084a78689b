"""Webhook endpoints: where a tenant's events are delivered, which types, and the secret.

The secret (``whsec_…``) is shown once, by create and rotate. A rotation keeps the previous
secret signing beside the new one for ``ROTATION_OVERLAP``, so a receiver can switch secrets
without dropping a delivery. An endpoint answered with 410 Gone is disabled; its pending
deliveries wait (they are not due) until staff enable it again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from membership.errors import DomainError, DomainErrors, ErrorCode
from membership.event_types import is_known_pattern
from membership.ids import new_id
from membership.public_urls import check_url
from membership.settings import get_settings
from membership.webhooks.models import WebhookDelivery, WebhookEndpoint
from membership.webhooks.signing import new_secret
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MAX_ENDPOINTS",
    "ROTATION_OVERLAP",
    "EndpointChanges",
    "create_endpoint",
    "disable_endpoint",
    "endpoint_matches",
    "get_endpoint",
    "list_endpoints",
    "rotate_secret",
    "signing_secrets",
    "update_endpoint",
]

MAX_ENDPOINTS = 50
MAX_EVENT_TYPES = 100
ROTATION_OVERLAP = timedelta(hours=24)


def endpoint_matches(event_types: list[str], event_type: str) -> bool:
    """An empty filter takes every event; ``prefix.*`` takes a family (``event.*``)."""
    if not event_types:
        return True
    for wanted in event_types:
        if wanted == event_type or (wanted.endswith(".*") and event_type.startswith(wanted[:-1])):
            return True
    return False


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    secrets = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until is not None
        and endpoint.previous_secret_until > now
    ):
        secrets.append(endpoint.previous_secret)
    return secrets


@dataclass(frozen=True)
class EndpointChanges:
    """Input of create and update; ``None`` leaves a field as it is on update."""

    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


def _check(changes: EndpointChanges, errors: list[DomainError]) -> str | None:
    url = None
    if changes.url is not None:
        try:
            url = check_url(
                changes.url,
                allow_private=get_settings().webhooks_allow_private_urls,
                field=["input", "url"],
            )
        except DomainError as exc:
            errors.append(exc)
    if changes.event_types is not None:
        if len(changes.event_types) > MAX_EVENT_TYPES:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "At most {limit} event types per endpoint.",
                    ["input", "eventTypes"],
                    limit=MAX_EVENT_TYPES,
                )
            )
        for index, wanted in enumerate(changes.event_types):
            if not is_known_pattern(wanted):
                errors.append(
                    DomainError(
                        ErrorCode.INVALID,
                        "Unknown event type '{type}'.",
                        ["input", "eventTypes", str(index)],
                        type=wanted,
                    )
                )
    if changes.description is not None and len(changes.description) > 500:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "A description has at most 500 characters.",
                ["input", "description"],
            )
        )
    return url


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {
        "url": endpoint.url,
        "eventTypes": list(endpoint.event_types),
        "enabled": endpoint.enabled,
        "description": endpoint.description,
    }


async def create_endpoint(
    ctx: RequestContext, changes: EndpointChanges
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint, enabled, and its secret (the only time it is shown)."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    errors: list[DomainError] = []
    if changes.url is None:
        errors.append(DomainError(ErrorCode.INVALID, "A URL is required.", ["input", "url"]))
    url = _check(changes, errors)
    if errors:
        raise DomainErrors(errors)
    assert url is not None
    secret = new_secret()
    now = ctx.clock.now()
    async with tenant_tx(ctx):
        if await WebhookEndpoint.all().count() >= MAX_ENDPOINTS:
            raise DomainError(
                ErrorCode.INVALID,
                "A tenant may have at most {limit} webhook endpoints.",
                ["input", "url"],
                limit=MAX_ENDPOINTS,
            )
        endpoint = await WebhookEndpoint.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            url=url,
            description=(changes.description or "").strip() or None,
            event_types=sorted(set(changes.event_types or [])),
            enabled=True,
            secret=secret,
            created_at=now,
            updated_at=now,
        )
        await audit.record(
            ctx,
            "webhook_endpoint.create",
            "webhook_endpoint",
            endpoint.id,
            after=_snapshot(endpoint),
        )
    return endpoint, secret


async def _locked(endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = await WebhookEndpoint.filter(id=endpoint_id).select_for_update().first()
    if endpoint is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such webhook endpoint in this tenant.", ["id"])
    return endpoint


async def update_endpoint(
    ctx: RequestContext, endpoint_id: uuid.UUID, changes: EndpointChanges
) -> WebhookEndpoint:
    """Change the URL, the event types, the description, or enable or disable the endpoint."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    errors: list[DomainError] = []
    url = _check(changes, errors)
    if errors:
        raise DomainErrors(errors)
    async with tenant_tx(ctx):
        endpoint = await _locked(endpoint_id)
        before = _snapshot(endpoint)
        now = ctx.clock.now()
        if url is not None:
            endpoint.url = url
        if changes.event_types is not None:
            endpoint.event_types = sorted(set(changes.event_types))
        if changes.description is not None:
            endpoint.description = changes.description.strip() or None
        if changes.enabled is not None and changes.enabled != endpoint.enabled:
            await _set_enabled(endpoint, changes.enabled, None, now)
        endpoint.updated_at = now
        await endpoint.save()
        await audit.record(
            ctx,
            "webhook_endpoint.update",
            "webhook_endpoint",
            endpoint.id,
            before=before,
            after=_snapshot(endpoint),
        )
    return endpoint


async def _set_enabled(
    endpoint: WebhookEndpoint, enabled: bool, reason: str | None, now: datetime
) -> None:
    """Disabling parks the endpoint's pending deliveries (not due); enabling makes them due."""
    endpoint.enabled = enabled
    endpoint.disabled_reason = None if enabled else reason
    await WebhookDelivery.filter(endpoint_id=endpoint.id, status="PENDING").update(
        next_attempt_at=now if enabled else None, updated_at=now
    )


async def disable_endpoint(
    ctx: RequestContext, endpoint_id: uuid.UUID, *, reason: str = "disabled by staff"
) -> WebhookEndpoint:
    ctx.require(Permission.WEBHOOKS_MANAGE)
    async with tenant_tx(ctx):
        endpoint = await _locked(endpoint_id)
        if endpoint.enabled:
            now = ctx.clock.now()
            await _set_enabled(endpoint, False, reason, now)
            endpoint.updated_at = now
            await endpoint.save(update_fields=["enabled", "disabled_reason", "updated_at"])
            await audit.record(
                ctx,
                "webhook_endpoint.disable",
                "webhook_endpoint",
                endpoint.id,
                after={"reason": reason},
            )
    return endpoint


async def disable_gone(ctx: RequestContext, endpoint_id: uuid.UUID, now: datetime) -> None:
    """The receiver answered 410 Gone: disable the endpoint (in the caller's transaction)."""
    endpoint = await WebhookEndpoint.filter(id=endpoint_id).select_for_update().first()
    if endpoint is None or not endpoint.enabled:
        return
    await _set_enabled(endpoint, False, "the receiver answered 410 Gone", now)
    endpoint.updated_at = now
    await endpoint.save(update_fields=["enabled", "disabled_reason", "updated_at"])
    await audit.record(
        ctx,
        "webhook_endpoint.disable",
        "webhook_endpoint",
        endpoint.id,
        after={"reason": endpoint.disabled_reason},
    )


async def rotate_secret(ctx: RequestContext, endpoint_id: uuid.UUID) -> tuple[WebhookEndpoint, str]:
    """A new secret; the previous one keeps signing beside it for ``ROTATION_OVERLAP``."""
    ctx.require(Permission.WEBHOOKS_MANAGE)
    secret = new_secret()
    async with tenant_tx(ctx):
        endpoint = await _locked(endpoint_id)
        now = ctx.clock.now()
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = now + ROTATION_OVERLAP
        endpoint.secret = secret
        endpoint.updated_at = now
        await endpoint.save(
            update_fields=["previous_secret", "previous_secret_until", "secret", "updated_at"]
        )
        await audit.record(ctx, "webhook_endpoint.rotate", "webhook_endpoint", endpoint.id)
    return endpoint, secret


async def list_endpoints(ctx: RequestContext) -> list[WebhookEndpoint]:
    """The tenant's endpoints (no secrets): for who manages them, and who picks one for a
    journey's callWebhook step."""
    if not ctx.has(Permission.JOURNEYS_MANAGE):
        ctx.require(Permission.WEBHOOKS_MANAGE)
    async with tenant_tx(ctx):
        return list(await WebhookEndpoint.all().order_by("created_at", "id"))


async def get_endpoint(ctx: RequestContext, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
    ctx.require(Permission.WEBHOOKS_MANAGE)
    async with tenant_tx(ctx):
        return await WebhookEndpoint.get_or_none(id=endpoint_id)
