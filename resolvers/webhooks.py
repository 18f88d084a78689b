"""Webhook endpoints, their delivery log, test deliveries and replays."""

from __future__ import annotations

from datetime import datetime

import strawberry

from membership.webhooks import deliveries, endpoints
from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.types.common import page_info
from schema.types.webhooks import (
    CreateWebhookEndpointInput,
    ReplayWebhookDeliveriesPayload,
    UpdateWebhookEndpointInput,
    WebhookDelivery,
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    WebhookDeliveryPayload,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEndpointPayload,
)

__all__ = ["WebhookMutations", "WebhookQueries"]


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="The tenant's webhook endpoints, oldest first.")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        return [WebhookEndpoint.of(r) for r in await endpoints.list_endpoints(info.context.auth)]

    @strawberry.field
    async def webhook_endpoint(self, info: Info, id: strawberry.ID) -> WebhookEndpoint | None:
        row = await endpoints.get_endpoint(info.context.auth, parse_id(id, ["id"]))
        return WebhookEndpoint.of(row) if row else None

    @strawberry.field(description="An endpoint's deliveries, newest first, with every attempt.")
    async def webhook_deliveries(
        self,
        info: Info,
        endpoint_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        status: WebhookDeliveryStatus | None = None,
    ) -> WebhookDeliveryConnection:
        page = await deliveries.list_deliveries(
            info.context.auth,
            parse_id(endpoint_id, ["endpointId"]),
            first=first or 50,
            after=after,
            status=status.value if status else None,
        )
        edges = [WebhookDeliveryEdge.of(row) for row in page.rows]
        return WebhookDeliveryConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after is not None
            ),
            total_count=page.total,
        )


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="A new endpoint; its whsec_ secret is in the payload, this once. eventTypes "
        "empty: every type; event.* takes every behaviour event."
    )
    @returns_errors(WebhookEndpointPayload)
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        row, secret = await endpoints.create_endpoint(
            info.context.auth,
            endpoints.EndpointChanges(
                url=input.url, event_types=input.event_types, description=input.description
            ),
        )
        return WebhookEndpointPayload(endpoint=WebhookEndpoint.of(row), secret=secret)

    @strawberry.mutation(description="Change an endpoint, or enable it again.")
    @returns_errors(WebhookEndpointPayload)
    async def update_webhook_endpoint(
        self, info: Info, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        row = await endpoints.update_endpoint(
            info.context.auth,
            parse_id(id, ["id"]),
            endpoints.EndpointChanges(
                url=input.url,
                event_types=input.event_types,
                description=input.description,
                enabled=input.enabled,
            ),
        )
        return WebhookEndpointPayload(endpoint=WebhookEndpoint.of(row))

    @strawberry.mutation(
        description="A new secret, shown once; the previous one signs beside it for 24 hours."
    )
    @returns_errors(WebhookEndpointPayload)
    async def rotate_webhook_secret(self, info: Info, id: strawberry.ID) -> WebhookEndpointPayload:
        row, secret = await endpoints.rotate_secret(info.context.auth, parse_id(id, ["id"]))
        return WebhookEndpointPayload(endpoint=WebhookEndpoint.of(row), secret=secret)

    @strawberry.mutation(description="Stop delivering; pending deliveries wait until re-enabled.")
    @returns_errors(WebhookEndpointPayload)
    async def disable_webhook_endpoint(
        self, info: Info, id: strawberry.ID
    ) -> WebhookEndpointPayload:
        row = await endpoints.disable_endpoint(info.context.auth, parse_id(id, ["id"]))
        return WebhookEndpointPayload(endpoint=WebhookEndpoint.of(row))

    @strawberry.mutation(description="Deliver a webhook.test event to this endpoint now.")
    @returns_errors(WebhookDeliveryPayload)
    async def send_test_webhook(self, info: Info, id: strawberry.ID) -> WebhookDeliveryPayload:
        row = await deliveries.send_test(info.context.auth, parse_id(id, ["id"]))
        return WebhookDeliveryPayload(delivery=WebhookDelivery.of(row))

    @strawberry.mutation(description="Deliver one delivery again now, under the same webhook-id.")
    @returns_errors(WebhookDeliveryPayload)
    async def replay_webhook_delivery(
        self, info: Info, id: strawberry.ID
    ) -> WebhookDeliveryPayload:
        row = await deliveries.replay_delivery(info.context.auth, parse_id(id, ["id"]))
        return WebhookDeliveryPayload(delivery=WebhookDelivery.of(row))

    @strawberry.mutation(
        description="Deliver again every delivery of an endpoint made since a time (only those "
        "of one status, if given)."
    )
    @returns_errors(ReplayWebhookDeliveriesPayload)
    async def replay_webhook_deliveries(
        self,
        info: Info,
        endpoint_id: strawberry.ID,
        since: datetime,
        status: WebhookDeliveryStatus | None = None,
    ) -> ReplayWebhookDeliveriesPayload:
        count = await deliveries.replay_deliveries_since(
            info.context.auth,
            parse_id(endpoint_id, ["endpointId"]),
            since,
            status=status.value if status else None,
        )
        return ReplayWebhookDeliveriesPayload(count=count)
