"""The queue contract, on the in-process queue and (with REDIS_URL) on Redis Streams."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from app.keys import Keys
from app.queue import MemoryQueue, RedisStreamQueue
from tests.conftest import REDIS_URL


@pytest.fixture(params=["memory", "redis"])
async def queue(request):
    if request.param == "memory":
        yield MemoryQueue(claim_idle_ms=200)
        return
    if not REDIS_URL:
        pytest.skip("REDIS_URL not set")
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    keys = Keys(f"test-{uuid.uuid4().hex[:12]}")
    yield RedisStreamQueue(redis, keys, claim_idle_ms=200, max_length=1000)
    await redis.delete(keys.stream())
    await redis.aclose()


async def test_publish_consume_ack(queue) -> None:
    await queue.publish({"n": 1})
    await queue.publish({"n": 2})
    got = await queue.consume("c1", count=10, block_ms=500)
    assert [m.payload["n"] for m in got] == [1, 2]
    await queue.ack([m.id for m in got])
    assert await queue.consume("c1", count=10, block_ms=100) == []


async def test_unacknowledged_messages_are_redelivered(queue) -> None:
    await queue.publish({"n": 1})
    first = await queue.consume("crashed", count=10, block_ms=500)
    assert len(first) == 1  # taken, never acknowledged: the consumer "crashed"
    assert await queue.consume("other", count=10, block_ms=50) == []  # not idle long enough
    await asyncio.sleep(0.3)
    again = await queue.consume("other", count=10, block_ms=500)
    assert [m.payload for m in again] == [{"n": 1}]
    await queue.ack([m.id for m in again])
    await asyncio.sleep(0.3)
    assert await queue.consume("other", count=10, block_ms=50) == []
