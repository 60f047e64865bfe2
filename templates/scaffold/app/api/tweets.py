"""Post and read tweets; home timeline; a user's tweets."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import get_services, get_session, require_self, user_limited
from app.cache import CacheUnavailable
from app.models import Tweet, User, to_ms
from app.outbox import TWEET_CREATED, add_event
from app.schemas import Page, TweetIn, TweetOut
from app.services import Services
from app.spec_routes import SPEC_ROUTES
from app.timeline import (
    BadCursor,
    LazySession,
    home_timeline_json,
    load_tweets,
    parse_cursor,
    tweet_json,
    user_tweets,
)

JSON = "application/json"

router = APIRouter(prefix="/api/v1", tags=["tweets"])
# The spec's own endpoint paths (app/spec_routes.py), mounted as given.
spec_router = APIRouter(tags=["spec"])


def _limit(services: Services, limit: int | None) -> int:
    n = limit or services.settings.page_size
    if not 1 <= n <= services.settings.max_page_size:
        raise HTTPException(
            422,
            f"limit must be between 1 and {services.settings.max_page_size}",
        )
    return n


def _cursor(cursor: str | None):  # type: ignore[no-untyped-def]
    try:
        return parse_cursor(cursor)
    except BadCursor as exc:
        raise HTTPException(422, str(exc)) from exc


async def _home_page(services: Services, me: int, cursor: str | None,
                     limit: int | None) -> Response:
    """The home timeline page as JSON bytes. No session up front: a cache hit needs none."""
    before, n = _cursor(cursor), _limit(services, limit)
    async with LazySession(services.sessionmaker) as db:
        body = await home_timeline_json(services, db, me, before, n)
    return Response(body, media_type=JSON)


@router.post("/tweets", status_code=status.HTTP_201_CREATED, response_model=TweetOut)
async def post_tweet(
    body: TweetIn,
    me: int = Depends(user_limited("write")),
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> Response:
    async with session.begin():
        author = await session.get(User, me)
        if author is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "user no longer exists")
        # Hybrid fan-out: decided once, when posting, and recorded on the tweet.
        fanout = author.follower_count <= services.settings.celebrity_threshold
        tweet = Tweet(author_id=me, text=body.text, fanout=fanout)
        session.add(tweet)
        await session.flush()
        # Same transaction as the tweet: the event cannot be lost (see app/outbox.py).
        add_event(session, TWEET_CREATED, {
            "tweet_id": tweet.id, "author_id": me, "ms": to_ms(tweet.created_at),
            "fanout": fanout,
        })
        username = author.username
    if services.relay is not None:
        services.relay.notify()
    body = tweet_json(tweet, username)
    # Warm the body for the followers' first reads; best effort (a miss reads the database).
    with contextlib.suppress(CacheUnavailable):
        await services.cache.tweets_put({tweet.id: body})
    return Response(body, status_code=status.HTTP_201_CREATED, media_type=JSON)


@router.get("/tweets/{tweet_id}", response_model=TweetOut)
async def get_tweet(
    tweet_id: int,
    _: int = Depends(user_limited("read")),
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> dict:
    items = await load_tweets(services, session, [tweet_id])
    if not items:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such tweet")
    return items[0]


@router.get("/timeline", response_model=Page)
async def my_timeline(
    request: Request,
    cursor: str | None = Query(default=None, max_length=64),
    limit: int | None = Query(default=None),
    me: int = Depends(user_limited("read")),
) -> Response:
    return await _home_page(request.app.state.services, me, cursor, limit)


@router.get("/users/{user_id}/timeline", response_model=Page)
async def user_home_timeline(
    request: Request,
    user_id: int,
    cursor: str | None = Query(default=None, max_length=64),
    limit: int | None = Query(default=None),
    me: int = Depends(user_limited("read")),
) -> Response:
    require_self(user_id, me)
    return await _home_page(request.app.state.services, me, cursor, limit)


@router.get("/users/{user_id}/tweets", response_model=Page)
async def list_user_tweets(
    user_id: int,
    cursor: str | None = Query(default=None, max_length=64),
    limit: int | None = Query(default=None),
    _: int = Depends(user_limited("read")),
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> Page:
    if await session.get(User, user_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    items, next_cursor = await user_tweets(
        services, session, user_id, _cursor(cursor), _limit(services, limit)
    )
    return Page(items=items, next_cursor=next_cursor)



async def _spec_timeline(
    request: Request,
    cursor: str | None = Query(default=None, max_length=64),
    limit: int | None = Query(default=None),
    me: int = Depends(user_limited("read")),
) -> Response:
    for value in request.path_params.values():  # at most one: the user whose timeline it is
        try:
            require_self(int(value), me)
        except ValueError as exc:
            raise HTTPException(422, "the user id in the path must be a number") from exc
    return await _home_page(request.app.state.services, me, cursor, limit)


for _route in SPEC_ROUTES:
    if _route["handler"] == "post_tweet":
        spec_router.add_api_route(str(_route["path"]), post_tweet,
                             methods=["POST"], status_code=201, response_model=TweetOut,
                             name=f"spec:{_route['action']}")
    elif _route["handler"] == "home_timeline":
        spec_router.add_api_route(str(_route["path"]), _spec_timeline,
                             methods=["GET"], response_model=Page,
                             name=f"spec:{_route['action']}")
