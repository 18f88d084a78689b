"""Delivery receipts pushed by providers to ``/channels/receipts/<tenant>/<channel>/<token>``.

The token is the channel's ``receipt_token``, compared in constant time: Alibaba and Tencent do
not sign their pushes, so the URL is the secret. WeChat signs its pushes with the server token as
well, and checks the URL first with a signed GET that must echo ``echostr``. A push that is not
the provider's is refused and changes nothing; a good one marks the messages it names DELIVERED
or FAILED, and is answered as the provider expects so it does not push again.
"""

from __future__ import annotations

import hmac

from membership.messaging.channels import provider_named
from membership.messaging.credentials import open_credentials
from membership.messaging.delivery import apply_receipts
from membership.messaging.models import ChannelConfig
from plugins.channels import HttpRequest, HttpResponse, ProviderFailure
from tenants.context import RequestContext
from tenants.registry import get_tenant_by_slug
from tenants.tx import tenant_tx

__all__ = ["receive_receipts"]

_NOT_FOUND = HttpResponse(404, {"Content-Type": "text/plain"}, b"not found")


async def receive_receipts(
    tenant_slug: str, channel: str, token: str, request: HttpRequest
) -> HttpResponse:
    tenant = await get_tenant_by_slug(tenant_slug)
    if tenant is None:
        return _NOT_FOUND
    ctx = RequestContext.system(tenant)
    async with tenant_tx(ctx):
        config = await ChannelConfig.get_or_none(channel=channel)
    if config is None or not hmac.compare_digest(config.receipt_token, token):
        return _NOT_FOUND
    provider = provider_named(config.provider)
    if provider is None:
        return _NOT_FOUND
    credentials = (
        open_credentials(tenant.id, channel, config.credentials) if config.credentials else {}
    )
    try:
        check = provider.verify_receipt_url(request, credentials)
        if check is not None:
            return check
        receipts = provider.read_receipts(request, credentials)
    except ProviderFailure as exc:
        return HttpResponse(400, {"Content-Type": "text/plain"}, exc.detail.encode())
    await apply_receipts(ctx, provider.name, receipts)
    return provider.receipt_answer()
