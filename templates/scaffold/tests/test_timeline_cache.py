"""The cache-first read path: a warm timeline read touches no database, the cached celebrity
sets follow follows and unfollows, an author crossing the threshold loses nothing, and pages
are the same whether they come from the cache or from the database."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from httpx import AsyncClient
from sqlalchemy import event, select

from app.cache import MemoryCache
from app.keys import member
from app.models import Tweet
from tests.conftest import eventually, timeline_ids


async def _post(client: AsyncClient, user, text: str) -> int:
    r = await client.post("/api/v1/tweets", json={"text": text}, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _follow(client: AsyncClient, follower, followee) -> None:
    r = await client.put(f"/api/v1/users/{follower.id}/following/{followee.id}",
                         headers=follower.headers)
    assert r.status_code == 204


async def _unfollow(client: AsyncClient, follower, followee) -> None:
    r = await client.delete(f"/api/v1/users/{follower.id}/following/{followee.id}",
                            headers=follower.headers)
    assert r.status_code == 204


@contextlib.contextmanager
def database_use(client: AsyncClient) -> Iterator[list[str]]:
    """Statements run and connections checked out *by the current task* (the request: httpx's
    ASGI transport runs the app in the caller's task), not by the background relay or worker."""
    engine = client.services.engine.sync_engine
    me = asyncio.current_task()
    seen: list[str] = []

    def on_execute(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if asyncio.current_task() is me:
            seen.append(statement)

    def on_checkout(*args) -> None:  # type: ignore[no-untyped-def]
        if asyncio.current_task() is me:
            seen.append("<connection checkout>")

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine.pool, "checkout", on_checkout)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine.pool, "checkout", on_checkout)


async def _drop(client: AsyncClient, *keys: str) -> None:
    cache = client.services.cache
    for key in keys:
        if isinstance(cache, MemoryCache):
            cache._forget(key)
        else:
            await cache.redis.delete(key)


async def _drop_all_for(client: AsyncClient, reader, celebrities) -> None:
    k = client.services.keys
    await _drop(client, k.timeline(reader.id), k.followed_celebrities(reader.id),
                *[k.celebrity_tweets(c.id) for c in celebrities])


async def _walk(client: AsyncClient, user, limit: int, before_each=None) -> list[int]:
    seen, cursor = [], None
    while True:
        if before_each is not None:
            await before_each()
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        r = await client.get("/api/v1/timeline", params=params, headers=user.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        seen += [t["id"] for t in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return seen


class TestCacheFirst:
    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"celebrity_threshold": 2}

    async def _setup(self, client: AsyncClient, register):
        star, friend, reader = (await register("star"), await register("friend"),
                                await register("reader"))
        fans = [await register(f"fan{i}") for i in range(2)]
        for u in (reader, *fans):
            await _follow(client, u, star)  # 3 followers > 2: the star's tweets are pulled
        await _follow(client, reader, friend)
        return star, friend, reader

    async def test_a_warm_read_touches_no_database(self, client: AsyncClient, register) -> None:
        star, friend, reader = await self._setup(client, register)
        t1 = await _post(client, friend, "pushed")
        t2 = await _post(client, star, "pulled")
        assert await timeline_ids(client, reader) == [t2, t1]  # warms every cached piece
        await eventually(lambda: client.services.cache.celebrity_announced(star.id))
        first = await client.get("/api/v1/timeline", headers=reader.headers)
        with database_use(client) as used:
            again = await client.get("/api/v1/timeline", headers=reader.headers)
            page2 = await client.get("/api/v1/timeline", params={"limit": 1},
                                     headers=reader.headers)
            nxt = await client.get("/api/v1/timeline", headers=reader.headers, params={
                "limit": 1, "cursor": page2.json()["next_cursor"]})
        assert used == []
        assert again.json() == first.json()
        assert [t["id"] for t in again.json()["items"]] == [t2, t1]
        assert [t["id"] for t in page2.json()["items"] + nxt.json()["items"]] == [t2, t1]
        # and the body is exactly what the post answered
        posted = await client.get(f"/api/v1/tweets/{t2}", headers=reader.headers)
        assert again.json()["items"][0] == posted.json()

    async def test_a_cold_read_falls_back_and_warms(self, client: AsyncClient, register) -> None:
        star, friend, reader = await self._setup(client, register)
        t1 = await _post(client, friend, "pushed")
        t2 = await _post(client, star, "pulled")
        await eventually(lambda: client.services.cache.celebrity_announced(star.id))
        await _drop_all_for(client, reader, [star])
        await _drop(client, client.services.keys.tweet(t1), client.services.keys.tweet(t2))
        with database_use(client) as used:
            assert await timeline_ids(client, reader) == [t2, t1]
        assert used  # rebuilt from the database
        with database_use(client) as used:
            assert await timeline_ids(client, reader) == [t2, t1]
        assert used == []  # and stored

    async def test_celebrity_follow_and_unfollow(self, client: AsyncClient, register) -> None:
        star, friend, reader = await self._setup(client, register)
        late = await register("late")
        pulled = await _post(client, star, "pulled")
        mine = await _post(client, late, "mine")
        await eventually(lambda: client.services.cache.celebrity_announced(star.id))
        assert await timeline_ids(client, late) == [mine]  # warm, follows no celebrity
        await _follow(client, late, star)
        assert await timeline_ids(client, late) == [mine, pulled]
        with database_use(client) as used:  # served from the cache again
            assert await timeline_ids(client, late) == [mine, pulled]
        assert used == []
        await _unfollow(client, late, star)
        assert await timeline_ids(client, late) == [mine]

    async def test_first_pulled_tweet_reaches_warm_readers(self, client: AsyncClient,
                                                           register) -> None:
        """An author crossing the threshold: followers whose cached celebrity set was complete
        without them are told by the worker, so the first pulled tweet is not lost."""
        author = await register("author")
        fans = [await register(f"fan{i}") for i in range(3)]
        await _follow(client, fans[0], author)
        pushed = await _post(client, author, "while ordinary")
        await eventually(lambda: _has(client, fans[0], pushed))
        for fan in fans[1:]:
            await _follow(client, fan, author)
            assert await timeline_ids(client, fan) == [pushed]  # warm sets: no celebrity
        pulled = await _post(client, author, "while famous")  # 3 followers: pulled

        async def everyone_sees_it() -> bool:
            return all([(await timeline_ids(client, f))[:1] == [pulled] for f in fans])

        await eventually(everyone_sees_it)
        for fan in fans:
            assert await timeline_ids(client, fan) == [pulled, pushed]
        with database_use(client) as used:
            assert await timeline_ids(client, fans[1]) == [pulled, pushed]
        assert used == []

    async def test_pages_agree_between_cache_and_database(self, client: AsyncClient,
                                                          register) -> None:
        """Equal timestamps across the pushed and pulled parts: the (ms, id) cursor orders them
        the same in Redis and in SQL, page by page, whichever side serves each page."""
        star, friend, reader = await self._setup(client, register)
        same = datetime(2030, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)
        async with client.services.sessionmaker() as s, s.begin():
            for i in range(9):
                s.add(Tweet(author_id=(star if i % 3 == 0 else friend).id, text=f"tie {i}",
                            fanout=i % 3 != 0, created_at=same))
        async with client.services.sessionmaker() as s:
            rows = (await s.execute(select(Tweet.id))).scalars().all()
        expected = sorted(rows, reverse=True)  # equal times: newest id first
        assert await _walk(client, reader, 2) == expected  # cold, then cached
        assert await _walk(client, reader, 2) == expected  # fully cached
        assert await _walk(client, reader, 2,
                           lambda: _drop_all_for(client, reader, [star])) == expected


async def _in_sorted_set(client: AsyncClient, key: str, tweet_id: int) -> bool:
    cache = client.services.cache
    if isinstance(cache, MemoryCache):
        return member(tweet_id) in cache._zsets.get(key, {})
    return await cache.redis.zscore(key, member(tweet_id)) is not None


async def _has(client: AsyncClient, user, tweet_id: int) -> bool:
    return await _in_sorted_set(client, client.services.keys.timeline(user.id), tweet_id)


class TestHotCelebrities:
    """Each API process reuses a celebrity's recent tweets for CELEBRITY_LOCAL_CACHE_MS."""

    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"celebrity_threshold": 2, "celebrity_local_cache_ms": 300}

    async def test_a_new_celebrity_tweet_shows_within_the_local_time(
        self, client: AsyncClient, register
    ) -> None:
        star, reader = await register("star"), await register("reader")
        for u in (reader, await register("fan1"), await register("fan2")):
            await _follow(client, u, star)
        first = await _post(client, star, "first")
        await eventually(lambda: client.services.cache.celebrity_announced(star.id))
        assert await timeline_ids(client, reader) == [first]  # now held locally
        second = await _post(client, star, "second")

        key = client.services.keys.celebrity_tweets(star.id)
        await eventually(lambda: _in_sorted_set(client, key, second))  # the worker stored it
        loop = asyncio.get_running_loop()
        start = loop.time()
        await eventually(lambda: _first_is(client, reader, second), timeout=5)
        assert loop.time() - start < 0.3 + 1.0
        assert await timeline_ids(client, reader) == [second, first]


async def _first_is(client: AsyncClient, user, tweet_id: int) -> bool:
    return (await timeline_ids(client, user))[:1] == [tweet_id]


async def test_celebrity_pages_beyond_the_local_copy(client: AsyncClient) -> None:
    """Pages deeper than what a process keeps of a celebrity's tweets come from Redis, exact."""
    cache = client.services.cache
    entries = [(10_000 + i, i + 1) for i in range(300)][::-1]  # newest first
    await cache.celebrity_fill(77, entries)
    for at in (None, 50, 150, 290):
        before = None if at is None else entries[at]
        start = 0 if at is None else at + 1
        for _ in range(2):  # the second read may come from the process's copy
            page = (await cache.celebrity_read([77], before, 10, [])).pages[77]
            assert page is not None and page.entries == entries[start:start + 10]
