"""Redis keys are built in one place; writer and reader must agree on them."""

from __future__ import annotations

from httpx import AsyncClient

from app.cache import MemoryCache
from app.keys import Keys, member, tweet_id_of


def test_key_shapes_are_pinned() -> None:
    k = Keys("svc")
    assert k.timeline(42) == "svc:timeline:{42}"
    assert k.tweet(7) == "svc:tweet:7"
    assert k.followed_celebrities(42) == "svc:celebs:{42}"
    assert k.celebrity_tweets(3) == "svc:celebtweets:{3}"
    assert k.celebrity_announced(3) == "svc:celebknown:{3}"
    assert k.rate_limit("write", "user:42") == "svc:ratelimit:write:{user:42}"
    assert k.stream() == "svc:events"
    assert k.consumer_group() == "svc:fanout"


def test_members_sort_like_ids_and_round_trip() -> None:
    assert member(9) < member(10)
    assert tweet_id_of(member(123456789)) == 123456789


def test_keys_do_not_collide() -> None:
    k = Keys("svc")
    keys = {k.timeline(1), k.timeline(11), k.tweet(1), k.stream(), k.consumer_group(),
            k.rate_limit("read", "user:1"), k.rate_limit("write", "user:1"),
            k.followed_celebrities(1), k.celebrity_tweets(1), k.celebrity_announced(1)}
    assert len(keys) == 10


def test_a_user_s_read_keys_share_a_cluster_slot() -> None:
    """The first round trip of a timeline read touches one hash tag."""
    k = Keys("svc")
    tag = k.timeline(42)[k.timeline(42).index("{"):]
    assert k.followed_celebrities(42).endswith(tag)


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


async def test_the_worker_s_celebrity_writes_are_where_the_reader_reads(
    client: AsyncClient,
) -> None:
    cache = client.services.cache
    await cache.celebrity_fill(8, [])
    await cache.celebrity_push(8, 77, 2_000)
    await cache.followed_celebrities_fill(5, [])
    await cache.followed_celebrities_add([5], 8)
    await cache.tweets_put({77: b'{"id":77}'})
    read = await cache.home_read(5, None, 10)
    assert read.celebrities == [8]
    pulled = await cache.celebrity_read([8], None, 10, [77])
    page = pulled.pages[8]
    assert page is not None and page.entries == [(2_000, 77)]
    assert pulled.bodies == {77: b'{"id":77}'}


async def test_incomplete_sets_are_not_hits(client: AsyncClient) -> None:
    """Sets that were only added to (never built from the database) read as misses."""
    cache = client.services.cache
    await cache.followed_celebrities_add([9], 8)
    await cache.celebrity_push(10, 1, 1)
    assert (await cache.home_read(9, None, 10)).celebrities is None
    assert (await cache.celebrity_read([10], None, 10, [])).pages[10] is None
    await cache.followed_celebrities_fill(9, [4])
    assert (await cache.home_read(9, None, 10)).celebrities == [4, 8]  # union, not replace


async def test_a_filled_set_and_a_push_agree_on_members(client: AsyncClient) -> None:
    """A set built from the database and pushes into it name a tweet the same way."""
    cache = client.services.cache
    entries = [(5_000 - i, 1_000 - i) for i in range(50)]
    await cache.timeline_fill(7, entries)
    await cache.celebrity_fill(7, entries)
    for score, tid in entries[:5]:
        await cache.timeline_push([7], tid, score)
        await cache.celebrity_push(7, tid, score)
    page = await cache.timeline_page(7, None, 100)
    assert page is not None and page.entries == entries and page.size == 50
    pulled = (await cache.celebrity_read([7], None, 100, [])).pages[7]
    assert pulled is not None and pulled.entries == entries


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
