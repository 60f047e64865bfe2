"""The cache: cached home timelines and tweet bodies.

Two implementations of one interface: ``RedisCache`` (sorted sets and strings in Redis) and
``MemoryCache`` (the same semantics in process memory, for the embedded default). Callers treat
every cache failure as ``CacheUnavailable`` and fall back to the database.

A cached timeline is a sorted set of tweet ids scored by the tweet's time in milliseconds,
trimmed to TIMELINE_LENGTH. The worker pushes into it unconditionally (ZADD is idempotent, so a
redelivered event cannot duplicate an entry). A timeline only counts as a cache hit once it also
holds the sentinel member, written when it was built from the database: a set that only received
pushes is missing the older tweets, and reading it as complete would hide them.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from app.keys import TIMELINE_SENTINEL, Keys, member, tweet_id_of

Entry = tuple[int, int]  # (score ms, tweet id): sorts newest-first when reversed


class CacheUnavailable(Exception):
    """The cache could not be reached; callers fall back to the database."""


@dataclass
class TimelinePage:
    entries: list[Entry]  # newest first, strictly before the cursor
    size: int  # entries in the cached timeline (without the sentinel)

    def may_continue_in_db(self, limit: int, timeline_length: int) -> bool:
        """Fewer entries than asked, and the cached timeline was trimmed: older ones exist."""
        return len(self.entries) < limit and self.size >= timeline_length


def before_cursor(entry: Entry, before: Entry | None) -> bool:
    return before is None or entry < before


class Cache(ABC):
    def __init__(self, keys: Keys, timeline_length: int, timeline_ttl: int, tweet_ttl: int):
        self.keys = keys
        self.timeline_length = timeline_length
        self.timeline_ttl_ms = timeline_ttl * 1000
        self.tweet_ttl_ms = tweet_ttl * 1000

    @abstractmethod
    async def ping(self) -> None: ...

    @abstractmethod
    async def timeline_push(self, user_ids: list[int], tweet_id: int, score_ms: int) -> None:
        """Add one tweet to many users' timelines (one round trip), trimming each."""

    @abstractmethod
    async def timeline_page(
        self, user_id: int, before: Entry | None, limit: int
    ) -> TimelinePage | None:
        """Up to ``limit`` entries older than ``before``; None when the timeline is not cached."""

    @abstractmethod
    async def timeline_fill(self, user_id: int, entries: list[Entry]) -> None:
        """Store a timeline built from the database (merging with entries pushed meanwhile)."""

    @abstractmethod
    async def timeline_drop(self, user_id: int) -> None: ...

    @abstractmethod
    async def tweets_get(self, tweet_ids: list[int]) -> dict[int, dict[str, Any]]: ...

    @abstractmethod
    async def tweets_put(self, tweets: list[dict[str, Any]]) -> None: ...

    @abstractmethod
    async def tweet_drop(self, tweet_id: int) -> None: ...

    async def close(self) -> None:
        return None


class RedisCache(Cache):
    def __init__(self, redis: Any, keys: Keys, **kw: int):
        super().__init__(keys, **kw)
        self.redis = redis

    async def _run(self, coro: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            return await coro
        except (RedisError, OSError) as exc:
            raise CacheUnavailable(str(exc)) from exc

    async def ping(self) -> None:
        await self._run(self.redis.ping())

    async def timeline_push(self, user_ids: list[int], tweet_id: int, score_ms: int) -> None:
        if not user_ids:
            return
        m = member(tweet_id)
        pipe = self.redis.pipeline(transaction=False)
        for uid in user_ids:
            key = self.keys.timeline(uid)
            pipe.zadd(key, {m: score_ms})
            # Rank 0 is the sentinel (lowest score) when present: keep it and the newest N.
            pipe.zremrangebyrank(key, 1, -(self.timeline_length + 1))
            pipe.pexpire(key, self.timeline_ttl_ms)
        await self._run(pipe.execute())

    async def timeline_page(
        self, user_id: int, before: Entry | None, limit: int
    ) -> TimelinePage | None:
        key = self.keys.timeline(user_id)
        max_score = "+inf" if before is None else before[0]
        out: list[Entry] = []
        offset, chunk = 0, limit + 16
        size = 0
        while True:
            pipe = self.redis.pipeline(transaction=False)
            pipe.zscore(key, TIMELINE_SENTINEL)
            pipe.zcard(key)
            # min 0 leaves out the sentinel, which is scored -1.
            pipe.zrevrangebyscore(key, max_score, 0, start=offset, num=chunk, withscores=True)
            sentinel, card, rows = await self._run(pipe.execute())
            if sentinel is None:
                return None
            size = max(0, int(card) - 1)
            for m, score in rows:
                entry = (int(score), tweet_id_of(m))
                if before_cursor(entry, before):
                    out.append(entry)
            if len(out) >= limit or len(rows) < chunk:
                return TimelinePage(out[:limit], size)
            offset += chunk

    async def timeline_fill(self, user_id: int, entries: list[Entry]) -> None:
        key = self.keys.timeline(user_id)
        mapping: dict[str, float] = {TIMELINE_SENTINEL: -1}
        for score, tid in entries[: self.timeline_length]:
            mapping[member(tid)] = score
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(key, mapping)
        pipe.zremrangebyrank(key, 1, -(self.timeline_length + 1))
        pipe.pexpire(key, self.timeline_ttl_ms)
        await self._run(pipe.execute())

    async def timeline_drop(self, user_id: int) -> None:
        await self._run(self.redis.delete(self.keys.timeline(user_id)))

    async def tweets_get(self, tweet_ids: list[int]) -> dict[int, dict[str, Any]]:
        if not tweet_ids:
            return {}
        raw = await self._run(self.redis.mget([self.keys.tweet(t) for t in tweet_ids]))
        return {t: json.loads(v) for t, v in zip(tweet_ids, raw, strict=True) if v is not None}

    async def tweets_put(self, tweets: list[dict[str, Any]]) -> None:
        if not tweets:
            return
        pipe = self.redis.pipeline(transaction=False)
        for t in tweets:
            pipe.set(self.keys.tweet(t["id"]), json.dumps(t), px=self.tweet_ttl_ms)
        await self._run(pipe.execute())

    async def tweet_drop(self, tweet_id: int) -> None:
        await self._run(self.redis.delete(self.keys.tweet(tweet_id)))


class MemoryCache(Cache):
    """In-process cache with the same behaviour (sorted sets as dicts, expiry on read)."""

    def __init__(self, keys: Keys, **kw: int):
        super().__init__(keys, **kw)
        self._zsets: dict[str, dict[str, float]] = {}
        self._strings: dict[str, str] = {}
        self._expiry: dict[str, float] = {}

    def _alive(self, key: str) -> bool:
        exp = self._expiry.get(key)
        if exp is not None and exp <= time.monotonic():
            self._zsets.pop(key, None)
            self._strings.pop(key, None)
            self._expiry.pop(key, None)
            return False
        return key in self._zsets or key in self._strings

    def _expire(self, key: str, ms: int) -> None:
        self._expiry[key] = time.monotonic() + ms / 1000

    def _trim(self, key: str) -> None:
        z = self._zsets[key]
        extra = len(z) - 1 - self.timeline_length
        if extra > 0:
            ranked = sorted(z.items(), key=lambda kv: (kv[1], kv[0]))
            for m, _ in ranked[1 : 1 + extra]:
                del z[m]

    async def ping(self) -> None:
        return None

    async def timeline_push(self, user_ids: list[int], tweet_id: int, score_ms: int) -> None:
        m = member(tweet_id)
        for uid in user_ids:
            key = self.keys.timeline(uid)
            self._alive(key)
            self._zsets.setdefault(key, {})[m] = score_ms
            self._trim(key)
            self._expire(key, self.timeline_ttl_ms)

    async def timeline_page(
        self, user_id: int, before: Entry | None, limit: int
    ) -> TimelinePage | None:
        key = self.keys.timeline(user_id)
        if not self._alive(key) or TIMELINE_SENTINEL not in self._zsets.get(key, {}):
            return None
        z = self._zsets[key]
        entries = sorted(
            ((int(s), tweet_id_of(m)) for m, s in z.items() if m != TIMELINE_SENTINEL),
            reverse=True,
        )
        out = [e for e in entries if before_cursor(e, before)][:limit]
        return TimelinePage(out, len(z) - 1)

    async def timeline_fill(self, user_id: int, entries: list[Entry]) -> None:
        key = self.keys.timeline(user_id)
        self._alive(key)
        z = self._zsets.setdefault(key, {})
        z[TIMELINE_SENTINEL] = -1
        for score, tid in entries[: self.timeline_length]:
            z[member(tid)] = score
        self._trim(key)
        self._expire(key, self.timeline_ttl_ms)

    async def timeline_drop(self, user_id: int) -> None:
        key = self.keys.timeline(user_id)
        self._zsets.pop(key, None)
        self._expiry.pop(key, None)

    async def tweets_get(self, tweet_ids: list[int]) -> dict[int, dict[str, Any]]:
        out = {}
        for t in tweet_ids:
            key = self.keys.tweet(t)
            if self._alive(key):
                out[t] = json.loads(self._strings[key])
        return out

    async def tweets_put(self, tweets: list[dict[str, Any]]) -> None:
        for t in tweets:
            key = self.keys.tweet(t["id"])
            self._strings[key] = json.dumps(t)
            self._expire(key, self.tweet_ttl_ms)

    async def tweet_drop(self, tweet_id: int) -> None:
        key = self.keys.tweet(tweet_id)
        self._strings.pop(key, None)
        self._expiry.pop(key, None)
