"""The cache: home timelines, celebrities' recent tweets, who follows which celebrity, and
tweet bodies.

Two implementations of one interface: ``RedisCache`` (sorted sets, sets and strings in Redis) and
``MemoryCache`` (the same semantics in process memory, for the embedded default). Callers treat
every cache failure as ``CacheUnavailable`` and fall back to the database.

A cached timeline is a sorted set of tweet ids scored by the tweet's time in milliseconds,
trimmed to TIMELINE_LENGTH. The worker pushes into it unconditionally (ZADD is idempotent, so a
redelivered event cannot duplicate an entry). A timeline only counts as a cache hit once it also
holds the sentinel member, written when it was built from the database: a set that only received
pushes is missing the older tweets, and reading it as complete would hide them.

The pulled half of the hybrid model is cached the same way, so a cache hit reads no database:

- each celebrity's recent pulled tweets: a sorted set shaped like a timeline (same sentinel,
  same trimming), pushed to by the worker and rebuilt from the database when missing;
- each user's set of followed celebrities (authors with pulled tweets), with the same sentinel
  rule: built from the database on a miss, added to when a user follows a celebrity or an author
  posts their first pulled tweet, removed from on unfollow. Adding and building both *union*
  into the set, so a build racing with an addition cannot drop the addition;
- tweet bodies as the exact JSON bytes the API returns, so a page is assembled without decoding.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from app.keys import ID_WIDTH, TIMELINE_SENTINEL, Keys, member, tweet_id_of

Entry = tuple[int, int]  # (score ms, tweet id): sorts newest-first when reversed

_SENTINEL_BYTES = TIMELINE_SENTINEL.encode()

#: The first round trip of a home-timeline read as one script: both keys carry the user's hash
#: tag, so it stays in one Redis Cluster slot. One command instead of a four-command pipeline
#: is most of the client-side cost of a cache hit.
HOME_READ_LUA = """
local celebs = redis.call('SMEMBERS', KEYS[2])
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) then
  return {-1, {}, celebs}
end
local card = redis.call('ZCARD', KEYS[1])
local rows = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], 0, 'WITHSCORES', 'LIMIT', 0,
                        ARGV[2])
return {card, rows, celebs}
"""


class CacheUnavailable(Exception):
    """The cache could not be reached; callers fall back to the database."""


@dataclass
class TimelinePage:
    entries: list[Entry]  # newest first, strictly before the cursor
    size: int  # entries in the cached sorted set (without the sentinel)

    def may_continue_in_db(self, limit: int, length: int) -> bool:
        """Fewer entries than asked, and the cached set was trimmed: older ones exist."""
        return len(self.entries) < limit and self.size >= length


@dataclass
class HomeRead:
    """One round trip: the user's cached timeline page and followed-celebrity set."""

    timeline: TimelinePage | None  # None: not cached (or only pushed to)
    celebrities: list[int] | None  # None: not cached


@dataclass
class CelebrityRead:
    """One round trip: celebrities' cached pages, and tweet bodies asked for alongside."""

    pages: dict[int, TimelinePage | None] = field(default_factory=dict)
    bodies: dict[int, bytes] = field(default_factory=dict)


def before_cursor(entry: Entry, before: Entry | None) -> bool:
    return before is None or entry < before


#: Store a sorted set built from the database, atomically: the entries travel as one string
#: ("score id score id ..."), which costs the client far less than 2 x TIMELINE_LENGTH separate
#: arguments; the script pads ids into members exactly as app.keys.member does.
FILL_LUA = """
local args = {-1, ARGV[1]}
local width = tonumber(ARGV[4])
for score, id in string.gmatch(ARGV[5], '(%d+) (%d+)') do
  args[#args + 1] = score
  args[#args + 1] = string.rep('0', width - #id) .. id
  if #args >= 1000 then
    redis.call('ZADD', KEYS[1], unpack(args))
    args = {}
  end
end
if #args > 0 then
  redis.call('ZADD', KEYS[1], unpack(args))
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[2]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


class _More:
    """A first chunk that did not hold a full page (many equal scores at the cursor)."""


_MORE = _More()


class Cache(ABC):
    def __init__(self, keys: Keys, timeline_length: int, timeline_ttl: int, tweet_ttl: int):
        self.keys = keys
        self.timeline_length = timeline_length
        self.timeline_ttl_ms = timeline_ttl * 1000
        self.tweet_ttl_ms = tweet_ttl * 1000

    @abstractmethod
    async def ping(self) -> None: ...

    # --- home timelines (pushed part) ---------------------------------------------------------
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
    async def home_read(self, user_id: int, before: Entry | None, limit: int) -> HomeRead:
        """The timeline page and the followed-celebrity set, in one round trip."""

    # --- celebrities (pulled part) ------------------------------------------------------------
    @abstractmethod
    async def celebrity_read(
        self, author_ids: list[int], before: Entry | None, limit: int, body_ids: list[int]
    ) -> CelebrityRead:
        """Each celebrity's page (None when not cached) and the cached bodies of ``body_ids``."""

    @abstractmethod
    async def celebrity_push(self, author_id: int, tweet_id: int, score_ms: int) -> None: ...

    @abstractmethod
    async def celebrity_fill(self, author_id: int, entries: list[Entry]) -> None: ...

    @abstractmethod
    async def followed_celebrities_fill(self, user_id: int, author_ids: list[int]) -> None:
        """Store a user's followed-celebrity set built from the database (union, complete)."""

    @abstractmethod
    async def followed_celebrities_add(self, user_ids: list[int], author_id: int) -> None:
        """Add one celebrity to many users' sets (one round trip); creates missing sets, which
        stay incomplete (not a hit) until built from the database."""

    @abstractmethod
    async def followed_celebrities_remove(self, user_id: int, author_id: int) -> None: ...

    @abstractmethod
    async def celebrity_announced(self, author_id: int) -> bool: ...

    @abstractmethod
    async def celebrity_announce(self, author_id: int) -> None: ...

    # --- tweet bodies -------------------------------------------------------------------------
    @abstractmethod
    async def tweets_get(self, tweet_ids: list[int]) -> dict[int, bytes]: ...

    @abstractmethod
    async def tweets_put(self, bodies: dict[int, bytes]) -> None: ...

    @abstractmethod
    async def tweet_drop(self, tweet_id: int) -> None: ...

    async def close(self) -> None:
        return None


def _page_from_rows(
    sentinel: Any, card: int, rows: list[tuple[Any, float]], before: Entry | None, limit: int,
    chunk: int,
) -> TimelinePage | None | _More:
    if sentinel is None:
        return None
    out = []
    for m, score in rows:
        entry = (int(score), tweet_id_of(m))
        if before is None or entry < before:
            out.append(entry)
    if len(out) >= limit or len(rows) < chunk:
        return TimelinePage(out[:limit], max(0, int(card) - 1))
    return _MORE


@dataclass
class _HotPage:
    """A celebrity's newest entries, kept in process memory for a moment (see RedisCache)."""

    entries: list[Entry]  # newest first
    size: int
    expires: float

    def page(self, before: Entry | None, limit: int) -> TimelinePage | None:
        """The page, when this copy is deep enough to answer it exactly."""
        out = [e for e in self.entries if before is None or e < before][:limit]
        if len(out) >= limit or len(self.entries) >= self.size:
            return TimelinePage(out, self.size)
        return None


class RedisCache(Cache):
    """Redis, plus one in-process layer for celebrities' recent tweets.

    Every follower of a celebrity reads the same sorted set: a hot key. Each API process keeps
    what it read of it for ``local_ms`` milliseconds (CELEBRITY_LOCAL_CACHE_MS; 0 turns this
    off), so a new celebrity tweet reaches readers up to that much later than the worker pushes
    it, and a hit on a celebrity's followers costs no Redis call for the pulled part.
    """

    def __init__(self, redis: Any, keys: Keys, local_ms: int = 0, local_depth: int = 100,
                 local_max: int = 10_000, **kw: int):
        super().__init__(keys, **kw)
        self.redis = redis
        self.local_ms = local_ms
        self.local_depth = local_depth
        self.local_max = local_max
        self._local: dict[int, _HotPage] = {}
        self._home_script = redis.register_script(HOME_READ_LUA)
        self._fill_script = redis.register_script(FILL_LUA)

    async def _run(self, coro: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            return await coro
        except (RedisError, OSError) as exc:
            raise CacheUnavailable(str(exc)) from exc

    async def ping(self) -> None:
        await self._run(self.redis.ping())

    @staticmethod
    def _page_commands(pipe: Any, key: str, before: Entry | None, offset: int,
                       chunk: int) -> None:
        pipe.zscore(key, TIMELINE_SENTINEL)
        pipe.zcard(key)
        # min 0 leaves out the sentinel, which is scored -1.
        max_score = "+inf" if before is None else before[0]
        pipe.zrevrangebyscore(key, max_score, 0, start=offset, num=chunk, withscores=True)

    async def _zpage(self, key: str, before: Entry | None, limit: int) -> TimelinePage | None:
        out: list[Entry] = []
        offset, chunk = 0, limit + 16
        while True:
            pipe = self.redis.pipeline(transaction=False)
            self._page_commands(pipe, key, before, offset, chunk)
            sentinel, card, rows = await self._run(pipe.execute())
            if sentinel is None:
                return None
            out += [e for e in ((int(s), tweet_id_of(m)) for m, s in rows)
                    if before_cursor(e, before)]
            if len(out) >= limit or len(rows) < chunk:
                return TimelinePage(out[:limit], max(0, int(card) - 1))
            offset += chunk

    async def _zpush(self, keys: list[str], tweet_id: int, score_ms: int) -> None:
        if not keys:
            return
        m = member(tweet_id)
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.zadd(key, {m: score_ms})
            # Rank 0 is the sentinel (lowest score) when present: keep it and the newest N.
            pipe.zremrangebyrank(key, 1, -(self.timeline_length + 1))
            pipe.pexpire(key, self.timeline_ttl_ms)
        await self._run(pipe.execute())

    async def _zfill(self, key: str, entries: list[Entry]) -> None:
        packed = " ".join(f"{int(score)} {int(tid)}"
                          for score, tid in entries[: self.timeline_length])
        await self._run(self._fill_script(keys=[key], args=[
            TIMELINE_SENTINEL, self.timeline_length, self.timeline_ttl_ms, ID_WIDTH, packed]))

    async def timeline_push(self, user_ids: list[int], tweet_id: int, score_ms: int) -> None:
        await self._zpush([self.keys.timeline(u) for u in user_ids], tweet_id, score_ms)

    async def timeline_page(
        self, user_id: int, before: Entry | None, limit: int
    ) -> TimelinePage | None:
        return await self._zpage(self.keys.timeline(user_id), before, limit)

    async def timeline_fill(self, user_id: int, entries: list[Entry]) -> None:
        await self._zfill(self.keys.timeline(user_id), entries)

    async def timeline_drop(self, user_id: int) -> None:
        await self._run(self.redis.delete(self.keys.timeline(user_id)))

    async def home_read(self, user_id: int, before: Entry | None, limit: int) -> HomeRead:
        key = self.keys.timeline(user_id)
        chunk = limit + 16
        max_score = "+inf" if before is None else before[0]
        card, flat, celebs = await self._run(self._home_script(
            keys=[key, self.keys.followed_celebrities(user_id)],
            args=[max_score, chunk, TIMELINE_SENTINEL]))
        if card < 0:
            return HomeRead(None, _members(celebs))
        rows = [(flat[i], float(flat[i + 1])) for i in range(0, len(flat), 2)]
        page = _page_from_rows(True, card, rows, before, limit, chunk)
        if page is _MORE:
            page = await self._zpage(key, before, limit)
        return HomeRead(page, _members(celebs))  # type: ignore[arg-type]

    async def celebrity_read(
        self, author_ids: list[int], before: Entry | None, limit: int, body_ids: list[int]
    ) -> CelebrityRead:
        out = CelebrityRead()
        local = self.local_ms > 0
        now = time.monotonic()
        fetch: list[int] = []  # not held locally (or expired): read from Redis
        deep: list[int] = []  # held, but the page lies beyond the local copy: read just the page
        for a in author_ids:
            hot = self._local.get(a) if local else None
            if hot is None or hot.expires <= now:
                fetch.append(a)
            elif (page := hot.page(before, limit)) is None:
                deep.append(a)
            else:
                out.pages[a] = page
        if fetch or body_ids:
            # With the local copy on, read the newest entries deep enough that later pages and
            # other page sizes are answered from the copy too; without it, just this page.
            chunk = (max(limit, self.local_depth) if local else limit) + 16
            pipe = self.redis.pipeline(transaction=False)
            for a in fetch:
                self._page_commands(pipe, self.keys.celebrity_tweets(a),
                                    None if local else before, 0, chunk)
            if body_ids:
                pipe.mget([self.keys.tweet(t) for t in body_ids])
            res = await self._run(pipe.execute())
            for i, a in enumerate(fetch):
                sentinel, card, rows = res[3 * i: 3 * i + 3]
                if local and sentinel is not None:
                    hot = _HotPage([(int(sc), tweet_id_of(m)) for m, sc in rows],
                                   max(0, int(card) - 1), now + self.local_ms / 1000)
                    if len(self._local) >= self.local_max:
                        self._local.clear()
                    self._local[a] = hot
                    page = hot.page(before, limit)
                else:
                    page = _page_from_rows(sentinel, card, rows, before, limit, chunk)
                if (page is None and sentinel is not None) or page is _MORE:
                    deep.append(a)
                else:
                    out.pages[a] = page  # type: ignore[assignment]
            if body_ids:
                out.bodies = {t: v for t, v in zip(body_ids, res[-1], strict=True)
                              if v is not None}
        for a in deep:
            out.pages[a] = await self._zpage(self.keys.celebrity_tweets(a), before, limit)
        return out

    async def celebrity_push(self, author_id: int, tweet_id: int, score_ms: int) -> None:
        await self._zpush([self.keys.celebrity_tweets(author_id)], tweet_id, score_ms)

    async def celebrity_fill(self, author_id: int, entries: list[Entry]) -> None:
        await self._zfill(self.keys.celebrity_tweets(author_id), entries)

    async def followed_celebrities_fill(self, user_id: int, author_ids: list[int]) -> None:
        key = self.keys.followed_celebrities(user_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(key, TIMELINE_SENTINEL, *[str(int(a)) for a in author_ids])
        pipe.pexpire(key, self.timeline_ttl_ms)
        await self._run(pipe.execute())

    async def followed_celebrities_add(self, user_ids: list[int], author_id: int) -> None:
        if not user_ids:
            return
        pipe = self.redis.pipeline(transaction=False)
        for uid in user_ids:
            key = self.keys.followed_celebrities(uid)
            pipe.sadd(key, str(int(author_id)))
            pipe.pexpire(key, self.timeline_ttl_ms)
        await self._run(pipe.execute())

    async def followed_celebrities_remove(self, user_id: int, author_id: int) -> None:
        await self._run(self.redis.srem(self.keys.followed_celebrities(user_id),
                                        str(int(author_id))))

    async def celebrity_announced(self, author_id: int) -> bool:
        return bool(await self._run(self.redis.exists(self.keys.celebrity_announced(author_id))))

    async def celebrity_announce(self, author_id: int) -> None:
        await self._run(self.redis.set(self.keys.celebrity_announced(author_id), b"1"))

    async def tweets_get(self, tweet_ids: list[int]) -> dict[int, bytes]:
        if not tweet_ids:
            return {}
        raw = await self._run(self.redis.mget([self.keys.tweet(t) for t in tweet_ids]))
        return {t: v for t, v in zip(tweet_ids, raw, strict=True) if v is not None}

    async def tweets_put(self, bodies: dict[int, bytes]) -> None:
        if not bodies:
            return
        pipe = self.redis.pipeline(transaction=False)
        for tid, body in bodies.items():
            pipe.set(self.keys.tweet(tid), body, px=self.tweet_ttl_ms)
        await self._run(pipe.execute())

    async def tweet_drop(self, tweet_id: int) -> None:
        await self._run(self.redis.delete(self.keys.tweet(tweet_id)))


def _members(raw: Any) -> list[int] | None:
    """A followed-celebrity set as ids; None unless it holds the sentinel (complete)."""
    if not raw:
        return None
    out, complete = [], False
    for m in raw:
        if m in (_SENTINEL_BYTES, TIMELINE_SENTINEL):
            complete = True
        else:
            out.append(int(m))
    return sorted(out) if complete else None


class MemoryCache(Cache):
    """In-process cache with the same behaviour (sorted sets as dicts, expiry on read)."""

    def __init__(self, keys: Keys, **kw: int):
        super().__init__(keys, **kw)
        self._zsets: dict[str, dict[str, float]] = {}
        self._sets: dict[str, set[str]] = {}
        self._strings: dict[str, bytes] = {}
        self._expiry: dict[str, float] = {}

    def _alive(self, key: str) -> bool:
        exp = self._expiry.get(key)
        if exp is not None and exp <= time.monotonic():
            self._forget(key)
            return False
        return key in self._zsets or key in self._strings or key in self._sets

    def _forget(self, key: str) -> None:
        self._zsets.pop(key, None)
        self._sets.pop(key, None)
        self._strings.pop(key, None)
        self._expiry.pop(key, None)

    def _expire(self, key: str, ms: int) -> None:
        self._expiry[key] = time.monotonic() + ms / 1000

    def _trim(self, key: str) -> None:
        # Like ZREMRANGEBYRANK key 1 -(N+1): keep rank 0 (the sentinel when present) and the
        # newest N.
        z = self._zsets[key]
        extra = len(z) - 1 - self.timeline_length
        if extra > 0:
            ranked = sorted(z.items(), key=lambda kv: (kv[1], kv[0]))
            for m, _ in ranked[1: 1 + extra]:
                del z[m]

    def _zpush(self, key: str, tweet_id: int, score_ms: int) -> None:
        self._alive(key)
        self._zsets.setdefault(key, {})[member(tweet_id)] = score_ms
        self._trim(key)
        self._expire(key, self.timeline_ttl_ms)

    def _zfill(self, key: str, entries: list[Entry]) -> None:
        self._alive(key)
        z = self._zsets.setdefault(key, {})
        z[TIMELINE_SENTINEL] = -1
        for score, tid in entries[: self.timeline_length]:
            z[member(tid)] = score
        self._trim(key)
        self._expire(key, self.timeline_ttl_ms)

    def _zpage(self, key: str, before: Entry | None, limit: int) -> TimelinePage | None:
        if not self._alive(key) or TIMELINE_SENTINEL not in self._zsets.get(key, {}):
            return None
        z = self._zsets[key]
        entries = sorted(
            ((int(s), tweet_id_of(m)) for m, s in z.items() if m != TIMELINE_SENTINEL),
            reverse=True,
        )
        out = [e for e in entries if before_cursor(e, before)][:limit]
        return TimelinePage(out, len(z) - 1)

    def _set(self, key: str) -> set[str]:
        self._alive(key)
        return self._sets.setdefault(key, set())

    async def ping(self) -> None:
        return None

    async def timeline_push(self, user_ids: list[int], tweet_id: int, score_ms: int) -> None:
        for uid in user_ids:
            self._zpush(self.keys.timeline(uid), tweet_id, score_ms)

    async def timeline_page(
        self, user_id: int, before: Entry | None, limit: int
    ) -> TimelinePage | None:
        return self._zpage(self.keys.timeline(user_id), before, limit)

    async def timeline_fill(self, user_id: int, entries: list[Entry]) -> None:
        self._zfill(self.keys.timeline(user_id), entries)

    async def timeline_drop(self, user_id: int) -> None:
        self._forget(self.keys.timeline(user_id))

    async def home_read(self, user_id: int, before: Entry | None, limit: int) -> HomeRead:
        key = self.keys.followed_celebrities(user_id)
        celebs = self._sets.get(key) if self._alive(key) else None
        return HomeRead(self._zpage(self.keys.timeline(user_id), before, limit),
                        _members(celebs))

    async def celebrity_read(
        self, author_ids: list[int], before: Entry | None, limit: int, body_ids: list[int]
    ) -> CelebrityRead:
        return CelebrityRead(
            {a: self._zpage(self.keys.celebrity_tweets(a), before, limit) for a in author_ids},
            await self.tweets_get(body_ids),
        )

    async def celebrity_push(self, author_id: int, tweet_id: int, score_ms: int) -> None:
        self._zpush(self.keys.celebrity_tweets(author_id), tweet_id, score_ms)

    async def celebrity_fill(self, author_id: int, entries: list[Entry]) -> None:
        self._zfill(self.keys.celebrity_tweets(author_id), entries)

    async def followed_celebrities_fill(self, user_id: int, author_ids: list[int]) -> None:
        key = self.keys.followed_celebrities(user_id)
        self._set(key).update([TIMELINE_SENTINEL, *(str(int(a)) for a in author_ids)])
        self._expire(key, self.timeline_ttl_ms)

    async def followed_celebrities_add(self, user_ids: list[int], author_id: int) -> None:
        for uid in user_ids:
            key = self.keys.followed_celebrities(uid)
            self._set(key).add(str(int(author_id)))
            self._expire(key, self.timeline_ttl_ms)

    async def followed_celebrities_remove(self, user_id: int, author_id: int) -> None:
        key = self.keys.followed_celebrities(user_id)
        if self._alive(key):
            self._sets.get(key, set()).discard(str(int(author_id)))

    async def celebrity_announced(self, author_id: int) -> bool:
        return self._alive(self.keys.celebrity_announced(author_id))

    async def celebrity_announce(self, author_id: int) -> None:
        self._strings[self.keys.celebrity_announced(author_id)] = b"1"

    async def tweets_get(self, tweet_ids: list[int]) -> dict[int, bytes]:
        out = {}
        for t in tweet_ids:
            key = self.keys.tweet(t)
            if self._alive(key):
                out[t] = self._strings[key]
        return out

    async def tweets_put(self, bodies: dict[int, bytes]) -> None:
        for tid, body in bodies.items():
            key = self.keys.tweet(tid)
            self._strings[key] = body
            self._expire(key, self.tweet_ttl_ms)

    async def tweet_drop(self, tweet_id: int) -> None:
        self._forget(self.keys.tweet(tweet_id))
