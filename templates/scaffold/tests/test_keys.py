"""Redis keys are built in one place; writer and reader must agree on them."""

from __future__ import annotations

from httpx import AsyncClient

from app.cache import MemoryCache
from app.keys import Keys, member, tweet_id_of


def test_key_shapes_are_pinned() -> None:
    k = Keys("svc")
    assert k.timeline(42) == "svc:timeline:{42}"
    assert k.tweet(7) == "svc:tweet:7"
    assert k.rate_limit("write", "user:42") == "svc:ratelimit:write:{user:42}"
    assert k.stream() == "svc:events"
    assert k.consumer_group() == "svc:fanout"


def test_members_sort_like_ids_and_round_trip() -> None:
    assert member(9) < member(10)
    assert tweet_id_of(member(123456789)) == 123456789


def test_keys_do_not_collide() -> None:
    k = Keys("svc")
    keys = {k.timeline(1), k.timeline(11), k.tweet(1), k.stream(), k.consumer_group(),
            k.rate_limit("read", "user:1"), k.rate_limit("write", "user:1")}
    assert len(keys) == 7


async def test_the_fan_out_writes_where_the_reader_reads(client: AsyncClient, register) -> None:
    """Push through the worker's path, read through the API's path: same key."""
    cache = client.services.cache
    await cache.timeline_fill(5, [])
    await cache.timeline_push([5], 99, 1_000)
    page = await cache.timeline_page(5, None, 10)
    assert page is not None and page.entries == [(1_000, 99)]
    key = client.services.keys.timeline(5)
    if isinstance(cache, MemoryCache):
        assert member(99) in cache._zsets[key]
    else:
        assert await cache.redis.zscore(key, member(99)) == 1_000


async def test_trim_keeps_the_newest_and_the_sentinel(client: AsyncClient) -> None:
    cache = client.services.cache
    n = cache.timeline_length
    await cache.timeline_fill(6, [])
    for i in range(n + 5):
        await cache.timeline_push([6], i + 1, 10_000 + i)
    page = await cache.timeline_page(6, None, n + 10)
    assert page is not None
    assert len(page.entries) == n
    assert page.entries[0] == (10_000 + n + 4, n + 5)
