"""The event queue: publish / consume / acknowledge.

``RedisStreamQueue`` uses a Redis stream with a consumer group: each event goes to one worker of
the group, stays in the group's pending list until the worker acknowledges it, and a worker that
finds a message pending for longer than CLAIM_IDLE_MS (its consumer crashed mid-way) claims it
and processes it again. Delivery is therefore at-least-once, and the consumer is idempotent
(ZADD of the same member twice leaves one entry).

``MemoryQueue`` gives the same contract inside one process, for the embedded default.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from app.keys import Keys


class QueueUnavailable(Exception):
    """The queue could not be reached."""


@dataclass
class Message:
    id: str
    payload: dict[str, Any]


class Queue(ABC):
    @abstractmethod
    async def publish(self, payload: dict[str, Any]) -> str: ...

    @abstractmethod
    async def consume(self, consumer: str, count: int, block_ms: int) -> list[Message]:
        """New messages, or messages another consumer took and left unacknowledged too long."""

    @abstractmethod
    async def ack(self, message_ids: list[str]) -> None: ...

    @abstractmethod
    async def ping(self) -> None: ...

    async def close(self) -> None:
        return None


class RedisStreamQueue(Queue):
    def __init__(self, redis: Any, keys: Keys, claim_idle_ms: int, max_length: int):
        self.redis = redis
        self.stream = keys.stream()
        self.group = keys.consumer_group()
        self.claim_idle_ms = claim_idle_ms
        self.max_length = max_length
        self._group_ready = False

    async def _call(self, coro: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            return await coro
        except (RedisError, OSError) as exc:
            raise QueueUnavailable(str(exc)) from exc

    async def ensure_group(self) -> None:
        from redis.exceptions import ResponseError

        try:
            # From id 0: events published before the group existed are still delivered.
            await self._call(self.redis.xgroup_create(self.stream, self.group, id="0",
                                                      mkstream=True))
        except QueueUnavailable as exc:
            if not isinstance(exc.__cause__, ResponseError) or "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def publish(self, payload: dict[str, Any]) -> str:
        msg_id = await self._call(
            self.redis.xadd(
                self.stream,
                {"payload": json.dumps(payload)},
                maxlen=self.max_length,
                approximate=True,
            )
        )
        return msg_id.decode() if isinstance(msg_id, bytes) else str(msg_id)

    @staticmethod
    def _decode(rows: list[Any]) -> list[Message]:
        out = []
        for msg_id, fields in rows:
            if not fields:  # deleted (trimmed) while pending
                continue
            mid = msg_id.decode() if isinstance(msg_id, bytes) else str(msg_id)
            raw = fields.get(b"payload", fields.get("payload"))
            out.append(Message(mid, json.loads(raw)))
        return out

    async def consume(self, consumer: str, count: int, block_ms: int) -> list[Message]:
        from redis.exceptions import ResponseError

        if not self._group_ready:
            await self.ensure_group()
        try:
            claimed = await self._call(
                self.redis.xautoclaim(
                    self.stream, self.group, consumer, self.claim_idle_ms, "0-0", count=count
                )
            )
            messages = self._decode(claimed[1])
            if messages:
                return messages
            rows = await self._call(
                self.redis.xreadgroup(
                    self.group, consumer, {self.stream: ">"}, count=count, block=block_ms
                )
            )
        except QueueUnavailable as exc:
            if isinstance(exc.__cause__, ResponseError) and "NOGROUP" in str(exc):
                self._group_ready = False  # Redis lost the stream (restarted without data)
                return []
            raise
        return self._decode(rows[0][1]) if rows else []

    async def ack(self, message_ids: list[str]) -> None:
        if message_ids:
            await self._call(self.redis.xack(self.stream, self.group, *message_ids))

    async def ping(self) -> None:
        await self._call(self.redis.ping())

    async def pending_count(self) -> int:
        info = await self._call(self.redis.xpending(self.stream, self.group))
        return int(info["pending"])


class MemoryQueue(Queue):
    def __init__(self, claim_idle_ms: int):
        self.claim_idle_ms = claim_idle_ms
        self._ids = itertools.count(1)
        self._ready: list[Message] = []
        self._pending: dict[str, tuple[Message, float]] = {}
        self._cond = asyncio.Condition()

    async def publish(self, payload: dict[str, Any]) -> str:
        msg = Message(str(next(self._ids)), payload)
        async with self._cond:
            self._ready.append(msg)
            self._cond.notify_all()
        return msg.id

    async def consume(self, consumer: str, count: int, block_ms: int) -> list[Message]:
        now = time.monotonic()
        stale = [m for m, t in self._pending.values() if (now - t) * 1000 >= self.claim_idle_ms]
        if stale:
            batch = stale[:count]
        else:
            async with self._cond:
                if not self._ready:
                    try:
                        await asyncio.wait_for(self._cond.wait(), block_ms / 1000)
                    except TimeoutError:
                        return []
                batch, self._ready = self._ready[:count], self._ready[count:]
        for m in batch:
            self._pending[m.id] = (m, time.monotonic())
        return batch

    async def ack(self, message_ids: list[str]) -> None:
        for mid in message_ids:
            self._pending.pop(mid, None)

    async def ping(self) -> None:
        return None

    def idle(self) -> bool:
        return not self._ready and not self._pending

    async def pending_count(self) -> int:
        return len(self._pending) + len(self._ready)
