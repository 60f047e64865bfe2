"""Home timelines: cache first, hybrid push/pull, database fallback.

Read path for GET /api/v1/timeline. A full cache hit is two Redis round trips (and one more for
followed celebrities whose recent tweets this process has not read in the last
CELEBRITY_LOCAL_CACHE_MS), and opens no database session:

1. One round trip (a script over the user's two keys) reads the cached timeline page (the
   pushed part, filled by the fan-out worker) and the user's cached set of followed celebrities.
2. The pulled part: recent tweets of followed authors that were not fanned out because they had
   more than CELEBRITY_THRESHOLD followers when posting (``tweets.fanout`` is false). Keying
   this on the tweet, not on the author's current follower count, means an author crossing the
   threshold in either direction loses no tweet: each tweet is in exactly one of the two parts.
   Each followed celebrity's recent tweets come from its cached sorted set (one pipelined round
   trip for all of them), or from this process's short-lived copy of it.
3. Both parts are merged newest-first, deduplicated and cut to the page; the cursor is the last
   item's (time in ms, id), which orders tweets the same way in Redis and in SQL.
4. The page's bodies come in one MGET, cached as the exact JSON the API returns; the page is
   assembled from those bytes without decoding them.

Every cached piece that is missing (expired, never built, only pushed to) is rebuilt from the
database and stored; if Redis is unreachable the request is answered from the database.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app import metrics
from app.cache import CacheUnavailable, Entry, before_cursor
from app.models import Follow, Tweet, User, to_ms
from app.schemas import TweetOut

#: Returns the request's database session, opening it on first use.
Db = Callable[[], Awaitable[AsyncSession]]


class BadCursor(ValueError):
    pass


class LazySession:
    """The request's database session, opened on first use: a full cache hit opens none."""

    def __init__(self, sessionmaker: Any) -> None:
        self._sessionmaker = sessionmaker
        self._session: AsyncSession | None = None

    async def __call__(self) -> AsyncSession:
        if self._session is None:
            self._session = self._sessionmaker()
        return self._session

    @property
    def opened(self) -> bool:
        return self._session is not None

    async def __aenter__(self) -> LazySession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()


def given(session: AsyncSession) -> Db:
    """A ``Db`` for a session the caller already holds."""

    async def get() -> AsyncSession:
        return session

    return get


def _count(cache: str, result: str, n: int = 1) -> None:
    if n:
        metrics.CACHE_REQUESTS.labels(cache, result).inc(n)


def parse_cursor(cursor: str | None) -> Entry | None:
    if not cursor:
        return None
    try:
        ms, tid = cursor.split("_", 1)
        entry = (int(ms), int(tid))
    except ValueError as exc:
        raise BadCursor("cursor must be the next_cursor value of a previous page") from exc
    if entry[0] < 0 or entry[1] < 0:
        raise BadCursor("cursor must be the next_cursor value of a previous page")
    return entry


def make_cursor(entry: Entry) -> str:
    return f"{entry[0]}_{entry[1]}"


def ms_to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


# --- the database side ---------------------------------------------------------------------------

def _older_than(before: Entry | None) -> Any:
    if before is None:
        return true()
    ts = ms_to_datetime(before[0])
    return or_(Tweet.created_at < ts, and_(Tweet.created_at == ts, Tweet.id < before[1]))


def _newest_first(query: Any, limit: int) -> Any:
    return query.order_by(Tweet.created_at.desc(), Tweet.id.desc()).limit(limit)


async def _entries(session: AsyncSession, query: Any) -> list[Entry]:
    rows = (await session.execute(query)).all()
    return [(to_ms(created), int(tid)) for created, tid in rows]


async def db_pushed_entries(
    session: AsyncSession, user_id: int, before: Entry | None, limit: int
) -> list[Entry]:
    """What the cached timeline holds, from the database: own tweets and fanned-out followees'."""
    followees = select(Follow.followee_id).where(Follow.follower_id == user_id)
    query = select(Tweet.created_at, Tweet.id).where(
        or_(Tweet.author_id == user_id,
            and_(Tweet.author_id.in_(followees), Tweet.fanout.is_(True))),
        _older_than(before),
    )
    return await _entries(session, _newest_first(query, limit))


async def db_pulled_entries(
    session: AsyncSession, user_id: int, before: Entry | None, limit: int
) -> list[Entry]:
    """Followed authors' tweets that were not fanned out (celebrities): merged at read time."""
    query = (
        select(Tweet.created_at, Tweet.id)
        .join(Follow, Follow.followee_id == Tweet.author_id)
        .where(Follow.follower_id == user_id, Tweet.fanout.is_(False), _older_than(before))
    )
    return await _entries(session, _newest_first(query, limit))


async def db_celebrity_entries(
    session: AsyncSession, author_id: int, before: Entry | None, limit: int
) -> list[Entry]:
    """One celebrity's pulled tweets (what its cached sorted set holds)."""
    query = select(Tweet.created_at, Tweet.id).where(
        Tweet.author_id == author_id, Tweet.fanout.is_(False), _older_than(before)
    )
    return await _entries(session, _newest_first(query, limit))


def has_pulled_tweets(author: Any) -> Any:
    """EXISTS: the author (an id or a column) has a tweet that was not fanned out."""
    return exists().where(Tweet.author_id == author, Tweet.fanout.is_(False))


async def db_followed_celebrities(session: AsyncSession, user_id: int) -> list[int]:
    """The followees with at least one pulled tweet: whose tweets the reader merges in."""
    query = (
        select(Follow.followee_id)
        .where(Follow.follower_id == user_id, has_pulled_tweets(Follow.followee_id))
        .order_by(Follow.followee_id)
    )
    return [int(x) for x in (await session.execute(query)).scalars()]


# --- merging and the read path -------------------------------------------------------------------

def merge(parts: list[list[Entry]], limit: int) -> list[Entry]:
    by_id: dict[int, Entry] = {}
    for part in parts:
        for entry in part:
            by_id[entry[1]] = entry
    return sorted(by_id.values(), reverse=True)[:limit]


async def _rebuilt_timeline(
    services: Any, db: Db, user_id: int, before: Entry | None, limit: int
) -> list[Entry]:
    """Cache miss: the pushed part from the database, stored as the cached timeline."""
    length = services.settings.timeline_length
    session = await db()
    top = await db_pushed_entries(session, user_id, None, length)
    try:
        await services.cache.timeline_fill(user_id, top)
    except CacheUnavailable:
        _count("timeline", "error")
    page_entries = [e for e in top if before_cursor(e, before)][:limit]
    if len(page_entries) < limit and len(top) >= length:
        return await db_pushed_entries(session, user_id, before, limit)
    return page_entries


async def _rebuilt_celebrity(
    services: Any, db: Db, author_id: int, before: Entry | None, limit: int
) -> list[Entry]:
    length = services.settings.timeline_length
    session = await db()
    top = await db_celebrity_entries(session, author_id, None, length)
    try:
        await services.cache.celebrity_fill(author_id, top)
    except CacheUnavailable:
        _count("celebrity", "error")
    part = [e for e in top if before_cursor(e, before)][:limit]
    if len(part) < limit and len(top) >= length:
        return await db_celebrity_entries(session, author_id, before, limit)
    return part


async def home_entries(
    services: Any, db: Db, user_id: int, before: Entry | None, limit: int
) -> tuple[list[Entry], dict[int, bytes], bool]:
    """The page's entries, the bodies already read with them, and whether the cache answered."""
    cache = services.cache
    length = services.settings.timeline_length
    try:
        read = await cache.home_read(user_id, before, limit)
    except CacheUnavailable:
        _count("timeline", "error")
        session = await db()
        pushed = await db_pushed_entries(session, user_id, before, limit)
        pulled = await db_pulled_entries(session, user_id, before, limit)
        return merge([pushed, pulled], limit), {}, False

    if read.timeline is None:
        _count("timeline", "miss")
        pushed = await _rebuilt_timeline(services, db, user_id, before, limit)
    else:
        _count("timeline", "hit")
        pushed = read.timeline.entries
        if read.timeline.may_continue_in_db(limit, length):  # paging past what the cache keeps
            pushed = await db_pushed_entries(await db(), user_id, before, limit)

    celebrities = read.celebrities
    if celebrities is None:
        _count("celebrities", "miss")
        celebrities = await db_followed_celebrities(await db(), user_id)
        try:
            await cache.followed_celebrities_fill(user_id, celebrities)
        except CacheUnavailable:
            _count("celebrities", "error")
    else:
        _count("celebrities", "hit")
    if not celebrities:
        return pushed, {}, True

    try:
        pulled = await cache.celebrity_read(celebrities, before, limit, [])
    except CacheUnavailable:
        _count("celebrity", "error")
        session = await db()
        return merge([pushed, await db_pulled_entries(session, user_id, before, limit)],
                     limit), {}, False
    parts = [pushed]
    for author_id in celebrities:
        page = pulled.pages.get(author_id)
        if page is None:
            _count("celebrity", "miss")
            parts.append(await _rebuilt_celebrity(services, db, author_id, before, limit))
        elif page.may_continue_in_db(limit, length):
            _count("celebrity", "hit")
            parts.append(await db_celebrity_entries(await db(), author_id, before, limit))
        else:
            _count("celebrity", "hit")
            parts.append(page.entries)
    return merge(parts, limit), pulled.bodies, True


# --- tweet bodies --------------------------------------------------------------------------------

def tweet_dict(tweet: Tweet, author: str) -> dict[str, Any]:
    return {
        "id": tweet.id,
        "author_id": tweet.author_id,
        "author": author,
        "text": tweet.text,
        "created_at": ms_to_datetime(to_ms(tweet.created_at)).isoformat(),
        "like_count": tweet.like_count,
    }


def tweet_json(tweet: Tweet, author: str) -> bytes:
    """A tweet exactly as the API serialises it (TweetOut), the form the cache keeps."""
    return TweetOut.model_validate(tweet_dict(tweet, author)).model_dump_json().encode()


async def load_bodies(
    services: Any, db: Db, ids: list[int], known: dict[int, bytes] | None = None,
    cache_ok: bool = True,
) -> list[bytes]:
    """Tweet bodies (JSON bytes) in the order of ``ids``: those already read, then the cache,
    then the database (and the cache is warmed with what the database gave)."""
    found = {i: known[i] for i in ids if known and i in known}
    missing = [i for i in ids if i not in found]
    if missing and cache_ok:
        try:
            found.update(await services.cache.tweets_get(missing))
        except CacheUnavailable:
            cache_ok = False
            _count("tweet", "error")
        missing = [i for i in ids if i not in found]
    _count("tweet", "hit", len(ids) - len(missing))
    _count("tweet", "miss", len(missing))
    if missing:
        rows = (
            await (await db()).execute(
                select(Tweet, User.username)
                .join(User, User.id == Tweet.author_id)
                .where(Tweet.id.in_(missing))
            )
        ).all()
        fresh = {t.id: tweet_json(t, name) for t, name in rows}
        found.update(fresh)
        if cache_ok and fresh:
            try:
                await services.cache.tweets_put(fresh)
            except CacheUnavailable:
                _count("tweet", "error")
    return [found[i] for i in ids if i in found]


async def load_tweets(services: Any, session: AsyncSession, ids: list[int]) -> list[dict[str, Any]]:
    """Tweet bodies as dicts in the order of ``ids``: cache first, the rest from the database."""
    return [json.loads(b) for b in await load_bodies(services, given(session), ids)]


def _next_cursor(entries: list[Entry], limit: int) -> str | None:
    return make_cursor(entries[-1]) if len(entries) == limit and entries else None


def page_json(bodies: list[bytes], next_cursor: str | None) -> bytes:
    """The Page response ({"items": [...], "next_cursor": ...}) assembled from cached bytes."""
    cursor = b"null" if next_cursor is None else b'"' + next_cursor.encode() + b'"'
    return b'{"items":[' + b",".join(bodies) + b'],"next_cursor":' + cursor + b"}"


async def home_timeline_json(
    services: Any, db: Db, user_id: int, before: Entry | None, limit: int
) -> bytes:
    entries, known, cache_ok = await home_entries(services, db, user_id, before, limit)
    bodies = await load_bodies(services, db, [tid for _, tid in entries], known, cache_ok)
    return page_json(bodies, _next_cursor(entries, limit))


async def user_tweets(
    services: Any, session: AsyncSession, author_id: int, before: Entry | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    query = select(Tweet.created_at, Tweet.id).where(
        Tweet.author_id == author_id, _older_than(before)
    )
    entries = await _entries(session, _newest_first(query, limit))
    items = await load_tweets(services, session, [tid for _, tid in entries])
    return items, _next_cursor(entries, limit)
