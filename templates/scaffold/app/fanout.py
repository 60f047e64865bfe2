"""Fan-out on write: deliver a new tweet into its author's followers' cached timelines.

Runs in the worker (``python -m app.worker``), or inside the API process for the embedded
default. Followers are read in id order in batches of FANOUT_BATCH_SIZE and each batch is one
pipelined round trip to Redis. Every step is idempotent, so a worker that dies half-way and has
its message redelivered just writes the first batches again.

Authors with more than CELEBRITY_THRESHOLD followers are not fanned out (the tweet row says so
in ``tweets.fanout``); readers merge their tweets in at read time (app/timeline.py), from the
author's cached recent tweets that this worker keeps.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select

from app import metrics
from app.cache import Cache
from app.config import Settings
from app.models import Follow
from app.outbox import TWEET_CREATED
from app.queue import Queue, QueueUnavailable

log = logging.getLogger("app.fanout")


async def follower_batches(services: Any, author_id: int) -> AsyncIterator[list[int]]:
    """The author's followers in id order, FANOUT_BATCH_SIZE at a time (resumable, stable)."""
    settings: Settings = services.settings
    last = 0
    while True:
        async with services.sessionmaker() as session:
            ids = list(
                (
                    await session.execute(
                        select(Follow.follower_id)
                        .where(Follow.followee_id == author_id, Follow.follower_id > last)
                        .order_by(Follow.follower_id)
                        .limit(settings.fanout_batch_size)
                    )
                ).scalars()
            )
        if not ids:
            return
        yield ids
        last = ids[-1]
        if settings.fanout_batch_delay_ms:
            await asyncio.sleep(settings.fanout_batch_delay_ms / 1000)


async def fan_out_tweet(services: Any, event: dict[str, Any]) -> int:
    """Push one tweet to its author's timeline and, unless pulled, every follower's.

    A pulled (celebrity) tweet goes into the author's cached recent tweets instead. The first
    time an author has one, every follower's cached set of followed celebrities is told (once
    per author, like one ordinary fan-out), so readers start merging this author in.
    """
    cache: Cache = services.cache
    tweet_id, author_id, score = int(event["tweet_id"]), int(event["author_id"]), int(event["ms"])
    await cache.timeline_push([author_id], tweet_id, score)
    delivered = 1
    if event.get("fanout", True):
        async for ids in follower_batches(services, author_id):
            await cache.timeline_push(ids, tweet_id, score)
            metrics.FANOUT_INSERTS.inc(len(ids))
            delivered += len(ids)
    else:
        await cache.celebrity_push(author_id, tweet_id, score)
        if not await cache.celebrity_announced(author_id):
            async for ids in follower_batches(services, author_id):
                await cache.followed_celebrities_add(ids, author_id)
            await cache.celebrity_announce(author_id)
    metrics.FANOUT_LAG.observe(max(0.0, time.time() - score / 1000))
    return delivered


async def handle(services: Any, payload: dict[str, Any]) -> None:
    if payload.get("topic") == TWEET_CREATED:
        await fan_out_tweet(services, payload)
    else:
        log.warning("ignoring event with unknown topic %r", payload.get("topic"))


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


async def run_consumer(services: Any, stop: asyncio.Event | None = None) -> None:
    """Consume, handle, acknowledge; forever (or until ``stop`` is set)."""
    queue: Queue = services.queue
    name = consumer_name()
    while stop is None or not stop.is_set():
        try:
            messages = await queue.consume(
                name, count=16, block_ms=services.settings.queue_block_ms
            )
        except QueueUnavailable as exc:
            log.warning("queue unavailable, retrying: %s", exc)
            await asyncio.sleep(1.0)
            continue
        for msg in messages:
            try:
                await handle(services, msg.payload)
                await queue.ack([msg.id])
            except asyncio.CancelledError:
                raise
            except Exception:
                # Not acknowledged: redelivered after CLAIM_IDLE_MS.
                log.exception("fan-out failed for message %s", msg.id)
                await asyncio.sleep(0.5)
