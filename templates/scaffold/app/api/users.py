"""Users, follows and likes. The acting user is always the token's user."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import get_services, get_session, require_self, user_limited
from app.cache import CacheUnavailable
from app.models import Follow, Like, Tweet, User
from app.schemas import UserOut
from app.services import Services
from app.timeline import has_pulled_tweets

router = APIRouter(prefix="/api/v1", tags=["users"])


def _user_out(user: User) -> UserOut:
    return UserOut(id=user.id, username=user.username, follower_count=user.follower_count,
                   following_count=user.following_count)


@router.get("/me", response_model=UserOut)
async def me_(
    me: int = Depends(user_limited("read")), session: AsyncSession = Depends(get_session)
) -> UserOut:
    user = await session.get(User, me)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "user no longer exists")
    return _user_out(user)


@router.get("/users", response_model=UserOut)
async def find_user(
    username: str = Query(min_length=1, max_length=30),
    _: int = Depends(user_limited("read")),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    user = (await session.execute(select(User).where(User.username == username))).scalar()
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    return _user_out(user)


@router.get("/users/{user_id}", response_model=UserOut)
async def get_user(
    user_id: int,
    _: int = Depends(user_limited("read")),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    user = await session.get(User, user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    return _user_out(user)


async def _forget_timeline(services: Services, user_id: int) -> None:
    # The followee set changed: rebuild the cached timeline from the database on next read.
    with contextlib.suppress(CacheUnavailable):
        await services.cache.timeline_drop(user_id)


@router.put("/users/{user_id}/following/{target_id}", status_code=status.HTTP_204_NO_CONTENT)
async def follow(
    user_id: int,
    target_id: int,
    me: int = Depends(user_limited("write")),
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> Response:
    require_self(user_id, me)
    if target_id == me:
        raise HTTPException(422, "you cannot follow yourself")
    if await session.get(User, target_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    try:
        if await session.get(Follow, (me, target_id)) is None:
            session.add(Follow(follower_id=me, followee_id=target_id))
            await session.flush()
            await session.execute(update(User).where(User.id == target_id)
                                  .values(follower_count=User.follower_count + 1))
            await session.execute(update(User).where(User.id == me)
                                  .values(following_count=User.following_count + 1))
        await session.commit()
    except IntegrityError:
        await session.rollback()  # a concurrent request created it: following either way
    await _forget_timeline(services, me)
    # A celebrity (an author with pulled tweets) joins the follower's cached set. Added, not
    # rebuilt: a read rebuilding the set from before this follow unions with it, so the
    # addition cannot be lost.
    if (await session.execute(select(has_pulled_tweets(target_id)))).scalar():
        with contextlib.suppress(CacheUnavailable):
            await services.cache.followed_celebrities_add([me], target_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/users/{user_id}/following/{target_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unfollow(
    user_id: int,
    target_id: int,
    me: int = Depends(user_limited("write")),
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> Response:
    require_self(user_id, me)
    result = await session.execute(
        delete(Follow).where(Follow.follower_id == me, Follow.followee_id == target_id)
    )
    if result.rowcount:
        await session.execute(update(User).where(User.id == target_id)
                              .values(follower_count=User.follower_count - 1))
        await session.execute(update(User).where(User.id == me)
                              .values(following_count=User.following_count - 1))
    await session.commit()
    await _forget_timeline(services, me)
    with contextlib.suppress(CacheUnavailable):
        await services.cache.followed_celebrities_remove(me, target_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _forget_tweet(services: Services, tweet_id: int) -> None:
    with contextlib.suppress(CacheUnavailable):
        await services.cache.tweet_drop(tweet_id)


@router.put("/users/{user_id}/likes/{tweet_id}", status_code=status.HTTP_204_NO_CONTENT)
async def like(
    user_id: int,
    tweet_id: int,
    me: int = Depends(user_limited("write")),
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> Response:
    require_self(user_id, me)
    if await session.get(Tweet, tweet_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such tweet")
    try:
        if await session.get(Like, (me, tweet_id)) is None:
            session.add(Like(user_id=me, tweet_id=tweet_id))
            await session.flush()
            await session.execute(update(Tweet).where(Tweet.id == tweet_id)
                                  .values(like_count=Tweet.like_count + 1))
        await session.commit()
    except IntegrityError:
        await session.rollback()  # liked concurrently: liked either way
    await _forget_tweet(services, tweet_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/users/{user_id}/likes/{tweet_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unlike(
    user_id: int,
    tweet_id: int,
    me: int = Depends(user_limited("write")),
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> Response:
    require_self(user_id, me)
    result = await session.execute(
        delete(Like).where(Like.user_id == me, Like.tweet_id == tweet_id)
    )
    if result.rowcount:
        await session.execute(update(Tweet).where(Tweet.id == tweet_id)
                              .values(like_count=Tweet.like_count - 1))
    await session.commit()
    await _forget_tweet(services, tweet_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
