"""Home timelines: cache first, hybrid push/pull, database fallback.

Read path for GET /api/v1/timeline:

1. The pushed part: the user's cached timeline (sorted set filled by the fan-out worker). On a
   miss (not cached, or only partially pushed to) it is rebuilt from the database and stored;
   if Redis is down it comes from the database for this request.
2. The pulled part: recent tweets of followed authors that were not fanned out because they had
   more than CELEBRITY_THRESHOLD followers when posting (``tweets.fanout`` is false). Keying
   this on the tweet, not on the author's current follower count, means an author crossing the
   threshold in either direction loses no tweet: each tweet is in exactly one of the two parts.
3. Both parts are merged newest-first, deduplicated and cut to the page; the cursor is the last
   item's (time in ms, id), which orders tweets the same way in Redis and in SQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app import metrics
from app.cache import CacheUnavailable, Entry, before_cursor
from app.models import Follow, Tweet, User, to_ms


class BadCursor(ValueError):
    pass


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


def merge(parts: list[list[Entry]], limit: int) -> list[Entry]:
    by_id: dict[int, Entry] = {}
    for part in parts:
        for entry in part:
            by_id[entry[1]] = entry
    return sorted(by_id.values(), reverse=True)[:limit]


async def pushed_entries(
    services: Any, session: AsyncSession, user_id: int, before: Entry | None, limit: int
) -> list[Entry]:
    cache = services.cache
    length = services.settings.timeline_length
    try:
        page = await cache.timeline_page(user_id, before, limit)
    except CacheUnavailable:
        metrics.CACHE_REQUESTS.labels("timeline", "error").inc()
        return await db_pushed_entries(session, user_id, before, limit)
    if page is not None:
        metrics.CACHE_REQUESTS.labels("timeline", "hit").inc()
        if page.may_continue_in_db(limit, length):  # paging past what the cache keeps
            return await db_pushed_entries(session, user_id, before, limit)
        return page.entries
    metrics.CACHE_REQUESTS.labels("timeline", "miss").inc()
    top = await db_pushed_entries(session, user_id, None, length)
    try:
        await cache.timeline_fill(user_id, top)
    except CacheUnavailable:
        metrics.CACHE_REQUESTS.labels("timeline", "error").inc()
    page_entries = [e for e in top if before_cursor(e, before)][:limit]
    if len(page_entries) < limit and len(top) >= length:
        return await db_pushed_entries(session, user_id, before, limit)
    return page_entries


def tweet_dict(tweet: Tweet, author: str) -> dict[str, Any]:
    return {
        "id": tweet.id,
        "author_id": tweet.author_id,
        "author": author,
        "text": tweet.text,
        "created_at": ms_to_datetime(to_ms(tweet.created_at)).isoformat(),
        "like_count": tweet.like_count,
    }


async def load_tweets(services: Any, session: AsyncSession, ids: list[int]) -> list[dict[str, Any]]:
    """Tweet bodies in the order of ``ids``: cache first, the rest from the database."""
    found: dict[int, dict[str, Any]] = {}
    cache_ok = True
    if ids:
        try:
            found = await services.cache.tweets_get(ids)
            metrics.CACHE_REQUESTS.labels("tweet", "hit").inc(len(found))
            metrics.CACHE_REQUESTS.labels("tweet", "miss").inc(len(ids) - len(found))
        except CacheUnavailable:
            cache_ok = False
            metrics.CACHE_REQUESTS.labels("tweet", "error").inc()
    missing = [i for i in ids if i not in found]
    if missing:
        rows = (
            await session.execute(
                select(Tweet, User.username)
                .join(User, User.id == Tweet.author_id)
                .where(Tweet.id.in_(missing))
            )
        ).all()
        fresh = [tweet_dict(t, name) for t, name in rows]
        found.update({t["id"]: t for t in fresh})
        if cache_ok:
            try:
                await services.cache.tweets_put(fresh)
            except CacheUnavailable:
                metrics.CACHE_REQUESTS.labels("tweet", "error").inc()
    return [found[i] for i in ids if i in found]


def _page(entries: list[Entry], limit: int) -> str | None:
    return make_cursor(entries[-1]) if len(entries) == limit and entries else None


async def home_timeline(
    services: Any, session: AsyncSession, user_id: int, before: Entry | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    pushed = await pushed_entries(services, session, user_id, before, limit)
    pulled = await db_pulled_entries(session, user_id, before, limit)
    entries = merge([pushed, pulled], limit)
    items = await load_tweets(services, session, [tid for _, tid in entries])
    return items, _page(entries, limit)


async def user_tweets(
    services: Any, session: AsyncSession, author_id: int, before: Entry | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    query = select(Tweet.created_at, Tweet.id).where(
        Tweet.author_id == author_id, _older_than(before)
    )
    entries = await _entries(session, _newest_first(query, limit))
    items = await load_tweets(services, session, [tid for _, tid in entries])
    return items, _page(entries, limit)
