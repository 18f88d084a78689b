"""Access tokens are shared by worker processes through Redis: one fetch for all of them, a
stale one dropped only by the send that saw it expire."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from membership.messaging.tokens import TokenStore
from plugins.channels import AccessToken


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_workers_sharing_redis_fetch_one_token(redis: Redis) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    fetched = 0

    async def fetch() -> AccessToken:
        nonlocal fetched
        fetched += 1
        await asyncio.sleep(0.1)  # the provider is slow: the others must wait, not fetch
        return AccessToken(f"token-{fetched}", 7200)

    workers = [TokenStore(redis, prefix) for _ in range(5)]
    tokens = await asyncio.gather(*(w.get("wechat:app", fetch) for w in workers))
    assert tokens == ["token-1"] * 5 and fetched == 1
    ttl = await redis.ttl(f"{prefix}:channel-token:wechat:app")
    assert 7000 < ttl <= 7140  # dropped a minute before WeChat would refuse it

    # a worker whose send failed with token-1 drops it; one holding an older token does not
    # drop the fresh one
    await workers[0].forget("wechat:app", "token-1")
    assert await workers[1].get("wechat:app", fetch) == "token-2"
    await workers[2].forget("wechat:app", "token-1")
    assert await workers[3].get("wechat:app", fetch) == "token-2" and fetched == 2
    await redis.delete(f"{prefix}:channel-token:wechat:app")


async def test_without_redis_a_process_keeps_its_own_tokens() -> None:
    fetched = 0

    async def fetch() -> AccessToken:
        nonlocal fetched
        fetched += 1
        return AccessToken(f"local-{fetched}", 7200)

    store = TokenStore()
    assert [await store.get("k", fetch) for _ in range(3)] == ["local-1"] * 3
    await store.forget("k", "local-1")
    assert await store.get("k", fetch) == "local-2"
