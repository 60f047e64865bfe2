"""Follows and likes: idempotent, counted once, unique in the database, only as yourself."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.models import Follow, Like


async def _user(client: AsyncClient, user_id: int, headers: dict) -> dict:
    return (await client.get(f"/api/v1/users/{user_id}", headers=headers)).json()


async def test_follow_and_unfollow(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    url = f"/api/v1/users/{alice.id}/following/{bob.id}"
    assert (await client.put(url, headers=alice.headers)).status_code == 204
    assert (await client.put(url, headers=alice.headers)).status_code == 204  # idempotent
    assert (await _user(client, bob.id, alice.headers))["follower_count"] == 1
    assert (await _user(client, alice.id, alice.headers))["following_count"] == 1
    assert (await client.delete(url, headers=alice.headers)).status_code == 204
    assert (await client.delete(url, headers=alice.headers)).status_code == 204
    assert (await _user(client, bob.id, alice.headers))["follower_count"] == 0


async def test_follow_rules(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    # acting as someone else
    r = await client.put(f"/api/v1/users/{bob.id}/following/{alice.id}", headers=alice.headers)
    assert r.status_code == 403
    r = await client.put(f"/api/v1/users/{alice.id}/following/{alice.id}", headers=alice.headers)
    assert r.status_code == 422
    r = await client.put(f"/api/v1/users/{alice.id}/following/424242", headers=alice.headers)
    assert r.status_code == 404
    r = await client.put(f"/api/v1/users/{alice.id}/following/{bob.id}")
    assert r.status_code == 401


async def test_like_and_unlike(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    tweet = (await client.post("/api/v1/tweets", json={"text": "like me"},
                               headers=alice.headers)).json()
    url = f"/api/v1/users/{bob.id}/likes/{tweet['id']}"
    # read it once so the body is cached, then check the count is not stale after liking
    await client.get(f"/api/v1/tweets/{tweet['id']}", headers=bob.headers)
    assert (await client.put(url, headers=bob.headers)).status_code == 204
    assert (await client.put(url, headers=bob.headers)).status_code == 204
    r = await client.get(f"/api/v1/tweets/{tweet['id']}", headers=bob.headers)
    assert r.json()["like_count"] == 1
    assert (await client.put(f"/api/v1/users/{bob.id}/likes/{tweet['id']}",
                             headers=alice.headers)).status_code == 403
    assert (await client.put(f"/api/v1/users/{bob.id}/likes/999999",
                             headers=bob.headers)).status_code == 404
    assert (await client.delete(url, headers=bob.headers)).status_code == 204
    r = await client.get(f"/api/v1/tweets/{tweet['id']}", headers=bob.headers)
    assert r.json()["like_count"] == 0


async def test_database_keeps_follows_and_likes_unique(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    tweet = (await client.post("/api/v1/tweets", json={"text": "x"},
                               headers=alice.headers)).json()
    cases = [
        [insert(Follow).values(follower_id=alice.id, followee_id=bob.id)] * 2,
        [insert(Like).values(user_id=bob.id, tweet_id=tweet["id"])] * 2,
        [insert(Follow).values(follower_id=alice.id, followee_id=alice.id)],
    ]
    for statements in cases:
        async with client.services.sessionmaker() as s:
            with pytest.raises(IntegrityError):
                for stmt in statements:
                    await s.execute(stmt)
