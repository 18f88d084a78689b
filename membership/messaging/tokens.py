"""Providers' access tokens, shared by every worker process through Redis.

WeChat's classic token endpoint hands out a new token on every call and retires the previous one
five minutes later, so workers that each fetched their own would keep invalidating each other's.
A token is kept in Redis until a minute before it expires; when it is missing one worker fetches
it under a short lock while the others wait for it, and a send that says it expired drops it only
if it is still the one that failed. Without Redis (tests of one process) the tokens stay in the
process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from plugins.channels import AccessToken

__all__ = ["TokenStore"]

LOCK_SECONDS = 10
WAIT_SECONDS = 5.0
EARLY_SECONDS = 60  # a token is dropped this long before the provider would refuse it


class TokenStore:
    def __init__(self, redis: Redis | None = None, prefix: str = "membership") -> None:
        self._redis = redis
        self._prefix = f"{prefix}:channel-token:"
        self._local: dict[str, tuple[str, float]] = {}

    async def get(self, key: str, fetch: Callable[[], Awaitable[AccessToken]]) -> str:
        """The token under ``key``; ``fetch`` obtains a new one when there is none."""
        if self._redis is None:
            return await self._get_local(key, fetch)
        try:
            return await self._get_shared(self._redis, key, fetch)
        except RedisError:  # Redis down: a token of this process is better than no send
            return await self._get_local(key, fetch)

    async def forget(self, key: str, token: str) -> None:
        """Drop ``token`` (a send said it expired), unless another worker replaced it already."""
        cached = self._local.get(key)
        if cached is not None and cached[0] == token:
            del self._local[key]
        if self._redis is None:
            return
        try:
            stored = await self._redis.get(self._prefix + key)
            if stored is not None and stored.decode() == token:
                await self._redis.delete(self._prefix + key)
        except RedisError:
            pass

    async def _get_local(self, key: str, fetch: Callable[[], Awaitable[AccessToken]]) -> str:
        cached = self._local.get(key)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        token = await fetch()
        self._local[key] = (
            token.value,
            time.monotonic() + max(0, token.expires_in - EARLY_SECONDS),
        )
        return token.value

    async def _get_shared(
        self, redis: Redis, key: str, fetch: Callable[[], Awaitable[AccessToken]]
    ) -> str:
        name = self._prefix + key
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            stored = await redis.get(name)
            if stored is not None:
                return str(stored.decode())
            if await redis.set(name + ":lock", b"1", nx=True, ex=LOCK_SECONDS):
                try:
                    token = await fetch()
                    ttl = max(1, token.expires_in - EARLY_SECONDS)
                    await redis.set(name, token.value.encode(), ex=ttl)
                    return token.value
                finally:
                    await redis.delete(name + ":lock")
            if time.monotonic() > deadline:  # the fetching worker is stuck: fetch anyway
                token = await fetch()
                return token.value
            await asyncio.sleep(0.05)
