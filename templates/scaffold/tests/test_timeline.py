"""Home timeline: fan-out on write, celebrity pull on read, cursor pagination, cache fallback."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.spec_routes import SPEC_ROUTES
from tests.conftest import eventually, timeline_ids


async def _post(client: AsyncClient, user, text: str) -> int:
    r = await client.post("/api/v1/tweets", json={"text": text}, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _follow(client: AsyncClient, follower, followee) -> None:
    r = await client.put(f"/api/v1/users/{follower.id}/following/{followee.id}",
                         headers=follower.headers)
    assert r.status_code == 204


async def _in_cache(client: AsyncClient, user_id: int, tweet_id: int) -> bool:
    page = await client.services.cache.timeline_page(user_id, None, 1000)
    if page is None:  # only pushed to, not yet read: look at the raw set
        from app.cache import MemoryCache
        from app.keys import member

        cache = client.services.cache
        key = client.services.keys.timeline(user_id)
        if isinstance(cache, MemoryCache):
            return member(tweet_id) in cache._zsets.get(key, {})
        return await cache.redis.zscore(key, member(tweet_id)) is not None
    return tweet_id in [tid for _, tid in page.entries]


async def test_followers_get_the_tweet_by_fan_out(client: AsyncClient, register) -> None:
    alice, bob, carol = await register("alice"), await register("bob"), await register("carol")
    await _follow(client, bob, alice)
    assert await timeline_ids(client, bob) == []  # warms bob's cached timeline
    tid = await _post(client, alice, "hello followers")

    async def delivered() -> bool:
        return await _in_cache(client, bob.id, tid)

    await eventually(delivered)
    assert await timeline_ids(client, bob) == [tid]
    assert await timeline_ids(client, alice) == [tid]  # own tweets are in the home timeline
    assert await timeline_ids(client, carol) == []  # not a follower


async def test_pagination_is_ordered_and_complete(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    await _follow(client, bob, alice)
    ids = [await _post(client, alice if i % 3 else bob, f"t{i}") for i in range(23)]

    async def all_delivered() -> bool:
        return all([await _in_cache(client, bob.id, t) for t in ids])

    await eventually(all_delivered)
    for _ in range(2):  # first pass may rebuild from the database, second is served from cache
        seen, cursor = [], None
        while True:
            params = {"limit": 10} | ({"cursor": cursor} if cursor else {})
            r = await client.get("/api/v1/timeline", params=params, headers=bob.headers)
            body = r.json()
            seen += [t["id"] for t in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert seen == list(reversed(ids))


async def test_unfollow_removes_their_tweets(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    await _follow(client, bob, alice)
    tid = await _post(client, alice, "soon gone")
    await eventually(lambda: _in_cache(client, bob.id, tid))
    assert tid in await timeline_ids(client, bob)
    r = await client.delete(f"/api/v1/users/{bob.id}/following/{alice.id}", headers=bob.headers)
    assert r.status_code == 204
    assert tid not in await timeline_ids(client, bob)


async def test_following_later_shows_earlier_tweets(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    await timeline_ids(client, bob)  # cached, empty
    tid = await _post(client, alice, "before you followed")
    await _follow(client, bob, alice)
    assert await timeline_ids(client, bob) == [tid]


async def test_cache_miss_falls_back_to_database_and_warms(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    await _follow(client, bob, alice)
    tid = await _post(client, alice, "x")
    await eventually(lambda: _in_cache(client, bob.id, tid))
    await client.services.cache.timeline_drop(bob.id)
    assert await client.services.cache.timeline_page(bob.id, None, 10) is None
    assert await timeline_ids(client, bob) == [tid]  # from the database
    page = await client.services.cache.timeline_page(bob.id, None, 10)
    assert page is not None and [t for _, t in page.entries] == [tid]  # warmed


class TestCelebrities:
    """Authors above CELEBRITY_THRESHOLD are pulled at read time, not pushed."""

    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"celebrity_threshold": 2}

    async def test_celebrity_tweets_are_merged_in_order(self, client: AsyncClient,
                                                        register) -> None:
        star = await register("star")
        fans = [await register(f"fan{i}") for i in range(3)]
        friend = await register("friend")
        for fan in fans:
            await _follow(client, fan, star)
        await _follow(client, fans[0], friend)
        t1 = await _post(client, friend, "ordinary 1")
        t2 = await _post(client, star, "celebrity")  # 3 followers > threshold 2: pulled
        t3 = await _post(client, friend, "ordinary 2")
        await eventually(lambda: _in_cache(client, fans[0].id, t3))
        assert not await _in_cache(client, fans[1].id, t2)  # not fanned out
        assert await timeline_ids(client, fans[0]) == [t3, t2, t1]
        assert await timeline_ids(client, fans[1]) == [t2]
        # pagination across the merge
        r = await client.get("/api/v1/timeline", params={"limit": 2}, headers=fans[0].headers)
        first = r.json()
        r = await client.get("/api/v1/timeline", params={"limit": 2,
                             "cursor": first["next_cursor"]}, headers=fans[0].headers)
        assert [t["id"] for t in first["items"]] + [t["id"] for t in r.json()["items"]] == [
            t3, t2, t1]

    async def test_crossing_the_threshold_loses_nothing(self, client: AsyncClient,
                                                        register) -> None:
        author = await register("author")
        fans = [await register(f"fan{i}") for i in range(3)]
        await _follow(client, fans[0], author)
        pushed = await _post(client, author, "while ordinary")  # 1 follower: pushed
        await eventually(lambda: _in_cache(client, fans[0].id, pushed))
        for fan in fans[1:]:
            await _follow(client, fan, author)
        pulled = await _post(client, author, "while famous")  # 3 followers: pulled
        assert await timeline_ids(client, fans[0]) == [pulled, pushed]
        assert await timeline_ids(client, fans[2]) == [pulled, pushed]
        for fan in fans[1:]:  # back under the threshold
            r = await client.delete(f"/api/v1/users/{fan.id}/following/{author.id}",
                                    headers=fan.headers)
            assert r.status_code == 204
        again = await _post(client, author, "ordinary again")
        await eventually(lambda: _in_cache(client, fans[0].id, again))
        assert await timeline_ids(client, fans[0]) == [again, pulled, pushed]


@pytest.mark.skipif(not SPEC_ROUTES, reason="the spec names no endpoints to serve")
async def test_spec_endpoints_are_served(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    for route in SPEC_ROUTES:
        if route["handler"] == "post_tweet":
            r = await client.post(route["path"], json={"text": "via spec"},
                                  headers=alice.headers)
            assert r.status_code == 201, r.text
        else:
            path = route["path"]
            if route["param"]:
                other = path.replace("{" + route["param"] + "}", str(bob.id))
                path = path.replace("{" + route["param"] + "}", str(alice.id))
                r = await client.get(other, headers=alice.headers)
                assert r.status_code == 403
            r = await client.get(path, headers=alice.headers)
            assert r.status_code == 200, r.text
