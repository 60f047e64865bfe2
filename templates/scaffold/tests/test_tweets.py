from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.exc import DBAPIError

from app.models import Tweet


async def test_post_and_read_a_tweet(client: AsyncClient, register) -> None:
    alice = await register("alice")
    r = await client.post("/api/v1/tweets", json={"text": "hello"}, headers=alice.headers)
    assert r.status_code == 201, r.text
    tweet = r.json()
    assert tweet["author"] == "alice" and tweet["author_id"] == alice.id
    r = await client.get(f"/api/v1/tweets/{tweet['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json()["text"] == "hello"
    assert (await client.get("/api/v1/tweets/999999", headers=alice.headers)).status_code == 404


async def test_280_characters_is_the_limit(client: AsyncClient, register) -> None:
    alice = await register("alice")
    ok = await client.post("/api/v1/tweets", json={"text": "é" * 280}, headers=alice.headers)
    assert ok.status_code == 201
    too_long = await client.post("/api/v1/tweets", json={"text": "a" * 281},
                                 headers=alice.headers)
    assert too_long.status_code == 422
    blank = await client.post("/api/v1/tweets", json={"text": "   "}, headers=alice.headers)
    assert blank.status_code == 422


async def test_database_enforces_the_280_character_check(client: AsyncClient, register) -> None:
    alice = await register("alice")
    async with client.services.sessionmaker() as s:
        s.add(Tweet(author_id=alice.id, text="a" * 281, fanout=True))
        # IntegrityError from the check constraint (SQLite), DataError from VARCHAR(280)
        # (PostgreSQL): both are DBAPIErrors, and both keep the row out.
        with pytest.raises(DBAPIError):
            await s.commit()


async def test_cannot_post_as_someone_else(client: AsyncClient, register) -> None:
    alice = await register("alice")
    bob = await register("bob")
    r = await client.post("/api/v1/tweets", json={"text": "hi", "author_id": bob.id},
                          headers=alice.headers)
    assert r.status_code == 422
    assert (await client.post("/api/v1/tweets", json={"text": "hi"})).status_code == 401


async def test_user_tweets_are_paginated_newest_first(client: AsyncClient, register) -> None:
    alice = await register("alice")
    ids = []
    for i in range(7):
        r = await client.post("/api/v1/tweets", json={"text": f"t{i}"}, headers=alice.headers)
        ids.append(r.json()["id"])
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        r = await client.get(f"/api/v1/users/{alice.id}/tweets", params=params,
                             headers=alice.headers)
        assert r.status_code == 200
        page = r.json()
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))
    r = await client.get(f"/api/v1/users/{alice.id}/tweets", params={"cursor": "nonsense"},
                         headers=alice.headers)
    assert r.status_code == 422
    r = await client.get(f"/api/v1/users/{alice.id}/tweets", params={"limit": 1000},
                         headers=alice.headers)
    assert r.status_code == 422
