"""A tweet and its event are written together; the relay publishes what the queue missed."""

from __future__ import annotations

import contextlib

from httpx import AsyncClient
from sqlalchemy import func, select

from app.models import OutboxEvent, Tweet
from app.outbox import relay_once
from app.queue import QueueUnavailable


class DownQueue:
    """A queue that is down (stands in for an unreachable broker)."""

    async def publish(self, payload):
        raise QueueUnavailable("down")


async def test_tweet_and_event_commit_together(client: AsyncClient, register) -> None:
    alice = await register("alice")
    r = await client.post("/api/v1/tweets", json={"text": "hi"}, headers=alice.headers)
    tid = r.json()["id"]
    async with client.services.sessionmaker() as s:
        events = (await s.execute(select(OutboxEvent))).scalars().all()
        assert len(events) == 1 and f'"tweet_id": {tid}' in events[0].payload


async def test_events_wait_in_the_outbox_while_the_queue_is_down(client: AsyncClient,
                                                                 register) -> None:
    alice = await register("alice")
    services = client.services
    # Stage a tweet + event as the endpoint does, with the relay unable to publish.
    from app.models import to_ms
    from app.outbox import TWEET_CREATED, add_event

    async with services.sessionmaker() as s, s.begin():
        tweet = Tweet(author_id=alice.id, text="queued", fanout=True)
        s.add(tweet)
        await s.flush()
        add_event(s, TWEET_CREATED, {"tweet_id": tweet.id, "author_id": alice.id,
                                     "ms": to_ms(tweet.created_at), "fanout": True})
    sm = services.sessionmaker
    with contextlib.suppress(QueueUnavailable):
        await relay_once(sm, DownQueue())
    async with sm() as s:
        assert (await s.execute(select(func.count()).select_from(Tweet))).scalar() == 1
    # the real relay gets it out when it runs
    from tests.conftest import eventually

    async def published() -> bool:
        async with sm() as s:
            left = (await s.execute(select(func.count()).select_from(OutboxEvent)
                                    .where(OutboxEvent.published_at.is_(None)))).scalar()
        return left == 0

    await eventually(published)


async def test_published_events_are_purged_after_retention(client: AsyncClient,
                                                           register) -> None:
    from app.outbox import purge_published
    from tests.conftest import eventually

    alice = await register("alice")
    await client.post("/api/v1/tweets", json={"text": "hi"}, headers=alice.headers)
    sm = client.services.sessionmaker

    async def published() -> bool:
        async with sm() as s:
            return (await s.execute(select(func.count()).select_from(OutboxEvent)
                                    .where(OutboxEvent.published_at.is_not(None)))).scalar() == 1

    await eventually(published)
    assert await purge_published(sm, 3600) == 0  # too recent
    assert await purge_published(sm, -1) == 1
