"""Webhook endpoints, deliveries and their attempts (Standard Webhooks)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from membership.webhooks.deliveries import delivery_cursor
from membership.webhooks.models import WebhookAttempt as AttemptModel
from membership.webhooks.models import WebhookDelivery as DeliveryModel
from membership.webhooks.models import WebhookEndpoint as EndpointModel
from schema.context import Info
from schema.errors import UserError
from schema.scalars import JSON
from schema.types.common import PageInfo

__all__ = [
    "CreateWebhookEndpointInput",
    "ReplayWebhookDeliveriesPayload",
    "UpdateWebhookEndpointInput",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryConnection",
    "WebhookDeliveryEdge",
    "WebhookDeliveryPayload",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
    "WebhookEndpointPayload",
]


@strawberry.enum
class WebhookDeliveryStatus(Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@strawberry.type
class WebhookEndpoint:
    _row: strawberry.Private[EndpointModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field
    def url(self) -> str:
        return self._row.url

    @strawberry.field(
        description="The types delivered; empty: every type. prefix.* takes a family."
    )
    def event_types(self) -> list[str]:
        return list(self._row.event_types)

    @strawberry.field
    def enabled(self) -> bool:
        return self._row.enabled

    @strawberry.field(description="Why it is disabled: by staff, or the receiver answered 410.")
    def disabled_reason(self) -> str | None:
        return self._row.disabled_reason

    @strawberry.field
    def description(self) -> str | None:
        return self._row.description

    @strawberry.field(description="Until when the previous secret still signs beside the new one.")
    def previous_secret_expires_at(self) -> datetime | None:
        return self._row.previous_secret_until if self._row.previous_secret else None

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self._row.updated_at

    @classmethod
    def of(cls, row: EndpointModel) -> WebhookEndpoint:
        return cls(_row=row)


@strawberry.input
class CreateWebhookEndpointInput:
    url: str
    event_types: list[str]
    description: str | None = None


@strawberry.input(description="Only the fields given change.")
class UpdateWebhookEndpointInput:
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = None
    secret: str | None = strawberry.field(
        default=None, description='"whsec_…": returned by create and rotate only.'
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="One attempt to deliver: what the receiver answered, and how fast.")
class WebhookAttempt:
    _row: strawberry.Private[AttemptModel]

    @strawberry.field
    def attempt(self) -> int:
        return self._row.attempt

    @strawberry.field
    def started_at(self) -> datetime:
        return self._row.started_at

    @strawberry.field
    def latency_ms(self) -> int:
        return self._row.latency_ms

    @strawberry.field(description="The HTTP status; null when there was no answer.")
    def response_status(self) -> int | None:
        return self._row.response_status

    @strawberry.field(description="The first 1,000 characters of the answer.")
    def response_excerpt(self) -> str | None:
        return self._row.response_excerpt

    @strawberry.field(description="Why there was no answer: timeout, refused, blocked address…")
    def error(self) -> str | None:
        return self._row.error


@strawberry.type
class WebhookDelivery:
    _row: strawberry.Private[DeliveryModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field(description="Equals the webhook-id header, the same on every attempt.")
    def event_id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.event_id))

    @strawberry.field
    def endpoint_id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.endpoint_id))

    @strawberry.field
    def event_type(self) -> str:
        return self._row.event_type

    @strawberry.field
    def status(self) -> WebhookDeliveryStatus:
        return WebhookDeliveryStatus(self._row.status)

    @strawberry.field
    def attempts(self) -> int:
        return self._row.attempts

    @strawberry.field
    def last_response_status(self) -> int | None:
        return self._row.last_response_status

    @strawberry.field(description="When it is tried next; null once settled or parked.")
    def next_attempt_at(self) -> datetime | None:
        return self._row.next_attempt_at if self._row.status == "PENDING" else None

    @strawberry.field
    def created_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field(description="Every attempt, first to last (batched across a page).")
    async def attempt_log(self, info: Info) -> list[WebhookAttempt]:
        rows = await info.context.webhook_attempts.load(self._row.id)
        return [WebhookAttempt(_row=row) for row in rows]

    @strawberry.field(description="The body delivered: type, timestamp and data.")
    async def payload(self, info: Info) -> JSON | None:
        return await info.context.webhook_payloads.load(self._row.event_id)  # type: ignore[no-any-return]

    @classmethod
    def of(cls, row: DeliveryModel) -> WebhookDelivery:
        return cls(_row=row)


@strawberry.type
class WebhookDeliveryEdge:
    node: WebhookDelivery
    cursor: str

    @classmethod
    def of(cls, row: DeliveryModel) -> WebhookDeliveryEdge:
        return cls(node=WebhookDelivery.of(row), cursor=delivery_cursor(row))


@strawberry.type
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReplayWebhookDeliveriesPayload:
    count: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)
