"""The long-lived objects a process needs, built from Settings in one place."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.cache import Cache, MemoryCache, RedisCache
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.keys import Keys
from app.queue import MemoryQueue, Queue, RedisStreamQueue
from app.ratelimit import MemoryRateLimiter, RedisRateLimiter
from app.security import password_hasher


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    keys: Keys
    cache: Cache
    queue: Queue
    limiter: MemoryRateLimiter | RedisRateLimiter
    hasher: PasswordHasher
    redis: Any = None
    relay: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        engine = make_engine(settings)
        keys = Keys(settings.key_prefix)
        ttl = {
            "timeline_length": settings.timeline_length,
            "timeline_ttl": settings.timeline_ttl_seconds,
            "tweet_ttl": settings.tweet_cache_ttl_seconds,
        }
        redis = None
        if settings.redis_url:
            from redis.asyncio import Redis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            redis = Redis.from_url(
                settings.redis_url,
                socket_connect_timeout=settings.redis_socket_timeout,
                socket_timeout=settings.redis_socket_timeout,
                # Fail fast when Redis is down: callers fall back to the database.
                retry=Retry(NoBackoff(), 0),
            )
            cache: Cache = RedisCache(redis, keys, local_ms=settings.celebrity_local_cache_ms,
                                      local_depth=settings.max_page_size, **ttl)
            limiter: MemoryRateLimiter | RedisRateLimiter = RedisRateLimiter(redis, keys)
        else:
            cache = MemoryCache(keys, **ttl)
            limiter = MemoryRateLimiter(keys)
        if settings.queue_kind == "redis":
            if redis is None:
                raise ValueError("QUEUE_BACKEND=redis needs REDIS_URL")
            queue: Queue = RedisStreamQueue(
                redis, keys, settings.claim_idle_ms, settings.queue_max_length
            )
        else:
            queue = MemoryQueue(settings.claim_idle_ms)
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=make_sessionmaker(engine),
            keys=keys,
            cache=cache,
            queue=queue,
            limiter=limiter,
            hasher=password_hasher(settings),
            redis=redis,
        )

    async def close(self) -> None:
        await self.queue.close()
        await self.cache.close()
        if self.redis is not None:
            with contextlib.suppress(TimeoutError, OSError):
                await asyncio.wait_for(self.redis.aclose(), 5)
        await asyncio.wait_for(self.engine.dispose(), 10)
