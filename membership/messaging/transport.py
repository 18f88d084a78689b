"""Carrying providers' requests: HTTP for real providers, a record for the fake one.

One pooled ``aiohttp`` session per worker process. A tenant may point a provider at its own base
URL (a regional endpoint, a proxy), so every connection goes through the same public-address
resolver as webhook deliveries (``membership.public_urls``): nothing reaches the platform's own
network unless ``MEMBERSHIP_CHANNELS_ALLOW_PRIVATE_URLS`` is on (development, tests). Access
tokens (WeChat, WeCom) are kept per tenant, channel and credentials in a ``TokenStore`` shared by
the workers, and dropped when a send says they expired. A request to ``fake://…`` goes nowhere:
it is written to ``fake_provider_sends`` in the tenant's transaction and answered as accepted.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from dataclasses import dataclass

import aiohttp

from membership.ids import new_id
from membership.messaging.channels import ActiveChannel
from membership.messaging.models import FakeProviderSend
from membership.messaging.tokens import TokenStore
from membership.public_urls import BlockedAddress, PublicResolver, check_literal_host
from membership.settings import get_settings
from plugins.channels import AccessToken, HttpRequest, HttpResponse, ProviderFailure
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["Exchange", "ProviderTransport"]

_MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Exchange:
    """A response, or why there was none (a timeout, a refused connection)."""

    response: HttpResponse | None
    error: str | None = None


class ProviderTransport:
    def __init__(
        self,
        *,
        timeout: float = 10.0,
        allow_private: bool | None = None,
        tokens: TokenStore | None = None,
    ) -> None:
        self.timeout = timeout
        self.allow_private = (
            get_settings().channels_allow_private_urls if allow_private is None else allow_private
        )
        self.tokens = tokens or TokenStore()
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    resolver=PublicResolver(allow_private=self.allow_private)
                ),
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def exchange(
        self, ctx: RequestContext, request: HttpRequest, message_id: uuid.UUID | None = None
    ) -> Exchange:
        if request.url.startswith("fake://"):
            return await self._fake(ctx, request, message_id)
        try:
            check_literal_host(request.url, allow_private=self.allow_private)
            async with asyncio.timeout(self.timeout):
                async with self._get_session().request(
                    request.method,
                    request.url,
                    data=request.body,
                    headers=dict(request.headers),
                    allow_redirects=False,
                ) as response:
                    body = await response.content.read(_MAX_BODY)
                    return Exchange(HttpResponse(response.status, dict(response.headers), body))
        except TimeoutError:
            return Exchange(None, f"no answer within {self.timeout:g} s")
        except BlockedAddress as exc:
            return Exchange(None, f"refused to connect to {exc}: not a public address")
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return Exchange(None, f"{type(exc).__name__}: {exc}"[:300])

    async def _fake(
        self, ctx: RequestContext, request: HttpRequest, message_id: uuid.UUID | None
    ) -> Exchange:
        payload = json.loads(request.body or b"{}")
        row_id = new_id()
        async with tenant_tx(ctx):
            await FakeProviderSend.create(
                id=row_id,
                tenant_id=ctx.tenant.id,
                message_id=message_id or uuid.UUID(int=0),
                provider=request.url.removeprefix("fake://").lower(),
                channel=str(payload.get("channel") or ""),
                recipient=str(payload.get("recipient") or ""),
                request=payload,
                sent_at=ctx.clock.now(),
            )
        body = json.dumps({"code": "OK", "id": f"fake-{row_id.hex[:16]}"}).encode()
        return Exchange(HttpResponse(200, {"Content-Type": "application/json"}, body))

    def _token_key(self, ctx: RequestContext, active: ActiveChannel) -> str:
        secret = json.dumps(active.credentials, sort_keys=True) + active.base_url
        digest = hashlib.sha256(secret.encode()).hexdigest()[:16]
        return f"{ctx.tenant.id}:{active.channel.value}:{active.provider.name}:{digest}"

    async def access_token(self, ctx: RequestContext, active: ActiveChannel) -> str | None:
        """The provider's access token, fetched when there is none or it is about to expire;
        raises ProviderFailure when the provider refuses the credentials."""
        request = active.provider.access_token_request(active.credentials, base_url=active.base_url)
        if request is None:
            return None

        async def fetch() -> AccessToken:
            exchanged = await self.exchange(ctx, request)
            if exchanged.response is None:
                raise ProviderFailure("PROVIDER_ERROR", exchanged.error or "no answer")
            return active.provider.read_access_token(exchanged.response)

        return await self.tokens.get(self._token_key(ctx, active), fetch)

    async def forget_token(self, ctx: RequestContext, active: ActiveChannel, token: str) -> None:
        await self.tokens.forget(self._token_key(ctx, active), token)
