"""Files the API serves beside GraphQL: a batch's coupon codes as CSV.

Same credentials as ``/graphql`` (``Authorization: Bearer …``) and the same permissions as the
GraphQL fields; the body streams, so a million codes never sit in the process's memory.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from membership.coupons import batches
from membership.errors import DomainError, ErrorCode
from resolvers.http_refusals import refusal
from tenants.context import RequestContext

__all__ = ["coupon_batch_csv"]


async def coupon_batch_csv(request: Request) -> Response:
    """``GET /coupon-batches/{id}/codes.csv``: the codes of a batch that is DONE."""
    language = request.scope.get("membership.language", "en")
    ctx: RequestContext | None = request.scope.get("membership.ctx")
    try:
        if ctx is None:
            raise DomainError(
                ErrorCode.UNAUTHENTICATED,
                "Send a credential: Authorization: Bearer <token or API key>.",
            )
        try:
            batch_id = uuid.UUID(request.path_params["batch_id"])
        except ValueError:
            batch_id = uuid.UUID(int=0)
        batch = await batches.get_batch(ctx, batch_id)
        if batch is None or batch.status != "DONE":
            raise DomainError(ErrorCode.NOT_FOUND, "No finished batch of codes with this id.")
    except DomainError as exc:
        return refusal(exc, language)
    return StreamingResponse(
        _encoded(ctx, batch.id),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="coupons-{batch.id}.csv"'},
    )


async def _encoded(ctx: RequestContext, batch_id: uuid.UUID) -> AsyncIterator[bytes]:
    async for chunk in batches.batch_csv(ctx, batch_id):
        yield chunk.encode()
