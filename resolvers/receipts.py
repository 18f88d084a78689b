"""``/channels/receipts/…``: the HTTP face of providers' delivery receipts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from membership.messaging.receipts import receive_receipts
from plugins.channels import HttpRequest

__all__ = ["channel_receipts"]

MAX_BODY = 1024 * 1024


async def channel_receipts(request: Request) -> Response:
    body = await request.body()
    if len(body) > MAX_BODY:
        return Response("too large", status_code=413)
    answer = await receive_receipts(
        request.path_params["tenant"],
        request.path_params["channel"],
        request.path_params["token"],
        HttpRequest(request.method, str(request.url), dict(request.headers), body),
    )
    return Response(answer.body, status_code=answer.status, headers=dict(answer.headers))
