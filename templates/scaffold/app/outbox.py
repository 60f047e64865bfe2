"""Transactional outbox relay: publish events that were committed with their tweet.

Posting a tweet inserts the tweet row and an outbox row in one transaction, so either both exist
or neither does. The relay then publishes unpublished rows to the queue and marks them. If the
queue is down, rows wait; the relay retries every OUTBOX_POLL_SECONDS. A crash between publishing
and marking publishes an event twice, which the idempotent consumer absorbs.

On PostgreSQL, several relays (API replicas, workers) share the work: each locks its batch with
FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import metrics
from app.models import OutboxEvent, utcnow_ms
from app.queue import Queue, QueueUnavailable

log = logging.getLogger("app.outbox")

TWEET_CREATED = "tweet_created"


def add_event(session: AsyncSession, topic: str, payload: dict[str, Any]) -> None:
    """Stage an event in the caller's transaction."""
    session.add(OutboxEvent(topic=topic, payload=json.dumps(payload)))


async def relay_once(
    sessionmaker: async_sessionmaker[AsyncSession], queue: Queue, batch: int = 200
) -> int:
    """Publish up to ``batch`` unpublished events; returns how many were published."""
    async with sessionmaker() as session, session.begin():
        rows = (
            await session.execute(
                select(OutboxEvent)
                .where(OutboxEvent.published_at.is_(None))
                .order_by(OutboxEvent.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        ).scalars().all()
        now = utcnow_ms()
        for row in rows:
            payload = json.loads(row.payload)
            payload["topic"] = row.topic
            payload["event_id"] = row.id
            await queue.publish(payload)
            row.published_at = now
    if rows:
        metrics.OUTBOX_PUBLISHED.inc(len(rows))
    return len(rows)


async def purge_published(sessionmaker: async_sessionmaker[AsyncSession],
                          older_than_seconds: float) -> int:
    """Delete events published more than ``older_than_seconds`` ago (the table stays small)."""
    cutoff = utcnow_ms() - timedelta(seconds=older_than_seconds)
    async with sessionmaker() as session, session.begin():
        result = await session.execute(
            delete(OutboxEvent).where(OutboxEvent.published_at.is_not(None),
                                      OutboxEvent.published_at < cutoff)
        )
    return int(result.rowcount or 0)


class OutboxRelay:
    """Background task: publishes right after each post (``notify``) and polls for leftovers."""

    #: Published events are kept this long (for inspection), then purged, at most once a minute.
    RETENTION_SECONDS = 3600.0
    PURGE_EVERY_SECONDS = 60.0

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], queue: Queue,
                 poll_seconds: float):
        self.sessionmaker = sessionmaker
        self.queue = queue
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._last_purge = time.monotonic()

    def notify(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        while stop is None or not stop.is_set():
            self._wake.clear()
            try:
                while await relay_once(self.sessionmaker, self.queue) > 0:
                    pass
                if time.monotonic() - self._last_purge > self.PURGE_EVERY_SECONDS:
                    self._last_purge = time.monotonic()
                    await purge_published(self.sessionmaker, self.RETENTION_SECONDS)
            except QueueUnavailable as exc:
                log.warning("queue unavailable, events stay in the outbox: %s", exc)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep relaying whatever one batch did
                log.exception("outbox relay failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
