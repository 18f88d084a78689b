"""Logged-out tokens: their ids are kept in Redis until the token would have expired anyway."""

from __future__ import annotations

from datetime import datetime

from redis.asyncio import Redis

__all__ = ["TokenRevocations"]


class TokenRevocations:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:revoked:"

    async def revoke(self, token_id: str, expires_at: datetime, now: datetime) -> None:
        ttl = max(1, int((expires_at - now).total_seconds()) + 1)
        await self._redis.set(self._prefix + token_id, b"1", ex=ttl)

    async def is_revoked(self, token_id: str) -> bool:
        return bool(await self._redis.exists(self._prefix + token_id))
